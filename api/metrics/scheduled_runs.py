"""The last success of each scheduled command, read from the database at each scrape:
the commands run as CronJob pods that are gone by then (table scheduled_runs)."""

import logging
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from api import db_limits
from api.scheduled import repository
from api.settings import Settings

log = logging.getLogger(__name__)


class ScheduledRuns(Collector):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        # No pool: the exporter may live in gunicorn's master, whose open connections
        # would be inherited by every worker it forks.
        if self._engine is None:
            url = self.settings.app_database_url
            postgres = make_url(url).get_backend_name() == "postgresql"
            seconds = self.settings.probe_timeout_seconds
            self._engine = create_engine(
                url,
                poolclass=NullPool,
                connect_args={"connect_timeout": max(2, round(seconds))} if postgres else {},
            )
            if postgres:
                limits = db_limits.Limits(seconds, seconds, seconds)
                db_limits.install(self._engine, limits, limits, seconds)
        return self._engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        success = GaugeMetricFamily(
            "laborbridge_scheduled_job_last_success_timestamp_seconds",
            "When each scheduled command last finished without an error (Unix time).",
            labels=["command"],
        )
        duration = GaugeMetricFamily(
            "laborbridge_scheduled_job_last_duration_seconds",
            "How long the last successful run of each scheduled command took.",
            labels=["command"],
        )
        failure = GaugeMetricFamily(
            "laborbridge_scheduled_job_last_failure_timestamp_seconds",
            "When each scheduled command last failed (Unix time).",
            labels=["command"],
        )
        readable = GaugeMetricFamily(
            "laborbridge_scheduled_jobs_readable",
            "1 when the last runs could be read from the database at this scrape.",
        )
        try:
            with Session(self.engine()) as session:
                runs = repository.all_runs(session)
        except Exception as exc:
            log.warning("scheduled runs unreadable: %s", exc.__class__.__name__)
            readable.add_metric([], 0)
            yield readable
            return
        readable.add_metric([], 1)
        for run in runs:
            if run.last_success_at is not None:
                success.add_metric([run.command], run.last_success_at.timestamp())
                duration.add_metric([run.command], run.last_duration_seconds or 0)
            if run.last_failure_at is not None:
                failure.add_metric([run.command], run.last_failure_at.timestamp())
        yield from (success, duration, failure, readable)
