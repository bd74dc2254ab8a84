"""The connection check: a token, then one cheap request per permission area Halo's set-up grants.

Each failure says what to change in Halo, because a passing check followed by a 403 mid-sync is the
most common complaint about comparable connectors (peers-and-lessons.md §3, row 13).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import requests
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa.auth import REQUEST_TIMEOUT_SECONDS, tls_error, token_source_for, unreachable_error
from source_halopsa.config import ConfigError, validate_config

logger = logging.getLogger("airbyte")

# (area as Halo's API application permissions name it, endpoint probed)
PERMISSION_PROBES = (
    ("Tickets", "Tickets"),
    ("Customers", "Client"),
    ("Assets", "Asset"),
    ("Projects", "Projects"),
    ("Invoices", "Invoice"),
)
PROBE_PARAMS = {"pageinate": "true", "page_size": "1", "page_no": "1"}
# Areas only some streams need: a refusal is a warning naming the streams, not a failed check, since
# Halo's set-up guide grants the five areas above and these streams can be deselected.
OPTIONAL_PROBES = (
    ("CRM", "Opportunities", PROBE_PARAMS, "opportunities"),
    (
        "Timesheets",
        "TimesheetEvent",
        {"start_date": "2000-01-01T00:00:00Z", "end_date": "2000-01-02T00:00:00Z"},
        "timesheet_events",
    ),
)


def check_halo_connection(config: Mapping[str, Any]) -> tuple[bool, str | None]:
    try:
        validate_config(config)
        tokens = token_source_for(config)
        tokens.token()
        missing = [area for area, path in PERMISSION_PROBES if not _probe(config, tokens, area, path)]
        for area, path, params, stream in OPTIONAL_PROBES:
            if not _probe(config, tokens, area, path, params):
                logger.warning(
                    f"The Halo API application lacks Read on {area}: the {stream} stream will fail. Set {area} "
                    f"to Read in the application's Permissions, or deselect {stream}."
                )
    except ConfigError as error:
        return False, str(error)
    except AirbyteTracedException as error:
        return False, error.message
    if missing:
        areas = " and ".join(", ".join(missing).rsplit(", ", 1))
        return False, (
            f"The Halo API application lacks Read on {areas}: in Halo open Configuration > Integrations > "
            f"Halo API > your application > Permissions, set {areas} to Read, and check that the agent it "
            "logs in as can see them."
        )
    return True, None


def _probe(
    config: Mapping[str, Any], tokens: Any, area: str, path: str, params: Mapping[str, str] = PROBE_PARAMS
) -> bool:
    """True if readable, False on 403; raises with a clear message for anything else."""
    url = f"{config['instance_url']}/api/{path}"
    token = tokens.token()
    for attempt in (1, 2, 3):
        try:
            response = requests.get(
                url,
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                timeout=REQUEST_TIMEOUT_SECONDS,
            )
        except requests.exceptions.SSLError as error:
            raise tls_error(url, error) from error
        except requests.exceptions.RequestException as error:
            raise unreachable_error(url, error) from error
        if response.status_code == 401 and attempt < 3:
            token = tokens.refresh(rejected_token=token)
            continue
        break
    status = response.status_code
    if status == 403:
        return False
    if status == 401:
        raise _failed(
            "Halo issued a token but rejects it on /api: set the API application's login type to Agent "
            "and choose an agent to log in as."
        )
    if status == 404:
        raise _failed(
            f"{url} does not exist: the Instance URL should be your Halo web address, e.g. https://yourcompany.halopsa.com."
        )
    if status == 429:
        raise _failed("Halo's rate limit is exhausted by other integrations: try again in five minutes.")
    if status >= 400:
        raise _failed(f"Halo answered HTTP {status} to a read of {area}: try again, or check Halo's status.")
    try:
        response.json()
    except ValueError:
        raise _failed(
            f"{url} did not answer with JSON: the Instance URL does not point at a Halo instance."
        ) from None
    return True


def _failed(message: str) -> AirbyteTracedException:
    return AirbyteTracedException(message=message)
