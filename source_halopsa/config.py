"""Connector configuration: normalise what users paste, reject what cannot work, one line per problem.

Used by the manifest's `config_normalization_rules` (through components.py) and by the connection check,
so `check` and `read` agree on what a valid config is.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, MutableMapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# Suffixes users paste from Halo's API Details page ("Resource Server" ends in /api, "Authorisation
# Server" in /auth) or from a browser tab; the instance URL is what precedes them.
_PASTED_SUFFIX = re.compile(r"(/(api|auth)(/.*)?|/token|/swagger(/.*)?)$", re.IGNORECASE)
_OPTIONAL_TEXT_FIELDS = ("tenant", "authorization_server_url", "scope", "start_date")
# A host name (letters of any script, digits, hyphens, dots) or an IP address; no spaces or punctuation.
_HOST = re.compile(r"^(\[[0-9a-f:.]+\]|[0-9a-f:]+:[0-9a-f:.]*|[\w-]+(\.[\w-]+)*\.?)$", re.IGNORECASE)


class ConfigError(ValueError):
    """A config value that cannot work; the message names the field and the fix."""


def normalize_url(raw: str) -> str:
    """Trim whitespace and trailing slashes and lower-case the scheme and host.

    >>> normalize_url("  HTTPS://Acme.HaloPSA.com/ ")
    'https://acme.halopsa.com'
    """
    value = raw.strip()
    if "://" not in value:
        return value.rstrip("/")
    parts = urlsplit(value)
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def normalize_instance_url(raw: str) -> str:
    """The instance root from whatever the user pasted.

    >>> normalize_instance_url("https://acme.halopsa.com/api/")
    'https://acme.halopsa.com'
    >>> normalize_instance_url("https://acme.halopsa.com/auth/token")
    'https://acme.halopsa.com'
    """
    url = normalize_url(raw)
    while True:
        stripped = _PASTED_SUFFIX.sub("", url).rstrip("/")
        if stripped == url:
            return url
        url = stripped


def normalize_config(config: MutableMapping[str, Any]) -> None:
    """Normalise a config in place; never raises (validation reports problems separately)."""
    if isinstance(config.get("instance_url"), str):
        config["instance_url"] = normalize_instance_url(config["instance_url"])
    for key in ("client_id", "client_secret"):
        if isinstance(config.get(key), str):
            config[key] = config[key].strip()
    for key in _OPTIONAL_TEXT_FIELDS:
        value = config.get(key)
        if isinstance(value, str):
            value = value.strip()
            if not value:
                config.pop(key)
                continue
            config[key] = value
    if isinstance(config.get("authorization_server_url"), str):
        auth = normalize_url(config["authorization_server_url"])
        config["authorization_server_url"] = re.sub(r"/token$", "", auth, flags=re.IGNORECASE)


def shown(value: Any, limit: int = 80) -> str:
    """A value as a message quotes it: one line (control characters escaped), at most `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(field: str, value: Any) -> None:
    """Raise ConfigError unless value is an absolute https URL (http only on a loopback host)."""
    title = _TITLES[field]
    if value is not None and not isinstance(value, str):
        raise ConfigError(
            f"{title} must be text such as https://yourcompany.halopsa.com, not {type(value).__name__}."
        )
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{title} is empty: enter your Halo URL, e.g. https://yourcompany.halopsa.com.")
    value = value.strip()
    quoted = shown(value)
    not_an_address = ConfigError(
        f"{title} '{quoted}' is not a web address: use the form https://yourcompany.halopsa.com."
    )
    if "://" not in value:
        if re.match(r"^[a-z][a-z0-9+.-]*:/*$", value, re.IGNORECASE):  # a scheme and nothing else
            raise not_an_address
        raise ConfigError(
            f"{title} '{quoted}' has no scheme: write it as https://{shown(value.lstrip('/'))}."
        )
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises on a port out of range or not a number
    except ValueError:
        raise ConfigError(
            f"{title} '{quoted}' has an invalid port: leave the port out, e.g. https://yourcompany.halopsa.com."
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or not _HOST.match(parts.hostname):
        raise not_an_address
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(
            f"{title} '{quoted}' uses http: Halo must be reached over https (http is allowed only for "
            "localhost); change it to https://."
        )


def parse_start_date(value: str) -> datetime:
    """Parse an ISO 8601 date or datetime; naive values are UTC, as everywhere in Halo."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise ConfigError(
            f"Start date '{shown(value)}' is not an ISO 8601 date: use e.g. 2024-01-01 or 2024-01-01T00:00:00Z, "
            "or leave it empty to sync all history."
        ) from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    if parsed.year < 1980:
        raise ConfigError(f"Start date '{shown(value)}' is before 1980: use a real date or leave it empty.")
    return parsed.astimezone(timezone.utc)


def validate_config(config: Mapping[str, Any]) -> None:
    """Raise ConfigError for the first problem found, in form order."""
    for field in _TITLES:
        if field in REQUIRED_FIELDS or field in config:
            check_field(field, config.get(field))


def check_field(field: str, value: Any) -> None:
    """Raise ConfigError if one field's value cannot work; None is a value left empty."""
    if field == "instance_url" or (field == "authorization_server_url" and value is not None):
        check_url(field, value)
    elif field in ("client_id", "client_secret"):
        if value is not None and not isinstance(value, str):
            raise ConfigError(
                f"{_TITLES[field]} must be text, not {type(value).__name__}: copy it from Configuration > "
                "Integrations > Halo API > your API application in Halo."
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f"{_TITLES[field]} is empty: copy it from Configuration > Integrations > Halo API > your "
                "API application in Halo."
            )
    elif field in ("tenant", "scope"):
        if not isinstance(value, str):
            raise ConfigError(f"{_TITLES[field]} must be text, not {type(value).__name__}.")
    elif field == "start_date":
        if value is None:
            return
        if not isinstance(value, str):
            raise ConfigError("Start date must be text such as 2024-01-01T00:00:00Z.")
        parse_start_date(value)
    elif field in _BOUNDS and value is not None:
        # The spec's bounds, checked here so that the message names the field.
        low, high = _BOUNDS[field]
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
            bounds = f"from {low} to {high}" if high else f"of at least {low}"
            raise ConfigError(f"{_TITLES[field]} must be a whole number {bounds}, not {shown(repr(value))}.")


REQUIRED_FIELDS = ("instance_url", "client_id", "client_secret")
_BOUNDS = {
    "lookback_window_minutes": (0, 10080),
    "rate_limit_requests": (1, None),
    "rate_limit_window_seconds": (1, None),
    "actions_window_days": (1, 31),
    "num_workers": (1, 8),
}

_TITLES = {
    "instance_url": "Instance URL",
    "client_id": "Client ID",
    "client_secret": "Client Secret",
    "tenant": "Tenant",
    "authorization_server_url": "Authorisation Server URL",
    "scope": "Scope",
    "start_date": "Start date",
    "lookback_window_minutes": "Lookback window (minutes)",
    "rate_limit_requests": "Rate limit: requests",
    "rate_limit_window_seconds": "Rate limit: window (seconds)",
    "actions_window_days": "Actions window (days)",
    "num_workers": "Concurrent requests",
}
