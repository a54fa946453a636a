"""The role's work queue on the home page: what waits for this person today.

Each line is a count with the page that lists the same rows, computed by the services
and repositories those pages use, so the number on the home page is the number the
page shows. A line appears only for roles that do that work.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.calendar import service as calendar
from api.calendar.service import Item
from api.placements import holiday_leave
from api.placements import repository as placements
from api.subsidies import claims_repository
from api.warnings.repository import WarningFilter
from api.warnings.repository import listing as warning_listing
from shared_models.enums import ClaimStatus, OrgKind, Permission

UPCOMING_DAYS = 30  # "the next fairs and trainings": the coming month
UPCOMING_SHOWN = 5


@dataclass(frozen=True)
class Task:
    key: str  # claims_to_approve, claims_to_verify, verifications_due, overdue_returns, ...
    count: int
    link: str


@dataclass
class WorkQueue:
    tasks: list[Task] = field(default_factory=list)
    upcoming: list[Item] = field(default_factory=list)
    upcoming_count: int = 0


def _counts_register(access: AccessContext) -> bool:
    return access.tenant_kind is not OrgKind.RECEIVING


def work_queue(session: Session, access: AccessContext) -> WorkQueue:
    today = clock.today()
    queue = WorkQueue()
    writes = access.can(Permission.WRITE)
    if _counts_register(access):
        if access.tenant_kind is OrgKind.LIAISON:
            if writes and access.write_ids(DataKind.CLAIM_VERIFY):
                count = claims_repository.count_at(session, access, ClaimStatus.RAISED)
                queue.tasks.append(Task("claims_to_verify", count, "/claims?status=raised"))
        elif writes and access.write_ids(DataKind.SUBSIDY):
            count = claims_repository.count_at(
                session, access, ClaimStatus.VERIFIED, not_raised_by=access.user_id
            )
            queue.tasks.append(Task("claims_to_approve", count, "/claims?status=verified"))
        month = today.replace(day=1)
        due = placements.unverified_in_month(session, access, month)
        queue.tasks.append(Task("verifications_due", due, f"/verifications?month={month:%Y-%m}"))
        board = holiday_leave.return_board(session, access, since=today, today=today)
        queue.tasks.append(Task("overdue_returns", len(board.overdue), "/returns"))
        if access.user_id is not None:
            mine = WarningFilter(open_only=True, assignee_id=access.user_id)
            _rows, assigned = warning_listing(session, access, mine, limit=1)
            queue.tasks.append(Task("warnings_assigned", assigned, "/warnings/queue"))
    horizon = today + timedelta(days=UPCOMING_DAYS)
    coming = [
        item
        for item in calendar.items(session, access, since=today)
        if not item.cancelled and today <= item.starts.date() <= horizon
    ]
    queue.upcoming = coming[:UPCOMING_SHOWN]
    queue.upcoming_count = len(coming)
    return queue
