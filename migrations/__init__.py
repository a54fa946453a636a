"""The one Alembic chain: schema, row-level security policies and grants."""
