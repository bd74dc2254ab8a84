"""Hosted Halo's rolling-window limiter (halopsa-api.md §5)."""

from __future__ import annotations

import time

from .conftest import HaloClient


def test_given_limit_reached_when_requesting_then_429_text_without_retry_after(make_sim):
    s = make_sim(rate_limit=(3, 300))
    c = HaloClient(s)  # the token request counts too
    assert c.get("/api/Status").status_code == 200
    assert c.get("/api/Status").status_code == 200
    r = c.get("/api/Status")
    assert r.status_code == 429
    assert r.text == "Rate Limit Reached - 3 Requests per rolling 5 minute window"
    assert "Retry-After" not in r.headers
    assert s.stats()["throttled_429"] == 1


def test_given_rejected_requests_when_window_rolls_then_they_did_not_count(make_sim):
    s = make_sim(rate_limit=(2, 0.6))
    c = HaloClient(s)
    assert c.get("/api/Status").status_code == 200
    time.sleep(0.35)
    assert [c.get("/api/Status").status_code for _ in range(5)] == [429] * 5
    time.sleep(
        0.45
    )  # the first two left the window; the five rejected ones (at ~0.35 s) would still be in it
    assert c.get("/api/Status").status_code == 200
