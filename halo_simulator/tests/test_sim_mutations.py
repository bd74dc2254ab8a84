"""Mutations stamped with the simulator clock: last_update bumps, adds, deletes, determinism."""

from __future__ import annotations

from halo_simulator import SimulatorOptions
from halo_simulator.backend import TenantBackend
from halo_simulator.clock import parse_param_date

from .conftest import ALL_ACTIONS, HaloClient


def test_given_updates_when_mutating_then_last_update_strictly_increasing_after_history(make_sim):
    s = make_sim()
    history_max = max(parse_param_date(r["last_update"]) for r in s.backend.read_all("tickets"))
    ids = s.mutate(update_tickets=5)["update_tickets"] + s.mutate(update_tickets=5, seed=99)["update_tickets"]
    assert len(set(ids)) == len(ids), "the two seeds happen to pick distinct tickets"
    rows = {r["id"]: r for r in s.backend.read_all("tickets")}
    stamps = [parse_param_date(rows[i]["last_update"]) for i in ids]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert stamps[0] > history_max and stamps[-1] <= s.clock.now_us()


def test_given_updated_tickets_when_filtering_by_previous_max_then_exactly_those(make_sim):
    s = make_sim()
    c = HaloClient(s)
    before = max(r["last_update"] for r in s.backend.read_all("tickets"))
    ids = s.mutate(update_tickets=4)["update_tickets"]
    got = c.read_paged("/api/Tickets", "tickets", lastupdatefromdate=before)
    assert {r["id"] for r in got} - {
        r["id"] for r in s.backend.read_all("tickets") if r["last_update"] == before
    } == set(ids)


def test_given_added_action_when_reading_then_new_id_and_ticket_bumped(make_sim):
    s = make_sim()
    c = HaloClient(s)
    tid = s.mutate(add_actions=1)["add_actions"][0]
    actions = c.json("/api/Actions", ticket_id=tid)["actions"]
    assert [a["id"] for a in actions] == list(range(1, len(actions) + 1))
    newest = actions[-1]
    assert c.json(f"/api/Tickets/{tid}")["lastactiondate"] == newest["datetime"]
    window = c.json("/api/Actions", startdate=newest["datetime"], enddate="2100-01-01", count=1000)["actions"]
    assert (tid, newest["id"]) in {(a["ticket_id"], a["id"]) for a in window}


def test_given_added_tickets_when_listing_then_next_ids_with_logged_action(make_sim):
    s = make_sim()
    top = max(r["id"] for r in s.backend.read_all("opportunities") + s.backend.read_all("tickets"))
    ids = s.mutate(add_tickets=2)["add_tickets"]
    assert ids == [top + 1, top + 2] or ids[0] > top
    assert {r["id"] for r in s.backend.read_all("tickets")} >= set(ids)
    assert s.backend.actions({"ticket_id": str(ids[0])}).record_count == 1


def test_given_deleted_ticket_when_listing_then_moves_to_deleted_and_its_actions_vanish(make_sim):
    s = make_sim()
    tid = s.mutate(delete_tickets=1)["delete_tickets"][0]
    assert tid not in {r["id"] for r in s.backend.read_all("tickets")}
    assert tid in {r["id"] for r in s.backend.read_all("tickets", {"deleted": "true"})}
    assert tid not in {a["ticket_id"] for a in s.backend.read_all("actions", ALL_ACTIONS)}


def test_given_client_update_when_filtering_clients_then_alastupdate_bumped(make_sim):
    s = make_sim()
    c = HaloClient(s)
    cid = s.mutate(update_clients=1)["update_clients"][0]
    stamp = c.json(f"/api/Client/{cid}")["alastupdate"]
    got = c.read_paged("/api/Client", "clients", includeinactive="true", lastupdatefromdate=stamp)
    assert [r["id"] for r in got] == [cid] and "revision 1" in got[0]["notes"]


def test_given_same_seed_when_mutating_two_backends_then_identical_results():
    a, b = TenantBackend(SimulatorOptions()), TenantBackend(SimulatorOptions())
    spec = {"update_tickets": 3, "add_actions": 3, "delete_tickets": 1, "update_users": 2}
    assert a.mutate(spec) == b.mutate(spec)


def test_given_unknown_mutation_when_mutating_then_value_error():
    import pytest

    with pytest.raises(ValueError):
        TenantBackend(SimulatorOptions()).mutate({"explode_tickets": 1})


ALL = {"includeinactive": "true"}
RESOURCE_OF = {
    "update_tickets": ("tickets", {}), "add_tickets": ("tickets", {}), "add_actions": ("actions", ALL_ACTIONS),
    "delete_tickets": ("tickets", {"deleted": "true"}), "close_tickets": ("tickets", {}),
    "update_projects": ("projects", {}), "update_opportunities": ("opportunities", {}), "update_clients": ("client", ALL),
    "update_sites": ("site", ALL), "update_users": ("users", ALL), "update_assets": ("asset", ALL),
    "update_contracts": ("clientcontract", {}), "update_invoices": ("invoice", {}), "update_items": ("item", ALL),
    "update_quotes": ("quotation", {}),
}  # fmt: skip


def test_given_every_mutation_kind_when_applied_then_its_resource_changes():
    import pytest

    from halo_simulator.mutations import KINDS

    assert set(RESOURCE_OF) == KINDS
    for kind, (resource, params) in RESOURCE_OF.items():
        backend = TenantBackend(SimulatorOptions())
        before = backend.read_all(resource, params)
        changed = backend.mutate({kind: 1})[kind]
        assert changed, kind
        assert backend.read_all(resource, params) != before, kind
    with pytest.raises(ValueError):
        TenantBackend(SimulatorOptions()).mutate({"update_tickets": 1, "nope": 1})


def test_given_close_tickets_when_applied_then_closed_status_and_closing_action(make_sim):
    s = make_sim()
    tid = s.mutate(close_tickets=1)["close_tickets"][0]
    row = s.backend.get("tickets", tid, {})
    last = s.backend.actions({"ticket_id": str(tid)}).rows[-1]
    assert row["status_id"] == 9 and row["dateclosed"] == last["datetime"] and last["outcome"] == "Closed"
