"""How many CPUs this container may use: its cgroup quota, not the host's cores.

A pod limited to 2 CPUs on a 64-core node must not start 129 gunicorn workers (each with
its own connection pool). cgroup v2 has `cpu.max` ("quota period" or "max period"); v1
has `cpu.cfs_quota_us` (-1: no limit) and `cpu.cfs_period_us`.
"""

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def quota_cpus(root: Path = CGROUP_ROOT) -> float | None:
    """The CPU limit in CPUs (e.g. 0.5, 2.0), or None when there is none or no cgroup."""
    v2 = root / "cpu.max"
    if v2.is_file():
        quota, _, period = v2.read_text().strip().partition(" ")
        return _ratio(quota, period or "100000")
    for v1 in (root / "cpu", root / "cpu,cpuacct", root):
        quota_file = v1 / "cpu.cfs_quota_us"
        if quota_file.is_file():
            period_file = v1 / "cpu.cfs_period_us"
            period = period_file.read_text().strip() if period_file.is_file() else "100000"
            return _ratio(quota_file.read_text().strip(), period)
    return None


def _ratio(quota: str, period: str) -> float | None:
    if quota in ("max", "-1"):
        return None
    try:
        quota_us, period_us = int(quota), int(period)
    except ValueError:
        return None
    if quota_us <= 0 or period_us <= 0:
        return None
    return quota_us / period_us


def available_cpus(root: Path = CGROUP_ROOT) -> int:
    """Whole CPUs to plan for: the quota rounded up, within the CPUs this process may run on."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    quota = quota_cpus(root)
    return cores if quota is None else max(1, min(cores, math.ceil(quota)))


def default_workers(root: Path = CGROUP_ROOT) -> int:
    """gunicorn's usual 2 × CPUs + 1, counted from the quota."""
    return 2 * available_cpus(root) + 1
