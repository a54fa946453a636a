"""The one import pipeline: ledgers, vacancy lists and verification lists run the same
steps (a kind supplies only its columns and row rules), and a write that fails part way
leaves nothing behind, even when the transaction goes on to commit."""

import pytest
from sqlalchemy import func, select

from api.access import build_access_context
from api.db import apply_access
from api.demand import importer as vacancy_importer
from api.demand import imports as vacancy_imports
from api.demand.importer import VacancyList
from api.imports import pipeline
from api.placements import verification_import
from api.placements.verification_import import VerificationList
from api.security.pii import PiiCipher
from api.supply import importer as laborer_importer
from api.supply import imports as laborer_imports
from api.supply.importer import LaborerLedger
from shared_models import AuditEntry, Employer, Laborer, StayVerification, Vacancy
from shared_models.enums import EvidenceSource, Role
from tests.api.test_vacancy_import import HEADERS, vacancy_row
from tests.fixtures.factories import id_number, laborer_payload, placement_payload
from tests.fixtures.ledgers import ledger_row, xlsx

KIND_MEMBERS = {"sheet", "new_plan", "read_row", "check_file", "compare", "write"}


def _kinds():
    return [
        LaborerLedger(None, "500237"),  # type: ignore[arg-type]
        VacancyList("370600"),
        VerificationList(None, EvidenceSource.EMPLOYER, None, "名单.xlsx", None),  # type: ignore[arg-type]
    ]


def test_every_kind_supplies_only_columns_and_row_rules():
    for module in (laborer_importer, vacancy_importer, verification_import):
        # Reading the file and mapping its headers is the pipeline's, never a kind's.
        assert not {"read_table", "map_headers", "FILE_MESSAGES"} & set(vars(module)), module
    for kind in _kinds():
        assert set(dir(kind)) >= KIND_MEMBERS
        assert isinstance(kind.sheet, pipeline.Sheet)
        assert isinstance(kind.new_plan(), pipeline.Plan)


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [(b"PK\x03\x04 not a workbook", "x.xlsx", "file_corrupt"), (b"", "x.csv", "file_empty")],
)
def test_file_errors_are_the_pipelines_alike_for_every_kind(content, name, code):
    for kind in _kinds():
        plan, rows = pipeline.check(kind, content, name)
        assert ([e.code for e in plan.errors], rows) == ([code], []), kind


def _headers_only_sheet(kind):
    headers = list(dict.fromkeys(c.header for c in kind.sheet.header_index.values()))
    return xlsx([], headers=headers)


def test_a_file_without_rows_is_refused_alike_for_every_kind():
    for kind in _kinds():
        plan, _rows = pipeline.check(kind, _headers_only_sheet(kind), "x.xlsx")
        assert [e.code for e in plan.errors] == ["no_rows"], kind
        assert plan.summary()["errors"][0]["message"] == "The file has no data rows."


def _fail_after_writing(monkeypatch, kind_class):
    """The kind writes everything, then the disk fills up."""
    real_write = kind_class.write

    def write(self, session, access, plan, batch_id):
        real_write(self, session, access, plan, batch_id)
        session.flush()
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(kind_class, "write", write)


def _counts(world, *models):
    with world.superuser_session() as session:
        return [session.scalar(select(func.count()).select_from(m)) for m in models]


def _in_transaction(world, tenant, username, role, act):
    """Run `act` as `username`, swallow its failure, and commit what is left."""
    database = world.app_database()
    with database.transaction() as session:
        who = {"tenant_id": world.orgs[tenant], "user_id": world.users[username]}
        admin = role is Role.ADMIN
        access = build_access_context(
            session, role=role, can_reveal_pii=admin, actor_label=username, **who
        )
        apply_access(session, access)
        with pytest.raises(RuntimeError, match="disk filled up"):
            act(session, access, PiiCipher(world.settings))


def test_a_failed_ledger_commit_leaves_nothing_half_written(world, monkeypatch):
    _fail_after_writing(monkeypatch, LaborerLedger)
    rows = [ledger_row(姓名=f"李{n}", 身份证号码=id_number()) for n in "甲乙丙"]
    before = _counts(world, Laborer, AuditEntry)

    def act(session, access, cipher):
        laborer_imports.run(session, access, cipher, None, xlsx(rows), "l.xlsx", dry_run=False)

    _in_transaction(world, "wushan", "wushan.admin", Role.ADMIN, act)
    assert _counts(world, Laborer, AuditEntry) == before


def test_a_ledger_chunk_that_fails_behind_the_next_leaves_nothing(world, monkeypatch):
    """Chunks are written behind the building of the next (api/imports/write_behind.py):
    the third chunk's tags fail while the first two are in the tables and the fourth is
    built; the error reaches the caller and the savepoint drops every chunk."""
    monkeypatch.setattr(laborer_importer, "WRITE_CHUNK", 2)
    real_insert_tags = laborer_importer.bulk_repository.insert_tags
    calls = []

    def insert_tags(session, access, rows):
        calls.append(len(rows))
        if len(calls) == 3:
            raise RuntimeError("the disk filled up")
        real_insert_tags(session, access, rows)

    monkeypatch.setattr(laborer_importer.bulk_repository, "insert_tags", insert_tags)
    rows = [ledger_row(姓名=f"李{n}", 身份证号码=id_number()) for n in "甲乙丙丁戊己庚"]
    before = _counts(world, Laborer, AuditEntry)

    def act(session, access, cipher):
        laborer_imports.run(session, access, cipher, None, xlsx(rows), "l.xlsx", dry_run=False)

    _in_transaction(world, "wushan", "wushan.admin", Role.ADMIN, act)
    assert len(calls) == 3
    assert _counts(world, Laborer, AuditEntry) == before


def test_a_failed_vacancy_commit_leaves_nothing_half_written(world, monkeypatch):
    _fail_after_writing(monkeypatch, VacancyList)
    before = _counts(world, Employer, Vacancy)

    def act(session, access, _cipher):
        data = xlsx([vacancy_row(), vacancy_row(岗位名称="质检员")], headers=HEADERS)
        _batch, plan = vacancy_imports.run(session, access, None, data, "v.xlsx", dry_run=False)
        assert plan.ok, plan.errors

    _in_transaction(world, "yantai", "yantai.staff", Role.STAFF, act)
    assert _counts(world, Employer, Vacancy) == before


def test_a_failed_verification_list_leaves_nothing_half_written(world, login, monkeypatch):
    wushan = login("wushan.staff")
    payload = laborer_payload(name="冉秀兰")
    laborer = wushan.post("/api/v1/laborers", json=payload).json()
    placed = wushan.post("/api/v1/placements", json=placement_payload(laborer["id"]))
    assert placed.status_code == 201, placed.text
    _fail_after_writing(monkeypatch, VerificationList)
    before = _counts(world, StayVerification)
    listing = xlsx(
        [{"身份证号码": payload["id_number"], "姓名": "冉秀兰", "核实月份": "2021-04"}],
        headers=["身份证号码", "姓名", "核实月份"],
    )

    def act(session, access, cipher):
        verification_import.run(
            session,
            access,
            cipher,
            listing,
            "名单.xlsx",
            source=EvidenceSource.EMPLOYER,
            month=None,
            dry_run=False,
        )

    _in_transaction(world, "wushan", "wushan.staff", Role.STAFF, act)
    assert _counts(world, StayVerification) == before
