"""Foundation: tenants, pairings, accounts, sessions, tokens, audit log; RLS and grants.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations import rls

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _enum(*values: str, name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length, create_constraint=False)


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column(
            "kind",
            _enum("sending", "receiving", "liaison", name="orgkind", length=16),
            nullable=False,
        ),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column(
            "status", _enum("active", "suspended", name="orgstatus", length=16), nullable=False
        ),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("pairing_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "(kind = 'liaison' AND parent_id IS NOT NULL AND pairing_id IS NOT NULL)"
            " OR (kind <> 'liaison' AND parent_id IS NULL AND pairing_id IS NULL)",
            name=op.f("ck_organizations_liaison_links"),
        ),
        sa.CheckConstraint(
            "kind IN ('sending', 'receiving', 'liaison')", name=op.f("ck_organizations_kind")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'suspended')", name=op.f("ck_organizations_status")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organizations.id"],
            name=op.f("fk_organizations_parent_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("name", name=op.f("uq_organizations_name")),
    )
    op.create_index("ix_organizations_parent_id", "organizations", ["parent_id"])
    op.create_index("ix_organizations_pairing_id", "organizations", ["pairing_id"])

    op.create_table(
        "pairings",
        sa.Column("sending_org_id", sa.Uuid(), nullable=False),
        sa.Column("receiving_org_id", sa.Uuid(), nullable=False),
        sa.Column("agreement_year", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("agreement_year BETWEEN 2000 AND 2100", name=op.f("ck_pairings_year")),
        sa.CheckConstraint(
            "sending_org_id <> receiving_org_id", name=op.f("ck_pairings_distinct_sides")
        ),
        sa.ForeignKeyConstraint(
            ["receiving_org_id"],
            ["organizations.id"],
            name=op.f("fk_pairings_receiving_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["sending_org_id"],
            ["organizations.id"],
            name=op.f("fk_pairings_sending_org_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairings")),
        sa.UniqueConstraint(
            "sending_org_id",
            "receiving_org_id",
            name=op.f("uq_pairings_sending_org_id_receiving_org_id"),
        ),
    )
    op.create_index("ix_pairings_receiving_org_id", "pairings", ["receiving_org_id"])
    # organizations ⇄ pairings reference each other; this key comes second.
    with op.batch_alter_table("organizations") as batch:
        batch.create_foreign_key(
            op.f("fk_organizations_pairing_id_pairings"), "pairings", ["pairing_id"], ["id"]
        )

    op.create_table(
        "pairing_targets",
        sa.Column("pairing_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "metric",
            _enum(
                "laborers_transferred",
                "poverty_laborers_transferred",
                "people_trained",
                "fairs_held",
                "positions_offered",
                name="pairingmetric",
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("target >= 0", name=op.f("ck_pairing_targets_non_negative")),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_pairing_targets_pairing_id_pairings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_targets")),
        sa.UniqueConstraint(
            "pairing_id", "year", "metric", name=op.f("uq_pairing_targets_pairing_id_year_metric")
        ),
    )

    op.create_table(
        "users",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("disabled_at", TS, nullable=True),
        sa.Column("oidc_issuer", sa.String(255), nullable=True),
        sa.Column("oidc_subject", sa.String(255), nullable=True),
        sa.Column("last_sign_in_at", TS, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint(
            "oidc_issuer", "oidc_subject", name=op.f("uq_users_oidc_issuer_oidc_subject")
        ),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )

    op.create_table(
        "memberships",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role", _enum("admin", "staff", "viewer", name="role", length=16), nullable=False
        ),
        sa.Column("can_reveal_pii", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'staff', 'viewer')", name=op.f("ck_memberships_role")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_memberships_tenant_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("tenant_id", "user_id", name=op.f("uq_memberships_tenant_id_user_id")),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])

    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("selected_tenant_id", sa.Uuid(), nullable=True),
        sa.Column("csrf_secret", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("end_reason", sa.String(32), nullable=True),
        sa.Column("ip_address", sa.String(45), nullable=True),
        sa.Column("user_agent", sa.String(255), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["selected_tenant_id"],
            ["organizations.id"],
            name=op.f("fk_web_sessions_selected_tenant_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])

    op.create_table(
        "api_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", _enum("access", "personal", name="tokenkind", length=16), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("kind IN ('access', 'personal')", name=op.f("ck_api_tokens_kind")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])

    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("ip_address", sa.String(45), nullable=True),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("attempted_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
    )
    op.create_index(
        "ix_sign_in_attempts_username_at", "sign_in_attempts", ["username", "attempted_at"]
    )
    op.create_index("ix_sign_in_attempts_ip_at", "sign_in_attempts", ["ip_address", "attempted_at"])

    op.create_table(
        "audit_log",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("actor_user_id", sa.Uuid(), nullable=True),
        sa.Column("actor_label", sa.String(120), nullable=False),
        sa.Column("actor_tenant_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity_type", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=True),
        sa.Column("before", JSON_DOC, nullable=True),
        sa.Column("after", JSON_DOC, nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_tenant_id"],
            ["organizations.id"],
            name=op.f("fk_audit_log_actor_tenant_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_audit_log_actor_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_audit_log_tenant_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("tenant_id", "seq", name=op.f("uq_audit_log_tenant_id_seq")),
    )
    op.create_table(
        "audit_heads",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_audit_heads_tenant_id_organizations")
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_audit_heads")),
    )
    rls.append_only("audit_log")

    if rls.is_postgres():
        _postgres_security()


def _postgres_security() -> None:
    rls.ensure_app_role()
    rls.create_functions()
    # Directory and platform tables: no tenant data; the app reads them, the operator
    # (schema owner) writes the directory.
    for table in ("organizations", "pairings", "pairing_targets"):
        rls.grant(table, "SELECT")
    rls.grant("users", "SELECT, UPDATE")
    rls.grant("web_sessions", "SELECT, INSERT, UPDATE")
    rls.grant("api_tokens", "SELECT, INSERT, UPDATE")
    rls.grant("sign_in_attempts", "SELECT, INSERT")
    rls.grant_sequence("sign_in_attempts_id_seq")

    # Tenant tables: row-level security, forced even for the owner.
    rls.tenant_policies("memberships", "membership", read_extra=f"user_id = {rls.user_id()}")
    rls.grant("memberships", "SELECT, INSERT, UPDATE")

    rls.enable("audit_log")
    rls.policy(
        "audit_log", "read", "SELECT", using=f"tenant_id = ANY ({rls.ids('app.read_audit')})"
    )
    rls.policy(
        "audit_log", "insert", "INSERT", check=f"tenant_id = ANY ({rls.ids('app.audit_write')})"
    )
    rls.grant("audit_log", "SELECT, INSERT")

    rls.enable("audit_heads")
    heads = (
        f"tenant_id = ANY ({rls.ids('app.audit_write')})"
        f" OR tenant_id = ANY ({rls.ids('app.read_audit')})"
    )
    rls.policy(
        "audit_heads",
        "access",
        "ALL",
        using=heads,
        check=f"tenant_id = ANY ({rls.ids('app.audit_write')})",
    )
    rls.grant("audit_heads", "SELECT, INSERT, UPDATE")


def downgrade() -> None:
    rls.drop_append_only("audit_log")
    for table in (
        "audit_heads",
        "audit_log",
        "sign_in_attempts",
        "api_tokens",
        "web_sessions",
        "memberships",
        "users",
        "pairing_targets",
    ):
        op.drop_table(table)
    with op.batch_alter_table("organizations") as batch:
        batch.drop_constraint(op.f("fk_organizations_pairing_id_pairings"), type_="foreignkey")
    op.drop_table("pairings")
    op.drop_table("organizations")
    if rls.is_postgres():
        op.execute("DROP FUNCTION IF EXISTS lb_refuse_change()")
        rls.drop_functions()
