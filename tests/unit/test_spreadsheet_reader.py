"""The .xlsx reader's formula scan turns a damaged archive into UnreadableFile (a 422),
not an AttributeError (a 500): its except clause named an exception defusedxml's
ElementTree does not have, found when mypy came in."""

import io
import zipfile

import pytest

from api.spreadsheets import reader


def _archive(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"not a zip at all",
        _archive({"xl/workbook.xml": "<workbook/>"}),  # no sheet listed
        _archive(
            {  # an entity declaration, which defusedxml refuses
                "xl/workbook.xml": '<!DOCTYPE x [<!ENTITY a "b">]><workbook>&a;</workbook>'
            }
        ),
    ],
    ids=["not-zip", "no-sheet", "entity"],
)
def test_damaged_archive_is_unreadable(data: bytes) -> None:
    with pytest.raises(reader.UnreadableFile, match="corrupt"):
        reader._formula_cells(data)
