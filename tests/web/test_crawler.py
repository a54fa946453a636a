"""Every page, as every demo role, in Chromium with the app's CSP on (tests/web/crawler.py).

One crawl per role, on its own seeded database, sharing the session's browser; each kind
of finding is its own test, so a known bug of one kind is marked there alone.
"""

import os

import pytest

from api.demo.loader import sign_ins
from tests.fixtures.live_server import live_server
from tests.web.crawler import Crawler, Findings

pytestmark = pytest.mark.browser

# The demo's sign-ins: bureaus, liaison offices and the supervising organization.
ALL_ROLES = [s.username for s in sign_ins()]
# Every demo role, each on its own seeded database (under a minute each on 2 cores);
# LB_CRAWL_ROLES=wushan.staff,yantai.admin narrows it while working on a page.
_chosen = os.environ.get("LB_CRAWL_ROLES", "")
ROLES = _chosen.split(",") if _chosen and _chosen != "all" else ALL_ROLES
CHECKS = ["status", "csp", "console", "untranslated", "width1366", "width390", "download"]
# Known bugs, each on the one check it breaks (none now: the last three were fixed);
# strict, so the fix that lands must take its line out.
KNOWN: dict[tuple[str, str], str] = {}

_crawls: dict[str, Findings | BaseException] = {}


def _crawl(request: pytest.FixtureRequest, role: str) -> Findings:
    """The role's crawl, done once for all its checks (a crash too is remembered)."""
    if role not in _crawls:
        world = request.getfixturevalue("world")
        browser = request.getfixturevalue("browser")
        with live_server(world.app()) as base:
            crawler = Crawler(browser, base, role)
            try:
                crawler.sign_in(role)
                _crawls[role] = crawler.crawl()
            except Exception as exc:
                _crawls[role] = exc
            finally:
                crawler.close()
    found = _crawls[role]
    if isinstance(found, BaseException):
        raise found
    return found


def _cases() -> list[object]:
    cases = []
    for role in ROLES:
        for check in CHECKS:
            marks = []
            if (role, check) in KNOWN:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[(role, check)]))
            cases.append(pytest.param(role, check, marks=marks, id=f"{role}-{check}"))
    return cases


@pytest.mark.parametrize(("role", "check"), _cases())
def test_every_page_for_every_role(request, role, check):
    findings = _crawl(request, role)
    assert len(findings.visited) > 3, findings.visited
    print(f"{role}: {len(findings.visited)} pages in {findings.seconds:.0f} s")
    problems = findings.problems.get(check, [])
    assert not problems, "\n".join(problems)
    if check == "download":
        # Every role has at least the fair calendar to save; a county has its exports too.
        print("\n".join(findings.downloads))
        assert findings.downloads
