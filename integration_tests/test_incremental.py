"""A second sync with the emitted state returns what changed (plus the lookback), and state never
moves backwards."""

import time
from datetime import datetime, timedelta

from airbyte_cdk.models import SyncMode

from integration_tests import oracle
from integration_tests.conftest import UNTHROTTLED
from integration_tests.harness import final_states, read_streams, records_by_stream
from source_halopsa import auth

INCREMENTAL = ["tickets", "actions", "opportunities", "projects", "project_tasks"]


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _cursor_values(states):
    return {s.stream.stream_descriptor.name: dict(s.stream.stream_state.__dict__) for s in states}


def test_given_changes_between_syncs_when_reading_with_state_then_only_changes_and_lookback(fresh_simulator):
    sim = fresh_simulator
    config = {**sim.config(), **UNTHROTTLED, "lookback_window_minutes": 10}
    first = read_streams(config, INCREMENTAL, sync_mode=SyncMode.incremental)
    assert not first.errors
    state = final_states(first)
    changed = sim.mutate(
        update_tickets=5, add_tickets=3, add_actions=7, update_projects=2, update_opportunities=2
    )
    time.sleep(1.1)  # the sync's upper bound has whole seconds: let the changes fall before it

    second = read_streams(config, INCREMENTAL, state=state, sync_mode=SyncMode.incremental)
    assert not second.errors
    got = records_by_stream(second)
    first_state = _cursor_values(state)

    ticket_ids = {r["id"] for r in got.get("tickets", [])}
    assert set(changed["update_tickets"]) | set(changed["add_tickets"]) <= ticket_ids
    floor = _parse(first_state["tickets"]["last_update"]) - timedelta(minutes=10)
    for record in got["tickets"]:
        # Anything else re-read lies inside the lookback window.
        assert (
            record["id"] in set(changed["update_tickets"]) | set(changed["add_tickets"])
            or _parse(record["last_update"]) >= floor
        )

    new_actions = {(r["ticket_id"], r["id"]) for r in got.get("actions", [])}
    assert len(new_actions) >= 7 and len(new_actions) < 40
    assert {r["id"] for r in got.get("projects", [])} >= set(changed["update_projects"])
    assert {r["id"] for r in got.get("opportunities", [])} >= set(changed["update_opportunities"])

    for name, values in _cursor_values(final_states(second)).items():
        for cursor, value in values.items():
            if name in first_state and cursor in first_state[name]:
                assert _parse(value) >= _parse(first_state[name][cursor]), f"{name} state moved backwards"


def test_given_nothing_changed_when_reading_with_state_then_one_request_per_stream(fresh_simulator):
    sim = fresh_simulator
    config = {**sim.config(), **UNTHROTTLED, "lookback_window_minutes": 0}
    names = ["tickets", "opportunities", "projects"]
    state = final_states(read_streams(config, names, sync_mode=SyncMode.incremental))
    sim.reset_stats()
    second = read_streams(config, names, state=state, sync_mode=SyncMode.incremental)
    counts = sim.stats()["counts"]
    # One page each; /Tickets also answers the custom-field check's one-row probe, and /Projects the
    # project ids the tickets stream needs to drop project headers (read once the first row comes back).
    assert (
        counts.get("GET /api/Tickets") == 1 + 1
        and counts.get("GET /api/Opportunities") == 1
        and counts.get("GET /api/Projects") == 1 + 1
    )
    assert len(second.records) <= 3  # the newest record of each, re-read because bounds are inclusive


def test_given_future_state_when_reading_then_no_records_and_state_kept(fresh_simulator):
    sim = fresh_simulator
    config = {**sim.config(), **UNTHROTTLED}
    from airbyte_cdk.models import AirbyteStateMessage, AirbyteStateType, AirbyteStreamState, StreamDescriptor
    from airbyte_cdk.models.airbyte_protocol import AirbyteStateBlob

    future = [
        AirbyteStateMessage(
            type=AirbyteStateType.STREAM,
            stream=AirbyteStreamState(
                stream_descriptor=StreamDescriptor(name="tickets"),
                stream_state=AirbyteStateBlob(last_update="2099-01-01T00:00:00Z"),
            ),
        )
    ]
    output = read_streams(config, ["tickets"], state=future, sync_mode=SyncMode.incremental)
    assert not output.errors and not output.records
    assert _cursor_values(final_states(output))["tickets"]["last_update"] == "2099-01-01T00:00:00Z"


