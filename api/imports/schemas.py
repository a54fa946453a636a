"""What an import answers: its counts and every problem by row and column."""

import uuid

from api.errors import ImportRejected
from api.imports.batches import rendered_errors
from api.schemas import Schema
from shared_models import ImportBatch


class ImportProblem(Schema):
    row: int | None
    column: str | None
    field: str
    code: str
    message: str


class ImportResult(Schema):
    import_id: uuid.UUID
    status: str
    filename: str
    rows: int
    new: int
    updated: int
    unchanged: int
    new_employers: int | None = None  # vacancy lists: employers registered from the rows
    error_count: int
    errors: list[ImportProblem]
    ignored_columns: list[str]

    @classmethod
    def from_batch(cls, batch: ImportBatch) -> "ImportResult":
        summary = batch.summary or {}
        return cls(
            import_id=batch.id,
            status=batch.status.value,
            filename=batch.filename,
            rows=batch.rows,
            new=summary.get("new", 0),
            updated=summary.get("updated", 0),
            unchanged=summary.get("unchanged", 0),
            new_employers=summary.get("new_employers"),
            error_count=summary.get("error_count", 0),
            errors=[
                ImportProblem(
                    row=e.row,
                    column=e.column,
                    field=e.field,
                    code=e.code,
                    message=str(e.render()["message"]),
                )
                for e in rendered_errors(batch)
            ],
            ignored_columns=summary.get("ignored_columns", []),
        )


def rejected(batch: ImportBatch) -> ImportRejected:
    """A rejected file as problem+json: the row report in `errors`, the import's id, its
    name and counts as extension members (`import_status` is "rejected")."""
    result = ImportResult.from_batch(batch)
    extra = result.model_dump(mode="json", exclude={"errors", "status"})
    return ImportRejected(
        errors=rendered_errors(batch), extra={**extra, "import_status": result.status}
    )
