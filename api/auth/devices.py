"""Remembered devices: the signed cookie a successful sign-in leaves for its account.

OWASP's "device cookies" (Authentication Cheat Sheet, Slow Down Online Guessing):
failures are counted per device for a client that shows a valid cookie for the account,
and per account for every other client, so strangers' guessing locks the account for
strangers only and its owner still signs in from a device used before.

One cookie per account, so that people sharing a computer each keep theirs. Its name is
a keyed digest of the username (the cookie names no account) and its value is
`<device id>.<issued, unix seconds>.<signature>`, signed with a key derived from
LB_SECRET_KEY: rotating that key forgets every device.
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256

from fastapi import Request, Response

from api.settings import Settings
from shared_models.base import utcnow

COOKIE_PREFIX = "lb_device_"
_DEVICE_ID_BYTES = 12  # 16 URL-safe characters


@dataclass(frozen=True)
class DeviceCookie:
    name: str
    value: str
    max_age: int


class Devices:
    def __init__(self, settings: Settings) -> None:
        secret = settings.secret_key.get_secret_value().encode()
        self._key = hmac.new(secret, b"laborbridge device cookie", sha256).digest()
        self.lifetime = timedelta(days=settings.signin_device_days)
        self.secure = settings.secure_cookies

    def cookie_name(self, username: str) -> str:
        digest = hmac.new(self._key, b"name:" + _normal(username).encode(), sha256).hexdigest()
        return COOKIE_PREFIX + digest[:16]

    def issue(self, username: str, now: datetime) -> DeviceCookie:
        device_id = secrets.token_urlsafe(_DEVICE_ID_BYTES)
        issued = str(int(now.timestamp()))
        value = f"{device_id}.{issued}.{self._sign(username, device_id, issued)}"
        return DeviceCookie(self.cookie_name(username), value, int(self.lifetime.total_seconds()))

    def verify(self, username: str, value: str | None, now: datetime) -> str | None:
        """The device id of a cookie issued for this account and still in date, else None."""
        if not value or value.count(".") != 2:
            return None
        device_id, issued, signature = value.split(".")
        expected = self._sign(username, device_id, issued)
        if not hmac.compare_digest(signature, expected) or not issued.isdigit():
            return None
        age = now.timestamp() - int(issued)
        if not 0 <= age <= self.lifetime.total_seconds():
            return None
        return device_id

    def presented(self, request: Request, username: str) -> str | None:
        """The remembered device this request shows for the account, if any."""
        return self.verify(username, request.cookies.get(self.cookie_name(username)), utcnow())

    def remember(self, response: Response, username: str) -> None:
        """After a successful sign-in: a fresh device id, valid for the full lifetime."""
        cookie = self.issue(username, utcnow())
        response.set_cookie(
            cookie.name,
            cookie.value,
            max_age=cookie.max_age,
            httponly=True,
            secure=self.secure,
            samesite="lax",
            path="/",
        )

    def _sign(self, username: str, device_id: str, issued: str) -> str:
        message = f"device:{_normal(username)}:{device_id}:{issued}".encode()
        return hmac.new(self._key, message, sha256).hexdigest()[:32]


def _normal(username: str) -> str:
    return username.strip().lower()[:64]
