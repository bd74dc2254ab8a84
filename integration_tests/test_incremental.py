"""A second sync with the emitted state returns what changed (plus the lookback), and state never
moves backwards."""

import time
from datetime import datetime, timedelta

from airbyte_cdk.models import SyncMode

from integration_tests import oracle
from integration_tests.conftest import UNTHROTTLED
from integration_tests.harness import final_states, read_streams, records_by_stream

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
