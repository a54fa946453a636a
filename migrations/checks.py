"""CHECK constraints that pin enumerated columns to their values (the models store enums
as plain strings, so the database is told the allowed set here)."""

from alembic import op


def enum_check(table: str, column: str, values: list[str], *, nullable: bool = False) -> None:
    allowed = ", ".join(f"'{v}'" for v in values)
    condition = f"{column} IN ({allowed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    with op.batch_alter_table(table) as batch:
        batch.create_check_constraint(f"ck_{table}_{column}", condition)
