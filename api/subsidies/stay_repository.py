"""Stays in post computed by PostgreSQL for a page of the nightly evaluation: the same
arithmetic as `api.subsidies.stay.stays` (leaves too long to bridge cut a spell, a gap of
at most `max_gap_days` within the area joins spells), as one statement per page and set
of continuity rules, instead of a Python loop per laborer.

The statement relies on what the placements service enforces: a laborer's placements do
not overlap, nor do the leaves of one placement. Then each segment's predecessor holds
the stay's latest day so far and window functions suffice. A laborer whose records break
that (old imports) is returned apart, as irregular, and judged by the Python model."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from api.access import AccessContext

_STAY_CTES = """
WITH spell AS (
    SELECT id, laborer_id, started_on, ended_on, region_code,
           LEAST(COALESCE(ended_on, :as_of), :as_of) AS stop
    FROM placements
    WHERE laborer_id BETWEEN :lo AND :hi AND started_on <= :as_of
),
irregular AS (  -- overlapping placements or leaves: the Python model judges these
    SELECT DISTINCT laborer_id FROM (
        SELECT laborer_id, started_on,
               lag(COALESCE(ended_on, 'infinity'::date))
                   OVER (PARTITION BY laborer_id ORDER BY started_on, id) AS before
        FROM placements WHERE laborer_id BETWEEN :lo AND :hi
    ) p WHERE started_on <= before
    UNION
    SELECT laborer_id FROM (
        SELECT laborer_id, left_on,
               lag(COALESCE(returned_on, 'infinity'::date))
                   OVER (PARTITION BY placement_id ORDER BY left_on, id) AS before
        FROM holiday_leaves WHERE laborer_id BETWEEN :lo AND :hi
    ) v WHERE left_on < before
),
cut AS (  -- leaves too long to bridge, then a closing row the day after the spell
    SELECT s.id AS spell_id, v.left_on, v.returned_on, false AS closing
    FROM spell s JOIN holiday_leaves v ON v.placement_id = s.id
    WHERE v.left_on BETWEEN s.started_on AND s.stop
      AND COALESCE(v.returned_on, :as_of + 1) - v.left_on > :max_leave
    UNION ALL
    SELECT id, stop + 1, NULL, true FROM spell
),
segment AS (
    SELECT s.laborer_id, s.id AS spell_id, s.started_on AS spell_start, s.ended_on,
           COALESCE(lag(c.returned_on) OVER w, s.started_on) AS first_day,
           c.left_on - 1 AS last_day,
           lag(c.left_on) OVER w IS NULL AS first_of_spell,
           COALESCE(bool_or(c.returned_on IS NULL OR c.returned_on > s.stop)
               OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS after_end,
           (:any_area OR s.region_code LIKE ANY(CAST(:areas AS text[]))) AS in_area
    FROM cut c JOIN spell s ON s.id = c.spell_id
    WINDOW w AS (PARTITION BY c.spell_id ORDER BY c.left_on, c.closing)
),
ordered AS (
    SELECT *, row_number() OVER o AS ord, lag(last_day) OVER o AS previous_last
    FROM segment WHERE NOT after_end AND first_day <= last_day
    WINDOW o AS (PARTITION BY laborer_id ORDER BY spell_start, spell_id, first_day)
),
numbered AS (
    SELECT *, sum(CASE WHEN previous_last IS NOT NULL AND first_of_spell AND in_area
                        AND first_day - previous_last - 1 <= :max_gap THEN 0 ELSE 1 END)
                  OVER (PARTITION BY laborer_id ORDER BY ord) AS stay_no
    FROM ordered
)"""
_STAY_ROWS = """
SELECT n.laborer_id, n.stay_no,
       (array_agg(n.first_day ORDER BY n.ord))[1] AS started_on,
       max(n.last_day) AS last_day,
       array_agg(n.spell_id ORDER BY n.ord) AS spell_ids,
       (array_agg(n.ended_on ORDER BY n.ord DESC))[1] AS last_ended_on
FROM numbered n
WHERE n.laborer_id NOT IN (SELECT laborer_id FROM irregular)
GROUP BY n.laborer_id, n.stay_no"""
STAYS_SQL = f"""{_STAY_CTES}{_STAY_ROWS}
UNION ALL
SELECT laborer_id, NULL, NULL, NULL, NULL, NULL FROM irregular
ORDER BY 1, 2
"""  # noqa: S608 - built from the constant parts above, no input
_STAYS = text(STAYS_SQL)
# The same stays with their calendar (`stay.completed_months` is the reference): the day
# each month completes, the start plus n calendar months clamped to the month's end as
# `relativedelta` does, up to the stay's last day; and, with :with_verified, whether the
# calendar month it ends in was verified in post (else every month counts as verified).
CALENDAR_SQL = f"""{_STAY_CTES},
stay AS ({_STAY_ROWS})
SELECT s.laborer_id, s.stay_no, s.started_on, s.last_day, s.spell_ids, s.last_ended_on,
       c.days, c.verified
FROM stay s LEFT JOIN LATERAL (
    SELECT array_agg(m.day ORDER BY m.n) AS days,
           array_agg(NOT :with_verified OR EXISTS (
               SELECT 1 FROM stay_verifications v
               WHERE v.laborer_id = s.laborer_id AND v.in_post
                 AND v.month = date_trunc('month', m.day - 1)::date
           ) ORDER BY m.n) AS verified
    FROM (
        SELECT n, (s.started_on + n * interval '1 month')::date AS day
        FROM generate_series(1, ((extract(year FROM s.last_day) - extract(year FROM s.started_on))
                                 * 12 + extract(month FROM s.last_day)
                                 - extract(month FROM s.started_on))::int) n
    ) m
    WHERE m.day <= s.last_day
) c ON true
UNION ALL
SELECT laborer_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM irregular
ORDER BY 1, 2
"""  # noqa: S608 - built from the constant parts above, no input
_CALENDAR = text(CALENDAR_SQL)


@dataclass(frozen=True, slots=True)
class StayRow:
    laborer_id: uuid.UUID
    started_on: date
    last_day: date
    spell_ids: list[uuid.UUID]  # in order, a spell cut by leave repeated
    last_ended_on: date | None  # of its last spell
    month_days: list[date] | None = None  # with the calendar: each month's completion day
    month_verified: list[bool] | None = None  # and whether it counts where verification is asked


def stays_in_range(
    session: Session,
    access: AccessContext,
    span: tuple[uuid.UUID, uuid.UUID],
    *,
    as_of: date,
    max_gap_days: int,
    max_leave_days: int,
    area_prefixes: Sequence[str],
    calendar: bool = False,
    with_verified: bool = False,
) -> tuple[list[StayRow], set[uuid.UUID]]:
    """Every stay of the laborers whose ids lie in `span` (a page the caller loaded under
    the context: every spell counts, whoever recorded it, so nothing more is filtered by
    `access`; on PostgreSQL RLS still binds). With `calendar`, each stay's months too
    (`with_verified`: judged against the verifications in post)."""
    patterns = [
        p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for p in area_prefixes
    ]
    rows = session.execute(
        _CALENDAR if calendar else _STAYS,
        {
            "with_verified": with_verified,
            "lo": span[0],
            "hi": span[1],
            "as_of": as_of,
            "max_gap": max_gap_days,
            "max_leave": max_leave_days,
            "any_area": not area_prefixes,
            "areas": patterns,
        },
    ).all()
    irregular = {row[0] for row in rows if row[1] is None}
    stays = [
        StayRow(row[0], *row[2:6], *(((row[6] or []), row[7] or []) if calendar else ()))
        for row in rows
        if row[1] is not None
    ]
    return stays, irregular
