"""The records behind a figure, and a figure's spread over a dimension (issue 13's
drill-down).

Both reuse the figure's own builder (statistics_repository.BUILDERS): the list opened
from a number is the rows that number counted, so it always adds up to it, with the
same tenancy. A person count (distinct laborers) lists the people; any other count or
sum lists the records it counted (vacancies, fairs, claims, cases, flags...).
"""

from api.oversight.records_repository.drill import (
    DIMENSIONS,
    ID_DIMENSIONS,
    NotListable,
    Share,
    dimensions_of,
    listable,
    organization_names,
    pairing_names,
    records,
    spread,
)
from api.oversight.records_repository.rows import Row

__all__ = [
    "DIMENSIONS",
    "ID_DIMENSIONS",
    "NotListable",
    "Row",
    "Share",
    "dimensions_of",
    "listable",
    "organization_names",
    "pairing_names",
    "records",
    "spread",
]
