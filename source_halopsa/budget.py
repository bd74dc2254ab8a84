"""The request budget beyond the CDK's requester: charging it for requests the connector makes itself, and
saying when it makes a sync wait (the CDK's budget only logs at debug level)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import requests

logger = logging.getLogger("airbyte")

# One line per this many seconds at most: a paced backfill waits before nearly every request.
LOG_EVERY_SECONDS = 30.0


def log_budget_waits(budget: Any, config: Mapping[str, Any]) -> None:
    """Wrap the budget's acquire so waits longer than a second are reported at INFO."""
    acquire = budget.acquire_call
    requests_allowed = int(config.get("rate_limit_requests") or 300)
    window = int(config.get("rate_limit_window_seconds") or 300)
    lock = threading.Lock()
    last_logged = [float("-inf")]
    waited = [0.0]

    def acquire_and_report(request: Any, block: bool = True, timeout: float | None = None) -> None:
        started = time.monotonic()
        acquire(request, block=block, timeout=timeout)
        wait = time.monotonic() - started
        if wait < 1.0:
            return
        with lock:
            waited[0] += wait
            if started - last_logged[0] >= LOG_EVERY_SECONDS:
                logger.info(
                    f"Pacing requests to Halo's budget of {requests_allowed} per {window} s: waited "
                    f"{waited[0]:.0f} s since the last note. Lower other integrations' use or raise the budget "
                    "if your Halo allows more."
                )
                last_logged[0] = started
                waited[0] = 0.0

    budget.acquire_call = acquire_and_report


# Who pays for a request made outside the CDK's requester, in this thread (read_context._get calls it).
_CHARGE: ContextVar[Callable[[], None] | None] = ContextVar("halo_charge", default=None)
# What the budget is told a charged request was: its policy matches every request (matchers: []).
_CHARGED_REQUEST = requests.Request("GET", "https://halo.invalid/api/").prepare()


@contextmanager
def requests_charged_to(charge: Callable[[], None] | None) -> Iterator[None]:
    """Within the block, every request read_context makes in this thread is first charged to `charge`."""
    token = _CHARGE.set(charge)
    try:
        yield
    finally:
        _CHARGE.reset(token)


def charge_request() -> None:
    charge = _CHARGE.get()
    if charge is not None:
        charge()


def charge(budget: Any, requests_made: int) -> None:
    """Count requests made outside the CDK's requester in its budget, waiting if the budget is spent."""
    for _ in range(max(requests_made, 0)):
        budget.acquire_call(_CHARGED_REQUEST, block=True)
