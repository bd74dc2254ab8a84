"""backend.read_all(): the ground truth, deterministic, and equal to what a full HTTP read returns for every
resource in the default world."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from halo_simulator import SimulatorOptions
from halo_simulator.backend import TenantBackend

from .conftest import ALL_ACTIONS

PAGED_KEYS = {"tickets": ("/api/Tickets", "tickets"), "projects": ("/api/Projects", "tickets"),
              "opportunities": ("/api/Opportunities", "tickets"), "client": ("/api/Client", "clients"),
              "site": ("/api/Site", "sites"), "users": ("/api/Users", "users"), "asset": ("/api/Asset", "assets"),
              "invoice": ("/api/Invoice", "invoices"), "recurringinvoice": ("/api/RecurringInvoice", "invoices"),
              "clientcontract": ("/api/ClientContract", "contracts"), "item": ("/api/Item", "items"),
              "quotation": ("/api/Quotation", "quotes"), "appointment": ("/api/Appointment", "appointments"),
              "supplier": ("/api/Supplier", "suppliers")}  # fmt: skip
BARE_PATHS = {"team": "/api/Team", "agent": "/api/Agent", "status": "/api/Status", "tickettype": "/api/TicketType",
              "priority": "/api/Priority", "sla": "/api/SLA", "crmnote": "/api/CRMNote", "assettype": "/api/AssetType",
              "assetgroup": "/api/AssetGroup", "fieldinfo": "/api/FieldInfo", "chargerate": "/api/ChargeRate",
              "timesheetevent": "/api/TimesheetEvent", "lookup": "/api/Lookup", "outcome": "/api/Outcome"}  # fmt: skip
ALL = {"includeinactive": "true"}
# (resource, query): every resource, asking for every row, plus the shape flags that add nested rows
QUERIES = [
    ("tickets", {}), ("tickets", {"deleted": "true"}), ("tickets", {"includeprojects": "true"}), ("projects", {}),
    ("opportunities", {}), ("actions", ALL_ACTIONS), ("team", {"includedisabled": "true"}),
    ("agent", {"includedisabled": "true", "includeunassigned": "true", "includeapiagents": "true"}),
    ("status", {}), ("tickettype", {"showinactive": "true"}), ("priority", {}), ("sla", {"showpriorities": "true"}),
    ("client", ALL), ("site", ALL), ("users", ALL), ("supplier", ALL), ("crmnote", {}), ("asset", ALL),
    ("assettype", {}), ("assetgroup", {}), ("fieldinfo", {}), ("invoice", {}), ("invoice", {"includelines": "true"}),
    ("recurringinvoice", {}), ("clientcontract", {}), ("chargerate", {}), ("item", ALL), ("quotation", {}),
    ("quotation", {"includelines": "true"}), ("appointment", {}), ("timesheetevent", {}), ("lookup", {}),
    ("outcome", {"showhidden": "true"}),
]  # fmt: skip


def _label(resource: str, params: dict) -> str:
    return resource + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def http_read(client, resource: str, params: dict) -> list[dict]:
    if resource == "actions":
        return client.read_actions()
    if resource in PAGED_KEYS:
        return client.read_paged(*PAGED_KEYS[resource], **params)
    return client.json(BARE_PATHS[resource], **params)


@pytest.mark.parametrize("resource,params", QUERIES, ids=[_label(*q) for q in QUERIES])
def test_given_resource_when_read_over_http_then_equals_read_all_and_count(client, sim, resource, params):
    rows = http_read(client, resource, params)
    assert rows, f"{_label(resource, params)} must not be empty at tiny scale"
    assert rows == sim.backend.read_all(resource, params)
    assert sim.backend.count(resource, params) == len(rows)


def _digest(backend: TenantBackend) -> str:
    blob = json.dumps({_label(r, p): backend.read_all(r, p) for r, p in QUERIES}, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def test_given_same_seed_when_generated_twice_then_identical_truth():
    assert _digest(TenantBackend(SimulatorOptions(seed=7))) == _digest(
        TenantBackend(SimulatorOptions(seed=7))
    )


def test_given_other_seed_when_generated_then_different_data():
    assert _digest(TenantBackend(SimulatorOptions(seed=7))) != _digest(
        TenantBackend(SimulatorOptions(seed=8))
    )


def test_given_other_process_and_hash_seed_when_generated_then_byte_identical():
    code = (
        "from halo_simulator.tests.test_sim_truth import _digest;"
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
    for row in backend.read_all("tickets") + backend.read_all("actions", ALL_ACTIONS):
        for key in ("dateoccurred", "last_update", "datetime", "last_updated"):
            if key in row:
                assert "2023-01-01" <= row[key] <= "2026-06-30T23:59:59.9999999", (key, row[key])


def test_given_actions_without_ticket_or_window_when_read_all_then_empty_as_halo():
    assert TenantBackend(SimulatorOptions()).read_all("actions") == []
