"""A vacancy as the API shows it, for the demand pool's routes and for matching's."""

from api.demand import service
from api.demand.schemas import VacancyOut
from shared_models import Vacancy

# Read straight off the row; the others are worked out below.
SIMPLE = frozenset(VacancyOut.model_fields) - {"skills", "employer_open_disputes"}


def vacancy_out(vacancy: Vacancy) -> VacancyOut:
    return VacancyOut.model_validate(
        {
            **{c: getattr(vacancy, c) for c in VacancyOut.model_fields if c in SIMPLE},
            "employer_open_disputes": vacancy.employer.open_disputes,
            "skills": [s.name for s in vacancy.skills],
            "status": service.status_of(vacancy),
        }
    )
