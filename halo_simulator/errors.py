"""Halo-shaped errors. Halo's error bodies are irregular (halopsa-api.md §5), so each error carries its own
status, body bytes and content type; routes.py renders them as they are.

Choices where Halo's real body is unknown (documented in COVERAGE.md):
* 401 on /api: empty body plus `WWW-Authenticate: Bearer` (token endpoint: OpenIddict JSON).
* 403: the .NET exception shape `{"ClassName": ..., "Message": "You do not have permission ..."}`.
* 404 unknown id: a bare JSON string; unknown URL: empty body.
* 400 bad parameter: a single-key object `{"<param>": "<message>"}`; bad date: .NET FormatException shape.
* wrong tenant on the token endpoint: plain-text 500 (pip-halopsa saw a 500, body unknown).
"""

from __future__ import annotations

import json


class HaloError(Exception):
    def __init__(self, status: int, body: bytes = b"", content_type: str = "application/json", headers=None):
        super().__init__(f"{status}: {body[:80]!r}")
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers: dict[str, str] = dict(headers or {})


def _json(status: int, payload: object) -> HaloError:
    return HaloError(status, json.dumps(payload).encode())


def _text(status: int, text: str) -> HaloError:
    return HaloError(status, text.encode(), "text/plain; charset=utf-8")


def invalid_client() -> HaloError:
    return _json(
        401, {"error": "invalid_client", "error_description": "The specified client credentials are invalid."}
    )


def unsupported_grant_type() -> HaloError:
    return _json(
        400,
        {
            "error": "unsupported_grant_type",
            "error_description": "The specified 'grant_type' is not supported.",
        },
    )


def invalid_request(description: str) -> HaloError:
    return _json(400, {"error": "invalid_request", "error_description": description})


def wrong_tenant(status: int) -> HaloError:
    return _text(status, "An error occurred while processing your request. Tenant could not be resolved.")


def unauthorized() -> HaloError:
    return HaloError(401, b"", "text/plain", {"WWW-Authenticate": "Bearer"})


def forbidden() -> HaloError:
    return _json(
        403,
        {
            "ClassName": "System.UnauthorizedAccessException",
            "Message": "You do not have permission to access this resource.",
        },
    )


def record_not_found() -> HaloError:
    return _json(404, "Unable to find the requested record.")


def no_route() -> HaloError:
    return HaloError(404, b"", "text/plain")


def method_not_allowed() -> HaloError:
    return HaloError(405, b"", "text/plain")


def bad_param(name: str, value: str) -> HaloError:
    return _json(400, {name: f"The value '{value}' is not valid."})


def bad_date(value: str) -> HaloError:
    return _json(
        400,
        {
            "ClassName": "System.FormatException",
            "Message": f"String '{value}' was not recognized as a valid DateTime.",
        },
    )


def actions_window_too_long(days: float) -> HaloError:
    return _json(400, {"error": f"Date range cannot exceed {days:g} day" + ("" if days == 1 else "s")})


def rate_limited(limit: int, window_seconds: float) -> HaloError:
    return _text(
        429, f"Rate Limit Reached - {limit} Requests per rolling {window_seconds / 60:g} minute window"
    )


def injected(status: int, body: str | None = None, headers=None) -> HaloError:
    """An error status injected by a fault rule; bodies mimic what a gateway in front of Halo sends."""
    if body is not None:
        return HaloError(status, body.encode(), "text/plain; charset=utf-8", headers)
    if status == 401:
        err = unauthorized()
    elif status == 403:
        err = forbidden()
    elif status == 429:
        err = _text(429, "Rate Limit Reached - 300 Requests per rolling 5 minute window")
    else:
        reason = {
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }
        err = HaloError(
            status,
            f"<html><body><h1>{status} {reason.get(status, 'Error')}</h1></body></html>".encode(),
            "text/html",
        )
    err.headers.update(headers or {})
    return err
