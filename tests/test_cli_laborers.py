"""`laborbridge laborers import|export` for operators."""

from sqlalchemy import func, select

from api.access import DataKind
from api.db import use_operator_access
from shared_models import AuditEntry
from tests.fixtures.ledgers import ledger_row, xlsx


def test_import_dry_run_then_for_real(cli, tmp_path, login):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx([ledger_row(), ledger_row()]))
    dry = cli("laborers", "import", str(path), "--org", "巫山县人社局", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "new 2" in dry.stdout
    assert login("wushan.staff").get("/api/v1/laborers/rosters").json()["all"] == 300
    real = cli("laborers", "import", str(path), "--org", "巫山县人社局")
    assert real.exit_code == 0, real.output
    assert login("wushan.staff").get("/api/v1/laborers/rosters").json()["all"] == 302


def test_import_errors_are_listed_in_both_languages(cli, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([ledger_row(), ledger_row(就业状态="在家")]))
    result = cli("laborers", "import", str(path), "--org", "巫山县人社局")
    assert result.exit_code == 1
    assert "第 3 行" in result.stderr and "row 3" in result.stderr
    assert "无法识别“在家”" in result.stderr and "Unknown value 在家" in result.stderr
    assert "nothing saved" in result.stderr


def test_export_masked_and_revealed(cli, tmp_path, world):
    masked = tmp_path / "unemployed.xlsx"
    result = cli(
        "laborers", "export", "--org", "巫山县人社局", "--roster", "unemployed", "-o", str(masked)
    )
    assert result.exit_code == 0, result.output
    assert masked.stat().st_size > 0
    full = tmp_path / "all.xlsx"
    revealed = cli("laborers", "export", "--org", "巫山县人社局", "-o", str(full), "--reveal")
    assert revealed.exit_code == 0, revealed.output
    assert "300" in revealed.stdout
    with world.owner_database().transaction() as session:
        use_operator_access(session, world.orgs["wushan"], read=[DataKind.AUDIT])
        exports = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == "laborer.export", AuditEntry.tenant_id == world.orgs["wushan"]
            )
        )
    assert exports == 1
    again = cli("laborers", "import", str(full), "--org", "巫山县人社局")
    assert "unchanged 300" in again.stdout


def test_unknown_org(cli, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx([ledger_row()]))
    result = cli("laborers", "import", str(path), "--org", "nowhere")
    assert result.exit_code == 1
