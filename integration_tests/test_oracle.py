"""The oracle (integration_tests/oracle.py) against the simulator: every stream's expected records equal a
full read over HTTP in the default world, and stay the same in every world."""

from __future__ import annotations

import pytest
import requests

from halo_simulator import HaloSimulator, SimulatorOptions
from halo_simulator.backend import TenantBackend
from halo_simulator.worlds import WORLDS
from integration_tests import oracle

PAGED = {"tickets": ("Tickets", "tickets"), "projects": ("Projects", "tickets"),
         "opportunities": ("Opportunities", "tickets"), "client": ("Client", "clients"), "site": ("Site", "sites"),
         "users": ("Users", "users"), "asset": ("Asset", "assets"), "invoice": ("Invoice", "invoices"),
         "recurringinvoice": ("RecurringInvoice", "invoices"), "clientcontract": ("ClientContract", "contracts"),
         "item": ("Item", "items"), "quotation": ("Quotation", "quotes"),
         "appointment": ("Appointment", "appointments")}  # fmt: skip
BARE = {"team": "Team", "agent": "Agent", "status": "Status", "tickettype": "TicketType", "priority": "Priority",
        "sla": "SLA", "crmnote": "CRMNote", "assettype": "AssetType", "fieldinfo": "FieldInfo",
        "chargerate": "ChargeRate", "timesheetevent": "TimesheetEvent"}  # fmt: skip


class Reader:
    """A plain Halo client: every page of a list, every month window of /Actions."""

    def __init__(self, sim: HaloSimulator) -> None:
        self.url = sim.url
        form = {"grant_type": "client_credentials", "client_id": sim.options.client_id,
                "client_secret": sim.options.client_secret}  # fmt: skip
        token = requests.post(f"{sim.url}/auth/token?tenant={sim.options.tenant}", data=form).json()
        self.headers = {"Authorization": f"Bearer {token['access_token']}"}

    def get(self, path: str, **params):
        r = requests.get(f"{self.url}/api/{path}", params=params, headers=self.headers)
        assert r.status_code == 200, (path, params, r.text[:200])
        return r.json()

    def paged(self, path: str, key: str, **params) -> list[dict]:
        rows: list[dict] = []
        page = 1
        while True:
            body = self.get(path, pageinate="true", page_size=100, page_no=page, **params)
            rows += body[key]
            if len(rows) >= body["record_count"] or not body[key]:
                return rows
            page += 1

    def actions(self) -> list[dict]:
        rows: list[dict] = []
        for year in range(2023, 2028):
            for month in range(1, 13):
                end = f"{year + (month == 12)}-{month % 12 + 1:02d}-01"
                body = self.get("Actions", startdate=f"{year}-{month:02d}-01", enddate=end, count=1000)
                assert body["record_count"] <= 1000
                rows += [r for r in body["actions"] if r["datetime"] < end]
        return rows

    def stream(self, name: str) -> list[dict]:
        if name == "actions":
            return self.actions()
        if name == "invoice_lines":
            return [
                line
                for inv in self.paged("Invoice", "invoices", includelines="true")
                for line in inv["lines"]
            ]
        if name == "project_tasks":
            projects = {p["id"] for p in self.paged("Projects", "tickets")}
            return [t for t in self.paged("Tickets", "tickets") if t["parent_id"] in projects]
        if name == "project_milestones":
            return [m for p in self.paged("Projects", "tickets") for m in p["milestones"]]
        resource, params = oracle.STREAM_QUERIES[name]
        if resource in PAGED:
            return self.paged(*PAGED[resource], **params)
        return self.get(BARE[resource], **params)


@pytest.fixture(scope="module")
def reader(simulator):
    return Reader(simulator)


@pytest.mark.parametrize("stream", oracle.STREAM_NAMES)
def test_given_stream_when_read_over_http_then_equals_expected(simulator, reader, stream):
    rows = reader.stream(stream)
    assert rows, f"{stream} must not be empty at tiny scale"
    assert rows == oracle.expected(simulator, stream)


def test_given_expected_counts_when_compared_then_lengths_of_expected(simulator):
    counts = oracle.expected_counts(simulator)
    assert counts == {name: len(oracle.expected(simulator, name)) for name in oracle.STREAM_NAMES}


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_given_any_world_when_expecting_then_same_records_as_default(world):
    default = TenantBackend(SimulatorOptions())
    other = TenantBackend(SimulatorOptions(**WORLDS[world]))
    for name in oracle.STREAM_NAMES:
        assert oracle.expected(other, name) == oracle.expected(default, name), name


def test_given_unknown_stream_when_expected_then_key_error(simulator):
    with pytest.raises(KeyError):
        oracle.expected(simulator, "nope")
