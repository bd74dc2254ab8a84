"""Halo's response shapes and record quirks, as plain functions (the components wrap them)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any


class UnknownEnvelope(ValueError):
    """Halo answered a list request in a shape the connector does not know; the message names what it sent."""


def page_rows(body: Any, data_key: str, path: str = "") -> list[dict[str, Any]]:
    """The rows of a decoded Halo list answer: a bare JSON array, or the list under one of `data_key`'s keys.

    `data_key` names the envelope key, or several separated by `|` where sources disagree (`/CRMNote`:
    `actions` in HaloAPI, `crmnotes` in pyhalopsa). Envelopes also carry sidecar lists (`/Tickets` has
    `columns`, `statuses`, `priorities`, `agents`: halopsa-api.md §9), so rows are never guessed as "the
    only list": an envelope without one of the named keys is an error naming the keys Halo sent.
    """
    if isinstance(body, list):
        return [row for row in body if isinstance(row, dict)]
    keys = data_key.split("|")
    if isinstance(body, dict):
        found = [key for key in keys if isinstance(body.get(key), list)]
        if len(found) == 1:
            return [row for row in body[found[0]] if isinstance(row, dict)]
        if (
            not found
            and body.get("record_count") == 0
            and not any(isinstance(v, list) and v for v in body.values())
        ):
            return []
        sent = ", ".join(sorted(map(str, body))) or "none"
        raise UnknownEnvelope(
            f"Halo answered {path or 'a list request'} with an envelope of keys [{sent}] and "
            f"{'several' if found else 'no'} row list{'s' if found else ''} under {' or '.join(repr(k) for k in keys)}: "
            "this Halo's envelope is unknown to the connector; please report it with your Halo version."
        )
    raise UnknownEnvelope(
        f"Halo answered {path or 'a list request'} with {type(body).__name__} instead of a list or an envelope: "
        "check the Instance URL points at Halo."
    )


# Halo writes "no date" as 1900-01-01T00:00:00 (django-psa treats years up to 1980 as empty; we only
# null the sentinel era so genuine old dates survive).
_SENTINEL_YEAR_LIMIT = "1901"


def normalize_datetime(value: str) -> str | None:
    """`2026-02-10T09:30:00.1234567` (naive UTC) -> `2026-02-10T09:30:00.123456Z`; sentinel -> None.

    Python and most warehouses keep microseconds, Halo sends up to seven fractional digits.
    """
    if value[:4] < _SENTINEL_YEAR_LIMIT:
        return None
    head, rest = value[:19], value[19:]
    fraction = ""
    if rest.startswith("."):
        digits = 1
        while digits < len(rest) and rest[digits].isdigit():
            digits += 1
        fraction, rest = rest[: min(digits, 7)], rest[digits:]
    if rest in ("", "Z", "z"):
        return f"{head}{fraction}Z"
    if rest in ("+00:00", "+0000", "-00:00"):
        return f"{head}{fraction}Z"
    return value  # an explicit non-UTC offset: leave it for the destination to interpret


def parse_instant(value: Any) -> datetime | None:
    """A Halo or state datetime (naive = UTC, up to 7 fractional digits) as an aware datetime; None if unreadable."""
    text = normalize_datetime(value) if isinstance(value, str) and len(value) >= 19 else None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def _looks_like_datetime(value: str) -> bool:
    return (
        len(value) >= 19
        and value[4] == "-"
        and value[7] == "-"
        and value[10] == "T"
        and value[13] == ":"
        and value[16] == ":"
        and value[:4].isdigit()
    )


def normalize_record(record: dict[str, Any]) -> None:
    """Normalise a Halo row in place, nested rows (custom fields, lines, milestones) included."""
    # It visits every field of every record: one loop, exact types (rows come from orjson), no call per field.
    for key, value in record.items():
        kind = type(value)
        if kind is str:
            if len(value) >= 19 and value[10] == "T" and _looks_like_datetime(value):
                record[key] = normalize_datetime(value)
        elif kind is float:
            # site client_id and user site_id come back as decimals (halopsa-api.md §6.3)
            if (key == "id" or key.endswith("_id")) and value.is_integer():
                record[key] = int(value)
        elif kind is dict:
            normalize_record(value)
        elif kind is list:
            for item in value:
                if type(item) is dict:
                    normalize_record(item)


STATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def coerce_cursor_value(value: Any) -> str | None:
    """A saved cursor in the connector's state format, or None if it cannot be read as a date.

    Accepts what a hand-edited or older state may hold: ISO 8601 with or without zone, fraction or time
    (naive means UTC, as in Halo), and Unix epochs in seconds or milliseconds. Fractions are dropped,
    which moves the cursor earlier, never later.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime(STATE_FORMAT)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    match = re.match(
        r"^(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)(?:\.\d+)?([+-]\d{2}:?\d{2})?$", text
    )
    if not match:
        return None
    try:
        parsed = datetime.fromisoformat(match.group(1) + (match.group(2) or ""))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime(STATE_FORMAT)
