"""lastupdate filters, date formats and id filters (halopsa-api.md §4)."""

from __future__ import annotations

import pytest

from halo_simulator.clock import parse_param_date


def _pick(rows, key):
    vals = sorted(r[key] for r in rows)
    return vals[len(vals) // 2]


@pytest.mark.parametrize("fmt", ["plain", "fraction7", "z", "fraction3z"])
def test_given_lastupdatefromdate_equal_to_a_value_when_filtering_then_inclusive(client, sim, fmt):
    rows = sim.backend.read_all("tickets")
    pivot = _pick(rows, "last_update")  # 2024-..T..:..:..[.fffffff]
    base, _, frac = pivot.partition(".")
    value = {"plain": pivot, "fraction7": pivot, "z": pivot + "Z", "fraction3z": f"{base}.{frac[:6]}Z"}[fmt]
    got = client.read_paged("/api/Tickets", "tickets", lastupdatefromdate=value)
    want = [r["id"] for r in rows if parse_param_date(r["last_update"]) >= parse_param_date(value)]
    assert [r["id"] for r in got] == want and pivot in {r["last_update"] for r in got}


def test_given_lastupdatetodate_when_filtering_then_inclusive_upper_bound(client, sim):
    rows = sim.backend.read_all("tickets")
    pivot = _pick(rows, "last_update")
    got = client.read_paged("/api/Tickets", "tickets", lastupdatetodate=pivot)
    assert pivot in {r["last_update"] for r in got}
    assert all(parse_param_date(r["last_update"]) <= parse_param_date(pivot) for r in got)


def test_given_date_only_when_filtering_then_midnight_utc(client, sim):
    got = client.read_paged(
        "/api/Tickets", "tickets", lastupdatefromdate="2025-01-01", lastupdatetodate="2025-01-31"
    )
    assert got and all("2025-01-01" <= r["last_update"][:10] <= "2025-01-30" for r in got)


def test_given_unparseable_date_when_filtering_then_400(client):
    r = client.get("/api/Tickets", lastupdatefromdate="yesterday")
    assert r.status_code == 400 and "DateTime" in r.json()["Message"]


@pytest.mark.parametrize("path,key,column", [("/api/Client", "clients", "alastupdate"),
                                             ("/api/Site", "sites", "slastupdate"),
                                             ("/api/Users", "users", "ulastupdate"),
                                             ("/api/Asset", "assets", "dlastupdate")])  # fmt: skip
def test_given_hidden_last_update_column_when_filtering_then_compared_but_not_listed(
    client, sim, path, key, column
):
    table = {"clients": sim.backend.ds.clients, "sites": sim.backend.ds.sites, "users": sim.backend.ds.users,
             "assets": sim.backend.ds.assets}[key]  # fmt: skip
    stamps = sorted(table[column])
    pivot = stamps[len(stamps) // 2]
    full = client.json(f"{path}/1")
    assert column in full
    from halo_simulator.clock import halo_dt

    got = client.read_paged(path, key, includeinactive="true", lastupdatefromdate=halo_dt(pivot, frac=True))
    assert len(got) == sum(1 for s in stamps if s >= pivot)
    assert all(column not in r for r in got)


def test_given_client_id_when_filtering_tickets_then_only_that_client(client, sim):
    cid = sim.backend.read_all("tickets")[0]["client_id"]
    got = client.read_paged("/api/Tickets", "tickets", client_id=cid)
    assert got and {r["client_id"] for r in got} == {cid}


def test_given_datesearch_datecleared_when_filtering_then_on_dateclosed(client):
    got = client.read_paged("/api/Tickets", "tickets", datesearch="datecleared", startdate="2024-01-01",
                            enddate="2024-03-31T23:59:59")  # fmt: skip
    assert got and all("2024-01-01" <= r["dateclosed"][:10] <= "2024-03-31" for r in got)


def test_given_appointment_window_when_filtering_then_on_start_date(client):
    got = client.read_paged(
        "/api/Appointment", "appointments", start_date="2025-01-01", end_date="2025-12-31"
    )
    assert got and all(r["start_date"].startswith("2025") for r in got)


def test_given_timesheet_window_when_filtering_then_on_start_date(client):
    got = client.json("/api/TimesheetEvent", start_date="2025-06-01", end_date="2025-06-30T23:59:59")
    assert got and all(r["start_date"].startswith("2025-06") for r in got)
