"""What a training produced, counted from its records: completers, those employed within
90 days after completion, and the per-completer subsidy list for finance."""

import io
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.audit import service as audit
from api.spreadsheets.writer import ColumnSpec, LedgerWriter
from api.tenancy import repository as tenancy_repository
from api.trainings import repository
from api.trainings.service import get, roster
from shared_models import Placement
from shared_models.enums import EnrollmentStatus


@dataclass
class Outcomes:
    enrolled: int
    waitlisted: int
    withdrawn: int
    completed: int
    employed_within_90_days: int
    employment_rate: float | None
    subsidy_per_completer: int | None
    subsidy_total: int | None
    # enrollment id → placement (only for those whose names the caller sees)
    employed: dict[uuid.UUID, Placement]


def outcomes(session: Session, access: AccessContext, training_id: uuid.UUID) -> Outcomes:
    """Counted the way the bureaus report: trained (completed), then employed within 90
    days after completion (a placement started in that window)."""
    training = get(session, access, training_id)
    counts = repository.status_counts(session, access, [training.id])[training.id]
    employed = repository.employed_after(session, access, training)
    completed = counts.get(EnrollmentStatus.COMPLETED.value, 0)
    amount = training.subsidy_amount
    return Outcomes(
        enrolled=counts.get(EnrollmentStatus.ENROLLED.value, 0),
        waitlisted=counts.get(EnrollmentStatus.WAITLISTED.value, 0),
        withdrawn=counts.get(EnrollmentStatus.WITHDRAWN.value, 0),
        completed=completed,
        employed_within_90_days=len(employed),
        employment_rate=round(len(employed) / completed, 3) if completed else None,
        subsidy_per_completer=amount,
        subsidy_total=amount * completed if amount is not None else None,
        employed=employed,
    )


SUBSIDY_COLUMNS = [
    ColumnSpec("序号", 6),
    ColumnSpec("姓名", 10),
    ColumnSpec("身份证号码", 22, text=True),
    ColumnSpec("培训项目", 24),
    ColumnSpec("职业（工种）", 14),
    ColumnSpec("结业日期", 12),
    ColumnSpec("考核结果", 10),
    ColumnSpec("证书编号", 20, text=True),
    ColumnSpec("补贴金额（元）", 12),
    ColumnSpec("付款单位", 20),
]


def subsidy_list(session: Session, access: AccessContext, training_id: uuid.UUID) -> bytes:
    """The training subsidy per completer, for the finance export (masked ID numbers)."""
    training = get(session, access, training_id)
    completers = [
        e for e in roster(session, access, training) if e.status is EnrollmentStatus.COMPLETED
    ]
    payer = (
        tenancy_repository.organization_by_id(session, training.subsidy_payer_id)
        if training.subsidy_payer_id
        else None
    )
    buffer = io.BytesIO()
    writer = LedgerWriter(buffer, "培训补贴", SUBSIDY_COLUMNS)
    writer.write_rows(
        [
            index + 1,
            e.name,
            e.id_number_masked,
            training.title,
            training.occupation,
            e.completed_on,
            e.assessment_result,
            e.certificate_number,
            training.subsidy_amount or 0,
            payer.name if payer else "",
        ]
        for index, e in enumerate(completers)
    )
    writer.close()
    audit.record(
        session,
        access,
        action="training.subsidy_list",
        entity_type="training",
        entity_id=training.id,
        after={"completers": len(completers)},
    )
    return buffer.getvalue()
