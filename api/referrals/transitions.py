"""The referral pipeline: recommended → interviewed → offered → hired, or declined or
withdrawn from any step before hired. Hired, declined and withdrawn are final."""

from shared_models.enums import ReferralStatus as S

NEXT: dict[S, frozenset[S]] = {
    S.RECOMMENDED: frozenset({S.INTERVIEWED, S.DECLINED, S.WITHDRAWN}),
    S.INTERVIEWED: frozenset({S.OFFERED, S.DECLINED, S.WITHDRAWN}),
    S.OFFERED: frozenset({S.HIRED, S.DECLINED, S.WITHDRAWN}),
    S.HIRED: frozenset(),
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
LIVE = frozenset({S.RECOMMENDED, S.INTERVIEWED, S.OFFERED, S.HIRED})
FINAL = frozenset(s for s, nexts in NEXT.items() if not nexts)
# Only the laborer's side withdraws a referral; either side records the other steps
# (the receiving bureau for its employers' interviews and offers).
COUNTY_ONLY = frozenset({S.WITHDRAWN})


def allowed(current: S, target: S) -> bool:
    return target in NEXT[current]
