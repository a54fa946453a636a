"""The shared demand pool: employers and their vacancies (企业用工劳动力就业需求信息库)."""

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import Education, EmployerSize, EntryThreshold, VacancyStatus


class Employer(UuidPrimaryKey, Timestamps, Base):
    """An employer, owned by the bureau that registered it; one per credit code there."""

    __tablename__ = "employers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "credit_code"),
        Index("ix_employers_tenant_name", "tenant_id", "name"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API

    name: Mapped[str] = mapped_column(String(120))
    credit_code: Mapped[str] = mapped_column(String(18))  # 统一社会信用代码
    industry: Mapped[str] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6))
    contact_name: Mapped[str | None] = mapped_column(String(40))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    size: Mapped[EmployerSize | None] = mapped_column(str_enum(EmployerSize, 16))
    # Labels from the seeds
    is_employment_base: Mapped[bool] = mapped_column(default=False)  # 就业扶贫基地
    is_workshop: Mapped[bool] = mapped_column(default=False)  # 扶贫车间
    is_model_workshop: Mapped[bool] = mapped_column(default=False)  # 就业扶贫示范车间
    offers_housing: Mapped[bool] = mapped_column(default=False)
    offers_meals: Mapped[bool] = mapped_column(default=False)
    offers_transport: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(500))

    vacancies: Mapped[list["Vacancy"]] = relationship(back_populates="employer")
    # Loaded with the employer (one outer join), so a list of vacancies costs no more.
    dispute_count: Mapped["EmployerDisputeCount | None"] = relationship(
        lazy="joined", viewonly=True
    )

    @property
    def open_disputes(self) -> int:
        return self.dispute_count.open_count if self.dispute_count is not None else 0


class EmployerDisputeCount(Base):
    """How many disputes liaison offices have brought against an employer: a compliance
    signal for everyone who reads the pool. The cases stay with the offices (and the
    employer's bureau); only these numbers are shared, kept under the employer's bureau
    and recounted whenever a dispute with the employer changes."""

    __tablename__ = "employer_dispute_counts"
    __table_args__ = (
        CheckConstraint("open_count >= 0 AND total_count >= open_count", name="counts"),
    )

    employer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # the employer's
    open_count: Mapped[int] = mapped_column(default=0)  # open or in progress
    total_count: Mapped[int] = mapped_column(default=0)  # every dispute, ever
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


_OPEN = text("status = 'open'")


class Vacancy(UuidPrimaryKey, Timestamps, Base):
    """A vacancy in the shared pool. `filled` never exceeds `headcount`: the database
    refuses it, so two hires racing for the last position cannot both succeed."""

    __tablename__ = "vacancies"
    __table_args__ = (
        CheckConstraint("headcount >= 1", name="headcount"),
        CheckConstraint("filled >= 0 AND filled <= headcount", name="filled"),
        CheckConstraint("wage_min >= 0 AND wage_max >= wage_min", name="wage"),
        CheckConstraint(
            "age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="age_range"
        ),
        Index("ix_vacancies_tenant_status", "tenant_id", "status", "valid_until"),
        Index("ix_vacancies_occupation_code", "occupation_code"),
        Index("ix_vacancies_occupation_name", "occupation_name"),
        Index("ix_vacancies_city", "city"),
        Index("ix_vacancies_region", "region_code"),
        Index("ix_vacancies_employer", "employer_id"),
        # The pool's orders over the open vacancies (api/demand/pool.py, POOL_ORDERS).
        *(
            Index(name, *columns, postgresql_where=_OPEN, sqlite_where=_OPEN)
            for name, columns in (
                ("ix_vacancies_open_newest", ("created_at", "id")),
                ("ix_vacancies_open_wage", ("wage_max", "wage_min", "id")),
                ("ix_vacancies_open_closing", ("valid_until", "id")),
            )
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API

    title: Mapped[str] = mapped_column(String(80))
    occupation_name: Mapped[str] = mapped_column(String(60))
    occupation_code: Mapped[str | None] = mapped_column(String(20))
    headcount: Mapped[int]
    filled: Mapped[int] = mapped_column(default=0)
    wage_min: Mapped[int]  # yuan per month
    wage_max: Mapped[int]
    city: Mapped[str] = mapped_column(String(40))
    region_code: Mapped[str] = mapped_column(String(6))
    address: Mapped[str | None] = mapped_column(String(200))
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    education_min: Mapped[Education | None] = mapped_column(str_enum(Education, 16))
    requirements: Mapped[str | None] = mapped_column(String(500))
    threshold: Mapped[EntryThreshold] = mapped_column(str_enum(EntryThreshold, 16))
    offers_housing: Mapped[bool] = mapped_column(default=False)
    offers_meals: Mapped[bool] = mapped_column(default=False)
    offers_transport: Mapped[bool] = mapped_column(default=False)
    offers_insurance: Mapped[bool] = mapped_column(default=False)  # 五险
    contract_months: Mapped[int | None]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[VacancyStatus] = mapped_column(str_enum(VacancyStatus, 16))

    employer: Mapped[Employer] = relationship(back_populates="vacancies")
    skills: Mapped[list["VacancySkill"]] = relationship(
        back_populates="vacancy", cascade="all, delete-orphan", order_by="VacancySkill.position"
    )


class VacancySkill(UuidPrimaryKey, Base):
    """A skill a vacancy asks for (by occupation name)."""

    __tablename__ = "vacancy_skills"
    __table_args__ = (
        Index("ix_vacancy_skills_vacancy", "vacancy_id"),
        Index("ix_vacancy_skills_name", "name", "vacancy_id"),
    )

    tenant_id: Mapped[uuid.UUID]  # the vacancy's, for row-level security
    vacancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vacancies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)

    vacancy: Mapped[Vacancy] = relationship(back_populates="skills")
