"""A full sync costs the pages it must read and no more: ceil(N/100) requests per paged stream, one per
small list, no empty trailing page, no request per record."""

import math

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
    "crm_notes": "/api/CRMNote",
}


def _requests_to(simulator, path):
    return [entry for entry in simulator.stats()["log"] if entry["path"].lower() == path.lower()]


@pytest.mark.parametrize("name", sorted(PAGED))
def test_given_paged_stream_when_full_sync_then_ceil_n_over_100_requests(simulator, name):
    simulator.reset_stats()
    output = read_streams({**simulator.config(), **UNTHROTTLED}, [name], sync_mode=SyncMode.full_refresh)
    rows = len(oracle.expected(simulator, name))
    requests = _requests_to(simulator, PAGED[name])
    if name == "tickets":
        requests = [
            r
            for r in requests
            if "page_size=100&" in r["query"] + "&" and "order=dateoccurred" not in r["query"]
        ]
    assert len(output.records) == rows
    assert len(requests) == max(1, math.ceil(rows / 100)), [r["query"] for r in requests]
    assert simulator.stats()["counts"].get("POST /auth/token", 0) <= 1


@pytest.mark.parametrize("name", sorted(LISTS))
def test_given_small_list_when_full_sync_then_one_request(simulator, name):
    simulator.reset_stats()
    read_streams({**simulator.config(), **UNTHROTTLED}, [name], sync_mode=SyncMode.full_refresh)
    assert len(_requests_to(simulator, LISTS[name])) == 1


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
    assert days <= len(windows) <= days + 1
    assert all("ticket_id" not in entry["query"] for entry in windows)
