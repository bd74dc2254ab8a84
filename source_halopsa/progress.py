"""Airbyte ESTIMATE trace messages from Halo's `record_count`, so the UI can show a sync's progress."""

from __future__ import annotations

import sys
import time
from urllib.parse import parse_qs, urlsplit

import orjson
import requests
from airbyte_cdk.models import (
    AirbyteEstimateTraceMessage,
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteTraceMessage,
    EstimateType,
    TraceType,
    Type,
)


def is_first_page(response: requests.Response) -> bool:
    """The first page of a paged read: `page_no=1` on the request (unpaged reads carry no page_no)."""
    query = parse_qs(urlsplit(response.request.url if response.request else "").query)
    return query.get("page_no") == ["1"]


def emit_estimate(stream: str, record_count: object) -> None:
    """Write one ESTIMATE message; the CDK's own stream-status notes go to stdout the same way."""
    if not isinstance(record_count, int) or isinstance(record_count, bool) or record_count < 0:
        return
    message = AirbyteMessage(
        type=Type.TRACE,
        trace=AirbyteTraceMessage(
            type=TraceType.ESTIMATE,
            emitted_at=time.time() * 1000,
            estimate=AirbyteEstimateTraceMessage(
                name=stream, type=EstimateType.STREAM, row_estimate=record_count
            ),
        ),
    )
    sys.stdout.write(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode() + "\n")
    sys.stdout.flush()
