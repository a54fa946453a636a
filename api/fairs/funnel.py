"""The end of a fair's funnel: of those hired from its intentions, who is still in post
3 and 6 months after starting. Counted twice, side by side: in post by the placement
records alone, and with every one of those months verified in post (在岗核实), the
convention of the stay arithmetic (month N counts when the calendar month it ends in
was verified). Where a policy requires verification, the headline is the verified one.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.fairs import repository
from api.subsidies.stay import ONE_DAY, add_months, month_of
from shared_models import Fair


@dataclass
class InPost:
    verification_required: bool
    in_post_3_months: int  # the headline: verified where required, else by the records
    in_post_6_months: int
    in_post_3_months_verified: int
    in_post_3_months_unverified: int  # in post by the records, a month not verified
    in_post_6_months_verified: int
    in_post_6_months_unverified: int


def stayed(started: date | None, ended: date | None, months: int, today: date) -> bool:
    """Still in post on the day the `months`-th month completed, by the records."""
    if started is None:
        return False
    mark = add_months(started, months)
    return mark <= today and (ended is None or ended >= mark)


def verified(started: date, months: int, in_post: set[date]) -> bool:
    """Each of the first `months` months verified in post."""
    return all(month_of(add_months(started, n) - ONE_DAY) in in_post for n in range(1, months + 1))


def in_post(
    session: Session, access: AccessContext, fair: Fair, outcomes: Sequence[Any], today: date
) -> InPost:
    """`outcomes`: the fair's `repository.referral_outcomes`."""
    placed: list[tuple[uuid.UUID, date, date | None]] = [
        (o.id, o.started_on, o.ended_on) for o in outcomes if o.id is not None
    ]
    checks = repository.months_in_post(session, access, [p[0] for p in placed])
    counts: dict[int, tuple[int, int]] = {}
    for months in (3, 6):
        stay = [p for p in placed if stayed(p[1], p[2], months, today)]
        sure = sum(1 for p in stay if verified(p[1], months, checks[p[0]]))
        counts[months] = (sure, len(stay) - sure)
    required = repository.verification_required(session, access, fair)

    def headline(months: int) -> int:
        sure, unsure = counts[months]
        return sure if required else sure + unsure

    return InPost(
        verification_required=required,
        in_post_3_months=headline(3),
        in_post_6_months=headline(6),
        in_post_3_months_verified=counts[3][0],
        in_post_3_months_unverified=counts[3][1],
        in_post_6_months_verified=counts[6][0],
        in_post_6_months_unverified=counts[6][1],
    )
