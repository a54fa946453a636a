"""The worker count follows the container's CPU quota (cgroup v2 and v1), not the host."""

import os

import pytest

from api.cpu_quota import available_cpus, default_workers, quota_cpus

HOST_CPUS = len(os.sched_getaffinity(0))


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [("200000 100000", 2.0), ("50000 100000", 0.5), ("150000 100000\n", 1.5), ("max 100000", None)],
)
def test_cgroup_v2_cpu_max(tmp_path, cpu_max, expected):
    (tmp_path / "cpu.max").write_text(cpu_max)
    assert quota_cpus(tmp_path) == expected


@pytest.mark.parametrize(
    ("quota", "period", "expected"),
    [("100000", "100000", 1.0), ("250000", "100000", 2.5), ("-1", "100000", None)],
)
@pytest.mark.parametrize("controller", ["cpu", "cpu,cpuacct"])
def test_cgroup_v1_cfs_quota(tmp_path, quota, period, expected, controller):
    controller = tmp_path / controller
    controller.mkdir()
    (controller / "cpu.cfs_quota_us").write_text(quota + "\n")
    (controller / "cpu.cfs_period_us").write_text(period + "\n")
    assert quota_cpus(tmp_path) == expected


def test_no_cgroup_files_means_no_quota(tmp_path):
    assert quota_cpus(tmp_path) is None
    assert available_cpus(tmp_path) == HOST_CPUS
    assert default_workers(tmp_path) == 2 * HOST_CPUS + 1


def test_garbage_is_no_quota(tmp_path):
    (tmp_path / "cpu.max").write_text("lots 100000")
    assert quota_cpus(tmp_path) is None


def test_workers_follow_the_quota_rounded_up(tmp_path):
    (tmp_path / "cpu.max").write_text("50000 100000")  # half a CPU: still one worker's CPU
    assert available_cpus(tmp_path) == 1
    assert default_workers(tmp_path) == 3


def test_a_quota_above_the_cores_is_capped_by_them(tmp_path):
    (tmp_path / "cpu.max").write_text(f"{(HOST_CPUS + 8) * 100000} 100000")
    assert available_cpus(tmp_path) == HOST_CPUS
