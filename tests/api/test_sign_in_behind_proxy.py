"""Sign-in behind a proxy: whose address counts, and who a stranger's guessing shuts out.

Every request here reaches the app from one ingress address (10.0.0.5, inside the trusted
10.0.0.0/8), as in a cluster; the clients differ only in the X-Forwarded-For the ingress
writes and in the cookies they keep. Before the fix, 50 failures by anyone locked every
user out: all of them seemed to come from the ingress.
"""

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.auth.devices import Devices
from api.i18n import translate_in
from shared_models import SignInAttempt
from tests.fixtures.world import PASSWORD
from tests.web.helpers import csrf_from, sign_in

INGRESS = ("10.0.0.5", 40000)
TRUSTED = ["10.0.0.0/8"]
STRANGER = "203.0.113.66"

ACCOUNT_LOCKED = (
    "After repeated failed sign-ins, this account accepts no sign-in from a new device for"
    " {minutes} more minutes. On a device where you have signed in before, you can still"
    " sign in."
)
ADDRESS_LOCKED = (
    "Too many failed sign-ins from your network address; sign-in from a new device is"
    " paused for {minutes} more minutes."
)


def _ingress(world):  # type: ignore[no-untyped-def]
    """The app behind the ingress; `browser(address)` is one more device behind it."""
    first = world.client(address=INGRESS, trusted_proxies=TRUSTED)

    def browser(address: str) -> TestClient:
        return TestClient(
            first.app,
            base_url="http://testserver",
            client=INGRESS,
            headers={"X-Forwarded-For": address},
        )

    return browser


def _token(client, username, password, **headers):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
        headers=headers,
    )


def _attempts(world) -> list[SignInAttempt]:  # type: ignore[no-untyped-def]
    with world.owner_database().sessions() as session:
        return list(session.scalars(select(SignInAttempt).order_by(SignInAttempt.id)))


def _shown_in_chinese(text: str, message: str) -> bool:
    # A page speaks Chinese unless asked otherwise: the catalog's translation.
    return translate_in("zh_CN", message, minutes=15) in text