import pytest  # noqa: E402


@pytest.mark.parametrize(
    "saved, expected_reread",
    [
        pytest.param({"last_update": "not a date"}, "all", id="test_garbage_rereads_all"),
        pytest.param({"last_update": 7}, "all", id="test_number_rereads_all"),
        pytest.param({"unknown": "x"}, "all", id="test_no_cursor_rereads_all"),
        pytest.param({"last_update": "2026-06-01T00:00:00"}, "since", id="test_naive_cursor_read_as_utc"),
        pytest.param({"last_update": "2026-06-01"}, "since", id="test_date_only_cursor"),
    ],
)
def test_given_malformed_state_when_reading_then_no_error_and_nothing_lost(simulator, saved, expected_reread):
    from airbyte_cdk.models import AirbyteStateMessage, AirbyteStateType, AirbyteStreamState, StreamDescriptor
    from airbyte_cdk.models.airbyte_protocol import AirbyteStateBlob

    state = [
        AirbyteStateMessage(
            type=AirbyteStateType.STREAM,
            stream=AirbyteStreamState(
                stream_descriptor=StreamDescriptor(name="tickets"), stream_state=AirbyteStateBlob(**saved)
            ),
        )
    ]
    output = read_streams(
        {**simulator.config(), **UNTHROTTLED, "lookback_window_minutes": 0},
        ["tickets"],
        state=state,
        sync_mode=SyncMode.incremental,
    )
    assert not output.errors
    ids = {r["id"] for r in records_by_stream(output).get("tickets", [])}
    rows = oracle.expected(simulator, "tickets")
    if expected_reread == "all":
        assert ids == {row["id"] for row in rows}
    else:
        assert ids == {row["id"] for row in rows if row["last_update"] >= "2026-06-01T00:00:00"}


