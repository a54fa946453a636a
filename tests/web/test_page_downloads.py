"""Every download a page links works with the page's session, for every demo role.

For each role the test signs in, opens the pages its navigation links, then the pages
those link (one of each route, with the real ids on the page), three levels deep, and
follows every link whose target is a download: by its extension, its `download`
attribute or the Content-Disposition it answers. Each must answer 200 with the content
type its file name says. No bearer token is ever sent: the subsidy list once answered a
signed-in clerk with 401 JSON.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.api.test_casework import dispute
from tests.fixtures.factories import laborer_payload
from tests.web.helpers import sign_in

ROLES = [
    "wushan.admin",
    "wushan.staff",
    "yantai.admin",
    "yantai.staff",
    "wushan.yantai.admin",
    "wushan.yantai.staff",
]
CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ics": "text/calendar",
    ".png": "image/png",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
}
DOWNLOAD_PATH = re.compile(r"\.(xlsx|ics|csv|pdf)$|/export$|/subsidy-list$|/template$")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SKIP = ("/static/", "/lang/", "/logout", "/login", "/auth/")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(48)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, bool, bool]] = []  # href, download attribute, in nav
        self._in_header = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "header":
            self._in_header += 1
        if tag == "a":
            found = dict(attrs)
            href = found.get("href")
            if href:
                self.links.append((href, "download" in found, self._in_header > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "header":
            self._in_header -= 1


def links_of(html: str) -> list[tuple[str, bool, bool]]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def _route_key(href: str) -> str:
    """One visit per route: ids and query strings do not make another page."""
    return UUID.sub("{id}", urlsplit(href).path)


def _file_suffix(disposition: str) -> str:
    match = re.search(r"filename=\"?([^;\"]+)", disposition)
    assert match, disposition
    return "." + match.group(1).rsplit(".", 1)[-1].lower()


@pytest.fixture
def seeded_case(login):  # type: ignore[no-untyped-def]
    """A dispute with one of 烟台's employers and a photo: the county, the office and the
    employer's bureau each reach the attachment from their pages."""
    county, office = login("wushan.staff"), login("wushan.yantai.staff")
    laborer = county.post("/api/v1/laborers", json=laborer_payload(name="下载测试"))
    assert laborer.status_code == 201, laborer.text
    employers = login("yantai.staff").get("/api/v1/employers").json()["items"]
    case = office.post(
        "/api/v1/cases", json=dispute([laborer.json()["id"]], employer_id=employers[0]["id"])
    )
    assert case.status_code == 201, case.text
    attached = office.post(
        f"/api/v1/cases/{case.json()['id']}/attachments",
        files={"file": ("欠条.png", PNG, "image/png")},
    )
    assert attached.status_code == 201, attached.text
    return case.json()["id"]


@pytest.mark.parametrize("username", ROLES)
def test_every_download_on_every_page_works_with_the_session(world, seeded_case, username):
    client = world.client()
    assert sign_in(client, username).status_code == 303
    home = client.get("/")
    assert home.status_code == 200
    frontier = [href for href, _d, in_nav in links_of(home.text) if in_nav]
    seen_pages: set[str] = {"/"}
    seen_downloads: set[str] = set()
    downloads: dict[str, str] = {}
    # The home page's own links, and the case holding the photo (one case per route).
    frontier += [href for href, _d, _n in links_of(home.text)] + [f"/cases/{seeded_case}"]
    nav = set(frontier)
    for _depth in range(3):
        following: list[str] = []
        for href in frontier:
            if not href.startswith("/") or href.startswith("//") or href.startswith(SKIP):
                continue
            key = _route_key(href)
            if DOWNLOAD_PATH.search(urlsplit(href).path):
                seen_downloads.add(href)
                continue
            if key in seen_pages:
                continue
            seen_pages.add(key)
            response = client.get(href)
            if href in nav:
                assert response.status_code == 200, f"{username}: {href} → {response.status_code}"
            elif response.status_code != 200:
                continue  # a page, not a download: test_crawler.py judges pages
            if "attachment" in response.headers.get("content-disposition", ""):
                downloads[href] = _check_download(username, href, response)
                continue
            for link, is_download, _nav in links_of(response.text):
                if is_download and link.startswith("/"):
                    seen_downloads.add(link)
                else:
                    following.append(link)
        frontier = following
    for href in sorted(seen_downloads):
        downloads[href] = _check_download(username, href, client.get(href))
    assert downloads, f"{username}: no download linked from any page"
    kinds = set(downloads.values())
    if username.startswith("wushan."):
        assert ".xlsx" in kinds and ".png" in kinds, (username, downloads)
    assert ".ics" in kinds, (username, downloads)


def _check_download(username: str, href: str, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, f"{username}: {href} → {response.status_code}"
    disposition = response.headers.get("content-disposition", "")
    # A file names itself; the calendar feed is shown inline to the apps that poll it.
    assert "filename=" in disposition, (username, href, disposition)
    suffix = _file_suffix(disposition)
    media = response.headers["content-type"].split(";")[0]
    assert media == CONTENT_TYPES[suffix], (username, href, media)
    return suffix
