"""Pods as deploy/kubernetes/base runs them, as real processes of this checkout: each
with the ConfigMap (config.env), its container's own `env`, the Secret's keys, and the
command of its Deployment (or Job), read from the manifests so that tests follow them.

Only what is per pod on one host changes: the data directory, /tmp, the ports. Each
pod is its own process group, ended by its id (SIGTERM, then SIGKILL) whatever the test
did."""

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

import httpx
import yaml

from tests.deploy.compose_env import read_env_file
from tests.deploy.processes import ROOT, argv, free_port, process_env

BASE = ROOT / "deploy" / "kubernetes" / "base"


def _container(manifest: str) -> dict:
    spec = yaml.safe_load((BASE / manifest).read_text())["spec"]
    return spec["template"]["spec"]["containers"][0]


def command(manifest: str) -> list[str]:
    """The container's command, e.g. web-deployment.yaml's gunicorn."""
    return list(_container(manifest)["command"])


def pod_environment(manifest: str, secret: dict[str, str]) -> dict[str, str]:
    """What the container sees: envFrom (the ConfigMap, then the Secret), then `env`."""
    environment = read_env_file(BASE / "config.env") | secret
    for item in _container(manifest).get("env") or []:
        if "value" in item:
            environment[item["name"]] = str(item["value"])
            continue
        # valueFrom: a key of a Secret; here every Secret's keys are in `secret`.
        ref = item["valueFrom"]["secretKeyRef"]
        if ref["key"] in secret:
            environment[item["name"]] = secret[ref["key"]]
        elif not ref.get("optional"):
            raise KeyError(f"{manifest}: {item['name']} needs {ref['name']}/{ref['key']}")
    return environment


def browser(url: str, cookies: CookieJar) -> httpx.Client:
    """One browser's view of a pod; give every pod the same jar (in production they sit
    behind one address). The app marks its cookies Secure, as production serves HTTPS;
    these pods speak plain HTTP on 127.0.0.1, where browsers send Secure cookies all the
    same (a secure context), but httpx would not: the flag is dropped once stored."""

    def keep_over_http(_response: httpx.Response) -> None:
        for cookie in cookies:
            cookie.secure = False

    return httpx.Client(
        base_url=url, cookies=cookies, timeout=60, event_hooks={"response": [keep_over_http]}
    )


@dataclass
class Pod:
    name: str
    argv: list[str]
    env: dict[str, str]
    root: Path  # the pod's own disk: LB_DATA_DIR and /tmp under it
    port: int = 0  # a web pod's HTTP port
    metrics_port: int = 0
    process: subprocess.Popen | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.root / "pod.log"

    @property
    def data_dir(self) -> Path:
        return Path(self.env["LB_DATA_DIR"])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("w") as out:
            # A session of its own: gunicorn's workers share the master's group, so one
            # signal to the group ends the whole pod.
            self.process = subprocess.Popen(
                argv(self.argv),
                env=process_env(self.env),
                cwd=ROOT,  # the image's WORKDIR
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, seconds: float = 120) -> None:
        """A web pod: /readyz 200. The worker has no HTTP port: its metrics answering
        says it has started (config.env turns them on)."""
        if self.port:
            url = f"http://127.0.0.1:{self.port}/readyz"
        else:
            assert self.metrics_port, f"{self.name}: nothing to tell that it started"
            url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        deadline = time.monotonic() + seconds
        status = 0
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.tail()
            try:
                status = httpx.get(url, timeout=5).status_code
            except httpx.TransportError:
                status = 0
            if status == 200:
                return
            time.sleep(0.3)
        raise AssertionError(f"{self.name}: {url} {status} after {seconds} s\n{self.tail()}")

    def send(self, sig: signal.Signals) -> None:
        # Only while the leader is not reaped: until then its pid (the group's id) cannot
        # be anyone else's.
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def stop(self, grace: float = 30) -> None:
        """SIGTERM as Kubernetes sends it, then SIGKILL; call send(SIGTERM) on several
        pods first to let them stop at once."""
        if self.process is None:
            return
        self.send(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL)
            self.process.wait(timeout=10)

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} ---\n" + "\n".join(text.splitlines()[-lines:])


def pod(name: str, manifest: str, environment: dict[str, str], root: Path) -> Pod:
    """A pod of `manifest` with a disk of its own under `root`/`name`. A web pod listens
    on a free port; every pod's metrics, if on, on another (config.env's 9100 is per pod
    in a cluster, but these share one host)."""
    home = root / name
    (home / "tmp").mkdir(parents=True)
    env = environment | {
        "LB_DATA_DIR": str(home / "data"),
        "TMPDIR": str(home / "tmp"),  # the pod's /tmp emptyDir
    }
    found = Pod(name, command(manifest), env, home)
    if env.get("LB_METRICS_PORT", "0") != "0":
        found.metrics_port = free_port()
        env["LB_METRICS_PORT"] = str(found.metrics_port)
    if "gunicorn" in found.argv[0]:
        found.port = free_port()
        env["LB_BIND"] = f"127.0.0.1:{found.port}"
        # gunicorn.conf.py empties it at start (in /tmp by default): one per pod.
        env["PROMETHEUS_MULTIPROC_DIR"] = str(home / "tmp" / "metrics")
        # One gunicorn worker, not config.env's two: what the pods share is the point,
        # and every worker is one more import of the app on a small test machine.
        env["LB_WORKERS"] = "1"
    return found
