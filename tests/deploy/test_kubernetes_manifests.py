"""The Kubernetes manifests (deploy/kubernetes): each overlay rendered by kustomize, every
object validated against the pinned Kubernetes version's schemas in strict mode (unknown
fields refused), and the promises of docs/operations.md checked on what is rendered."""

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import typer.main
import yaml

from api.cli import app as cli_app
from api.health.router import router as health_router

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"  # the oldest release the manifests support
# An overlay, or an overlay with components (deploy/kubernetes/components) added: every
# check below runs on each.
OVERLAYS = ("dev", "prod", "prod+sharded-evaluate")
BUREAU_ZONE = "Asia/Shanghai"
SCHEDULED = {  # every nightly command and the CronJob that runs it
    ("stats", "tidy"),
    ("purge",),
    ("vacancies", "expire"),
    ("subsidies", "evaluate"),
    ("warnings", "evaluate"),
    ("stats", "snapshot"),
    ("audit", "verify"),
    ("audit", "anchor"),
}
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _kustomize_command() -> list[str]:
    if found := shutil.which("kustomize"):
        return [found, "build"]
    if found := shutil.which("kubectl"):
        return [found, "kustomize"]
    message = "neither kustomize nor kubectl (with its built-in kustomize) is on PATH"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def render(folder: Path) -> list[dict]:
    done = subprocess.run(
        [*_kustomize_command(), str(folder)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def render_with_components(overlay_name: str, components: list[str], where: Path) -> list[dict]:
    """The overlay with the components added, as an operator's kustomization would."""
    where.mkdir(parents=True, exist_ok=True)
    up = lambda target: os.path.relpath(target, where)  # noqa: E731 - kustomize wants relative paths
    (where / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": [up(KUBERNETES / "overlays" / overlay_name)],
                "components": [up(KUBERNETES / "components" / c) for c in components],
            }
        )
    )
    return render(where)


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, list[dict]]:
    name, *components = request.param.split("+")
    if not components:
        return request.param, render(KUBERNETES / "overlays" / name)
    where = tmp_path_factory.mktemp("kustomize")
    return request.param, render_with_components(name, components, where)


def of_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def named(docs: list[dict], kind: str, name: str) -> dict:
    [found] = [d for d in of_kind(docs, kind) if d["metadata"]["name"] == name]
    return found


