"""The drill-down's limits as query parameters, shared by its JSON API and its pages (a
page may not import a router)."""

from typing import Annotated

from fastapi import Depends, Query

Limit = Annotated[str | None, Query(max_length=60)]


def within(
    township: Limit = None,
    village: Limit = None,
    district: Limit = None,
    organization: Limit = None,
    pairing: Limit = None,
) -> dict[str, str]:
    """The dependency: the places or organizations a drill-down is limited to."""
    given = {
        "township": township,
        "village": village,
        "district": district,
        "organization": organization,
        "pairing": pairing,
    }
    return {k: v for k, v in given.items() if v}


Within = Annotated[dict[str, str], Depends(within)]
