"""Which builder counts each indicator (api/oversight/indicators.py), and which of them
also count over a period list in one grouped statement."""

from sqlalchemy import func

from api.oversight.indicators import POVERTY, RULE_NAMES
from api.oversight.statistics_repository import activity_builders as activity
from api.oversight.statistics_repository import people_builders as people
from api.oversight.statistics_repository.counted import ROWS, Builder, RowBuilder
from shared_models import Laborer, Placement, Vacancy
from shared_models.enums import CaseKind, PlacementChannel, Sex, WorkScope

BUILDERS: dict[str, Builder] = {
    "registered": people.registered(),
    "registered_poverty": people.registered(Laborer.poverty_status.in_(POVERTY)),
    "registered_female": people.registered(Laborer.sex == Sex.FEMALE),
    "registered_two_after": people.registered(Laborer.two_after.is_(True)),
    "registered_age_16_30": people.registered_aged(16, 30),
    "registered_age_31_45": people.registered_aged(31, 45),
    "registered_age_46_60": people.registered_aged(46, 60),
    "registered_age_over_60": people.registered_aged(61, None),
    "employed": people.employed(),
    "employed_in_district": people.employed(WorkScope.IN_DISTRICT),
    "employed_in_city": people.employed(WorkScope.IN_CITY),
    "employed_out_of_city": people.employed(WorkScope.OUT_OF_CITY),
    "public_posts": people.employed(None, Placement.channel == PlacementChannel.PUBLIC_POST),
    "workshop_jobs": people.employed(None, Placement.channel == PlacementChannel.WORKSHOP),
    "transfers": people.transfers(),
    "transfers_organized": people.transfers(Placement.channel == PlacementChannel.ORGANIZED),
    "transfers_poverty": people.transfers(Laborer.poverty_status.in_(POVERTY)),
    "transfers_to_pairing_cities": people.transfers_to_pairing_cities,
    "transfers_in_county": people.transfers(people.band() == "county"),
    "transfers_in_city": people.transfers(people.band() == "city"),
    "transfers_in_province": people.transfers(people.band() == "province"),
    "transfers_out_of_province": people.transfers(people.band() == "out"),
    "spring_returns": people.spring_returns,
    "employed_last_year_end": people.employed_last_year_end,
    "trained": people.trained,
    "training_completed": people.completed,
    "vacancies": activity.open_vacancies(ROWS),
    "positions": activity.open_vacancies(func.coalesce(func.sum(Vacancy.headcount), 0)),
    "fairs_held": activity.fairs,
    "fair_attendees": activity.attendees,
    "fair_intentions": activity.intentions,
    "referrals": activity.referrals,
    "hires": activity.hires,
    "subsidies_claimed": activity.claimed,
    "subsidies_paid": activity.paid,
    "cases_visit": activity.cases(CaseKind.VISIT),
    "cases_hardship_aid": activity.cases(CaseKind.HARDSHIP_AID),
    "cases_onboarding": activity.cases(CaseKind.ONBOARDING),
    "cases_dispute": activity.cases(CaseKind.DISPUTE),
    "dispute_money_recovered": activity.recovered,
    "warnings_raised": activity.warnings(closed=False),
    "warnings_closed": activity.warnings(closed=True),
    **{
        f"warnings_raised_{rule.value}": activity.warnings(closed=False, rule=rule)
        for rule in RULE_NAMES
    },
    **{
        f"warnings_closed_{rule.value}": activity.warnings(closed=True, rule=rule)
        for rule in RULE_NAMES
    },
    "reached_3_months": people.milestone(3, stayed_only=False),
    "in_post_3_months": people.milestone(3, stayed_only=True),
    "reached_6_months": people.milestone(6, stayed_only=False),
    "in_post_6_months": people.milestone(6, stayed_only=True),
}

ROW_BUILDERS: dict[str, RowBuilder] = {
    "trained_employed_90_days": people.employed_after_training,
    "subsidies_due": activity.due,
}

# The builders known to work on a period list (Periods) as well as on one Period: they
# use only the period's start, end and last day and its since(), until(),
# years_before_end() and started_between(), never Python arithmetic on its dates. A
# builder not listed here is counted period by period in a trend (correct, slower).
GROUPED: frozenset[str] = frozenset(
    {
        "registered",
        "registered_poverty",
        "registered_female",
        "registered_two_after",
        "registered_age_16_30",
        "registered_age_31_45",
        "registered_age_46_60",
        "registered_age_over_60",
        "employed",
        "employed_in_district",
        "employed_in_city",
        "employed_out_of_city",
        "public_posts",
        "workshop_jobs",
        "transfers",
        "transfers_organized",
        "transfers_poverty",
        "transfers_to_pairing_cities",
        "transfers_in_county",
        "transfers_in_city",
        "transfers_in_province",
        "transfers_out_of_province",
        "trained",
        "training_completed",
        "vacancies",
        "positions",
        "fairs_held",
        "fair_attendees",
        "fair_intentions",
        "referrals",
        "hires",
        "subsidies_claimed",
        "subsidies_paid",
        "cases_visit",
        "cases_hardship_aid",
        "cases_onboarding",
        "cases_dispute",
        "dispute_money_recovered",
        "warnings_raised",
        "warnings_closed",
        "reached_3_months",
        "in_post_3_months",
        "reached_6_months",
        "in_post_6_months",
        *(f"warnings_raised_{rule.value}" for rule in RULE_NAMES),
        *(f"warnings_closed_{rule.value}" for rule in RULE_NAMES),
    }
)
