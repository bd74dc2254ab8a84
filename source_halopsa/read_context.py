"""Values the manifest needs at read time that only Halo knows, fetched once per sync.

- Where a first sync of `actions` starts when no start date is set. `/Actions` is read in one-day
  windows, so "all history" needs a first day; no action predates its ticket, so the earliest
  ticket bounds the backfill.
- Which custom fields `tickets` must ask for: `include_custom_fields` takes a comma list of
  FieldInfo ids (halo-swagger-2024.json, /Tickets), so "all custom fields" needs their ids.

Each costs one request, made only when a stream that needs it is selected.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import requests
from airbyte_cdk.models import ConfiguredAirbyteCatalog, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa.auth import REQUEST_TIMEOUT_SECONDS, rate_limit_wait_seconds, token_source_for
from source_halopsa.config import parse_start_date
from source_halopsa.records import normalize_datetime, page_rows

logger = logging.getLogger("airbyte")

HISTORY_START_KEY = "_halo_history_start"
CUSTOM_FIELD_IDS_KEY = "_halo_custom_field_ids"
STREAMS_WITH_CUSTOM_FIELD_FILTER = {
    "tickets",
    "projects",
    "project_tasks",
    "opportunities",
    "deleted_tickets",
}
EARLIEST_TICKET_PARAMS = {
    "pageinate": "true",
    "page_size": "100",
    "page_no": "1",
    "order": "dateoccurred",
    "orderdesc": "false",
}


def with_read_context(
    config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog, state_manager: Any
) -> Mapping[str, Any]:
    selected = {stream.stream.name for stream in catalog.streams}
    context: dict[str, Any] = {}
    if (
        "actions" in selected
        and not config.get("start_date")
        and HISTORY_START_KEY not in config
        and not state_manager.get_stream_state("actions", None)
    ):
        start = earliest_ticket_date(config)
        if start:
            context[HISTORY_START_KEY] = start
    if selected & STREAMS_WITH_CUSTOM_FIELD_FILTER and CUSTOM_FIELD_IDS_KEY not in config:
        context[CUSTOM_FIELD_IDS_KEY] = custom_field_ids(config)
    return {**config, **context} if context else config


def _get(config: Mapping[str, Any], path: str, params: Mapping[str, str]) -> Any:
    """GET with the shared token; transient failures (429, 5xx, resets) are retried like the streams'."""
    source = token_source_for(config)
    for attempt in range(1, _TRIES + 1):
        response = None
        token = source.token()
        try:
            response = requests.get(
                f"{config['instance_url']}/api/{path}",
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                timeout=REQUEST_TIMEOUT_SECONDS,
            )
        except (requests.ConnectionError, requests.Timeout):
            if attempt == _TRIES:
                raise
        else:
            if response.status_code == 401 and attempt < _TRIES:
                source.reject(token)  # churn: the next attempt carries a fresh token
                continue
            if response.ok:
                source.accept(token)
            if response.status_code not in (429, 500, 502, 503, 504) or attempt == _TRIES:
                response.raise_for_status()
                return response.json()
        wait = (
            rate_limit_wait_seconds(config)
            if response is not None and response.status_code == 429
            else 2**attempt
        )
        logger.info(f"Halo did not answer /{path} ({attempt} of {_TRIES}); retrying in {wait:.0f} s.")
        time.sleep(wait)
    raise AssertionError("unreachable")


_TRIES = 5


def earliest_ticket_date(config: Mapping[str, Any]) -> str | None:
    """The day before the earliest `dateoccurred` on the first page of tickets by opening date.

    The minimum over the page, not the first row, keeps the bound right on an instance that ignores
    `order` and lists by id (oldest first).
    """
    try:
        rows = page_rows(_get(config, "Tickets", EARLIEST_TICKET_PARAMS), "tickets")
    except (requests.RequestException, ValueError) as error:
        logger.warning(f"Could not find the earliest ticket ({type(error).__name__}); actions start in 2000.")
        return None
    dates = [
        normalize_datetime(row["dateoccurred"])
        for row in rows
        if isinstance(row.get("dateoccurred"), str) and len(row["dateoccurred"]) >= 19
    ]
    dates = [date for date in dates if date]
    if not dates:
        return None
    earliest = parse_start_date(min(dates)) - timedelta(days=1)
    logger.info(
        f"No start date set: actions are read from {earliest:%Y-%m-%d}, the day before the earliest ticket."
    )
    return earliest.strftime("%Y-%m-%dT00:00:00Z")


def custom_field_ids(config: Mapping[str, Any]) -> str:
    """Every custom field's id, comma-separated; empty when Halo has none or refuses to list them."""
    try:
        rows = page_rows(_get(config, "FieldInfo", {}), "fields")
    except requests.HTTPError as error:
        if error.response is not None and error.response.status_code in (403, 404):
            logger.warning(
                f"Halo refused to list custom fields (HTTP {error.response.status_code}): tickets come without customfields. Grant the API "
                "application Read on Assets (custom field set-up) to get them."
            )
            return ""
        raise _unavailable("custom fields", error) from error
    except (requests.RequestException, ValueError) as error:
        raise _unavailable("custom fields", error) from error
    ids = sorted(
        {
            int(row["id"])
            for row in rows
            if isinstance(row.get("id"), (int, float)) and not isinstance(row.get("id"), bool)
        }
    )
    return ",".join(str(field_id) for field_id in ids)


def project_ids(config: Mapping[str, Any]) -> set[int]:
    """The id of every project, open or closed: one request per page of projects."""
    ids: set[int] = set()
    page, seen = 1, 0
    while True:
        try:
            body = _get(config, "Projects", {"pageinate": "true", "page_size": "100", "page_no": str(page)})
        except (requests.RequestException, ValueError) as error:
            raise _unavailable("the project list", error) from error
        rows = page_rows(body, "tickets")
        ids.update(int(row["id"]) for row in rows if isinstance(row.get("id"), (int, float)))
        seen += len(rows)
        total = body.get("record_count") if isinstance(body, dict) else None
        done = seen >= total if isinstance(total, int) else len(rows) < 100
        if not rows or done:
            return ids
        page += 1


def _unavailable(what: str, error: Exception) -> AirbyteTracedException:
    status = getattr(getattr(error, "response", None), "status_code", None)
    return AirbyteTracedException(
        message=f"Halo did not list {what} after {_TRIES} tries ({'HTTP ' + str(status) if status else type(error).__name__}); "
        "try the sync again later.",
        internal_message=f"{type(error).__name__} reading {what}",
        failure_type=FailureType.transient_error,
    )
