"""api/imports/write_behind.py: writes run one at a time, in order, behind the caller,
and nothing is left running on the connection when the caller's block ends."""

import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from api.imports.write_behind import WriteBehind


def _session(dialect: str) -> Any:
    bind = SimpleNamespace(dialect=SimpleNamespace(name=dialect))
    return SimpleNamespace(get_bind=lambda: bind)


def test_writes_run_in_order_one_at_a_time_in_another_thread():
    done: list[int] = []
    running = threading.Lock()
    threads = set()

    def write(n: int) -> None:
        assert running.acquire(blocking=False), "two writes at once"
        threads.add(threading.get_ident())
        time.sleep(0.01)
        done.append(n)
        running.release()

    with WriteBehind(_session("postgresql")) as behind:
        for n in range(5):
            behind.submit(lambda n=n: write(n))
    assert done == [0, 1, 2, 3, 4]
    assert threads and threading.get_ident() not in threads


def test_sqlite_writes_in_the_callers_thread():
    threads = []
    with WriteBehind(_session("sqlite")) as behind:
        behind.submit(lambda: threads.append(threading.get_ident()))
    assert threads == [threading.get_ident()]


def _fail() -> None:
    raise RuntimeError("disk")


def _write_two(first: Any) -> None:
    with WriteBehind(_session("postgresql")) as behind:
        behind.submit(first)
        behind.submit(lambda: None)


def test_a_failed_write_is_raised_to_the_caller():
    with pytest.raises(RuntimeError, match="disk"):
        _write_two(_fail)


def test_a_failure_of_the_caller_waits_for_the_write_in_flight():
    finished = threading.Event()

    def slow() -> None:
        time.sleep(0.05)
        finished.set()

    def build_after(write: Any) -> None:
        with WriteBehind(_session("postgresql")) as behind:
            behind.submit(write)
            raise ValueError("the next chunk is wrong")

    with pytest.raises(ValueError, match="next chunk"):
        build_after(slow)
    assert finished.is_set()  # the savepoint rolls back only on a free connection
