"""examples the classifier learns from; short SMS names of resources; one topic's segment budget

Revision ID: 0002
Revises: 0001
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('example',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('language', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic_segments', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('table_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safety', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_column('short')
    with op.batch_alter_table('table_state', schema=None) as batch_op:
        batch_op.drop_column('safety')
    with op.batch_alter_table('language', schema=None) as batch_op:
        batch_op.drop_column('topic_segments')
    op.drop_table('example')
