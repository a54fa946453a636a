"""Employers' dispute counts, the compliance signal the demand pool shows.

Whoever reads the pool may not read the disputes (they stay with the liaison offices
and the employer's bureau), so the counts are stored apart and recounted after every
change to a dispute, under the view of the employer's bureau: it alone sees all the
disputes with its employers, across its pairings' offices.
"""

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from api.access import AccessContext, bureau_system_access
from api.casework import repository
from api.db import apply_access

# An employer of the pool and the bureau that owns it, as a dispute names them.
EmployerKey = tuple[uuid.UUID | None, uuid.UUID | None]


def recount(session: Session, access: AccessContext, employers: Iterable[EmployerKey]) -> None:
    """Recount the named employers; the caller's own context is restored afterwards."""
    by_bureau: dict[uuid.UUID, set[uuid.UUID]] = {}
    for employer_id, bureau_id in employers:
        if employer_id is not None and bureau_id is not None:
            by_bureau.setdefault(bureau_id, set()).add(employer_id)
    if not by_bureau:
        return
    try:
        for bureau_id, employer_ids in by_bureau.items():
            system = bureau_system_access(session, bureau_id)
            apply_access(session, system)
            repository.recount_disputes(session, system, sorted(employer_ids))
    finally:
        apply_access(session, access)
