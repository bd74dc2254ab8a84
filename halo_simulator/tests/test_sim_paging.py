"""Envelopes, paging math, bare arrays and ordering (halopsa-api.md §2-3)."""

from __future__ import annotations

import pytest


def test_given_page_size_above_cap_when_paginating_then_100_rows_and_effective_page_size(client, sim):
    body = client.json("/api/Tickets", pageinate="true", page_size=1000, page_no=1)
    assert body["page_size"] == 100 and body["page_no"] == 1 and len(body["tickets"]) == 100
    assert body["record_count"] == len(sim.backend.read_all("tickets"))


def test_given_last_page_when_paginating_then_remainder_and_past_end_is_empty(client):
    total = client.json("/api/Tickets", pageinate="true", page_size=100, page_no=1)["record_count"]
    last = -(-total // 100)
    assert len(
        client.json("/api/Tickets", pageinate="true", page_size=100, page_no=last)["tickets"]
    ) == total - 100 * (last - 1)
    past = client.json("/api/Tickets", pageinate="true", page_size=100, page_no=last + 1)
    assert past["tickets"] == [] and past["record_count"] == total


def test_given_pages_when_concatenated_then_every_ticket_once_in_id_order(client, sim):
    rows = client.read_paged(
        "/api/Tickets",
        "tickets",
    )
    assert [r["id"] for r in rows] == [r["id"] for r in sim.backend.read_all("tickets")]


def test_given_no_pageinate_when_listing_then_default_count_and_page_no_ignored(client):
    body = client.json("/api/Tickets", page_no=3, page_size=10)
    assert len(body["tickets"]) == 50 and body["record_count"] > 50 and "page_no" not in body
    assert body == client.json("/api/Tickets")


def test_given_count_without_pageinate_when_listing_then_first_count_rows(client):
    body = client.json("/api/Tickets", count=7)
    assert [r["id"] for r in body["tickets"]] == [
        r["id"] for r in client.json("/api/Tickets", count=100)["tickets"][:7]
    ]


@pytest.mark.parametrize("path", ["/api/Status", "/api/Team", "/api/TicketType", "/api/Priority", "/api/SLA",
                                  "/api/FieldInfo", "/api/AssetType", "/api/ChargeRate", "/api/CRMNote",
                                  "/api/TimesheetEvent", "/api/Lookup", "/api/Outcome", "/api/Agent"])  # fmt: skip
def test_given_bare_array_endpoint_when_paging_params_sent_then_same_full_array(client, path):
    plain = client.json(path)
    assert isinstance(plain, list) and plain
    assert client.json(path, page_no=2, page_size=1, count=1) == plain


def test_given_agent_with_pageinate_when_listing_then_results_envelope(client):
    all_agents = client.json("/api/Agent")
    body = client.json("/api/Agent", pageinate="true", page_size=3, page_no=2)
    assert body["record_count"] == len(all_agents) and body["results"] == all_agents[3:6]


def test_given_orderdesc_on_last_update_when_listing_then_newest_first(client):
    rows = client.json("/api/Tickets", order="last_update", orderdesc="true", count=20)["tickets"]
    assert [r["last_update"] for r in rows] == sorted((r["last_update"] for r in rows), reverse=True)


def test_given_unknown_params_when_listing_then_ignored(client):
    assert client.json("/api/Client", count=5, nonsense="1") == client.json("/api/Client", count=5)


def test_given_bad_integer_param_when_listing_then_400_single_key_body(client):
    r = client.get("/api/Tickets", pageinate="true", page_no="two")
    assert r.status_code == 400 and list(r.json()) == ["page_no"]


def test_given_idonly_when_listing_clients_then_ids_only(client):
    rows = client.json("/api/Client", idonly="true", includeinactive="true", count=100)["clients"]
    assert rows and all(list(r) == ["id"] for r in rows)


def test_given_invoice_list_when_includelines_then_lines_with_ihid(client):
    plain = client.json("/api/Invoice", count=3)["invoices"]
    with_lines = client.json("/api/Invoice", count=3, includelines="true")["invoices"]
    assert all("lines" not in r for r in plain)
    assert all(line["ihid"] == inv["id"] for inv in with_lines for line in inv["lines"])


def test_given_project_id_when_single_get_then_bare_object_with_milestones_and_budgets(client, sim):
    project = sim.backend.read_all("projects")[0]
    body = client.json(f"/api/Projects/{project['id']}")
    assert body["id"] == project["id"] and body["milestones"] == project["milestones"]
    assert body["budgets"] and body["budgets"][0]["ticket_id"] == project["id"]
