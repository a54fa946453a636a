"""The app served by uvicorn for bench_export, plus the export as it was before issue 15
(the whole workbook built in memory, then sent) as the baseline of the same run.

    python -m bench.export_server PORT   (LB_* settings from the environment)
"""

import io
import sys

import uvicorn
from fastapi import Response

from api import clock
from api.app import create_app
from api.deps import Access, Cipher, DbSession
from api.routing import XLSX
from api.spreadsheets.writer import LedgerWriter
from api.supply import bulk_repository, exporter
from api.supply.rosters import RosterFilter

app = create_app()


@app.get("/bench/export-buffered")
def buffered_export(access: Access, session: DbSession, cipher: Cipher) -> Response:
    """The pre-streaming handler: xlsxwriter (constant memory) into a BytesIO, then sent."""
    buffer = io.BytesIO()
    writer = LedgerWriter(buffer, "花名册", exporter.ledger_columns())
    today = clock.today()
    for batch in bulk_repository.stream(session, access, RosterFilter()):
        writer.write_rows(
            exporter.ledger_row(lab, tags, lab.id_number_masked, lab.phone_masked, today)
            for lab, tags in batch
        )
    writer.close()
    return Response(buffer.getvalue(), media_type=XLSX)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
