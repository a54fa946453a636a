"""`laborbridge subsidies evaluate --org`: one organization's entitlements only, so a
Kubernetes Indexed Job can give each pod its own share of the bureaus (docs/scaling.md).

Both demo counties (巫山 and 开州) have policies and placed laborers. Their entitlement
rows are removed, as if never evaluated; evaluating 巫山 alone brings back 巫山's and
leaves 开州's missing until 开州's own shard runs."""

import re

import pytest
from sqlalchemy import delete, func, select

from api.access import DataKind
from api.db import use_operator_access
from api.subsidies.evaluation import in_shard
from shared_models import Entitlement
from tests.fixtures.world import ORG_KEYS


def _forget(world, key: str) -> None:  # type: ignore[no-untyped-def]
    with world.owner_database().transaction() as session:
        use_operator_access(
            session, world.orgs[key], read=[DataKind.SUBSIDY], write=[DataKind.SUBSIDY]
        )
        session.execute(delete(Entitlement).where(Entitlement.tenant_id == world.orgs[key]))


def _count(world, key: str) -> int:  # type: ignore[no-untyped-def]
    with world.owner_database().transaction() as session:
        use_operator_access(session, world.orgs[key], read=[DataKind.SUBSIDY])
        return session.scalar(select(func.count()).where(Entitlement.tenant_id == world.orgs[key]))


def test_evaluate_one_org_leaves_the_others_alone(cli, world):
    assert _count(world, "wushan") > 0 and _count(world, "kaizhou") > 0
    _forget(world, "wushan")
    _forget(world, "kaizhou")
    assert _count(world, "wushan") == _count(world, "kaizhou") == 0

    first = cli("subsidies", "evaluate", "--org", ORG_KEYS["wushan"], "--workers", "1")
    assert first.exit_code == 0, first.output
    assert "entitlements evaluated: 1 bureaus" in first.output, first.output
    assert _count(world, "wushan") > 0
    assert _count(world, "kaizhou") == 0, "another shard's bureau is not evaluated"

    # By id, as an Indexed Job's list may name them.
    second = cli("subsidies", "evaluate", "--org", str(world.orgs["kaizhou"]), "--workers", "1")
    assert second.exit_code == 0, second.output
    assert "entitlements evaluated: 1 bureaus" in second.output, second.output
    assert _count(world, "kaizhou") > 0


def test_several_orgs_and_an_unknown_one(cli, world):
    both = cli(
        "subsidies", "evaluate", "--org", ORG_KEYS["wushan"], "--org", ORG_KEYS["kaizhou"],
        "--workers", "1",
    )  # fmt: skip
    assert both.exit_code == 0, both.output
    assert "entitlements evaluated: 2 bureaus" in both.output, both.output
    # A receiving city has no policies: nothing to evaluate, and it says so.
    none = cli("subsidies", "evaluate", "--org", ORG_KEYS["yantai"], "--workers", "1")
    assert none.exit_code == 0 and "0 bureaus" in none.output, none.output
    unknown = cli("subsidies", "evaluate", "--org", "不存在的局", "--workers", "1")
    assert unknown.exit_code == 1
    assert "不存在的局" in unknown.output


def _bureaus_evaluated(output: str) -> int:
    match = re.search(r"entitlements evaluated: (\d+) bureaus", output)
    assert match, output
    return int(match.group(1))


@pytest.mark.parametrize("count", [2, 3])
def test_shards_share_out_every_bureau_once(cli, world, count):
    """`--shard INDEX/COUNT` (an Indexed Job's pods): the shards together evaluate every
    bureau with policies exactly once, each by its id."""
    _forget(world, "wushan")
    _forget(world, "kaizhou")
    paying = {"wushan", "kaizhou"}  # the demo's bureaus with policies
    evaluated = 0
    for index in range(count):
        before = {key: _count(world, key) for key in paying}
        result = cli("subsidies", "evaluate", "--shard", f"{index}/{count}", "--workers", "1")
        assert result.exit_code == 0, result.output
        assert f"shard {index}/{count}" in result.output
        mine = {key for key in paying if in_shard(world.orgs[key], (index, count))}
        assert _bureaus_evaluated(result.output) == len(mine)
        evaluated += len(mine)
        for key in paying:  # this shard's bureaus now have entitlements, no other did
            assert (_count(world, key) > before[key]) == (key in mine), (key, index)
    assert evaluated == len(paying)
    assert all(_count(world, key) > 0 for key in paying)


@pytest.mark.parametrize("bad", ["2/2", "1", "-1/2", "a/b", "0/0"])
def test_a_malformed_shard_is_refused(cli, bad):
    result = cli("subsidies", "evaluate", "--shard", bad, "--workers", "1")
    assert result.exit_code == 1
    assert "INDEX/COUNT" in result.output
