"""Every stream in every world of the simulator: exactly the tenant's records, or a one-line error naming
the Halo behaviour that makes them unreadable. Never a silent loss.

A world (halo_simulator/worlds.py) is one plausible reading of each uncertain fact about Halo's API. The
oracle (integration_tests/oracle.py) is the same in every world: what the tenant holds.
"""

from __future__ import annotations

from collections import Counter

import pytest

from halo_simulator import HaloSimulator, SimulatorOptions
from halo_simulator.worlds import WORLDS
from integration_tests import oracle
from integration_tests.harness import (
    keyed,
    normalized,
    read_streams,
    records_by_stream,
)

STREAMS = (
    "tickets", "actions", "teams", "agents", "statuses", "ticket_types", "priorities", "slas", "deleted_tickets",
    "appointments", "timesheet_events", "clients", "sites", "users", "crm_notes", "opportunities", "assets",
    "asset_types", "field_info", "projects", "project_tasks", "project_milestones", "invoices", "invoice_lines",
    "recurring_invoices", "contracts", "charge_rates", "items", "quotes",
)  # fmt: skip
CUSTOM_FIELD_STREAMS = {"tickets", "projects", "project_tasks", "opportunities", "deleted_tickets"}
# Enough contact history that some clients hold more than Halo's default page of 50 notes, one exactly 50.
DENSE = {"crm_notes": 700}

# Streams a world makes unreadable, and a phrase the one-line error must contain to name the behaviour.
STOPS: dict[str, dict[str, str]] = {
    "custom_fields_ignored": dict.fromkeys(CUSTOM_FIELD_STREAMS, "ignored include_custom_fields"),
    "count_ignored": {"crm_notes": "ignore `count`"},
    "hostile": {
        **dict.fromkeys(CUSTOM_FIELD_STREAMS, "ignored include_custom_fields"),
        "crm_notes": "ignore `count`",
    },
}
# Fields a world adds to Halo's list rows (the oracle holds the default rows).
EXTRA_FIELDS = {"alastupdate", "slastupdate", "ulastupdate", "dlastupdate"}
# Fields a world leaves out of list rows, per stream, where another stream carries them: project rows
# without `milestones` (project_milestones reads each project alone).
LEFT_OUT = {
    "project_list_without_milestones": {"projects": {"milestones"}},
    "project_list_milestones_null": {"projects": {"milestones"}},
    "project_list_milestones_empty": {"projects": {"milestones"}},
    "hostile": {"projects": {"milestones"}},
}
PRIMARY_KEYS = {"actions": ["ticket_id", "id"]}
WITH_LINES = {"quotes": "quotation", "recurring_invoices": "recurringinvoice"}
ADDED_FIELDS = {"project_milestones": {"project_last_update"}}
# Read apart: a full history at one-hour windows is 30,000 requests (the clamps touch only /Actions).
READ_APART = {"actions_clamp_1d", "actions_clamp_6h", "actions_clamp_1h"}
# Month-long /Actions windows keep the faulty world's sync short; the console-script run with exit code
# is in test_faults.py.
WORLD_CONFIG = {"token_churn": {"actions_window_days": 31}}


def _expected(sim: HaloSimulator, name: str) -> dict:
    if name in WITH_LINES:
        rows = sim.backend.read_all(WITH_LINES[name], {"includelines": "true"})
    else:
        rows = oracle.expected(sim, name)
    return keyed(normalized(rows), PRIMARY_KEYS.get(name, "id"))


def _trimmed(record: dict, fields: set[str]) -> dict:
    return {k: v for k, v in record.items() if k not in fields}


def _verdicts(
    sim: HaloSimulator, output, stops: dict[str, str], left_out: dict[str, set[str]]
) -> dict[str, str]:
    """Per stream: "exact", "stopped", or what went wrong."""
    records = records_by_stream(output)
    errors = [error.trace.error.message or "" for error in output.errors]
    verdicts = {}
    for name in STREAMS:
        expected = _expected(sim, name)
        try:
            got = keyed(records.get(name, []), PRIMARY_KEYS.get(name, "id"))
        except AssertionError as duplicate:
            verdicts[name] = f"emitted twice: {duplicate}"
            continue
        ignored = ADDED_FIELDS.get(name, set()) | EXTRA_FIELDS | left_out.get(name, set())
        wrong = [
            key
            for key, record in got.items()
            if key not in expected or _trimmed(record, ignored) != _trimmed(expected[key], ignored)
        ]
        if wrong:
            verdicts[name] = f"{len(wrong)} records not as Halo holds them, e.g. {wrong[:3]}"
        elif name in stops:
            named = [e for e in errors if stops[name] in e and name in e]
            if not named:
                verdicts[name] = f"no error naming {stops[name]!r}; errors: {errors}"
            elif any("\n" in e for e in named):
                verdicts[name] = f"error is not one line: {named[0]!r}"
            else:
                verdicts[name] = "stopped"
        elif len(got) != len(expected):
            verdicts[name] = f"lost {len(expected) - len(got)} of {len(expected)} records silently"
        else:
            verdicts[name] = "exact"
    return verdicts


