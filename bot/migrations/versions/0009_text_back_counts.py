"""texts of the numbers during a call counted per caller and day and per hour (text_back_count)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: a new table, every other row stays."""
    op.create_table(
        'text_back_count',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('window', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', 'window'),
    )
    op.create_index(op.f('ix_text_back_count_created_at'), 'text_back_count', ['created_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_text_back_count_created_at'), table_name='text_back_count')
    op.drop_table('text_back_count')
