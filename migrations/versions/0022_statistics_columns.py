"""lb_refresh_statistics(target, columns): the app may ask for fresh statistics of some
columns only (issue 15, imports).

After a large import the app refreshes the planner's statistics inside its transaction
(api/bulk.py). ANALYZE costs about the same for each column it samples, and most of a
laborer's columns are never filtered, joined or sorted on (ciphers, hashes looked up
through unique indexes, masks, notes): the import now names the columns its readers
plan on, and autovacuum refreshes the rest after the commit. The one-argument function
stays for code that does not name columns.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

from alembic import op

from migrations import rls

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANALYZABLE = ("laborers", "laborer_tags", "laborer_identities", "laborer_surveys", "audit_log")


def upgrade() -> None:
    if not rls.is_postgres():
        return
    op.execute(
        f"""CREATE FUNCTION lb_refresh_statistics(target text, columns text[]) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        BEGIN
            IF target NOT IN ({", ".join(f"'{t}'" for t in ANALYZABLE)}) THEN
                RAISE EXCEPTION 'statistics of % may not be refreshed by the app', target;
            END IF;
            IF coalesce(cardinality(columns), 0) = 0 THEN
                EXECUTE format('ANALYZE %I', target);
            ELSE
                EXECUTE format('ANALYZE %I (%s)', target,
                    (SELECT string_agg(format('%I', c), ', ') FROM unnest(columns) AS c));
            END IF;
        END $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION lb_refresh_statistics(text, text[]) FROM PUBLIC")
    op.execute(
        f'GRANT EXECUTE ON FUNCTION lb_refresh_statistics(text, text[]) TO "{rls.app_role()}"'
    )


def downgrade() -> None:
    if rls.is_postgres():
        op.execute("DROP FUNCTION IF EXISTS lb_refresh_statistics(text, text[])")
