"""Large, valid ledgers for benchmarks: the demo generator, repeated with fresh numbers."""

from pathlib import Path

from api.demo.laborers import generate
from api.spreadsheets.writer import LedgerWriter
from api.supply import ledger
from api.supply.records import check_record
from shared_models.enums import Sex


def write_ledger(path: Path, rows: int, county: str = "500237", seed: int = 7) -> None:
    """An .xlsx ledger of `rows` distinct, valid laborers."""
    records = generate(county, rows, seed=seed)
    with path.open("wb") as target:
        writer = LedgerWriter(target, "劳动力台账", [c.spec() for c in ledger.COLUMNS])
        batch = []
        for record in records:
            check_record(record)
            assert record.identity is not None
            batch.append(
                ledger.row_values(
                    record,
                    sex="男" if record.identity.sex is Sex.MALE else "女",
                    birth_date=record.identity.birth_date,
                )
            )
            if len(batch) == 5000:
                writer.write_rows(batch)
                batch = []
        writer.write_rows(batch)
        writer.close()
