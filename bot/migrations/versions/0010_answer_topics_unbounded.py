"""an answered MessageSid keeps its topics and named lines without a length limit

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:00:00

A text may name many topics and lines; their keys joined by commas could outgrow 200 characters and
make a whole batch of counts fail. On PostgreSQL varchar to text rewrites nothing; every row stays.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: answered_message.topics becomes text."""
    with op.batch_alter_table('answered_message') as batch:
        batch.alter_column('topics', type_=sa.Text(), existing_type=sa.String(200), existing_nullable=False)


def downgrade() -> None:
    """Downgrade schema: back to 200 characters (longer topics are cut)."""
    op.execute(sa.text("UPDATE answered_message SET topics = substr(topics, 1, 200)"))
    with op.batch_alter_table('answered_message') as batch:
        batch.alter_column('topics', type_=sa.String(200), existing_type=sa.Text(), existing_nullable=False)
