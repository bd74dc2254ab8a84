"""A full sync costs the pages it must read and no more: ceil(N/100) requests per paged stream, one per
small list, no empty trailing page, no request per record."""

import math
import time

import pytest
from airbyte_cdk.models import SyncMode

from integration_tests import oracle
from integration_tests.conftest import UNTHROTTLED
from integration_tests.harness import read_streams

# stream -> the resource path it pages through
PAGED = {
    "tickets": "/api/Tickets",
    "deleted_tickets": "/api/Tickets",
    "opportunities": "/api/Opportunities",
    "projects": "/api/Projects",
    "clients": "/api/Client",
    "sites": "/api/Site",
    "users": "/api/Users",
    "assets": "/api/Asset",
    "invoices": "/api/Invoice",
    "recurring_invoices": "/api/RecurringInvoice",
    "contracts": "/api/ClientContract",
    "items": "/api/Item",
    "quotes": "/api/Quotation",
    "appointments": "/api/Appointment",
}
LISTS = {
    "teams": "/api/Team",
    "agents": "/api/Agent",
    "statuses": "/api/Status",
    "ticket_types": "/api/TicketType",
    "priorities": "/api/Priority",
    "slas": "/api/SLA",
    "asset_types": "/api/AssetType",
    "field_info": "/api/FieldInfo",
    "charge_rates": "/api/ChargeRate",
}
# The read-time checks' probes (read_context.py): one-row pages, the earliest ticket, the newest action.
PROBES = ("page_size=1&", "order=dateoccurred", "order=lastactiondate")


def _requests_to(simulator, path):
    return [entry for entry in simulator.stats()["log"] if entry["path"].lower() == path.lower()]


@pytest.mark.parametrize("name", sorted(PAGED))
def test_given_paged_stream_when_full_sync_then_ceil_n_over_100_requests(simulator, name):
    simulator.reset_stats()
    output = read_streams({**simulator.config(), **UNTHROTTLED}, [name], sync_mode=SyncMode.full_refresh)
    rows = len(oracle.expected(simulator, name))
    # /Tickets with includeprojects=true also lists the project headers, which the ticket streams drop.
    served = rows + (len(oracle.expected(simulator, "projects")) if name == "tickets" else 0)
    requests = [
        r for r in _requests_to(simulator, PAGED[name]) if not any(p in r["query"] + "&" for p in PROBES)
    ]
    assert len(output.records) == rows
    assert len(requests) == max(1, math.ceil(served / 100)), [r["query"] for r in requests]
    assert simulator.stats()["counts"].get("POST /auth/token", 0) <= 1


@pytest.mark.parametrize("name", sorted(LISTS))
def test_given_small_list_when_full_sync_then_one_request(simulator, name):
    simulator.reset_stats()
    read_streams({**simulator.config(), **UNTHROTTLED}, [name], sync_mode=SyncMode.full_refresh)
    assert len(_requests_to(simulator, LISTS[name])) == 1


def test_given_contact_history_when_full_sync_then_one_request_per_client_and_a_few_probes(simulator):
    """/CRMNote may need client_id (HaloAPI), so notes cost one request per client; the check whether an
    answer can be cut at Halo's default page asks `count=1` without a client and for up to 5 clients."""
    simulator.reset_stats()
    read_streams({**simulator.config(), **UNTHROTTLED}, ["crm_notes"], sync_mode=SyncMode.full_refresh)
    notes = _requests_to(simulator, "/api/CRMNote")
    per_client = [r for r in notes if "count=1000000" in r["query"]]
    clients = len(oracle.expected(simulator, "clients"))
    assert len(per_client) == clients
    assert len({r["query"] for r in per_client}) == clients  # each client once
    assert len(notes) - len(per_client) <= 2 * 6


def test_given_more_clients_than_a_page_when_reading_contact_history_then_every_clients_notes():
    """The clients list behind crm_notes pages (150 clients: 2 pages); only /CRMNote answers are unpaged."""
    from halo_simulator import HaloSimulator, SimulatorOptions

    with HaloSimulator(SimulatorOptions(scale="tiny", counts={"clients": 150, "crm_notes": 400})) as sim:
        output = read_streams({**sim.config(), **UNTHROTTLED}, ["crm_notes"])
        assert not output.errors, [error.trace.error.message for error in output.errors]
        assert sorted(r.record.data["id"] for r in output.records) == sorted(
            row["id"] for row in oracle.expected(sim, "crm_notes")
        )
        per_client = [r for r in _requests_to(sim, "/api/CRMNote") if "count=1000000" in r["query"]]
        assert len(per_client) == 150


