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


class FairSort(StrEnum):
    HELD_ON = "held_on"  # latest first by default
    TITLE = "title"
    STATUS = "status"


class MemberSort(StrEnum):
    NAME = "name"  # the display name, then the username
    USERNAME = "username"
    ROLE = "role"


class LeaveSort(StrEnum):
    STATE = "state"  # overdue, away, back (the default), then the expected return
    NAME = "name"
    LEFT = "left_on"
    EXPECTED = "expected_return_on"


class EnrollmentSort(StrEnum):
    POSITION = "position"  # order of enrollment (the default)
    NAME = "name"
    STATUS = "status"


class PolicySort(StrEnum):
    YEAR = "year"  # latest year first by default
    NAME = "name"
    KIND = "kind"
    AMOUNT = "amount"


class ClaimSort(StrEnum):
    DUE = "due_on"  # soonest first (the default)
    AMOUNT = "amount"
    STATUS = "status"
