"""The sort keys each list accepts, in one place. A client names a key; the list's
repository maps it to a column. Nothing else reaches ORDER BY (the laborer rosters keep
theirs in api/supply/rosters.py)."""

from enum import StrEnum


class WarningSort(StrEnum):
    SEVERITY = "severity"  # most severe first, then the oldest cause (the default)
    AGE = "age"  # days since the cause
    NAME = "name"


class CaseSort(StrEnum):
    OCCURRED = "occurred_on"  # latest first by default
    KIND = "kind"
    STATUS = "status"
    DEADLINE = "deadline"
