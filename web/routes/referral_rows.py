"""What a referral board row shows: the referral, the candidate as this tenant may see
them (named for the laborer's county, masked for the vacancy's bureau), and the steps
this user may record next."""

from dataclasses import dataclass

from api import clock
from api.access import AccessContext
from api.referrals import service
from api.referrals.candidates import candidate
from api.referrals.schemas import Candidate
from shared_models import Referral
from shared_models.enums import Permission, ReferralStatus


@dataclass
class BoardRow:
    referral: Referral
    candidate: Candidate
    next_steps: list[ReferralStatus]


def board_rows(access: AccessContext, referrals: list[Referral]) -> list[BoardRow]:
    today = clock.today()
    writes = access.can(Permission.WRITE)
    return [
        BoardRow(r, candidate(access, r, today), service.next_steps(access, r) if writes else [])
        for r in referrals
    ]


def status_counts(counts: dict[str, int]) -> list[tuple[ReferralStatus, int]]:
    """A board's count per status, in pipeline order, the empty ones left out."""
    return [(s, counts[s.value]) for s in ReferralStatus if counts.get(s.value)]
