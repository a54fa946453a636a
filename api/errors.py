"""Domain errors and their RFC 9457 problem documents.

Each problem has a stable `type` (`/problems/<slug>`), an HTTP status and an English
title that is translated by the request's language. Services raise these; the handlers
in api/problem_handlers.py turn them into `application/problem+json`, and web pages
show the same messages in their forms.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from api.i18n import _, gettext

PROBLEM_MEDIA_TYPE = "application/problem+json"


def _shown(params: dict[str, object]) -> dict[str, object]:
    """Parameters as a reader sees them: an enumeration by its label, never its code."""
    if not any(isinstance(v, StrEnum) for v in params.values()):
        return params
    from api.labels import label  # labels imports the services that import this module

    return {k: label(v) if isinstance(v, StrEnum) else v for k, v in params.items()}


# RFC 9457's members and ours; extensions (`extra`) take other names.
STANDARD_MEMBERS = frozenset(
    {"type", "title", "status", "detail", "instance", "request_id", "errors"}
)


@dataclass(frozen=True)
class FieldError:
    """A problem with one input field; `row` and `column` locate it in an import."""

    field: str
    message: str  # English msgid; translated when rendered
    code: str
    params: dict[str, object] = dataclasses.field(default_factory=dict)
    row: int | None = None
    column: str | None = None

    def render(self) -> dict[str, object]:
        out: dict[str, object] = {
            "field": self.field,
            "code": self.code,
            "message": gettext(self.message, **_shown(self.params)),
        }
        if self.row is not None:
            out["row"] = self.row
        if self.column is not None:
            out["column"] = self.column
        return out


class AppError(Exception):
    """Base of every error a client can cause. Never a 500."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = _("Bad request")
    # The request's transaction is committed, not rolled back, when this is raised:
    # for outcomes that must be recorded although the request fails (sign-in attempts).
    keep_changes: ClassVar[bool] = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        params: dict[str, object] | None = None,
        errors: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        self.detail = detail
        self.extra = extra or {}
        self.params = params or {}
        self.errors = list(errors)
        self.headers = headers or {}
        super().__init__(detail or self.title)

    @classmethod
    def type_uri(cls) -> str:
        return f"/problems/{cls.slug}"

    def render(self, instance: str | None = None, request_id: str | None = None) -> dict[str, Any]:
        body: dict[str, object] = {
            "type": self.type_uri(),
            "title": gettext(self.title),
            "status": self.status,
        }
        if self.detail:
            body["detail"] = gettext(self.detail, **_shown(self.params))
        if instance:
            body["instance"] = instance
        if request_id:
            body["request_id"] = request_id
        if self.errors:
            body["errors"] = [e.render() for e in self.errors]
        # Extension members never replace a standard one: `status` is always the HTTP code.
        body.update({k: v for k, v in self.extra.items() if k not in STANDARD_MEMBERS})
        return body

    def message(self) -> str:
        """One translated line for a page: the detail when there is one, else the title."""
        if self.detail:
            return gettext(self.detail, **_shown(self.params))
        return gettext(self.title)


class BadRequest(AppError):
    status, slug, title = 400, "bad-request", _("Bad request")


class MalformedJson(AppError):
    status, slug, title = 400, "malformed-json", _("The request body is not valid JSON")


class Unauthenticated(AppError):
    status, slug, title = 401, "unauthenticated", _("Sign-in required")


class InvalidToken(AppError):
    status, slug, title = 401, "invalid-token", _("The token is invalid, expired or revoked")


class InvalidCredentials(AppError):
    status, slug, title = 401, "invalid-credentials", _("Wrong username or password")
    keep_changes = True


class Forbidden(AppError):
    status, slug, title = 403, "forbidden", _("You may not do this")

    def __init__(self, permission: object = None, detail: str | None = None) -> None:
        super().__init__(
            detail or _("This needs the permission {permission}."),
            params={"permission": str(permission)} if permission is not None else {},
        )


class CsrfFailed(AppError):
    status, slug, title = 403, "csrf-failed", _("The form has expired; reload the page")


class NotFound(AppError):
    status, slug, title = 404, "not-found", _("Not found")


class MethodNotAllowed(AppError):
    status, slug, title = 405, "method-not-allowed", _("Method not allowed")


class Conflict(AppError):
    status, slug, title = 409, "conflict", _("This conflicts with existing data")


class InvalidTransition(AppError):
    status, slug, title = 409, "invalid-transition", _("This step is not possible from here")


class StaleVersion(AppError):
    status, slug, title = 409, "stale-version", _("Someone else changed this record first")


class PayloadTooLarge(AppError):
    status, slug, title = 413, "payload-too-large", _("The request body is too large")


class UnsupportedMediaType(AppError):
    status, slug, title = 415, "unsupported-media-type", _("Unsupported content type")


class ValidationFailed(AppError):
    status, slug, title = 422, "validation-failed", _("Some fields are not valid")


class ImportRejected(AppError):
    """A file with problems: `errors` reports each by row and column, nothing of it saved."""

    status, slug, title = 422, "import-rejected", _("The file has problems; nothing was saved")
    # The rejected import stays on record (its report, readable by id); no row of it does.
    keep_changes = True


class TooManyAttempts(AppError):
    status, slug, title = 429, "too-many-attempts", _("Too many failed attempts; try later")
    keep_changes = True


class AccountDisabled(AppError):
    status, slug, title = 403, "account-disabled", _("This account is disabled")
    keep_changes = True


class NoTenant(AppError):
    status, slug, title = 403, "no-tenant", _("You are not a member of this organization")


class ServiceUnavailable(AppError):
    status, slug, title = 503, "unavailable", _("The service is not ready")


class DatabaseUnavailable(ServiceUnavailable):
    """The database did not answer in time (frozen, overloaded, or every connection busy)."""

    slug, title = "database-unavailable", _("The database is not answering; try again shortly")


class StorageUnavailable(ServiceUnavailable):
    """The object store (attachments) failed or did not answer in time."""

    slug, title = "storage-unavailable", _("The file store is not answering; try again shortly")


def all_problem_types() -> list[type[AppError]]:
    """Every problem class, for the /problems pages and the docs."""
    found: list[type[AppError]] = [AppError]
    pending = list(AppError.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
