"""A crawler over the pages, as one signed-in role sees them in Chromium.

Every GET page route of the app is visited once (one instance per route pattern), with
ids taken from the links the role's own pages show; a pattern no page links to is tried
with a random id, where only a 404 or a page is a fair answer. On each page: every link
is followed (by request, sharing the browser's cookies), every GET form is submitted
with its defaults and once per option of each select. Findings are sorted by kind, so a
test can hold each kind to account separately.
"""

import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from babel.messages.pofile import read_po
from playwright.sync_api import Error as PlaywrightError

from api.app import PAGE_ROUTERS
from api.i18n import LOCALE_COOKIE, TRANSLATIONS_DIR
from shared_models import enums
from tests.fixtures.world import PASSWORD

PARAM = re.compile(r"\{([a-z_]+)\}")
WIDE, NARROW = 1366, 390
# Links not followed: they change the session (language, sign-out) or leave the app.
SKIP_LINKS = ("/lang/", "/logout", "/auth/oidc/", "/static/", "/api/docs")
# Another few instances per pattern are requested (status only), beyond the one visited.
EXTRA_LINKS_PER_PATTERN = 2
# What a download's file name promises about its content.
CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ics": "text/calendar",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".html": "text/html",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
RAW_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")

TEXT_JS = """() => {
  const own = [...document.querySelectorAll('option, [placeholder], [title], [aria-label]')]
    .map(e => [e.text || '', e.getAttribute('placeholder') || '',
               e.getAttribute('title') || '', e.getAttribute('aria-label') || ''].join('\\n'));
  const cells = [...document.querySelectorAll('td, dd, th, dt, span, li, a, label, button, p')]
    .filter(e => e.children.length === 0).map(e => e.innerText.trim());
  return {text: document.body.innerText + '\\n' + own.join('\\n'), cells: cells,
          width: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""
LINKS_JS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
FORMS_JS = """() => [...document.querySelectorAll('form')]
  .filter(f => (f.getAttribute('method') || 'get').toLowerCase() === 'get')
  .map(f => ({
    action: f.action,
    fields: [...new FormData(f).entries()].filter(([k, v]) => typeof v === 'string'),
    selects: [...f.querySelectorAll('select[name]')].map(s => ({
      name: s.name, values: [...s.options].map(o => o.value)})),
  }))"""


def page_patterns() -> list[str]:
    """GET page routes, from the app's page routers."""
    found = []
    for router in PAGE_ROUTERS:
        for route in router.routes:
            if "GET" in route.methods and not route.path.startswith(SKIP_LINKS):
                found.append(route.path)
    return sorted(set(found), key=lambda p: (p.count("{"), p))


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + PARAM.sub("[^/]+", pattern) + "$")


def translated_msgids() -> list[tuple[str, str]]:
    """(msgid, a literal run of it long enough to be telling) for each message with its
    Chinese: seeing that run on a Chinese page means the message went untranslated."""
    path = TRANSLATIONS_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    out = []
    for message in catalog:
        if not message.id or not message.string or isinstance(message.id, tuple):
            continue
        if message.string == message.id:
            continue
        runs = [r.strip() for r in PLACEHOLDER.split(message.id)]
        run = max(runs, key=len)
        if len(run) >= 12 and " " in run and re.search(r"[a-z]{3}", run):
            out.append((message.id, run))
    return out


def enum_codes() -> set[str]:
    codes = set()
    for value in vars(enums).values():
        if isinstance(value, type) and issubclass(value, enums.StrEnum):
            codes |= {str(m.value) for m in value}
    return codes


@dataclass
class Findings:
    role: str
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    visited: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, kind: str, message: str) -> None:
        if message not in self.problems[kind]:
            self.problems[kind].append(message)


