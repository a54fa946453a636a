"""Argon2id password hashing (argon2-cffi)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from api.i18n import _
from api.settings import Settings

MIN_PASSWORD_LENGTH = 10


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        # Verifying against this when the user does not exist keeps the timing of
        # "no such user" and "wrong password" alike.
        self._dummy_hash = self._hasher.hash("not-a-real-password-0000")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and bool(
                password_hash
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def password_problems(password: str) -> list[str]:
    """English msgids for what is wrong with a new password (empty when acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("Use at least 10 characters."))
    if password.strip() != password:
        problems.append(_("Do not start or end with spaces."))
    if password.isdigit() or password.isalpha():
        problems.append(_("Mix letters with digits or symbols."))
    return problems
