"""Working early-warning flags: acknowledge, assign to a staff member, close with a
note, answer with a logged visit; and the county's thresholds. Every change by a
person is audited in the county's log (flags raised and closed by the rules are
derived, like entitlements, and not audited)."""

import uuid
from datetime import date

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.casework import service as casework
from api.errors import (
    FieldError,
    Forbidden,
    InvalidTransition,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from api.i18n import _
from api.warnings import repository
from shared_models import Case, WarningFlag, WarningSettings
from shared_models.base import utcnow
from shared_models.enums import CaseKind, OrgKind, Permission, WarningCloseReason, WarningStatus
from shared_models.warnings import DEFAULT_THRESHOLDS


def get(session: Session, access: AccessContext, warning_id: uuid.UUID) -> WarningFlag:
    flag = repository.get(session, access, warning_id)
    if flag is None:
        raise NotFound()
    return flag


def _workable(
    session: Session, access: AccessContext, warning_id: uuid.UUID, version: int
) -> WarningFlag:
    flag = get(session, access, warning_id)
    access.require(Permission.WRITE)
    if not access.can_write(DataKind.WARNING, flag.tenant_id):
        raise Forbidden(detail=_("Warnings are worked by the county and its liaison offices."))
    if flag.version != version:
        raise StaleVersion()
    if flag.status is WarningStatus.CLOSED:
        raise InvalidTransition(_("This warning is already closed."))
    return flag


def _audit(
    session: Session, access: AccessContext, flag: WarningFlag, action: str, **after: object
) -> None:
    audit.record(
        session,
        access,
        action=f"warning.{action}",
        entity_type="warning",
        entity_id=flag.id,
        after={"laborer_id": str(flag.laborer_id), "rule": flag.rule.value, **after},
        tenant_id=flag.tenant_id,
    )


def acknowledge(
    session: Session, access: AccessContext, warning_id: uuid.UUID, *, version: int
) -> WarningFlag:
    flag = _workable(session, access, warning_id, version)
    if flag.status is not WarningStatus.OPEN:
        raise InvalidTransition(_("This warning is already acknowledged."))
    flag.status = WarningStatus.ACKNOWLEDGED
    flag.acknowledged_at = utcnow()
    flag.acknowledged_by_label = access.recorded_as
    session.flush()
    _audit(session, access, flag, "acknowledge")
    return flag


def assign(
    session: Session,
    access: AccessContext,
    warning_id: uuid.UUID,
    *,
    version: int,
    user_id: uuid.UUID | None,
) -> WarningFlag:
    """To a user of the caller's tenant (or to nobody)."""
    flag = _workable(session, access, warning_id, version)
    user = None
    if user_id is not None:
        user = repository.member(session, access, user_id)
        if user is None:
            raise ValidationFailed(
                errors=[
                    FieldError("user_id", _("No such staff member in your office."), "not_member")
                ]
            )
    flag.assignee_id = user.id if user else None
    flag.assignee_label = user.display_name[:120] if user else None
    session.flush()
    _audit(session, access, flag, "assign", assignee_id=str(user.id) if user else None)
    return flag


def close(
    session: Session,
    access: AccessContext,
    warning_id: uuid.UUID,
    *,
    version: int,
    note: str,
    case: Case | None = None,
    today: date | None = None,
) -> WarningFlag:
    """Closed by hand with a note, or answered by a visit (`case`). The rules do not
    raise the same cause again while it lasts."""
    flag = _workable(session, access, warning_id, version)
    flag.status = WarningStatus.CLOSED
    flag.close_reason = WarningCloseReason.ANSWERED if case else WarningCloseReason.BY_HAND
    flag.close_note = note[:500]
    flag.closed_on = today or clock.today()
    flag.closed_by_label = access.recorded_as
    flag.answered_by_case_id = case.id if case else None
    session.flush()
    _audit(
        session,
        access,
        flag,
        "close",
        note=flag.close_note,
        case_id=str(case.id) if case else None,
    )
    return flag


def log_visit(
    session: Session,
    access: AccessContext,
    warning_id: uuid.UUID,
    *,
    version: int,
    occurred_on: date,
    summary: str,
    place: str | None = None,
    details: dict[str, object] | None = None,
    today: date | None = None,
) -> tuple[WarningFlag, Case]:
    """The visit queue's one action: a welfare-visit case for the laborer, which
    answers (closes) the flag."""
    flag = _workable(session, access, warning_id, version)
    case = casework.create(
        session,
        access,
        casework.CaseInput(
            kind=CaseKind.VISIT,
            occurred_on=occurred_on,
            summary=summary,
            laborer_ids=[flag.laborer_id],
            place=place,
            details=dict(details or {}),
        ),
        today=today,
    )
    flag = close(
        session, access, flag.id, version=flag.version, note=summary, case=case, today=today
    )
    return flag, case


# --- thresholds ---------------------------------------------------------------------------


def county_of(access: AccessContext) -> uuid.UUID:
    """The county whose thresholds the caller reads: its own, or its office's county."""
    ids = access.read_ids(DataKind.WARNING)
    if len(ids) != 1:
        raise NotFound()
    return next(iter(ids))


def thresholds(session: Session, access: AccessContext) -> tuple[uuid.UUID, dict[str, int]]:
    county = county_of(access)
    row = repository.settings_row(session, access, county)
    values = dict(DEFAULT_THRESHOLDS)
    if row is not None:
        values = {name: getattr(row, name) for name in DEFAULT_THRESHOLDS}
    return county, values


def set_thresholds(
    session: Session, access: AccessContext, values: dict[str, int]
) -> tuple[uuid.UUID, dict[str, int]]:
    """Set by the county itself."""
    county = county_of(access)
    access.require(Permission.WRITE)
    if access.tenant_kind is not OrgKind.SENDING or not access.can_write(DataKind.WARNING, county):
        raise Forbidden(detail=_("The county sets its warning thresholds."))
    _county, before = thresholds(session, access)
    row = repository.settings_row(session, access, county)
    if row is None:
        row = WarningSettings(tenant_id=county, **before, updated_by_label=access.recorded_as)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by_label = access.recorded_as
    session.flush()
    after = {name: getattr(row, name) for name in DEFAULT_THRESHOLDS}
    old, new = audit.changed_only(before, after)
    if new:
        audit.record(
            session,
            access,
            action="warning.settings",
            entity_type="warning_settings",
            entity_id=county,
            before=old,
            after=new,
            tenant_id=county,
        )
    return county, after
