"""/Actions: ticket_id reads, date windows, the 1000 cap and max-window modes."""

from __future__ import annotations

import pytest

from .conftest import ALL_ACTIONS


def test_given_no_ticket_and_no_window_when_listing_actions_then_empty(client):
    assert client.json("/api/Actions") == {"record_count": 0, "actions": []}


def test_given_ticket_id_when_listing_actions_then_ids_1_to_n_of_that_ticket(client, sim):
    tid = sim.backend.read_all("tickets")[5]["id"]
    body = client.json("/api/Actions", ticket_id=tid)
    assert body["ticket_id"] == tid and [a["id"] for a in body["actions"]] == list(
        range(1, body["record_count"] + 1)
    )
    assert {a["ticket_id"] for a in body["actions"]} == {tid}


def test_given_window_when_listing_actions_then_inclusive_and_ordered(client, sim):
    every = sim.backend.read_all("actions", ALL_ACTIONS)
    start, end = every[100]["datetime"], every[160]["datetime"]
    body = client.json("/api/Actions", startdate=start, enddate=end, count=1000)
    want = [a for a in every if start <= a["datetime"] <= end]
    assert body["record_count"] == len(want) and body["actions"] == want


def test_given_window_with_many_actions_when_listing_then_count_default_and_1000_cap(client, sim):
    total = len(sim.backend.read_all("actions", ALL_ACTIONS))
    assert total > 1000
    default = client.json("/api/Actions", startdate="2023-01-01", enddate="2027-01-01")
    assert len(default["actions"]) == 50 and default["record_count"] == total
    capped = client.json("/api/Actions", startdate="2023-01-01", enddate="2027-01-01", count=5000)
    assert len(capped["actions"]) == 1000


def test_given_full_read_by_windows_when_concatenated_then_every_action(client, sim):
    assert client.read_actions() == sim.backend.read_all("actions", ALL_ACTIONS)


@pytest.mark.parametrize("mode", ["error", "empty", "clamp"])
def test_given_max_window_when_window_longer_then_mode_applies(make_sim, mode):
    from .conftest import HaloClient

    s = make_sim(actions_max_window_days=1, actions_window_violation=mode)
    c = HaloClient(s)
    r = c.get("/api/Actions", startdate="2025-03-03", enddate="2025-03-06", count=1000)
    one_day = c.json("/api/Actions", startdate="2025-03-03", enddate="2025-03-04", count=1000)
    if mode == "error":
        assert r.status_code == 400 and r.json() == {"error": "Date range cannot exceed 1 day"}
    elif mode == "empty":
        assert r.json() == {"record_count": 0, "actions": []}
    else:
        assert r.json() == one_day


def test_given_orderdesc_when_listing_window_then_newest_first(client, sim):
    body = client.json(
        "/api/Actions", startdate="2023-01-01", enddate="2027-01-01", count=5, orderdesc="true"
    )
    assert body["actions"] == sim.backend.read_all("actions", ALL_ACTIONS)[::-1][:5]
