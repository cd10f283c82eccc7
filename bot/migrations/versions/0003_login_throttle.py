"""Sign-in throttling per client address and per email (login_failure); sessions that end at
sign-out (staff.session_token), replacing the per-account failure count.

Revision ID: 0003
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(op.f("ix_login_failure_last_failed_at"), "login_failure", ["last_failed_at"], unique=False)
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
        batch.drop_column("failed_logins")
        batch.drop_column("last_failed_at")


def downgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_column("session_token")
    op.drop_index(op.f("ix_login_failure_last_failed_at"), table_name="login_failure")
    op.drop_table("login_failure")
