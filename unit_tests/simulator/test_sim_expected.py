"""backend.expected(): deterministic, and equal to what a full HTTP read returns for every stream name."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from halo_simulator import SimulatorOptions
from halo_simulator.backend import STREAM_NAMES, STREAM_QUERIES, TenantBackend

PAGED_KEYS = {"tickets": ("/api/Tickets", "tickets"), "projects": ("/api/Projects", "tickets"),
              "opportunities": ("/api/Opportunities", "tickets"), "client": ("/api/Client", "clients"),
              "site": ("/api/Site", "sites"), "users": ("/api/Users", "users"), "asset": ("/api/Asset", "assets"),
              "invoice": ("/api/Invoice", "invoices"), "recurringinvoice": ("/api/RecurringInvoice", "invoices"),
              "clientcontract": ("/api/ClientContract", "contracts"), "item": ("/api/Item", "items"),
              "quotation": ("/api/Quotation", "quotes"), "appointment": ("/api/Appointment", "appointments")}  # fmt: skip
BARE_PATHS = {"team": "/api/Team", "agent": "/api/Agent", "status": "/api/Status", "tickettype": "/api/TicketType",
              "priority": "/api/Priority", "sla": "/api/SLA", "crmnote": "/api/CRMNote", "assettype": "/api/AssetType",
              "fieldinfo": "/api/FieldInfo", "chargerate": "/api/ChargeRate",
              "timesheetevent": "/api/TimesheetEvent"}  # fmt: skip


def http_read(client, stream: str) -> list[dict]:
    if stream == "actions":
        return client.read_actions()
    if stream == "invoice_lines":
        return [
            line
            for inv in client.read_paged("/api/Invoice", "invoices", includelines="true")
            for line in inv["lines"]
        ]
    if stream == "project_tasks":
        projects = {p["id"] for p in client.read_paged("/api/Projects", "tickets")}
        return [t for t in client.read_paged("/api/Tickets", "tickets") if t["parent_id"] in projects]
    if stream == "project_milestones":
        return [m for p in client.read_paged("/api/Projects", "tickets") for m in p["milestones"]]
    resource, params = STREAM_QUERIES[stream]
    if resource in PAGED_KEYS:
        return client.read_paged(*PAGED_KEYS[resource], **params)
    return client.json(BARE_PATHS[resource], **params)


@pytest.mark.parametrize("stream", STREAM_NAMES)
def test_given_stream_when_read_over_http_then_equals_expected(client, sim, stream):
    rows = http_read(client, stream)
    assert rows, f"{stream} must not be empty at tiny scale"
    assert rows == sim.backend.expected(stream)


def _digest(backend: TenantBackend) -> str:
    blob = json.dumps({s: backend.expected(s) for s in STREAM_NAMES}, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def test_given_same_seed_when_generated_twice_then_identical_expected():
    assert _digest(TenantBackend(SimulatorOptions(seed=7))) == _digest(
        TenantBackend(SimulatorOptions(seed=7))
    )


def test_given_other_seed_when_generated_then_different_data():
    assert _digest(TenantBackend(SimulatorOptions(seed=7))) != _digest(
        TenantBackend(SimulatorOptions(seed=8))
    )


def test_given_other_process_and_hash_seed_when_generated_then_byte_identical():
    code = (
        "from unit_tests.simulator.test_sim_expected import _digest;"
        "from halo_simulator import SimulatorOptions;from halo_simulator.backend import TenantBackend;"
        "print(_digest(TenantBackend(SimulatorOptions(seed=7))))"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == _digest(TenantBackend(SimulatorOptions(seed=7)))


def test_given_reset_after_mutations_when_reading_then_initial_data_again():
    backend = TenantBackend(SimulatorOptions())
    before = _digest(backend)
    backend.mutate({"update_tickets": 5, "add_tickets": 2, "delete_tickets": 1})
    assert _digest(backend) != before
    backend.reset()
    assert _digest(backend) == before


def test_given_generated_history_when_reading_then_dates_between_2023_and_mid_2026():
    backend = TenantBackend(SimulatorOptions())
    for row in backend.expected("tickets") + backend.expected("actions"):
        for key in ("dateoccurred", "last_update", "datetime", "last_updated"):
            if key in row:
                assert "2023-01-01" <= row[key] <= "2026-06-30T23:59:59.9999999", (key, row[key])


def test_given_unknown_stream_when_expected_then_key_error():
    with pytest.raises(KeyError):
        TenantBackend(SimulatorOptions()).expected("nope")
