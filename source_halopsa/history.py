"""Where a first sync of `actions` starts when the user set no start date.

`/Actions` is read in date windows of one day, so "all history" needs a first day. Tickets carry
their opening date, and no action predates its ticket, so the earliest ticket bounds the backfill.
One request, made only on a first sync of `actions` without a start date.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import requests
from airbyte_cdk.models import ConfiguredAirbyteCatalog

from source_halopsa.auth import REQUEST_TIMEOUT_SECONDS, token_source_for
from source_halopsa.config import parse_start_date
from source_halopsa.records import normalize_datetime, page_rows

logger = logging.getLogger("airbyte")

HISTORY_START_KEY = "_halo_history_start"
EARLIEST_TICKET_PARAMS = {
    "pageinate": "true",
    "page_size": "100",
    "page_no": "1",
    "order": "dateoccurred",
    "orderdesc": "false",
}


def with_history_start(
    config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog, state_manager: Any
) -> Mapping[str, Any]:
    selected = {stream.stream.name for stream in catalog.streams}
    if "actions" not in selected or config.get("start_date") or config.get(HISTORY_START_KEY):
        return config
    if state_manager.get_stream_state("actions", None):
        return config
    start = earliest_ticket_date(config)
    return {**config, HISTORY_START_KEY: start} if start else config


def earliest_ticket_date(config: Mapping[str, Any]) -> str | None:
    """The day before the earliest `dateoccurred` on the first page of tickets by opening date.

    Taking the minimum over the page, not the first row, keeps the bound right on an instance that
    ignores `order` and lists by id (oldest ids first).
    """
    token = token_source_for(config).token()
    try:
        response = requests.get(
            f"{config['instance_url']}/api/Tickets",
            params=EARLIEST_TICKET_PARAMS,
            headers={"Authorization": f"Bearer {token}"},
            timeout=REQUEST_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        rows = page_rows(response.json(), "tickets")
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
