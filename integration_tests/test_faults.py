"""The fault matrix: every fault Halo is known for ends in exactly the simulator's records, or in a fast,
clear failure. Never a hang (each sync runs under a deadline), never silent loss, never an endless retry.

Waits are real (the CDK adds a second to each retry), so transient faults fire once, mid-pagination (on
the second request of a listing) where a listing has pages, several faults share one sync so that their
retries overlap, and rate-limit windows last a second. Tests of a fault that never clears skip the
CDK's sleeps: they prove the retries are bounded, not how long each waits.
"""

from __future__ import annotations

import json
import threading
import time
from types import SimpleNamespace

import airbyte_cdk.sources.streams.http.rate_limiting as cdk_rate_limiting
import pytest
import requests
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer
from airbyte_cdk.sources.streams.call_rate import HttpAPIBudget

from halo_simulator import HaloSimulator, SimulatorOptions
from halo_simulator.options import ALL_AREAS
from halo_simulator.worlds import WORLDS
from integration_tests import oracle
from integration_tests.conftest import UNTHROTTLED
from integration_tests.harness import (
    STAMP,
    catalog_for,
    deadline,
    keyed,
    normalized,
    read_streams,
    records_by_stream,
    run_console,
)
from source_halopsa import SourceHalopsa, auth, read_context

PRIMARY_KEYS = {"actions": ["ticket_id", "id"]}
# 302 rows at tiny scale, 100 a page: 296 tickets and project tasks, and the 6 project headers that
# includeprojects=true lists too (the tickets stream drops them).
TICKET_PAGES = 4
# ...plus the one-row probe of the read-time custom-field check (read_context.custom_fields_listed).
TICKET_REQUESTS = TICKET_PAGES + 1
SECOND_TICKETS_PAGE = {"path": "^/api/Tickets$", "every": 2, "times": 1}
# Actions come in day windows: a start date keeps the windows few.
RECENT = {"start_date": "2026-06-01T00:00:00Z"}


def _sync(sim, streams, *, config=None, seconds=60, expecting_exception=False):
    with deadline(seconds):
        return read_streams(
            {**sim.config(), **UNTHROTTLED, **(config or {})},
            streams,
            expecting_exception=expecting_exception,
        )


def _keys(rows, stream):
    return keyed(rows, PRIMARY_KEYS.get(stream, "id"))  # raises on a duplicate


def _expected(sim, stream, config=None):
    """The simulator's rows for a stream, from the config's start date for the incremental ones."""
    rows = oracle.expected(sim, stream)
    start = (config or {}).get("start_date", "").rstrip("Z")
    cursor = {"actions": "datetime", "tickets": "last_update"}.get(stream)
    return [row for row in rows if row[cursor] >= start] if start and cursor else rows


def _assert_exact(output, sim, streams, config=None):
    assert not output.errors, [error.trace.error.message for error in output.errors]
    got = records_by_stream(output)
    for stream in streams:
        expected = _keys(_expected(sim, stream, config), stream)
        assert expected, f"the simulator has no {stream}: the test would prove nothing"
        assert sorted(_keys(got.get(stream, []), stream)) == sorted(expected), f"{stream} differs"


def _applied(sim):
    return [rule["applied"] for rule in sim.faults.describe()]


def _requests(sim, path):
    return sim.stats()["counts"].get(f"GET {path}", 0)


@pytest.fixture
def no_retry_waits(monkeypatch):
    """The CDK sleeps before each retry in rate_limiting; a fault that never clears needs no real wait."""
    monkeypatch.setattr(cdk_rate_limiting, "time", SimpleNamespace(sleep=lambda seconds: None))
    monkeypatch.setattr(auth, "time", SimpleNamespace(sleep=lambda seconds: None, monotonic=time.monotonic))
    monkeypatch.setattr(read_context, "time", SimpleNamespace(sleep=lambda seconds: None))


# --- Throttling ---------------------------------------------------------------------------------------