def pod_specs(docs: list[dict]) -> list[tuple[str, dict]]:
    """Every pod template: Deployments', Jobs' and CronJobs'."""
    specs = []
    for doc in docs:
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        if doc["kind"] in ("Deployment", "Job"):
            specs.append((name, doc["spec"]["template"]["spec"]))
        elif doc["kind"] == "CronJob":
            specs.append((name, doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
    return specs


def test_every_object_is_valid_for_the_pinned_kubernetes_in_strict_mode(overlay):
    _name, docs = overlay
    assert len(docs) >= 15
    problems = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:  # its text repeats the schema
            where = "/".join(str(p) for p in exc.absolute_path)
            problems.append(f"{doc['kind']}/{doc['metadata']['name']} {where}: {exc.message}")
    assert problems == []


def test_strict_validation_refuses_an_unknown_field(overlay):
    """The check above can fail: a misspelt field is an error, not ignored."""
    _name, docs = overlay
    web = copy.deepcopy(named(docs, "Deployment", "laborbridge-web"))
    kubernetes_validate.validate(web, KUBERNETES_VERSION, strict=True)
    web["spec"]["template"]["spec"]["containers"][0]["readOnlyRootFileSystem"] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(web, KUBERNETES_VERSION, strict=True)


def test_every_pod_meets_the_restricted_profile_in_bureau_time(overlay):
    _name, docs = overlay
    config = {c["metadata"]["name"] for c in of_kind(docs, "ConfigMap")}
    assert len(pod_specs(docs)) == 11  # web, worker, migration and eight CronJobs
    for where, spec in pod_specs(docs):
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, where
        assert pod["runAsUser"] > 0, where
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, where
        assert spec["automountServiceAccountToken"] is False, where
        empty_dirs = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["capabilities"] == {"drop": ["ALL"]}, where
            assert "privileged" not in context, where
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts["/tmp"] in empty_dirs, where  # noqa: S108 - a path checked, not used
            assert {"name": "TZ", "value": BUREAU_ZONE} in container["env"], where
            sources = container["envFrom"]
            assert {"secretRef": {"name": "laborbridge-secrets"}} in sources, where
            [config_ref] = [s["configMapRef"]["name"] for s in sources if "configMapRef" in s]
            assert config_ref in config, where
            assert container["resources"]["requests"]["memory"], where
            assert container["resources"]["limits"]["memory"], where


def test_one_image_tag_for_the_pods_the_migration_and_the_cronjobs(overlay):
    _name, docs = overlay
    images = {c["image"] for _where, spec in pod_specs(docs) for c in spec["containers"]}
    assert len(images) == 1, images
    [image] = images
    assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest")
    [job] = of_kind(docs, "Job")
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == [
        "laborbridge",
        "db",
        "upgrade",
    ]


def _at(cron: dict) -> int:
    minute, hour, *rest = cron["spec"]["schedule"].split()
    assert rest == ["*", "*", "*"], cron["spec"]["schedule"]
    return int(hour) * 60 + int(minute)


def test_cronjobs_run_every_nightly_command_once_in_bureau_time_and_in_order(overlay):
    _name, docs = overlay
    by_command = {}
    for cron in of_kind(docs, "CronJob"):
        spec = cron["spec"]
        assert spec["timeZone"] == BUREAU_ZONE
        assert spec["concurrencyPolicy"] == "Forbid"
        assert 0 < spec["startingDeadlineSeconds"] <= 3600
        assert spec["jobTemplate"]["spec"]["backoffLimit"] >= 1
        [container] = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        command = container["command"]
        assert command[0] == "laborbridge"
        by_command[tuple(command[1:3])] = (cron, command)
    assert set(by_command) == SCHEDULED
    at = {key: _at(cron) for key, (cron, _command) in by_command.items()}
    assert at[("stats", "tidy")] < 60  # shortly after midnight
    assert at[("subsidies", "evaluate")] < at[("warnings", "evaluate")]
    assert at[("warnings", "evaluate")] < at[("stats", "snapshot")]
    assert at[("audit", "verify")] < at[("audit", "anchor")]
    # The anchor's private key comes from its own Secret, not the one with the database URLs.
    anchor_cron, _command = by_command[("audit", "anchor")]
    [container] = anchor_cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    [key] = [e for e in container["env"] if e["name"] == "LB_AUDIT_ANCHOR_KEY"]
    assert key["valueFrom"]["secretKeyRef"]["name"] == "laborbridge-audit-anchor"
    _cron, subsidies = by_command[("subsidies", "evaluate")]
    assert subsidies[subsidies.index("--workers") + 1] == "2"


def test_the_web_pods_check_anchors_with_the_public_key_only(overlay):
    """GET /api/v1/audit/verify checks the anchors; the web pods must not be able to sign one."""
    _name, docs = overlay
    [container] = named(docs, "Deployment", "laborbridge-web")["spec"]["template"]["spec"][
        "containers"
    ]
    env = {e["name"]: e for e in container["env"]}
    assert "LB_AUDIT_ANCHOR_KEY" not in env
    public = env["LB_AUDIT_ANCHOR_PUBLIC_KEY"]["valueFrom"]["secretKeyRef"]
    assert (public["name"], public["key"]) == (
        "laborbridge-audit-anchor",
        "LB_AUDIT_ANCHOR_PUBLIC_KEY",
    )


def test_every_command_the_manifests_run_exists_with_its_options(overlay):
    _name, docs = overlay
    root = typer.main.get_command(cli_app)
    for _where, spec in pod_specs(docs):
        for container in spec["containers"]:
            args = container.get("command", [])
            if args[:1] != ["laborbridge"]:
                continue
            command, words = root, args[1:]
            while words and not words[0].startswith("-") and hasattr(command, "commands"):
                command, words = command.commands[words[0]], words[1:]
            options = {o for p in command.params for o in p.opts}
            assert {w for w in words if w.startswith("--")} <= options, args


def test_web_probes_use_the_apps_health_routes_and_stop_gracefully(overlay):
    _name, docs = overlay
    routes = {r.path for r in health_router.routes}
    spec = named(docs, "Deployment", "laborbridge-web")["spec"]["template"]["spec"]
    [web] = spec["containers"]
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert web[probe]["httpGet"]["path"] in routes
        assert web[probe]["httpGet"]["port"] == "http"
    pause = int(web["lifecycle"]["preStop"]["exec"]["command"][-1])
    assert 0 < pause < spec["terminationGracePeriodSeconds"]
    ports = {p["name"]: p["containerPort"] for p in web["ports"]}
    assert ports == {"http": 8000, "metrics": 9100}
    # The app serves its metrics on the port the pod names `metrics` (off unless set).
    [config] = of_kind(docs, "ConfigMap")
    assert int(config["data"]["LB_METRICS_PORT"]) == ports["metrics"]


def test_the_ingress_routes_only_the_http_port(overlay):
    _name, docs = overlay
    [ingress] = of_kind(docs, "Ingress")
    backends = [
        path["backend"]["service"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    assert backends
    for backend in backends:
        service = named(docs, "Service", backend["name"])
        [port] = [
            p
            for p in service["spec"]["ports"]
            if p.get("name") == backend["port"].get("name")
            or p["port"] == backend["port"].get("number")
        ]
        assert port["targetPort"] == "http"
        targets = {p.get("targetPort") for p in service["spec"]["ports"]}
        assert "metrics" not in targets and 9100 not in targets
    metrics = named(docs, "Service", "laborbridge-metrics")
    assert metrics["spec"]["ports"][0]["targetPort"] == "metrics"


def test_network_policy_admits_only_the_ingress_controller_to_the_app_port(overlay):
    _name, docs = overlay
    policy = named(docs, "NetworkPolicy", "laborbridge-web-ingress")
    for rule in policy["spec"]["ingress"]:
        assert rule["from"], "an ingress rule with no `from` admits everyone"
    [app_rule] = [r for r in policy["spec"]["ingress"] if r["ports"][0]["port"] == "http"]
    [source] = app_rule["from"]
    assert source["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "ingress-nginx"
    }
    egress = named(docs, "NetworkPolicy", "laborbridge-egress")
    assert egress["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "laborbridge"}
    ports = {p["port"] for rule in egress["spec"]["egress"] for p in rule["ports"]}
    assert {53, 5432, 6432, 443} <= ports


def test_forwarded_addresses_are_trusted_from_the_configured_range_only(overlay):
    _name, docs = overlay
    [config] = of_kind(docs, "ConfigMap")
    trusted = config["data"]["LB_TRUSTED_PROXIES"]
    assert "LB_FORWARDED_ALLOW_IPS" not in config["data"]  # the old name is refused
    assert trusted not in ("*", "0.0.0.0/0")
    # gunicorn's uvicorn workers get exactly the ranges the app's own middleware trusts.
    assert _gunicorn_forwarded_allow_ips(LB_TRUSTED_PROXIES=trusted) == trusted.split(",")
    # Unset, gunicorn trusts no one either (its own default would be 127.0.0.1 and ::1).
    assert _gunicorn_forwarded_allow_ips() == []
    assert config["data"]["LB_WORKER_THREADS"] == "0"  # the worker Deployment runs the jobs


def _gunicorn_forwarded_allow_ips(**env: str) -> list[str]:
    """forwarded_allow_ips as gunicorn reads deploy/gunicorn.conf.py with this setting."""
    script = (
        "import runpy, json; from gunicorn.config import Config;"
        " conf = runpy.run_path('deploy/gunicorn.conf.py'); c = Config();"
        " c.set('forwarded_allow_ips', conf['forwarded_allow_ips']);"
        " print(json.dumps(c.forwarded_allow_ips))"
    )
    settings = {"LB_ENV": "development", "LB_SECRET_KEY": "k" * 40, "LB_LOG_JSON": "false"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "")} | settings | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_sharded_evaluation_is_an_indexed_job_of_matching_shards(tmp_path):
    """components/sharded-evaluate: pod INDEX of COUNT runs `--shard INDEX/COUNT`, and
    COUNT is the Job's completions and parallelism (docs/scaling.md)."""
    component = yaml.safe_load(
        (KUBERNETES / "components" / "sharded-evaluate" / "kustomization.yaml").read_text()
    )
    assert component["kind"] == "Component"
    for overlay_name in ("dev", "prod"):
        docs = render_with_components(overlay_name, ["sharded-evaluate"], tmp_path / overlay_name)
        job = named(docs, "CronJob", "laborbridge-subsidies-evaluate")["spec"]["jobTemplate"]
        spec = job["spec"]
        assert spec["completionMode"] == "Indexed"
        [container] = spec["template"]["spec"]["containers"]
        command = container["command"]
        assert command[:3] == ["laborbridge", "subsidies", "evaluate"]
        index, count = command[command.index("--shard") + 1].split("/")
        assert index == "$(JOB_COMPLETION_INDEX)"
        assert spec["completions"] == spec["parallelism"] == int(count)
        assert spec["backoffLimitPerIndex"] >= 1
        assert spec["backoffLimit"] >= spec["completions"] * spec["backoffLimitPerIndex"]
        # Only that CronJob changed: the overlay without the component has the same others.
        plain = render(KUBERNETES / "overlays" / overlay_name)
        assert len(plain) == len(docs)
        assert (
            "completionMode"
            not in named(plain, "CronJob", "laborbridge-subsidies-evaluate")["spec"]["jobTemplate"][
                "spec"
            ]
        )
    scaling = (ROOT / "docs" / "scaling.md").read_text()
    assert "deploy/kubernetes/components/sharded-evaluate" in scaling


def test_overlays_differ_in_size_as_documented():
    dev = render(KUBERNETES / "overlays" / "dev")
    prod = render(KUBERNETES / "overlays" / "prod")
    assert named(dev, "Deployment", "laborbridge-web")["spec"]["replicas"] == 1
    assert of_kind(dev, "HorizontalPodAutoscaler") == []
    assert named(prod, "Deployment", "laborbridge-web")["spec"]["replicas"] == 3
    [hpa] = of_kind(prod, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "laborbridge-web"
    assert hpa["spec"]["minReplicas"] == 3
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    [pdb] = of_kind(prod, "PodDisruptionBudget")
    assert pdb["spec"] == {
        "minAvailable": 2,
        "selector": {
            "matchLabels": {
                "app.kubernetes.io/name": "laborbridge",
                "app.kubernetes.io/component": "web",
            }
        },
    }
    namespaces = {d["metadata"].get("namespace") for d in prod}
    assert namespaces == {"laborbridge"}
