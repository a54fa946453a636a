"""The seeded bureaus the later demo steps build on."""

from sqlalchemy.orm import Session

from api.tenancy import repository as tenancy_repository
from shared_models import Organization


def bureau(session: Session, name: str) -> Organization:
    """A bureau the demo's first step created (api/demo/loader.py); its absence is a bug."""
    org = tenancy_repository.organization_by_name(session, name)
    if org is None:
        raise LookupError(f"demo bureau {name!r} not seeded")
    return org
