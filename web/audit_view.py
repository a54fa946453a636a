"""The audit log as people read it: each entry's before and after as labelled values.

Entries store field names and codes as JSON (personal data already masked when it was
recorded). Here a field gets its label, a code its enumeration's label, a yes/no its
word, a list its items, and an id a short form; the stored values are never unmasked.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from api.i18n import gettext
from api.labels import label
from shared_models.enums import (
    AssistanceMeasure,
    BatchStatus,
    CaseKind,
    CaseStatus,
    ClaimStatus,
    DisputeKind,
    Education,
    EmployerSize,
    EmploymentDifficulty,
    EmploymentNeed,
    EmploymentStatus,
    EnrollmentStatus,
    EntryThreshold,
    EvidenceSource,
    FairStatus,
    HealthStatus,
    OrgKind,
    OrgStatus,
    PairingMetric,
    PlacementChannel,
    PolicyKind,
    PovertyStatus,
    ReferralStatus,
    Role,
    SeparationReason,
    SkillLevel,
    TrainingType,
    TransferScope,
    VacancyStatus,
    WarningCloseReason,
    WarningRule,
    WarningSeverity,
    WarningStatus,
)
from web.audit_words import ACTIONS, FIELDS
from web.audit_words import ENTITIES as ENTITIES  # re-exported for the admin page

# The enumeration of a coded field: by the entry's entity for the shared names.
_STATUS = {
    "subsidy_claim": ClaimStatus,
    "case": CaseStatus,
    "warning": WarningStatus,
    "fair": FairStatus,
    "vacancy": VacancyStatus,
    "training_enrollment": EnrollmentStatus,
    "referral": ReferralStatus,
    "organization": OrgStatus,
    "payment_batch": BatchStatus,
}
_KIND = {"organization": OrgKind, "subsidy_policy": PolicyKind, "case": CaseKind}
CODES: dict[str, type[StrEnum]] = {
    "assistance_measure": AssistanceMeasure,
    "channel": PlacementChannel,
    "channels": PlacementChannel,
    "close_reason": WarningCloseReason,
    "dispute_kind": DisputeKind,
    "education": Education,
    "education_min": Education,
    "employment_difficulty": EmploymentDifficulty,
    "employment_need": EmploymentNeed,
    "employment_status": EmploymentStatus,
    "health_status": HealthStatus,
    "metric": PairingMetric,
    "poverty_status": PovertyStatus,
    "poverty_statuses": PovertyStatus,
    "role": Role,
    "rule": WarningRule,
    "separation_reason": SeparationReason,
    "severity": WarningSeverity,
    "size": EmployerSize,
    "skill_level": SkillLevel,
    "source": EvidenceSource,
    "threshold": EntryThreshold,
    "training_type": TrainingType,
    "transfer_scope": TransferScope,
}


@dataclass(frozen=True)
class Change:
    field: str  # the label, translated
    before: str | None  # None: the entry has no before value for this field
    after: str | None
    code: str  # the stored key, for tests and tooltips


def _enum_for(entity_type: str, key: str) -> type[StrEnum] | None:
    if key == "status":
        return _STATUS.get(entity_type)
    if key == "kind":
        return _KIND.get(entity_type)
    return CODES.get(key)


def shown(value: Any, enum: type[StrEnum] | None = None) -> str:
    """One stored value as text: labels for codes, 是/否, lists joined, ids shortened."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return "、".join(shown(v, enum) for v in value)
    if isinstance(value, dict):  # a teacher: name and origin
        parts = [str(v) for v in value.values() if v not in (None, "")]
        return parts[0] + (f" ({'、'.join(parts[1:])})" if len(parts) > 1 else "") if parts else "—"
    if isinstance(value, str) and enum is not None:
        try:
            return label(enum(value))
        except ValueError:
            return value
    if isinstance(value, str) and len(value) == 36:
        try:
            return str(uuid.UUID(value))[:8]  # a record's id: the short form, as elsewhere
        except ValueError:
            return value
    return str(value)


def changes(
    entity_type: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[Change]:
    """The fields an entry records, in the order it recorded them."""
    before, after = before or {}, after or {}
    keys = list(after) + [k for k in before if k not in after]
    out = []
    for key in keys:
        enum = _enum_for(entity_type, key)
        msgid = FIELDS.get(key)
        out.append(
            Change(
                field=gettext(msgid) if msgid else key,
                before=shown(before[key], enum) if key in before else None,
                after=shown(after[key], enum) if key in after else None,
                code=key,
            )
        )
    return out


def entity_label(entity_type: str) -> str:
    msgid = ENTITIES.get(entity_type)
    return gettext(msgid) if msgid else entity_type


def action_label(action: str) -> str:
    msgid = ACTIONS.get(action)
    return gettext(msgid) if msgid else action