def test_given_start_date_when_reading_then_exactly_tickets_changed_since(simulator):
    config = {**simulator.config(), **UNTHROTTLED, "start_date": "2026-05-15"}
    output = read_streams(config, ["tickets"], sync_mode=SyncMode.incremental)
    ids = {r["id"] for r in records_by_stream(output)["tickets"]}
    assert ids == {
        row["id"]
        for row in oracle.expected(simulator, "tickets")
        if row["last_update"] >= "2026-05-15T00:00:00"
    }


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "America/Los_Angeles"])
def test_given_machine_in_other_time_zone_when_syncing_then_same_utc_windows_and_records(
    simulator, tmp_path, zone
):
    """Halo's dates are naive UTC: the machine's zone must change nothing, neither filters nor records."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from airbyte_cdk.models.airbyte_protocol_serializers import ConfiguredAirbyteCatalogSerializer

    from integration_tests.harness import catalog_for

    config = {**simulator.config(), **UNTHROTTLED, "start_date": "2026-05-15T06:00:00Z"}
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(
        json.dumps(
            ConfiguredAirbyteCatalogSerializer.dump(catalog_for(config, ["tickets"], SyncMode.incremental))
        )
    )
    simulator.reset_stats()
    process = subprocess.run(
        [
            str(Path(sys.executable).with_name("source-halopsa")),
            "read",
            "--config",
            str(tmp_path / "config.json"),
            "--catalog",
            str(tmp_path / "catalog.json"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": zone},
        timeout=120,
    )
    records = [
        json.loads(line)["record"]["data"]
        for line in process.stdout.splitlines()
        if '"type":"RECORD"' in line
    ]
    queries = [
        entry["query"]
        for entry in simulator.stats()["log"]
        if entry["path"].lower() == "/api/tickets" and "page_size=1&" not in entry["query"]  # not the probe
    ]
    assert process.returncode == 0
    assert all("lastupdatefromdate=2026-05-15T06%3A00%3A00Z" in query for query in queries)
    assert {r["id"] for r in records} == {
        row["id"]
        for row in oracle.expected(simulator, "tickets")
        if row["last_update"] >= "2026-05-15T06:00:00"
    }
    assert all(r["last_update"].endswith("Z") for r in records)


# --- Every stream incremental: lists filtered by change, and lists re-read once per refresh interval ---------


FILTERED = {
    "clients": "update_clients",
    "sites": "update_sites",
    "users": "update_users",
    "assets": "update_assets",
}
REFRESHED = {
    "invoices": "update_invoices",
    "contracts": "update_contracts",
    "quotes": "update_quotes",
    "items": "update_items",
}
NO_REFRESH_DUE = {  # the defaults, spelled out: nothing refreshed is due a minute after a sync
    "refresh_minutes_service_desk": 60,
    "refresh_minutes_contact_history": 1440,
    "refresh_minutes_assets": 1440,
    "refresh_minutes_finance": 360,
}
EVERY_REFRESH_DUE = {key: 0 for key in NO_REFRESH_DUE}


def _all_stream_names(config):
    from source_halopsa import SourceHalopsa

    return [s.name for s in SourceHalopsa(config=config).discover(None, config).streams]


def _assert_state_never_moved_back(before, after):
    for name, values in _cursor_values(after).items():
        old = before.get(name) or {}
        for cursor, value in values.items():
            if isinstance(value, str) and isinstance(old.get(cursor), str):
                assert _parse(value) >= _parse(old[cursor]), f"{name} state moved backwards"
        if "state" in values and "state" in old:  # a substream's global cursor
            for cursor, value in values["state"].items():
                assert _parse(value) >= _parse(old["state"][cursor]), f"{name} state moved backwards"


def test_given_changes_in_every_area_then_each_arrives_by_its_refresh_and_state_never_moves_back(
    fresh_simulator,
):
    sim = fresh_simulator
    config = {**sim.config(), **UNTHROTTLED, **NO_REFRESH_DUE}
    names = _all_stream_names(config)
    first = read_streams(config, names, sync_mode=SyncMode.incremental)
    assert not first.errors, [e.trace.error.message for e in first.errors]
    state1 = final_states(first)
    assert {s.stream.stream_descriptor.name for s in state1} == set(names)  # every stream keeps state

    changed = sim.mutate(**{kind: 2 for kind in (*FILTERED.values(), *REFRESHED.values())}, delete_tickets=1)
    time.sleep(1.1)  # the sync's upper bound has whole seconds: let the changes fall before it

    # Next sync: lists Halo filters by change deliver their changes; refreshed lists are not due yet.
    sim.reset_stats()
    second = read_streams(config, names, state=state1, sync_mode=SyncMode.incremental)
    assert not second.errors, [e.trace.error.message for e in second.errors]
    got = records_by_stream(second)
    same_day = all(
        _cursor_values(state1)[stream]["synced_through"][:10] == datetime.utcnow().strftime("%Y-%m-%d")
        for stream in FILTERED
    )
    for stream, kind in FILTERED.items():
        assert set(changed[kind]) <= {r["id"] for r in got.get(stream, [])}, stream
        if same_day:  # the first sync of a UTC day reads these lists whole
            assert len(got[stream]) < len(oracle.expected(sim, stream)), f"{stream} read in full"
    counts = sim.stats()["counts"]
    for path in (
        "Invoice",
        "ClientContract",
        "Quotation",
        "Item",
        "CRMNote",
        "Team",
        "AssetType",
        "Appointment",
    ):
        assert f"GET /api/{path}" not in counts, f"{path} read before its refresh was due"
    state2 = final_states(second)
    _assert_state_never_moved_back(_cursor_values(state1), state2)
    # Lists without a change time: the state is the sync's frozen upper bound, stamped on each record.
    stamped = records_by_stream(second, stamped=True)
    for stream in FILTERED:
        upper = _cursor_values(state2)[stream]["synced_through"]
        assert {r["synced_through"] for r in stamped[stream]} == {upper}, stream

    # Once the refresh interval has passed (0 here), the refreshed lists are read whole: changes and deletions.
    third = read_streams({**config, **EVERY_REFRESH_DUE}, names, state=state2, sync_mode=SyncMode.incremental)
    assert not third.errors, [e.trace.error.message for e in third.errors]
    got = records_by_stream(third)
    for stream, kind in REFRESHED.items():
        assert {r["id"] for r in got[stream]} == {r["id"] for r in oracle.expected(sim, stream)}, stream
        assert set(changed[kind]) <= {r["id"] for r in got[stream]}
    assert set(changed["delete_tickets"]) <= {r["id"] for r in got["deleted_tickets"]}
    _assert_state_never_moved_back(_cursor_values(state2), final_states(third))


def test_given_nothing_changed_when_syncing_all_streams_then_at_most_20_requests(fresh_simulator):
    sim = fresh_simulator
    config = {**sim.config(), **UNTHROTTLED}
    names = _all_stream_names(config)
    state = final_states(read_streams(config, names, sync_mode=SyncMode.incremental))
    auth._SOURCES.clear()  # a new sync is a new process: it asks for its own token
    sim.reset_stats()
    second = read_streams(config, names, state=state, sync_mode=SyncMode.incremental)
    assert not second.errors
    stats = sim.stats()
    assert stats["requests"] <= 20, stats["counts"]


def test_given_halo_ignores_the_change_filter_then_lists_arrive_whole_with_one_warning():
    from halo_simulator import HaloSimulator, SimulatorOptions
    from halo_simulator.worlds import WORLDS

    with HaloSimulator(SimulatorOptions(scale="tiny", **WORLDS["crm_list_change_filter_ignored"])) as sim:
        config = {**sim.config(), **UNTHROTTLED}
        state = final_states(read_streams(config, list(FILTERED), sync_mode=SyncMode.incremental))
        sim.mutate(update_clients=1)
        time.sleep(1.1)
        second = read_streams(config, list(FILTERED), state=state, sync_mode=SyncMode.incremental)
        assert not second.errors
        got = records_by_stream(second)
        for stream in FILTERED:
            assert {r["id"] for r in got[stream]} == {r["id"] for r in oracle.expected(sim, stream)}
        warnings = [
            m.log.message for m in second.logs if "Halo ignores lastupdatefromdate" in (m.log.message or "")
        ]
        # Checked where an ignored filter costs: a list of more than one page (assets, at this scale).
        paged = [stream for stream in FILTERED if len(oracle.expected(sim, stream)) > 100]
        assert paged and len(warnings) == len(paged), warnings
        assert all(any(f"so {stream} is read in full" in w for w in warnings) for stream in paged)


def _with_state(states, stream, value):
    """The saved states, with one stream's `synced_through` set to `value`."""
    from airbyte_cdk.models import AirbyteStateMessage, AirbyteStateType, AirbyteStreamState, StreamDescriptor
    from airbyte_cdk.models.airbyte_protocol import AirbyteStateBlob

    kept = [s for s in states if s.stream.stream_descriptor.name != stream]
    return kept + [
        AirbyteStateMessage(
            type=AirbyteStateType.STREAM,
            stream=AirbyteStreamState(
                stream_descriptor=StreamDescriptor(name=stream),
                stream_state=AirbyteStateBlob(synced_through=value),
            ),
        )
    ]


