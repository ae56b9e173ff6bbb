"""staff accounts: sign-in bookkeeping on staff_users and the staff_sessions table

Revision ID: 0002_accounts
Revises: 0001
Create Date: 2026-11-25 11:00:00

staff_users already had password_hash, disabled_at, failed_logins and locked_until (0001);
this adds when the password last changed and when the person last signed in, and the
sessions of signed-in browsers (only a SHA-256 of each session token is stored).
"""

from alembic import op
import sqlalchemy as sa


revision = "0002_accounts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the sign-in columns and the sessions table."""
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_login_at", sa.DateTime(), nullable=True))

    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("remote_ip", sa.String(length=64), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_sessions_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_sessions_token_hash")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_staff_sessions_expires_at", ["expires_at"], unique=False)
        batch_op.create_index("ix_staff_sessions_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    """Drop the sessions table and the sign-in columns."""
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_sessions_user_id")
        batch_op.drop_index("ix_staff_sessions_expires_at")
    op.drop_table("staff_sessions")
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("password_changed_at")
