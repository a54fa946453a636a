"""Roster export and the blank template, in the ledger format.

ID and phone numbers are masked unless the caller holds pii.reveal and asks for them;
such an export is written to the audit log with its roster, filters and row count.
A download streams (`start_download`, then `roster_chunks`): its first bytes leave after
the first batch of rows and memory stays one batch, whatever the roster's size.
"""

from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.progress import Progress, quiet
from api.security.pii import PiiCipher
from api.spreadsheets import vocabulary
from api.spreadsheets.streaming import stream_workbook
from api.spreadsheets.writer import ColumnSpec, LedgerWriter
from api.supply import bulk_repository, convert, ledger, repository
from api.supply.rosters import ROSTER_FILE_NAMES, RosterFilter
from shared_models.enums import Permission, Sex

SEX_WORDS = {Sex.MALE: "男", Sex.FEMALE: "女"}


def ledger_columns() -> list[ColumnSpec]:
    return [c.spec() for c in ledger.COLUMNS]


def _writer(target: IO[bytes], title: str) -> LedgerWriter:
    return LedgerWriter(target, title, ledger_columns())


def start_download(
    session: Session, access: AccessContext, f: RosterFilter, *, reveal: bool
) -> int:
    """Before a download streams (in the request's own transaction): the permission, the
    row count, and the audit entry of a revealing export, which names that count because
    the rows are read afterwards, in the stream's transaction."""
    if reveal:
        access.require(Permission.REVEAL_PII)
    total = repository.count(session, access, f, cap=10_000_000)
    if reveal:
        _audit(session, access, f, total)
    return total


def roster_chunks(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    f: RosterFilter,
    *,
    reveal: bool = False,
    total: int = 0,
    progress: Progress = quiet,
    written: list[int] | None = None,
) -> Iterator[bytes]:
    """The roster read through `session` as .xlsx bytes, one chunk per batch of rows.
    The caller has checked the permission (`start_download`); `written` counts rows."""
    counter = written if written is not None else [0]
    today = clock.today()

    def batches() -> Iterator[list[list[Any]]]:
        for batch in bulk_repository.stream(session, access, f):
            rows = [_cells(laborer, tags, cipher, reveal, today) for laborer, tags in batch]
            counter[0] += len(rows)
            progress("export", counter[0], total)
            yield rows

    title = ROSTER_FILE_NAMES[f.roster]
    yield from stream_workbook(title, ledger_columns(), batches(), expected_rows=total)


def _cells(
    laborer: Any, tags: list[Any], cipher: PiiCipher, reveal: bool, today: date
) -> list[Any]:
    if reveal:
        id_number = cipher.decrypt(laborer.id_number_cipher, "id_number")
        phone = cipher.decrypt(laborer.phone_cipher, "phone") if laborer.phone_cipher else None
    else:
        id_number, phone = laborer.id_number_masked, laborer.phone_masked
    return ledger_row(laborer, tags, id_number, phone, today)


def export_roster(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    f: RosterFilter,
    target: IO[bytes],
    *,
    reveal: bool = False,
    progress: Progress = quiet,
) -> int:
    """Write the roster to a file (the operator's command), in one transaction."""
    if reveal:
        access.require(Permission.REVEAL_PII)
    total = repository.count(session, access, f, cap=10_000_000)
    written = [0]
    for chunk in roster_chunks(
        session, access, cipher, f, reveal=reveal, total=total, progress=progress, written=written
    ):
        target.write(chunk)
    if reveal:
        _audit(session, access, f, written[0])
    return written[0]


def _audit(session: Session, access: AccessContext, f: RosterFilter, rows: int) -> None:
    owners = access.read_ids(DataKind.LABORER)
    audit.record(
        session,
        access,
        # In the register owner's log (a liaison office exports its county's register).
        tenant_id=next(iter(owners)) if len(owners) == 1 else access.tenant_id,
        action="laborer.export",
        entity_type="roster",
        entity_id=f.roster.value,
        after={"reveal": True, "rows": rows, "filters": _filters(f)},
    )


def ledger_row(
    laborer: Any, tags: list[Any], id_number: str, phone: str | None, today: date
) -> list[Any]:
    """One stored laborer as the ledger's cells, column by column."""
    lists = convert.tag_values(tags)
    derived = {
        "id_number": id_number,
        "phone": phone,
        "sex": SEX_WORDS[Sex(laborer.sex)],
        "age": ledger.age_on(laborer.birth_date, today),
        "surveyed_on": laborer.last_surveyed_on,
        "surveyor": laborer.last_surveyor,
    }
    cells = []
    for column in ledger.COLUMNS:
        name = column.field
        if name in derived:
            cells.append(column.write(derived[name]))
        elif name in lists:
            cells.append(column.write(lists[name]))
        elif column.enum is not None:
            raw = getattr(laborer, name)
            cells.append(vocabulary.WORD_OF_VALUE[column.enum][raw] if raw else "")
        else:
            cells.append(column.write(getattr(laborer, name)))
    return cells


def _filters(f: RosterFilter) -> dict[str, str]:
    return {k: str(v) for k, v in vars(f).items() if v not in (None, "") and k != "roster"}


def write_template(target: IO[bytes]) -> None:
    writer = _writer(target, "劳动力台账")
    writer.add_choices()
    lines = [("列名", "填写说明")]
    for column in ledger.COLUMNS:
        if column.derived:
            lines.append((column.header, "导出时填写，导入时忽略（由身份证号码推算）。"))
            continue
        note = "必填。" if column.required else "选填。"
        if column.enum is not None:
            note += "可填：" + vocabulary.choices(column.enum) + "。"
        elif column.read is ledger.read_bool:
            note += "填“是”或“否”。"
        elif column.read is ledger.read_list:
            note += "多项用分号“;”分隔。"
        elif column.read is ledger.read_occupations:
            note += "多项用分号分隔，职业编码写在括号内，如：焊工(6-04-02-01);电工。"
        elif column.read is ledger.read_date:
            note += "日期，如 2021-03-15。"
        if column.field == "id_number":
            note += "18 位，末位可为 X；请将本列设为文本格式。性别、出生日期由号码推算。"
        if column.field == "region_code":
            note += "6 位行政区划代码；不填则为本县代码。"
        lines.append((column.header, note))
    writer.add_notes_sheet("填写说明", lines)
    writer.close()
