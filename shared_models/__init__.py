"""SQLAlchemy models, enums and value validators shared by the service and migrations.

This package imports nothing of ours: api/ and web/ depend on it, never the other way.
"""

from shared_models.audit import AuditEntry, AuditHead
from shared_models.auth import ApiToken, Membership, SignInAttempt, User, WebSession
from shared_models.base import Base
from shared_models.casework import Case, CaseAttachment, CaseLaborer, CaseNote
from shared_models.demand import Employer, EmployerDisputeCount, Vacancy, VacancySkill
from shared_models.fairs import Fair, FairEmployer, FairIntention, FairRegistration, FairVacancy
from shared_models.figure_cache import StatChange, StatFigure
from shared_models.imports import ImportBatch
from shared_models.jobs import BackgroundJob
from shared_models.oversight import PeriodReport, StatSnapshot, StatSnapshotValue
from shared_models.placements import HolidayLeave, Placement, StayVerification
from shared_models.referrals import Referral, ReferralEvent
from shared_models.scheduled import ScheduledRun
from shared_models.subsidies import (
    ClaimUnit,
    Entitlement,
    IdempotencyRecord,
    PayeeAccount,
    PaymentBatch,
    SubsidyClaim,
    SubsidyPolicy,
)
from shared_models.supply import Laborer, LaborerIdentity, LaborerSurvey, LaborerTag
from shared_models.tenancy import Organization, Pairing, PairingTarget, Supervision
from shared_models.trainings import (
    Training,
    TrainingAttendance,
    TrainingEnrollment,
    TrainingSession,
)
from shared_models.warnings import WarningFlag, WarningSettings

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "BackgroundJob",
    "Base",
    "Case",
    "CaseAttachment",
    "CaseLaborer",
    "CaseNote",
    "ClaimUnit",
    "Employer",
    "EmployerDisputeCount",
    "Entitlement",
    "Fair",
    "FairEmployer",
    "FairIntention",
    "FairRegistration",
    "FairVacancy",
    "HolidayLeave",
    "IdempotencyRecord",
    "ImportBatch",
    "Laborer",
    "LaborerIdentity",
    "LaborerSurvey",
    "LaborerTag",
    "Membership",
    "Organization",
    "Pairing",
    "PairingTarget",
    "PayeeAccount",
    "PaymentBatch",
    "PeriodReport",
    "Placement",
    "Referral",
    "ReferralEvent",
    "ScheduledRun",
    "SignInAttempt",
    "StatChange",
    "StatFigure",
    "StatSnapshot",
    "StatSnapshotValue",
    "StayVerification",
    "SubsidyClaim",
    "SubsidyPolicy",
    "Supervision",
    "Training",
    "TrainingAttendance",
    "TrainingEnrollment",
    "TrainingSession",
    "User",
    "Vacancy",
    "VacancySkill",
    "WarningFlag",
    "WarningSettings",
    "WebSession",
]
