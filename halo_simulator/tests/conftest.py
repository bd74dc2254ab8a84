"""Fixtures for the HaloPSA simulator tests: a tiny simulator on a real port and a small HTTP client."""

from __future__ import annotations

import pytest
import requests

from halo_simulator import HaloSimulator, SimulatorOptions

# A window that holds every generated action: read_all("actions", ALL_ACTIONS) is every action.
ALL_ACTIONS = {"startdate": "2000-01-01", "enddate": "2100-01-01"}


class HaloClient:
    """A minimal Halo client for the tests: token, GET with params, full paged/windowed reads."""

    def __init__(self, sim: HaloSimulator) -> None:
        self.sim = sim
        self.http = requests.Session()
        self.authenticate()

    def token_response(self, **form: str) -> requests.Response:
        opts = self.sim.options
        data = {"grant_type": "client_credentials", "client_id": opts.client_id,
                "client_secret": opts.client_secret, "scope": "all", **form}  # fmt: skip
        query = f"?tenant={opts.tenant}" if opts.hosted else ""
        return self.http.post(f"{self.sim.url}/auth/token{query}", data=data)

    def authenticate(self) -> str:
        token = self.token_response().json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        return token

    def get(self, path: str, **params) -> requests.Response:
        return self.http.get(f"{self.sim.url}{path}", params=params)

    def json(self, path: str, **params):
        r = self.get(path, **params)
        assert r.status_code == 200, (path, params, r.status_code, r.text[:200])
        return r.json()

    def read_paged(self, path: str, key: str, **params) -> list[dict]:
        rows: list[dict] = []
        page = 1
        while True:
            body = self.json(path, pageinate="true", page_size=100, page_no=page, **params)
            rows += body[key]
            if len(rows) >= body["record_count"] or not body[key]:
                return rows
            page += 1

    def read_actions(self) -> list[dict]:
        """All actions through month windows (each under the 1000-row cap at tiny scale)."""
        rows: list[dict] = []
        for year in range(2023, 2028):
            for month in range(1, 13):
                end = f"{year + (month == 12)}-{month % 12 + 1:02d}-01"
                body = self.json("/api/Actions", startdate=f"{year}-{month:02d}-01", enddate=end, count=1000)
                assert body["record_count"] <= 1000
                rows += [r for r in body["actions"] if r["datetime"] < end]
        return rows


@pytest.fixture(scope="module")
def sim():
    with HaloSimulator(SimulatorOptions(scale="tiny")) as s:
        yield s


@pytest.fixture
def client(sim) -> HaloClient:
    return HaloClient(sim)


@pytest.fixture
def make_sim():
    """Factory for simulators with special options; all are stopped after the test."""
    started: list[HaloSimulator] = []

    def factory(**options) -> HaloSimulator:
        s = HaloSimulator(SimulatorOptions(**options)).start()
        started.append(s)
        return s

    yield factory
    for s in started:
        s.stop()
