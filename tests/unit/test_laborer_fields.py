"""The laborer's fields are declared once (api/supply/fields.py): every declared field
reaches the API schemas, the ledger's columns and reader, the bulk repository's column
lists and the export, and every column of `laborers` is either a declared field's or
named here as not one (so a column added to the model but not declared fails)."""

from datetime import date
from types import SimpleNamespace

from api.spreadsheets.cells import normalize_header
from api.supply import bulk_repository, convert, exporter, fields, ledger, records, schemas
from api.supply.derived_repository import DERIVED_COLUMNS
from api.supply.fields import FIELDS, INPUT, Kind, Stored
from api.supply.schemas import LaborerCreate, LaborerUpdate
from shared_models import Laborer

# Columns of `laborers` that are not a field someone enters: bookkeeping, what the ID
# number yields, and the current state the surveys and placements derive.
NOT_FIELDS = {
    "id",
    "tenant_id",
    "version",
    "created_at",
    "updated_at",
    "id_number_tail",
    "sex",
    "birth_date",
    *(set(DERIVED_COLUMNS) - set(fields.PLAIN_COLUMNS)),
}


def _stored_columns(f: fields.LaborerField) -> set[str]:
    if f.stored is Stored.COLUMN:
        return {f.name}
    if f.stored is Stored.ENCRYPTED:
        return {f"{f.name}_{part}" for part in ("cipher", "hash", "masked")}
    if f.stored is Stored.SURVEY:
        return {f"last_{f.name}"}
    return set()


def test_every_column_of_the_model_is_a_declared_fields_or_named_as_not_one():
    declared = set().union(*(_stored_columns(f) for f in FIELDS))
    columns = {c.name for c in Laborer.__table__.c}
    assert columns - NOT_FIELDS == declared
    assert not NOT_FIELDS & declared


def test_every_declared_field_is_in_the_schemas_and_the_record():
    assert list(LaborerCreate.model_fields) == [f.name for f in INPUT]
    assert list(LaborerUpdate.model_fields) == ["version"] + [f.name for f in INPUT if f.on_edit]
    assert set(records.RECORD_FIELDS) == {f.name for f in INPUT}
    out = schemas.LaborerOut.model_fields
    for f in FIELDS:
        assert (f"last_{f.name}" if f.stored is Stored.SURVEY else f.name) in out, f.name
    required = {name for name, info in LaborerCreate.model_fields.items() if info.is_required()}
    assert required == {f.name for f in INPUT if f.required}
    assert set(convert.TAG_FIELDS) == {f.name for f in FIELDS if f.stored is Stored.TAGS}
    assert {f.name for f in FIELDS if f.stored is Stored.TAGS} == {
        f.name for f in FIELDS if f.kind in (Kind.LIST, Kind.OCCUPATIONS)
    }


def test_every_declared_field_is_a_ledger_column_read_under_each_of_its_headers():
    assert [(c.field, c.header) for c in ledger.COLUMNS] == [(f.name, f.header) for f in FIELDS]
    for f in FIELDS:
        column = ledger.BY_FIELD[f.name]
        assert column.derived is not f.input and column.required is f.required
        assert column.enum is f.enum
        for header in (f.header, *f.synonyms):
            assert ledger.HEADER_INDEX[normalize_header(header)] is column, header


def test_the_bulk_repository_compares_and_exports_every_stored_field():
    compared = {c.name for c in bulk_repository._COMPARED}
    exported = {c.name for c in bulk_repository._EXPORTED}
    for f in FIELDS:
        if f.stored is Stored.ENCRYPTED:
            assert f"{f.name}_hash" in compared and f"{f.name}_cipher" in exported, f.name
            assert f"{f.name}_masked" in exported, f.name
        else:
            assert _stored_columns(f) <= compared & exported, f.name


def test_the_export_writes_each_stored_field_in_its_own_column():
    assert [c.header for c in exporter.ledger_columns()] == [f.header for f in FIELDS]
    # A stored row as the export reads it, each plain column holding its own name.
    row = SimpleNamespace(
        **{
            **{c.name: None for c in bulk_repository._EXPORTED},
            **{name: f"<{name}>" for name in fields.PLAIN_COLUMNS},
        }
    )
    row.sex, row.birth_date = "female", date(1990, 5, 17)
    for f in FIELDS:
        if f.kind in (Kind.BOOL, Kind.INT) and f.stored is Stored.COLUMN:
            setattr(row, f.name, None)
        elif f.enum is not None:
            setattr(row, f.name, list(f.enum)[-1].value)
    cells = exporter.ledger_row(row, [], "<id>", "<phone>", date(2026, 12, 1))
    assert len(cells) == len(FIELDS)
    by_header = dict(zip([f.header for f in FIELDS], cells, strict=True))
    for f in FIELDS:
        if f.stored is Stored.COLUMN and f.kind is Kind.TEXT:
            assert by_header[f.header] == f"<{f.name}>", f.name
        elif f.enum is not None:
            assert by_header[f.header], f.name  # the ledger word of the value
    assert (by_header["身份证号码"], by_header["联系电话"]) == ("<id>", "<phone>")