def test_given_429_burst_without_retry_after_when_syncing_then_waits_and_nothing_lost(fresh_simulator):
    sim = fresh_simulator
    sim.set_faults([{"path": "^/api/Tickets$", "status": 429, "times": 2}])
    output = _sync(sim, ["tickets"], config={"rate_limit_window_seconds": 1})
    _assert_exact(output, sim, ["tickets"])
    assert _applied(sim) == [2] and sim.stats()["throttled_429"] == 2
    assert _requests(sim, "/api/Tickets") == TICKET_REQUESTS + 2


def test_given_halos_window_exhausted_when_budget_is_larger_then_429s_are_waited_out():
    """The connector believes it may make 1000 requests per 2 s; Halo allows 6, so Halo answers 429."""
    streams = ["tickets", "statuses", "teams", "agents", "clients", "sites", "assets"]
    with HaloSimulator(SimulatorOptions(scale="tiny", rate_limit=(6, 2.0))) as sim:
        output = _sync(
            sim, streams, config={"rate_limit_requests": 1000, "rate_limit_window_seconds": 2}, seconds=90
        )
        _assert_exact(output, sim, streams)
        assert sim.stats()["throttled_429"] > 0


def test_given_429_forever_when_syncing_then_fails_after_bounded_retries(
    fresh_simulator, no_retry_waits, monkeypatch
):
    # The budget would also hold each retry for a whole window: this test is about the retry count.
    monkeypatch.setattr(HttpAPIBudget, "update_from_response", lambda self, request, response: None)
    sim = fresh_simulator
    sim.set_faults([{"path": "^/api/Status$", "status": 429, "every": 1}])
    output = _sync(sim, ["statuses"], config={"rate_limit_window_seconds": 1}, expecting_exception=True)
    errors = [error.trace.error for error in output.errors]
    assert errors and not output.records
    assert any(error.message == "API rate limit exceeded." for error in errors)
    assert _requests(sim, "/api/Status") == 11  # the first try and 10 retries


# --- Server errors and the network ----------------------------------------------------------------------

# One fault per listing, on its second page where it has one, all in one sync so that the retries overlap.
NETWORK_FAULTS = {
    "tickets": ("/api/Tickets", 2, {"status": 500}),
    "invoices": ("/api/Invoice", 2, {"status": 502}),
    "assets": ("/api/Asset", 2, {"status": 503}),
    "users": ("/api/Users", 1, {"status": 504}),
    "sites": ("/api/Site", 1, {"kind": "reset"}),
    "clients": ("/api/Client", 1, {"kind": "timeout", "seconds": 0.5}),  # closed without an answer
    "contracts": ("/api/ClientContract", 1, {"kind": "delay", "seconds": 2.5}),  # past the read timeout
}
PAGES = {
    "tickets": TICKET_REQUESTS,
    "invoices": 2,
    "assets": 2,
    "users": 1,
    "sites": 1,
    "clients": 1,
    "contracts": 1,
}


