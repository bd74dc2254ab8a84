"""Halo's visibility defaults and the flags that lift them (halopsa-api.md §2.3, brief)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path,key",
    [("/api/Client", "clients"), ("/api/Site", "sites"), ("/api/Users", "users"), ("/api/Asset", "assets"),
     ("/api/Item", "items")],
)  # fmt: skip
def test_given_inactive_rows_when_listing_then_hidden_unless_includeinactive(client, path, key):
    default = client.read_paged(path, key)
    everything = client.read_paged(path, key, includeinactive="true")
    only_inactive = client.read_paged(path, key, includeinactive="true", includeactive="false")
    assert len(everything) == len(default) + len(only_inactive)
    assert only_inactive, "the tiny scale must contain inactive rows"
    flag = "status" if key == "items" else "inactive"
    assert all(bool(r[flag]) for r in only_inactive) and not any(bool(r[flag]) for r in default)


def test_given_agents_when_listing_then_unassigned_api_and_disabled_need_flags(client):
    default = {a["id"] for a in client.json("/api/Agent")}
    assert 1 not in default
    assert 1 in {a["id"] for a in client.json("/api/Agent", includeunassigned="true")}
    api = client.json("/api/Agent", includeapiagents="true")
    assert any(a["isapiagent"] for a in api) and not any(a["isapiagent"] for a in client.json("/api/Agent"))
    disabled = client.json("/api/Agent", includedisabled="true")
    assert any(a["isdisabled"] for a in disabled) and len(disabled) > len(default)


def test_given_disabled_team_when_listing_then_only_with_includedisabled(client):
    assert not any(t["inactive"] for t in client.json("/api/Team"))
    assert any(t["inactive"] for t in client.json("/api/Team", includedisabled="true"))


def test_given_inactive_ticket_type_when_listing_then_only_with_showinactive(client):
    assert all(t["active"] for t in client.json("/api/TicketType"))
    assert not all(t["active"] for t in client.json("/api/TicketType", showinactive="true"))


def test_given_sla_when_showpriorities_then_nested_policies(client):
    assert all("priorities" not in s for s in client.json("/api/SLA"))
    slas = client.json("/api/SLA", showpriorities="true")
    assert all(p["slaid"] == s["id"] for s in slas for p in s["priorities"])


def test_given_priorities_when_listing_then_one_guid_row_per_priority_per_sla(client):
    rows = client.json("/api/Priority")
    assert len({r["id"] for r in rows}) == len(rows) and all(len(r["id"]) == 36 for r in rows)
    assert {(r["slaid"], r["priorityid"]) for r in rows} == {(s, p) for s in (1, 2, 3) for p in (1, 2, 3, 4)}
    assert {r["slaid"] for r in client.json("/api/Priority", slaid=2)} == {2}


def test_given_deleted_tickets_when_deleted_true_then_only_deleted_rows_flagged(client):
    deleted = client.read_paged("/api/Tickets", "tickets", deleted="true")
    live = {r["id"] for r in client.read_paged("/api/Tickets", "tickets")}
    assert deleted and all(r["deleted"] is True for r in deleted)
    assert not {r["id"] for r in deleted} & live


def test_given_closed_tickets_when_listing_then_returned_by_default_and_filterable(client):
    every = client.read_paged("/api/Tickets", "tickets")
    closed = client.read_paged("/api/Tickets", "tickets", closed_only="true")
    open_ = client.read_paged("/api/Tickets", "tickets", open_only="true")
    assert closed and open_ and len(closed) + len(open_) == len(every)
    assert all(r["status_id"] in (9, 10) for r in closed)


def test_given_projects_and_opportunities_when_listing_tickets_then_kept_apart(client, sim):
    tickets = {r["id"] for r in client.read_paged("/api/Tickets", "tickets")}
    projects = client.read_paged("/api/Projects", "tickets")
    opps = client.read_paged("/api/Opportunities", "tickets")
    assert projects and opps
    assert not tickets & {r["id"] for r in projects} and not tickets & {r["id"] for r in opps}
    with_projects = client.read_paged("/api/Tickets", "tickets", includeprojects="true")
    assert len(with_projects) == len(tickets) + len(projects)
    assert all(r["use"] == "opportunity" and "oppvalue" in r for r in opps)
    assert all("projecttimebudget" in r and "milestones" in r for r in projects)


def test_given_project_when_listing_tasks_by_parent_id_then_tasks_of_that_project(client, sim):
    project = sim.backend.read_all("projects")[0]
    tasks = client.read_paged("/api/Tickets", "tickets", parent_id=project["id"])
    assert tasks and all(t["parent_id"] == project["id"] for t in tasks)
    assert len(tasks) == project["child_count"]