def test_given_exact_page_multiple_when_paging_then_no_empty_trailing_page():
    """200 clients: exactly two full pages, and no third empty one."""
    from halo_simulator import HaloSimulator, SimulatorOptions

    with HaloSimulator(SimulatorOptions(scale="tiny", counts={"clients": 200})) as sim:
        read_streams({**sim.config(), **UNTHROTTLED}, ["clients"])
        assert len(oracle.expected(sim, "clients")) == 200
        assert len(_requests_to(sim, "/api/Client")) == 2


def test_given_actions_when_syncing_then_one_request_per_day_window_not_per_ticket(simulator):
    simulator.reset_stats()
    config = {**simulator.config(), **UNTHROTTLED, "start_date": "2026-06-01T00:00:00Z"}
    read_streams(config, ["actions"], sync_mode=SyncMode.incremental)
    from datetime import datetime, timezone

    days = (datetime.now(timezone.utc) - datetime(2026, 6, 1, tzinfo=timezone.utc)).days + 1
    windows = _requests_to(simulator, "/api/Actions")
    # ...and the two windows of the read-time check that Halo serves a whole day (read_context.py)
    assert days <= len(windows) - 2 <= days + 1
    assert all("ticket_id" not in entry["query"] for entry in windows)


def test_given_shifts_before_the_first_ticket_when_syncing_timesheets_then_windows_start_at_the_earliest():
    """Breaks and shifts can predate every ticket: one request asks for the years before the earliest
    ticket, and the 90-day windows start the day before the earliest event found, not in 2000."""
    from halo_simulator import HaloSimulator, SimulatorOptions

    with HaloSimulator(SimulatorOptions(scale="tiny", counts={"timesheet_events": 20000})) as sim:
        output = read_streams({**sim.config(), **UNTHROTTLED}, ["timesheet_events"])
        assert not output.errors, [error.trace.error.message for error in output.errors]
        expected = oracle.expected(sim, "timesheet_events")
        first_ticket = min(row["dateoccurred"] for row in oracle.expected(sim, "tickets"))
        windows = [e for e in _requests_to(sim, "/api/TimesheetEvent") if "2000-01-01" not in e["query"]]
    assert any(row["start_date"] < first_ticket for row in expected), "no event predates the tickets"
    assert sorted(r.record.data["id"] for r in output.records) == sorted(row["id"] for row in expected)
    earliest = min(row["start_date"] for row in expected)
    from datetime import datetime, timezone

    days = (
        datetime.now(timezone.utc) - datetime.fromisoformat(earliest[:10]).replace(tzinfo=timezone.utc)
    ).days
    assert len(windows) == math.ceil((days + 2) / 90)  # from the day before the earliest event


@pytest.mark.parametrize(
    "world, read_alone_first",
    [
        ("default", False),
        ("project_list_without_milestones", True),
        ("project_list_milestones_null", True),
        ("project_list_milestones_empty", True),
    ],
)
def test_given_project_rows_with_or_without_milestones_when_syncing_then_projects_read_alone_only_when_needed(
    world, read_alone_first
):
    """A first sync takes milestones from the project rows where a check (one row against its project read
    alone) finds Halo lists them in full, else reads each project alone; a later sync reads alone only the
    projects that changed."""
    from halo_simulator import HaloSimulator, SimulatorOptions
    from halo_simulator.worlds import WORLDS

    with HaloSimulator(SimulatorOptions(scale="tiny", **WORLDS.get(world, {}))) as sim:
        config = {**sim.config(), **UNTHROTTLED}
        projects = len(oracle.expected(sim, "projects"))
        first = read_streams(config, ["project_milestones"], sync_mode=SyncMode.incremental)
        alone = [e for e in sim.stats()["log"] if e["path"].lower().startswith("/api/projects/")]
        assert not first.errors
        assert len(alone) == (projects if read_alone_first else 1)  # 1: the check's project
        assert sorted(r.record.data["id"] for r in first.records) == sorted(
            row["id"] for row in oracle.expected(sim, "project_milestones")
        )

        changed = sim.mutate(update_projects=3)["update_projects"]
        time.sleep(1.1)  # the sync's upper bound has whole seconds: let the changes fall before it
        sim.reset_stats()
        state = [first.state_messages[-1].state]
        second = read_streams(config, ["project_milestones"], state=state, sync_mode=SyncMode.incremental)
        alone = [e["path"] for e in sim.stats()["log"] if e["path"].lower().startswith("/api/projects/")]
        assert not second.errors
        assert sorted(alone) == sorted(f"/api/Projects/{i}" for i in changed)