@pytest.mark.parametrize("world", [name for name in WORLDS if name not in READ_APART])
def test_given_world_when_every_stream_is_read_then_exact_or_stopped_naming_the_behaviour(world):
    with HaloSimulator(SimulatorOptions(scale="tiny", counts=DENSE, **WORLDS[world])) as sim:
        config = {**sim.config(), "rate_limit_requests": 1_000_000, **WORLD_CONFIG.get(world, {})}
        output = read_streams(config, STREAMS, expecting_exception=True)
        verdicts = _verdicts(sim, output, STOPS.get(world, {}), LEFT_OUT.get(world, {}))
        tokens = sim.stats()["counts"].get("POST /auth/token", 0)
    wanted = {name: "stopped" if name in STOPS.get(world, {}) else "exact" for name in STREAMS}
    assert verdicts == wanted
    if world == "token_churn":
        assert tokens > 2, "no token churned: the world proves nothing"


@pytest.mark.parametrize("world", ["actions_clamp_1d", "actions_clamp_6h", "actions_clamp_1h"])
def test_given_actions_windows_cut_short_when_read_then_every_action_once(world):
    """Halo serving only the first hours of a one-day /Actions window is found at the sync's start and
    the windows shrink to what it serves (read_context.actions_window)."""
    start = "2026-04-01T00:00:00Z"
    with HaloSimulator(SimulatorOptions(scale="tiny", **WORLDS[world])) as sim:
        config = {**sim.config(), "rate_limit_requests": 1_000_000, "start_date": start}
        output = read_streams(config, ["actions"])
        expected = [row for row in oracle.expected(sim, "actions") if row["datetime"] >= start[:19]]
    assert not output.errors
    got = keyed(records_by_stream(output)["actions"], ["ticket_id", "id"])
    assert len(expected) > 20, "the window holds too few actions to prove anything"
    assert got == keyed(normalized(expected), ["ticket_id", "id"])


def test_given_a_day_denser_than_halos_default_page_when_count_is_ignored_then_windows_split_to_read_all():
    with HaloSimulator(
        SimulatorOptions(scale="tiny", counts={"actions": 20000}, **WORLDS["count_ignored"])
    ) as sim:
        config = {**sim.config(), "rate_limit_requests": 1_000_000, "start_date": "2026-03-01T00:00:00Z"}
        config["actions_window_days"] = 7  # a week holds more than 50 actions: each window is split
        output = read_streams(config, ["actions"])
        expected = [
            row for row in oracle.expected(sim, "actions") if row["datetime"] >= "2026-03-01T00:00:00"
        ]
    assert not output.errors
    got = keyed(records_by_stream(output)["actions"], ["ticket_id", "id"])
    assert got == keyed(normalized(expected), ["ticket_id", "id"])


def test_given_a_day_fuller_than_a_window_answer_when_record_count_is_short_then_the_day_is_split():
    """Halo may cap a window's answer (the simulator: 1000 rows) and report record_count as the rows it sent:
    then only an answer of exactly `count` rows shows the cut, so `count` must not exceed the cap."""
    with HaloSimulator(
        SimulatorOptions(
            scale="tiny", counts={"tickets": 90_000, "actions": 450_000}, **WORLDS["record_count_short"]
        )
    ) as sim:
        every = oracle.expected(sim, "actions")
        days = Counter(row["datetime"][:10] for row in every)
        busiest, held = days.most_common(1)[0]
        config = {**sim.config(), "rate_limit_requests": 1_000_000, "start_date": f"{busiest}T00:00:00Z"}
        output = read_streams(config, ["actions"])
    assert held > 1000, "no day holds more than one answer: the test proves nothing"
    assert not output.errors
    expected = [row for row in every if row["datetime"] >= busiest]
    got = keyed(records_by_stream(output)["actions"], ["ticket_id", "id"])
    assert got == keyed(normalized(expected), ["ticket_id", "id"])
