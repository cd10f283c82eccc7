"""examples say whether a text tells that the sender's phone is watched

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: every existing example keeps its meaning (not a watched phone)."""
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discreet', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_column('discreet')