def test_spraying_many_accounts_from_one_address_locks_out_no_one_else(world):
    browser = _ingress(world)
    stranger = browser(STRANGER)
    real = sorted(world.users)
    guesses = real + [f"guess.{n:02d}" for n in range(50 - len(real))]
    assert len(guesses) == 50
    for username in guesses:
        assert _token(stranger, username, "Summer2026!").status_code == 401
    # The stranger's address is now refused for new devices, his spraying stops there ...
    refused = _token(stranger, "guess.99", "Winter2026!", **{"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused.json()["detail"] == ADDRESS_LOCKED.format(minutes=15)
    # ... and everybody else, at their own addresses, signs in: on the API and the web.
    for n, username in enumerate(real):
        elsewhere = browser(f"198.51.100.{n + 1}")
        assert _token(elsewhere, username, PASSWORD).status_code == 200, username
    assert sign_in(browser("198.51.100.200"), real[0]).status_code == 303
    # The failures were counted against the stranger's address, not the ingress's.
    addresses = {a.ip_address for a in _attempts(world) if not a.succeeded}
    assert addresses == {STRANGER}


def test_a_named_user_still_signs_in_from_the_usual_device(world):
    browser = _ingress(world)
    usual = browser("198.51.100.7")
    assert sign_in(usual, "yantai.staff").status_code == 303  # an earlier, ordinary day
    device_cookies = [n for n in usual.cookies if n.startswith("lb_device_")]
    assert len(device_cookies) == 1
    usual.post("/logout", data={"csrf_token": csrf_from(usual.get("/").text)})

    stranger = browser(STRANGER)
    answers = [_token(stranger, "yantai.staff", f"guess-{n}").status_code for n in range(50)]
    assert answers == [401] * 5 + [429] * 45

    # From the usual device, the web form and the API both let the owner in.
    assert sign_in(usual, "yantai.staff").status_code == 303
    assert usual.get("/").status_code == 200
    assert _token(usual, "yantai.staff", PASSWORD).status_code == 200

    # A new device (no cookie), even with the right password, is refused while the
    # account is under attack: on the web (Chinese first, or English) and on the API.
    new = browser("198.51.100.8")
    page = sign_in(new, "yantai.staff")
    assert page.status_code == 429
    assert _shown_in_chinese(page.text, ACCOUNT_LOCKED)
    assert int(page.headers["Retry-After"]) > 0
    new.cookies.set("lb_lang", "en")
    english = sign_in(new, "yantai.staff")
    assert ACCOUNT_LOCKED.format(minutes=15) in english.text
    api = _token(new, "yantai.staff", PASSWORD, **{"Accept-Language": "en"})
    assert api.status_code == 429
    assert api.json()["type"] == "/problems/too-many-attempts"
    assert api.json()["detail"] == ACCOUNT_LOCKED.format(minutes=15)
    assert not [n for n in new.cookies if n.startswith("lb_device_")]

    # Nobody else is touched: another account signs in from a new device.
    assert _token(browser("198.51.100.9"), "yantai.admin", PASSWORD).status_code == 200


def test_a_remembered_device_has_its_own_limit(world):
    """A stolen device cookie buys no more guesses than a stranger has."""
    browser = _ingress(world)
    device = browser("198.51.100.7")
    assert _token(device, "weifang.staff", PASSWORD).status_code == 200  # keeps the cookie
    for _ in range(5):
        assert _token(device, "weifang.staff", "wrong-password-x").status_code == 401
    assert _token(device, "weifang.staff", PASSWORD).status_code == 429
    # Its failures count for that device alone: a new device still gets in.
    assert _token(browser("198.51.100.8"), "weifang.staff", PASSWORD).status_code == 200
    failures = [a for a in _attempts(world) if not a.succeeded]
    assert len({a.device_id for a in failures}) == 1 and failures[0].device_id is not None


def test_a_forged_or_foreign_device_cookie_is_an_untrusted_client(world):
    browser = _ingress(world)
    mine = browser("198.51.100.7")
    assert _token(mine, "wushan.staff", PASSWORD).status_code == 200
    [(name, value)] = [(n, v) for n, v in mine.cookies.items() if n.startswith("lb_device_")]
    stranger = browser(STRANGER)
    for n in range(5):
        _token(stranger, "wushan.staff", f"guess-{n}")
        _token(stranger, "yantai.staff", f"guess-{n}")
    # The cookie tampered with is no remembered device ...
    forged = browser("198.51.100.8")
    device_id, issued, signature = value.split(".")
    forged.cookies.set(name, f"{device_id}x.{issued}.{signature}")
    assert _token(forged, "wushan.staff", PASSWORD).status_code == 429
    # ... nor is wushan.staff's genuine cookie shown under another account's name.
    foreign = browser("198.51.100.9")
    foreign.cookies.set(Devices(world.settings).cookie_name("yantai.staff"), value)
    assert _token(foreign, "yantai.staff", PASSWORD).status_code == 429
    assert _token(mine, "wushan.staff", PASSWORD).status_code == 200


def test_forwarded_for_from_an_untrusted_peer_is_ignored(world):
    # Straight to the pod, not through the ingress: the header is the caller's own.
    client = world.client(address=("192.0.2.50", 51000), trusted_proxies=TRUSTED)
    for n in range(50):
        fake = f"100.64.{n}.1"
        response = _token(client, f"guess.{n:02d}", "Summer2026!", **{"X-Forwarded-For": fake})
        assert response.status_code == 401
    # Fifty fake addresses were one address all along: it is refused now.
    refused = _token(client, "guess.99", "x", **{"X-Forwarded-For": "100.64.99.1"})
    assert refused.status_code == 429
    assert {a.ip_address for a in _attempts(world)} == {"192.0.2.50"}


def test_the_forwarded_chain_is_read_right_to_left_over_trusted_hops(world):
    browser = _ingress(world)
    # A client writes its own X-Forwarded-For; the ingress appends the address it saw,
    # and a second proxy inside the range appends the ingress's.
    chain = browser("1.2.3.4, 203.0.113.9, 10.0.7.7")
    _token(chain, "wushan.staff", "wrong-password-x")
    [attempt] = _attempts(world)
    assert attempt.ip_address == "203.0.113.9"


def test_no_trusted_proxies_means_the_connecting_address(world):
    client = world.client(address=("10.0.0.5", 40000))  # the default: none trusted
    _token(client, "wushan.staff", "wrong-password-x", **{"X-Forwarded-For": "203.0.113.9"})
    [attempt] = _attempts(world)
    assert attempt.ip_address == "10.0.0.5"


def test_the_device_cookie_is_long_lived_http_only_and_secure_in_production(world):
    client = world.client(cookie_secure=True)
    response = _token(client, "wushan.staff", PASSWORD)
    [cookie] = [c for c in response.headers.get_list("set-cookie") if c.startswith("lb_device_")]
    assert "wushan" not in cookie.split("=")[0]  # the name does not give the account away
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite", "max-age", "path"} <= attributes
    assert "SameSite=lax" in cookie and f"Max-Age={180 * 86400}" in cookie
