"""The `laborbridge` command: serve, migrate, back up and restore, generate keys, provision
tenants and users, demo, audit, laborer ledgers, vacancy expiry, nightly subsidies,
warnings, statistics snapshots and retention.

Operator commands connect as the schema owner (LB_OWNER_DATABASE_URL, else
LB_DATABASE_URL) and act on exactly the tenant they name. Errors are printed in
Chinese and English and exit with status 1.
"""

import typer

from api.cli import (
    backup,
    keys,
    laborers,
    maintenance,
    retention,
    server,
    stats,
    subsidies,
    tenancy,
    users,
    vacancies,
    warnings,
    worker,
)
from api.cli.common import trace_commands

app = typer.Typer(
    help="LaborBridge 劳务协作平台",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.registered_commands += (
    server.app.registered_commands
    + maintenance.app.registered_commands
    + worker.app.registered_commands
    + retention.app.registered_commands
)
server.db_app.registered_commands += backup.app.registered_commands
app.add_typer(server.db_app, name="db")
app.add_typer(tenancy.org_app, name="org")
app.add_typer(tenancy.pairing_app, name="pairing")
app.add_typer(users.user_app, name="user")
app.add_typer(maintenance.audit_app, name="audit")
app.add_typer(laborers.laborers_app, name="laborers")
app.add_typer(vacancies.vacancies_app, name="vacancies")
app.add_typer(subsidies.subsidies_app, name="subsidies")
app.add_typer(warnings.warnings_app, name="warnings")
app.add_typer(stats.stats_app, name="stats")
app.add_typer(keys.keys_app, name="keys")
trace_commands(app)


def main() -> None:
    app()
