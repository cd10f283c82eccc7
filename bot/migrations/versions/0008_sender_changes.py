"""sender state read by what changed: indexes on when senders changed and on reply windows

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 15:00:00

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: indexes only, every row stays."""
    op.create_index('ix_sender_updated_at', 'sender', ['updated_at'])
    op.create_index('ix_simulated_sender_updated_at', 'simulated_sender', ['updated_at'])
    op.create_index('ix_rate_window_window', 'rate_window', ['window'])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_rate_window_window', 'rate_window')
    op.drop_index('ix_simulated_sender_updated_at', 'simulated_sender')
    op.drop_index('ix_sender_updated_at', 'sender')