def test_given_state_from_an_earlier_day_when_syncing_then_the_list_is_read_whole_once(fresh_simulator):
    """The first sync of a UTC day reads clients unfiltered (a change Halo's filter missed arrives within a
    day); the next sync that day filters by change again."""
    sim = fresh_simulator
    config = {**sim.config(), **UNTHROTTLED}
    yesterday = (datetime.utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    state = _with_state([], "clients", yesterday)
    sim.reset_stats()
    first = read_streams(config, ["clients"], state=state, sync_mode=SyncMode.incremental)
    queries = [e["query"] for e in sim.stats()["log"] if e["path"] == "/api/Client"]
    assert queries and all("lastupdatefromdate" not in q for q in queries)
    assert len(records_by_stream(first)["clients"]) == len(oracle.expected(sim, "clients"))

    sim.reset_stats()
    read_streams(config, ["clients"], state=final_states(first), sync_mode=SyncMode.incremental)
    queries = [e["query"] for e in sim.stats()["log"] if e["path"] == "/api/Client"]
    if (
        datetime.utcnow().strftime("%Y-%m-%d")
        == _cursor_values(final_states(first))["clients"]["synced_through"][:10]
    ):
        assert queries and all("lastupdatefromdate" in q for q in queries)


def test_given_no_contact_history_when_syncing_again_then_neither_clients_nor_notes_are_asked():
    """crm_notes with no note at all never gets a stamp; its clients parent, stamped, keeps it from being due."""
    from halo_simulator import HaloSimulator, SimulatorOptions

    with HaloSimulator(SimulatorOptions(scale="tiny", counts={"crm_notes": 0})) as sim:
        config = {**sim.config(), **UNTHROTTLED}
        first = read_streams(config, ["crm_notes"], sync_mode=SyncMode.incremental)
        assert not first.errors and not first.records
        sim.reset_stats()
        second = read_streams(
            config, ["crm_notes"], state=final_states(first), sync_mode=SyncMode.incremental
        )
        assert not second.errors
        counts = sim.stats()["counts"]
        assert "GET /api/CRMNote" not in counts and "GET /api/Client" not in counts, counts
