"""Display names of enumerations (English msgids; the catalog has the Chinese)."""

from enum import StrEnum

from api.demand.pool import Benefit, PoolSort
from api.i18n import _, gettext
from api.supply.rosters import ROSTER_TITLES, SortKey
from shared_models.enums import (
    AssistanceMeasure,
    Education,
    EmployerSize,
    EmploymentDifficulty,
    EmploymentNeed,
    EmploymentStatus,
    EntryThreshold,
    HealthStatus,
    OrgKind,
    OrgStatus,
    PairingMetric,
    PovertyStatus,
    ReferralStatus,
    Role,
    Sex,
    SkillLevel,
    TransferScope,
    VacancyStatus,
)

# Keyed by (enum class, member): StrEnum members equal their values, so
# PovertyStatus.NONE and SkillLevel.NONE would otherwise be one key.
_PAIRS: list[tuple[StrEnum, str]] = [
    (OrgKind.SENDING, _("Sending-county bureau")),
    (OrgKind.RECEIVING, _("Receiving-city bureau")),
    (OrgKind.LIAISON, _("Liaison office")),
    (OrgStatus.ACTIVE, _("Active")),
    (OrgStatus.SUSPENDED, _("Suspended")),
    (Role.ADMIN, _("Administrator")),
    (Role.STAFF, _("Staff")),
    (Role.VIEWER, _("Viewer")),
    (PairingMetric.LABORERS_TRANSFERRED, _("Laborers transferred")),
    (PairingMetric.POVERTY_LABORERS_TRANSFERRED, _("Of whom poverty-lifted")),
    (PairingMetric.PEOPLE_TRAINED, _("People trained")),
    (PairingMetric.FAIRS_HELD, _("Joint fairs held")),
    (PairingMetric.POSITIONS_OFFERED, _("Positions offered")),
    (Sex.MALE, _("Male")),
    (Sex.FEMALE, _("Female")),
    (PovertyStatus.REGISTERED_POOR, _("Registered poor household")),
    (PovertyStatus.LIFTED, _("Lifted out of poverty")),
    (PovertyStatus.MONITORED, _("Monitored (risk of relapse)")),
    (PovertyStatus.DIBAO, _("Minimum living allowance")),
    (PovertyStatus.TEKUN, _("Extreme hardship support")),
    (PovertyStatus.NONE, _("None")),
    (Education.PRIMARY, _("Primary or below")),
    (Education.JUNIOR_HIGH, _("Junior high")),
    (Education.SENIOR_HIGH, _("Senior high or vocational")),
    (Education.COLLEGE, _("College")),
    (Education.BACHELOR, _("Bachelor or above")),
    (HealthStatus.HEALTHY, _("Healthy")),
    (HealthStatus.CHRONIC, _("Chronic illness")),
    (HealthStatus.SERIOUS_ILLNESS, _("Serious illness")),
    (HealthStatus.DISABLED, _("Disability")),
    (EmploymentStatus.EMPLOYED, _("Employed")),
    (EmploymentStatus.SELF_EMPLOYED, _("Self-employed")),
    (EmploymentStatus.FARMING, _("Farming")),
    (EmploymentStatus.UNEMPLOYED, _("Unemployed")),
    (EmploymentStatus.STUDENT, _("Student")),
    (EmploymentStatus.UNABLE, _("Unable to work")),
    (EmploymentNeed.JOB, _("A job")),
    (EmploymentNeed.TRAINING, _("Skills training")),
    (EmploymentNeed.ENTREPRENEURSHIP, _("Business support")),
    (EmploymentNeed.NONE, _("No need for now")),
    (SkillLevel.NONE, _("No skills")),
    (SkillLevel.BASIC, _("Basic")),
    (SkillLevel.INTERMEDIATE, _("Intermediate")),
    (SkillLevel.ADVANCED, _("Advanced or above")),
    (EmploymentDifficulty.NONE, _("None")),
    (EmploymentDifficulty.LACKS_SKILLS, _("Lacks skills")),
    (EmploymentDifficulty.AGE, _("Older age")),
    (EmploymentDifficulty.HEALTH, _("Health reasons")),
    (EmploymentDifficulty.FAMILY_CARE, _("Family care duties")),
    (EmploymentDifficulty.LACKS_INFORMATION, _("Lacks job information")),
    (EmploymentDifficulty.OTHER, _("Other")),
    (AssistanceMeasure.JOB_REFERRAL, _("Job referral")),
    (AssistanceMeasure.SKILL_TRAINING, _("Skills training")),
    (AssistanceMeasure.ENTREPRENEURSHIP_SUPPORT, _("Business support")),
    (AssistanceMeasure.PUBLIC_WELFARE_POST, _("Public-benefit post")),
    (AssistanceMeasure.EMPLOYMENT_AID, _("Employment aid")),
    (AssistanceMeasure.NONE, _("None for now")),
    (TransferScope.IN_COUNTY, _("Within the county")),
    (TransferScope.IN_PROVINCE, _("Within the province")),
    (TransferScope.OUT_OF_PROVINCE, _("Out of the province")),
    (SortKey.NAME, _("Name")),
    (SortKey.VILLAGE, _("Township and village")),
    (SortKey.AGE, _("Age")),
    (SortKey.UPDATED, _("Last changed")),
    *ROSTER_TITLES.items(),
    (EmployerSize.MICRO, _("Under 20 staff")),
    (EmployerSize.SMALL, _("20–99 staff")),
    (EmployerSize.MEDIUM, _("100–299 staff")),
    (EmployerSize.LARGE, _("300–999 staff")),
    (EmployerSize.HUGE, _("1,000 staff or more")),
    (EntryThreshold.NONE, _("No entry threshold")),
    (EntryThreshold.LOW, _("Low entry threshold")),
    (EntryThreshold.SKILLED, _("Skilled work")),
    (VacancyStatus.OPEN, _("Open")),
    (VacancyStatus.PAUSED, _("Paused")),
    (VacancyStatus.FILLED, _("Filled")),
    (VacancyStatus.EXPIRED, _("Expired")),
    (ReferralStatus.RECOMMENDED, _("Recommended")),
    (ReferralStatus.INTERVIEWED, _("Interviewed")),
    (ReferralStatus.OFFERED, _("Offered")),
    (ReferralStatus.HIRED, _("Hired")),
    (ReferralStatus.DECLINED, _("Not successful")),
    (ReferralStatus.WITHDRAWN, _("Withdrawn")),
    (PoolSort.NEWEST, _("Newest first")),
    (PoolSort.WAGE, _("Highest pay first")),
    (PoolSort.CLOSING, _("Closing soonest")),
    (Benefit.HOUSING, _("Housing")),
    (Benefit.MEALS, _("Meals")),
    (Benefit.TRANSPORT, _("Transport")),
    (Benefit.INSURANCE, _("Social insurance")),
]
LABELS: dict[tuple[type, StrEnum], str] = {(type(m), m): msgid for m, msgid in _PAIRS}


def options(enum_class: type[StrEnum]) -> list[tuple[str, str]]:
    """(value, translated label) pairs for a select."""
    return [(member.value, label(member)) for member in enum_class]


def label(value: StrEnum | None) -> str:
    if value is None:
        return ""
    msgid = LABELS.get((type(value), value))
    return gettext(msgid) if msgid else str(value)
