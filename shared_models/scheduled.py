"""The last run of each scheduled command (the nightly work), for the metrics that
alert when one is missed. A platform table: commands are operator work, not a tenant's."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from shared_models.base import Base


class ScheduledRun(Base):
    __tablename__ = "scheduled_runs"

    # The command as typed: "subsidies evaluate", "stats snapshot", ...
    command: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_success_at: Mapped[datetime | None]
    last_duration_seconds: Mapped[float | None]
    last_failure_at: Mapped[datetime | None]