class Crawler:
    def __init__(self, browser, base: str, role: str) -> None:  # type: ignore[no-untyped-def]
        self.base = base
        self.findings = Findings(role)
        self.context = browser.new_context(locale="zh-CN", viewport={"width": WIDE, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.patterns = {p: _pattern_regex(p) for p in page_patterns()}
        self.msgids = translated_msgids()
        self.codes = enum_codes()
        self.lang = "zh_CN"
        self.console: list[str] = []
        # Failed loads are judged by status (the page's own, or a subresource's below).
        self.page.on(
            "console",
            lambda m: (
                m.type == "error"
                and not m.text.startswith("Failed to load resource")
                and self.console.append(m.text)
            ),
        )
        self.page.on("pageerror", lambda e: self.console.append(str(e)))
        self.page.on("response", self._subresource)
        self.checked: set[str] = set()
        self.instances: dict[str, list[str]] = defaultdict(list)
        self.hidden: set[str] = set()  # list routes that answered this role 404
        self.downloaded: set[str] = set()  # patterns downloaded once by the browser itself

    def _subresource(self, response) -> None:  # type: ignore[no-untyped-def]
        if response.request.resource_type != "document" and response.status >= 400:
            self.console.append(f"{response.status} {response.url}")

    def close(self) -> None:
        self.context.close()

    def sign_in(self, username: str) -> None:
        self.page.goto(f"{self.base}/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base}/")

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.context.add_cookies([{"name": LOCALE_COOKIE, "value": lang, "url": self.base}])

    def pattern_of(self, url: str) -> str | None:
        path = urlsplit(url).path
        matches = [p for p, rx in self.patterns.items() if rx.match(path)]
        # A literal route (/laborers/new) wins over an id route (/laborers/{laborer_id}).
        return min(matches, key=lambda p: p.count("{")) if matches else None

    def _local(self, url: str) -> bool:
        return url.startswith(self.base) and not urlsplit(url).path.startswith(SKIP_LINKS)

    def check_request(self, url: str, where: str) -> None:
        """A link or form target, by request with the browser's cookies: no 4xx or 5xx."""
        if url in self.checked:
            return
        self.checked.add(url)
        response = self.context.request.get(url, max_redirects=5)
        if response.status >= 400:
            self.findings.add("status", f"{response.status} {self._short(url)} (from {where})")
        elif "attachment" in response.headers.get("content-disposition", ""):
            pattern = self.pattern_of(url) or url
            if pattern not in self.downloaded:
                self.downloaded.add(pattern)
                self.download(url, where)

    def download(self, url: str, where: str) -> None:
        """Save the file as Chromium does when a clerk clicks the link: with the page's
        session only, to a file named as the app says, holding what its name promises."""
        short = self._short(url)
        try:
            with self.page.expect_download(timeout=30_000) as info:
                try:
                    self.page.goto(url)
                except PlaywrightError as exc:
                    if "Download is starting" not in str(exc):
                        raise
            download = info.value
        except PlaywrightError as exc:
            self.findings.add("download", f"{short} (from {where}): {str(exc)[:160]}")
            return
        failure = download.failure()
        name = download.suggested_filename
        if failure:
            self.findings.add("download", f"{short} (from {where}) failed: {failure}")
            return
        data = open(download.path(), "rb").read()  # noqa: SIM115 - Playwright's temp file
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if not data:
            self.findings.add("download", f"{short} (from {where}) saved an empty {name!r}")
        elif suffix not in CONTENT_TYPES:
            self.findings.add("download", f"{short} (from {where}) saved {name!r}: no known type")
        elif suffix == ".xlsx" and not data.startswith(b"PK"):
            self.findings.add("download", f"{short} (from {where}): {name!r} is no workbook")
        elif suffix == ".ics" and not data.startswith(b"BEGIN:VCALENDAR"):
            self.findings.add("download", f"{short} (from {where}): {name!r} is no calendar")
        else:
            self.findings.downloads.append(f"{short} → {name}")

    def _short(self, url: str) -> str:
        return url.removeprefix(self.base)

    def visit(self, url: str, *, may_404: bool = False, explore: bool = True) -> bool:
        """Load a page in the browser and check it; True when it is a page to explore."""
        short = self._short(url)
        self.console.clear()
        try:
            response = self.page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                self.check_request(url, "route")
            else:
                self.findings.add("status", f"no page: {short} [{self.lang}]: {exc.message[:120]}")
            return False
        status = response.status if response else 0
        if status == 404 and may_404:
            self.hidden.add(self.pattern_of(url) or short)
            return False
        if status >= 400:
            self.findings.add("status", f"{status} {short} [{self.lang}]")
            return False
        if "html" not in (response.headers.get("content-type", "") if response else ""):
            return False
        self._check_page(short)
        if explore:
            self.findings.visited.append(short)
        return True

    def _check_page(self, short: str) -> None:
        other = NARROW if self.page.viewport_size["width"] == WIDE else WIDE
        first = self.page.viewport_size["width"]
        facts = self.page.evaluate(TEXT_JS)
        self._check_width(short, facts)
        if self.lang == "zh_CN":
            for msgid, run in self.msgids:
                if run in facts["text"]:
                    self.findings.add("untranslated", f"{short}: {msgid!r}")
            for cell in facts["cells"]:
                if RAW_CODE.match(cell) and cell in self.codes:
                    self.findings.add("untranslated", f"{short}: raw code {cell!r}")
        self.page.set_viewport_size({"width": other, "height": 900})
        self._check_width(short, self.page.evaluate(TEXT_JS))
        self.page.set_viewport_size({"width": first, "height": 900})
        for line in self.console:
            kind = "csp" if "Content Security Policy" in line else "console"
            self.findings.add(kind, f"{short} [{self.lang}]: {line[:200]}")
        self.console.clear()

    def _check_width(self, short: str, facts: dict) -> None:
        if facts["width"] > facts["viewport"]:
            self.findings.add(
                f"width{facts['viewport']}",
                f"{short} [{self.lang}] is {facts['width']} px wide at {facts['viewport']} px",
            )

    def explore(self, short: str) -> list[str]:
        """Follow the page's links and GET forms; new patterns' first URLs are returned."""
        fresh = []
        for href in dict.fromkeys(self.page.evaluate(LINKS_JS)):
            href = href.split("#")[0]
            if not href or not self._local(href):
                continue
            pattern = self.pattern_of(href)
            if pattern in self.hidden:
                self.findings.add("status", f"404 {self._short(href)} linked from {short}")
            seen = self.instances[pattern or href]
            if href in seen:
                continue
            seen.append(href)
            if len(seen) == 1 and pattern is not None:
                fresh.append(href)
            elif len(seen) <= 1 + EXTRA_LINKS_PER_PATTERN:
                self.check_request(href, short)
        for form in self.page.evaluate(FORMS_JS):
            action = form["action"] or f"{self.base}{short}"
            if not self._local(action):
                continue
            fields = [tuple(f) for f in form["fields"]]
            self.check_request(_with_query(action, fields), f"form on {short}")
            for select in form["selects"]:
                for value in select["values"]:
                    chosen = [(k, v) for k, v in fields if k != select["name"]]
                    chosen.append((select["name"], value))
                    self.check_request(_with_query(action, chosen), f"form on {short}")
        return fresh

    def crawl(self) -> Findings:
        """Chinese at 1366 px (and 390 px by resizing), then English at 390 px (and 1366)."""
        started = time.monotonic()
        routes = page_patterns()
        queue = [f"{self.base}{p}" for p in routes if "{" not in p]
        done: set[str] = set()
        while queue:
            url = queue.pop(0)
            pattern = self.pattern_of(url) or url
            if pattern in done:
                continue
            done.add(pattern)
            listed = "{" not in pattern and url == f"{self.base}{pattern}"
            if self.visit(url, may_404=listed):
                queue.extend(self.explore(self._short(url)))
        for pattern in routes:
            if pattern not in done:
                # No page of this role links here: a random id must answer 404, not 500.
                url = self.base + PARAM.sub(lambda _m: str(uuid.uuid4()), pattern)
                self.visit(url, may_404=True, explore=False)
        english = list(self.findings.visited)
        self.set_language("en")
        self.page.set_viewport_size({"width": NARROW, "height": 900})
        for short in english:
            self.visit(f"{self.base}{short}", explore=False)
        self.findings.seconds = time.monotonic() - started
        return self.findings


def _with_query(action: str, fields: list[tuple[str, str]]) -> str:
    base = action.split("?")[0]
    return f"{base}?{urlencode(fields)}" if fields else base