@pytest.fixture
def short_timeouts(monkeypatch):
    """Every timeout the connector sets, cut to one second (the manifest's 120 s is too long to wait for).

    A request sent without a timeout keeps none, so a connector that set no timeout would wait out the
    stalled page instead of abandoning it, and send one request fewer than the test expects.
    """
    sent: list[object] = []
    original = requests.adapters.HTTPAdapter.send

    def send(self, request, stream=False, timeout=None, **kwargs):
        sent.append(timeout)
        return original(self, request, stream=stream, timeout=None if timeout is None else 1, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return sent


def test_given_5xx_resets_dropped_connections_and_a_stalled_page_when_syncing_then_retried_and_nothing_lost(
    fresh_simulator, short_timeouts
):
    """500, 502, 503, 504, a connection reset, a server closing without an answer and a page that stalls
    past the read timeout, once each: every one retried, and every stream complete."""
    sim = fresh_simulator
    sim.set_faults(
        [
            {"path": f"^{path}$", "every": nth, "times": 1, **fault}
            for path, nth, fault in NETWORK_FAULTS.values()
        ]
    )
    output = _sync(sim, list(NETWORK_FAULTS))
    _assert_exact(output, sim, list(NETWORK_FAULTS))
    assert _applied(sim) == [1] * len(NETWORK_FAULTS)
    for stream, (path, _, _) in NETWORK_FAULTS.items():
        assert _requests(sim, path) == PAGES[stream] + 1, stream
    assert short_timeouts and None not in short_timeouts


def test_given_server_errors_forever_when_syncing_then_only_that_stream_fails_after_bounded_retries(
    fresh_simulator, no_retry_waits
):
    sim = fresh_simulator
    sim.set_faults([{"path": "^/api/Tickets$", "status": 503, "every": 1}])
    output = _sync(sim, ["tickets", "statuses"], expecting_exception=True)
    failed = {e.trace.error.stream_descriptor.name for e in output.errors if e.trace.error.stream_descriptor}
    assert failed == {"tickets"}
    # the custom-field check's 5 tries, then the stream's first try and 10 retries
    assert _requests(sim, "/api/Tickets") == 5 + 11
    assert len(records_by_stream(output)["statuses"]) == len(oracle.expected(sim, "statuses"))


def test_given_slow_pages_when_syncing_then_waited_for_without_retries(fresh_simulator):
    sim = fresh_simulator
    sim.set_faults([{"path": "^/api/Tickets$", "kind": "delay", "seconds": 0.4, "every": 1}])
    output = _sync(sim, ["tickets", "statuses"])
    _assert_exact(output, sim, ["tickets", "statuses"])
    assert _requests(sim, "/api/Tickets") == TICKET_REQUESTS


def test_given_check_and_full_sync_when_sending_then_every_request_has_a_timeout(simulator, monkeypatch):
    """authinfo, the token, the check's probes, read-time lookups and every stream's pages."""
    sent: list[tuple[str, object]] = []
    original = requests.adapters.HTTPAdapter.send

    def send(self, request, stream=False, timeout=None, **kwargs):
        sent.append((request.url, timeout))
        return original(self, request, stream=stream, timeout=timeout, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    config = {**simulator.config(), **UNTHROTTLED, **RECENT}
    del config["tenant"]  # found through /api/authinfo
    assert SourceHalopsa(config=config).check(None, config).status.name == "SUCCEEDED"
    auth._SOURCES.clear()
    names = [stream.name for stream in SourceHalopsa(config=config).discover(None, config).streams]
    with deadline(60):
        output = read_streams(config, names)
    assert not output.errors
    paths = {url.split("?")[0].split("/", 3)[-1] for url, _ in sent}
    assert {
        "api/authinfo",
        "auth/token",
        "api/Tickets",
        "api/Actions",
        "api/FieldInfo",
        "api/Invoice",
    } <= paths
    assert [url for url, timeout in sent if timeout is None] == []


# --- Tokens -------------------------------------------------------------------------------------------


def test_given_token_lifetime_shorter_than_sync_when_syncing_then_renewed_before_it_expires():
    with HaloSimulator(SimulatorOptions(scale="tiny", token_ttl_seconds=1)) as sim:
        sim.set_faults([{"path": "^/api/Tickets$", "kind": "delay", "seconds": 0.4, "every": 1}])
        output = _sync(sim, ["tickets", "statuses"])
        _assert_exact(output, sim, ["tickets", "statuses"])
        stats = sim.stats()
        assert stats["token_requests"] >= 2
        assert [entry for entry in stats["log"] if entry["status"] == 401] == []


def test_given_token_expires_early_mid_sync_when_syncing_then_refreshed_once_and_nothing_lost(
    fresh_simulator,
):
    """Halo's clock passes the token's expiry while page 2 is served: page 2 is answered 401."""
    sim = fresh_simulator
    sim.set_faults([{**SECOND_TICKETS_PAGE, "kind": "delay", "seconds": 0.5}])

    def expire_while_page_2_is_served():
        while sim.faults.describe()[0]["applied"] < 1:
            time.sleep(0.01)
        sim.advance_clock(3601)

    threading.Thread(target=expire_while_page_2_is_served, daemon=True).start()
    output = _sync(sim, ["tickets"])
    _assert_exact(output, sim, ["tickets"])
    assert sim.stats()["token_requests"] == 2
    assert [entry["status"] for entry in sim.stats()["log"]].count(401) == 1


def test_given_token_revoked_while_streams_run_concurrently_when_syncing_then_one_new_token(fresh_simulator):
    sim = fresh_simulator
    streams = ["tickets", "clients", "sites", "users", "assets", "invoices"]
    sim.set_faults([{**SECOND_TICKETS_PAGE, "kind": "expire_token"}])
    output = _sync(sim, streams, config={"num_workers": 3})
    _assert_exact(output, sim, streams)
    assert sim.stats()["token_requests"] == 2


@pytest.mark.parametrize(
    "fault",
    [pytest.param({"status": 503}, id="test_503"), pytest.param({"kind": "reset"}, id="test_reset")],
)
def test_given_token_endpoint_fails_once_when_syncing_then_retried_and_nothing_lost(fresh_simulator, fault):
    sim = fresh_simulator
    sim.set_faults([{"path": "^/auth/token$", "times": 1, **fault}])
    output = _sync(sim, ["tickets"])
    _assert_exact(output, sim, ["tickets"])
    assert sim.stats()["token_requests"] == 2


def test_given_token_endpoint_unavailable_when_syncing_then_transient_error_after_four_tries(
    fresh_simulator, no_retry_waits
):
    sim = fresh_simulator
    sim.set_faults([{"path": "^/auth/token$", "status": 503, "every": 1}])
    output = _sync(sim, ["tickets"], expecting_exception=True)
    errors = [error.trace.error for error in output.errors]
    assert errors and not output.records
    assert any("unavailable (HTTP 503) 4 times; try again later" in error.message for error in errors)
    assert {error.failure_type.value for error in errors} == {"transient_error"}
    assert sim.stats()["token_requests"] == 4


# --- Odd pages ----------------------------------------------------------------------------------------


def test_given_malformed_and_repeated_pages_when_syncing_then_retried_and_nothing_lost(fresh_simulator):
    """A body cut in half on a paged list's second page, on a bare array and on an /Actions window; page 1
    served again for page 2 (an endpoint ignoring page_no). Each is requested again, nothing read twice."""
    sim = fresh_simulator
    sim.set_faults(
        [
            {"path": "^/api/Invoice$", "kind": "malformed", "every": 2, "times": 1},
            {"path": "^/api/Status$", "kind": "malformed", "times": 1},
            {"path": "^/api/Actions$", "kind": "malformed", "every": 3, "times": 1},
            {"path": "^/api/Asset$", "kind": "repeat_page", "every": 2, "times": 1},
        ]
    )
    streams = ["invoices", "statuses", "actions", "assets"]
    output = _sync(sim, streams, config=RECENT)
    _assert_exact(output, sim, streams, RECENT)
    assert _applied(sim) == [1, 1, 1, 1]
    assert _requests(sim, "/api/Invoice") == 2 + 1 and _requests(sim, "/api/Status") == 1 + 1
    assert _requests(sim, "/api/Asset") == 2 + 1
    assert any("page 2 of assets with the rows of page 1 again" in m.log.message for m in output.logs)


def test_given_malformed_json_forever_when_syncing_then_fails_after_bounded_retries(
    fresh_simulator, no_retry_waits
):
    sim = fresh_simulator
    sim.set_faults([{"path": "^/api/Status$", "kind": "malformed", "every": 1}])
    output = _sync(sim, ["statuses"], expecting_exception=True)
    assert output.errors and not output.records
    assert _requests(sim, "/api/Status") == 11


def test_given_endpoint_ignoring_paging_when_syncing_then_fails_without_duplicates(
    fresh_simulator, no_retry_waits
):
    sim = fresh_simulator
    sim.set_faults([{"path": "^/api/Tickets$", "kind": "repeat_page", "every": 1}])
    output = _sync(sim, ["tickets"], expecting_exception=True)
    assert output.errors
    # page 1, once, less its 2 project headers
    assert len(_keys(records_by_stream(output).get("tickets", []), "tickets")) == 98
    assert _requests(sim, "/api/Tickets") == 1 + 1 + 11  # the custom-field probe, page 1, 11 repeats
    assert any("with the rows of page 1 again" in message.log.message for message in output.logs)


def test_given_halo_caps_pages_at_10_silently_when_syncing_then_every_row_read(fresh_simulator):
    """The envelope still says page_size 100: the connector counts rows, not the size it asked for."""
    sim = fresh_simulator
    sim.set_faults([{"path": "^/api/(Tickets|Invoice)$", "kind": "page_cap", "size": 10, "every": 1}])
    output = _sync(sim, ["tickets", "invoice_lines"])
    _assert_exact(output, sim, ["tickets", "invoice_lines"])
    # 302 rows in pages of 10, and the custom-field probe
    assert _requests(sim, "/api/Tickets") == 31 + 1 and _requests(sim, "/api/Invoice") == 15


# --- Permissions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stream, area, missing",
    [
        pytest.param("invoices", "Invoices", "invoices", id="test_invoices"),
        pytest.param("assets", "Assets", "assets", id="test_assets"),
        pytest.param("timesheet_events", "Timesheets", "timesheets", id="test_timesheets"),
    ],
)
def test_given_403_on_one_resource_when_syncing_then_fails_fast_naming_stream_and_permission(
    stream, area, missing
):
    with HaloSimulator(SimulatorOptions(scale="tiny", granted_areas=ALL_AREAS - {missing})) as sim:
        started = time.monotonic()
        output = _sync(sim, ["tickets", stream], expecting_exception=True)
        elapsed = time.monotonic() - started
        records = records_by_stream(output)
        assert len(records["tickets"]) == len(oracle.expected(sim, "tickets"))
        assert stream not in records
        errors = [error.trace.error for error in output.errors]
        assert {error.failure_type.value for error in errors} == {"config_error"}
        named = {error.message for error in errors if error.message.startswith("Halo refused to list")}
        assert len(named) == 1
        message = named.pop()
        assert "\n" not in message and f"Halo refused to list {stream} (HTTP 403)" in message
        assert f"lacks Read on {area}" in message and f"set {area} to Read" in message
        # No retries: each request refused once (a windowed stream asks once per window).
        refused = [(e["path"], e["query"]) for e in sim.stats()["log"] if e["status"] == 403]
        assert refused and len(refused) == len(set(refused))
        assert elapsed < 10


# --- Token churn ---------------------------------------------------------------------------------------


def test_given_token_churn_when_synced_by_the_console_script_then_exit_0_and_exact(tmp_path):
    """Tokens expire after 15 s, every 15th request revokes all tokens (the profile's 40th would churn
    once in these ~50 requests), 2 % answer 503, 1 % reset."""
    names = ["tickets", "clients", "crm_notes", "statuses", "invoices", "timesheet_events"]
    churn = {
        **WORLDS["token_churn"],
        "fault_rules": [
            dict(r, every=15) if "every" in r else dict(r) for r in WORLDS["token_churn"]["fault_rules"]
        ],
    }
    with HaloSimulator(SimulatorOptions(scale="tiny", **churn)) as sim:
        config = {**sim.config(), "rate_limit_requests": 1_000_000}
        (tmp_path / "config.json").write_text(json.dumps(config))
        catalog = ConfiguredAirbyteCatalogSerializer.dump(catalog_for(config, names))
        (tmp_path / "catalog.json").write_text(json.dumps(catalog))
        code, messages, log = run_console(
            ["read", "--config", str(tmp_path / "config.json"), "--catalog", str(tmp_path / "catalog.json")],
            timeout=600,
        )
        tokens = sim.stats()["counts"].get("POST /auth/token", 0)
        records: dict[str, list] = {}
        for message in messages:
            if message["type"] == "RECORD":
                data = {k: v for k, v in message["record"]["data"].items() if k != STAMP}
                records.setdefault(message["record"]["stream"], []).append(data)
        expected = {name: keyed(normalized(oracle.expected(sim, name)), "id") for name in names}
    assert code == 0, log[-2000:]
    assert not [m for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    for name in names:
        assert keyed(records.get(name, []), "id") == expected[name], name
    assert tokens > 2, "no token churned: the test proves nothing"
