"""Worlds (halo_simulator/worlds.py): each switch changes the HTTP answer as COVERAGE.md says, the default
world is the simulator's original reading, and the ground truth is the same in every world."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests

from halo_simulator import SimulatorOptions
from halo_simulator.backend import TenantBackend
from halo_simulator.worlds import SWITCHES, WORLDS, World, combine

from .conftest import ALL_ACTIONS, HaloClient
from .test_sim_truth import _digest

FEW_TICKETS_MANY_ACTIONS = {"tickets": 20, "actions": 1500, "projects": 1, "opportunities": 1}


def world_sim(make_sim, name: str, **options):
    return make_sim(**{**options, **WORLDS[name]})


# ------------------------------------------------------------------ the helper itself


def test_given_every_named_world_when_built_then_valid_options():
    for name in WORLDS:
        SimulatorOptions(**WORLDS[name])


def test_given_every_switch_when_listing_worlds_then_each_other_reading_has_a_named_world():
    default = World()
    for switch, spec in SWITCHES.items():
        if switch == "page_size_ignored":
            continue
        for reading in set(spec["readings"]) - {getattr(default, switch)}:
            assert any(WORLDS[n].get("world", {}).get(switch) == reading for n in WORLDS), (switch, reading)


def test_given_default_world_when_options_built_then_world_is_default_and_no_faults():
    opts = SimulatorOptions()
    assert opts.world == World() and opts.fault_rules == ()


def test_given_unknown_switch_or_reading_when_building_then_value_error():
    with pytest.raises(ValueError):
        SimulatorOptions(world={"nope": "x"})
    with pytest.raises(ValueError):
        SimulatorOptions(world={"order": "sideways"})
    with pytest.raises(ValueError):
        SimulatorOptions(world={"page_size_ignored": ["status"]})


def test_given_two_worlds_when_combined_then_switches_merged():
    opts = SimulatorOptions(**combine("order_ignored", "count_ignored", "actions_clamp_1h"))
    assert opts.world.order == "ignored" and opts.world.unpaged_count == "ignored"
    assert opts.actions_window_violation == "clamp"


# ------------------------------------------------------------------ ground truth


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_given_any_world_when_reading_truth_then_same_as_default(name):
    assert _digest(TenantBackend(SimulatorOptions(**WORLDS[name]))) == _digest(
        TenantBackend(SimulatorOptions())
    )


# ------------------------------------------------------------------ 1. /CRMNote client_id and envelope


def test_given_default_when_listing_crm_notes_without_client_then_every_note_bare(client, sim):
    body = client.json("/api/CRMNote")
    assert isinstance(body, list) and len(body) == sim.backend.count("crmnote") > 0


def test_given_client_id_required_when_listing_crm_notes_then_empty_without_client(make_sim):
    s = world_sim(make_sim, "crmnote_client_id_required")
    c = HaloClient(s)
    assert c.json("/api/CRMNote") == []
    cid = s.backend.read_all("crmnote")[0]["client_id"]
    rows = c.json("/api/CRMNote", client_id=cid)
    assert rows and rows == s.backend.read_all("crmnote", {"client_id": str(cid)})
    assert s.backend.count("crmnote") > len(rows)


@pytest.mark.parametrize("key", ["actions", "notes"])
def test_given_enveloped_crm_notes_when_listing_then_key_record_count_and_count(make_sim, key):
    s = make_sim(counts={"crm_notes": 120}, world={"crmnote_envelope": key})
    c = HaloClient(s)
    every = s.backend.read_all("crmnote")
    body = c.json("/api/CRMNote")
    assert set(body) == {"record_count", key}
    assert body["record_count"] == 120 and body[key] == every[:50]
    assert c.json("/api/CRMNote", count=5)[key] == every[:5]
    assert c.json("/api/CRMNote", count=1000000)[key] == every


def test_given_bare_crm_notes_when_count_sent_then_ignored(make_sim):
    s = make_sim(counts={"crm_notes": 120})
    assert len(HaloClient(s).json("/api/CRMNote", count=5)) == 120


# ------------------------------------------------------------------ 2. record_count without pageinate


def test_given_default_when_unpaged_then_record_count_is_total(client, sim):
    assert client.json("/api/Tickets")["record_count"] == sim.backend.count("tickets") > 50
    window = client.json("/api/Actions", startdate="2024-01-01", enddate="2024-06-01", count=10)
    assert window["record_count"] > 10


def test_given_short_record_count_when_unpaged_then_record_count_is_rows_returned(make_sim):
    s = world_sim(make_sim, "record_count_short", counts={"crm_notes": 120})
    c = HaloClient(s)
    body = c.json("/api/Tickets")
    assert len(body["tickets"]) == 50 and body["record_count"] == 50
    assert c.json("/api/Tickets", count=7)["record_count"] == 7
    window = c.json("/api/Actions", startdate="2024-01-01", enddate="2024-06-01", count=10)
    assert len(window["actions"]) == 10 and window["record_count"] == 10
    paged = c.json("/api/Tickets", pageinate="true", page_size=10, page_no=1)
    assert paged["record_count"] == s.backend.count("tickets")  # paged answers keep the total
    s2 = make_sim(
        counts={"crm_notes": 120}, world={"unpaged_record_count": "short", "crmnote_envelope": "actions"}
    )
    assert HaloClient(s2).json("/api/CRMNote", count=30)["record_count"] == 30


# ------------------------------------------------------------------ 3. endpoints that ignore page_size


def test_given_asset_ignores_page_size_when_paging_then_50_a_page_and_request_echoed(make_sim):
    s = world_sim(make_sim, "page_size_ignored_asset")
    c = HaloClient(s)
    every = s.backend.read_all("asset", {"includeinactive": "true"})
    assert len(every) == 120
    pages = [
        c.json("/api/Asset", pageinate="true", page_size=100, page_no=n, includeinactive="true")
        for n in (1, 2, 3, 4)
    ]
    assert [len(p["assets"]) for p in pages] == [50, 50, 20, 0]
    assert all(p["page_size"] == 100 and p["record_count"] == 120 for p in pages)
    assert [r for p in pages for r in p["assets"]] == every
    # a reader that stops on "fewer rows than page_size" sees 50 of 120
    users = c.json("/api/Users", pageinate="true", page_size=100, page_no=1)  # other resources unaffected
    assert len(users["users"]) == min(100, users["record_count"]) and users["page_size"] == 100


def test_given_default_when_paging_assets_then_page_size_honoured(client):
    body = client.json("/api/Asset", pageinate="true", page_size=100, page_no=1, includeinactive="true")
    assert len(body["assets"]) == 100 and body["page_size"] == 100


def test_given_every_paged_resource_ignores_page_size_when_paging_tickets_then_50(make_sim):
    c = HaloClient(world_sim(make_sim, "page_size_ignored_everywhere"))
    assert len(c.json("/api/Tickets", pageinate="true", page_size=100)["tickets"]) == 50
    assert c.json("/api/Agent", pageinate="true", page_size=3)["results"] == c.json(
        "/api/Agent"
    )  # all fit in 50


# ------------------------------------------------------------------ 4. count ignored


def test_given_count_ignored_when_unpaged_then_50_rows_whatever_count(make_sim):
    s = world_sim(make_sim, "count_ignored", counts={"crm_notes": 120})
    c = HaloClient(s)
    assert len(c.json("/api/Tickets", count=100)["tickets"]) == 50
    assert len(c.json("/api/Tickets", count=7)["tickets"]) == 50
    window = c.json("/api/Actions", startdate="2023-01-01", enddate="2027-01-01", count=1000)
    assert len(window["actions"]) == 50 and window["record_count"] > 1000
    assert len(c.json("/api/CRMNote", count=1000000)) == 50
    assert len(c.json("/api/TimesheetEvent", count=5)) == 200  # no count parameter there
    assert len(c.json("/api/Tickets", pageinate="true", page_size=100)["tickets"]) == 100  # paging unaffected


def test_given_count_ignored_when_listing_actions_of_a_busy_ticket_then_50(make_sim):
    s = world_sim(make_sim, "count_ignored", counts=FEW_TICKETS_MANY_ACTIONS)
    c = HaloClient(s)
    tid = next(
        t["id"]
        for t in s.backend.read_all("tickets")
        if s.backend.count("actions", {"ticket_id": str(t["id"])}) > 50
    )
    body = c.json("/api/Actions", ticket_id=tid, count=1000)
    assert len(body["actions"]) == 50 and body["record_count"] > 50
    small = next(
        t["id"]
        for t in s.backend.read_all("tickets")
        if 2 < s.backend.count("actions", {"ticket_id": str(t["id"])}) < 50
    )
    assert len(c.json("/api/Actions", ticket_id=small, count=2)["actions"]) > 2  # count=2 ignored too


def test_given_default_when_listing_actions_of_a_busy_ticket_then_all(make_sim):
    s = make_sim(counts=FEW_TICKETS_MANY_ACTIONS)
    c = HaloClient(s)
    tid = next(
        t["id"]
        for t in s.backend.read_all("tickets")
        if s.backend.count("actions", {"ticket_id": str(t["id"])}) > 50
    )
    body = c.json("/api/Actions", ticket_id=tid)
    assert len(body["actions"]) == body["record_count"] > 50


# ------------------------------------------------------------------ 5. /Actions windows clamped


@pytest.mark.parametrize(
    "name,hours", [("actions_clamp_1d", 24), ("actions_clamp_6h", 6), ("actions_clamp_1h", 1)]
)
def test_given_clamp_world_when_window_longer_then_only_first_part_served(make_sim, name, hours):
    s = world_sim(make_sim, name)
    c = HaloClient(s)
    every = s.backend.read_all("actions", ALL_ACTIONS)
    start = every[len(every) // 2]["datetime"]
    end = (datetime.fromisoformat(start) + timedelta(hours=hours)).isoformat()
    want = [a for a in every if start <= a["datetime"] <= end]
    assert want
    body = c.json("/api/Actions", startdate=start, enddate="2100-01-01", count=1000)
    assert body["actions"] == want and body["record_count"] == len(want)
    inside = c.json("/api/Actions", startdate=start, enddate=end, count=1000)
    assert inside["actions"] == want  # a window of exactly L is served whole


# ------------------------------------------------------------------ 6. order ignored


def test_given_order_ignored_when_ordering_then_ids_ascending(make_sim):
    s = world_sim(make_sim, "order_ignored")
    c = HaloClient(s)
    body = c.json("/api/Tickets", pageinate="true", page_size=100, order="last_update", orderdesc="true")
    ids = [r["id"] for r in body["tickets"]]
    assert ids == sorted(ids) and ids[0] == s.backend.read_all("tickets")[0]["id"]
    clients = c.json("/api/Client", pageinate="true", page_size=100, order="name", orderdesc="true")[
        "clients"
    ]
    assert [r["id"] for r in clients] == sorted(r["id"] for r in clients)
    window = c.json("/api/Actions", startdate="2023-01-01", enddate="2027-01-01", count=5, orderdesc="true")
    assert window["actions"] == s.backend.read_all("actions", ALL_ACTIONS)[:5]


def test_given_default_when_ordering_by_last_update_desc_then_newest_first(client):
    rows = client.json(
        "/api/Tickets", pageinate="true", page_size=100, order="last_update", orderdesc="true"
    )["tickets"]
    stamps = [r["last_update"] for r in rows]
    assert stamps == sorted(stamps, reverse=True) and [r["id"] for r in rows] != sorted(r["id"] for r in rows)


# ------------------------------------------------------------------ 7. include_custom_fields


@pytest.mark.parametrize("path", ["/api/Tickets", "/api/Projects", "/api/Opportunities"])
def test_given_custom_fields_ignored_when_listing_then_empty_customfields_but_single_get_has_them(
    make_sim, path
):
    s = world_sim(make_sim, "custom_fields_ignored")
    c = HaloClient(s)
    ids = ",".join(str(d["id"]) for d in s.backend.read_all("fieldinfo"))
    for params in ({}, {"include_custom_fields": ids}):
        rows = c.json(path, pageinate="true", page_size=100, **params)["tickets"]
        assert rows and all(r["customfields"] == [] for r in rows)
    first = c.json(f"{path}/{rows[0]['id']}")
    assert first["customfields"]
    assert all(r["customfields"] for r in s.backend.read_all(path.rsplit("/", 1)[1].lower()))


def test_given_custom_fields_honoured_when_listing_then_all_unless_ids_listed(client, sim):
    cf = [d for d in sim.backend.read_all("fieldinfo") if d["usage"] == 1]
    plain = client.json("/api/Tickets", pageinate="true", page_size=5)["tickets"]
    assert all({f["id"] for f in r["customfields"]} == {d["id"] for d in cf} for r in plain)
    one = client.json("/api/Tickets", pageinate="true", page_size=5, include_custom_fields=cf[0]["id"])[
        "tickets"
    ]
    assert all([f["id"] for f in r["customfields"]] == [cf[0]["id"]] for r in one)


# ------------------------------------------------------------------ 8. milestones on /Projects list rows


def test_given_project_list_without_milestones_when_listing_then_only_single_get_has_them(make_sim):
    s = world_sim(make_sim, "project_list_without_milestones")
    c = HaloClient(s)
    rows = c.read_paged("/api/Projects", "tickets")
    assert rows and all("milestones" not in r for r in rows)
    headers = [
        r for r in c.read_paged("/api/Tickets", "tickets", includeprojects="true") if r["use"] == "project"
    ]
    assert headers and all("milestones" not in r for r in headers)
    truth = s.backend.read_all("projects")
    assert c.json(f"/api/Projects/{rows[0]['id']}")["milestones"] == truth[0]["milestones"]
    assert any(p["milestones"] for p in truth)


@pytest.mark.parametrize(
    "world, listed", [("project_list_milestones_null", None), ("project_list_milestones_empty", [])]
)
def test_given_project_list_milestones_null_or_empty_when_listing_then_only_single_get_has_them(
    make_sim, world, listed
):
    s = world_sim(make_sim, world)
    c = HaloClient(s)
    rows = c.read_paged("/api/Projects", "tickets")
    assert rows and all(r["milestones"] == listed for r in rows)
    full = [c.json(f"/api/Projects/{r['id']}")["milestones"] for r in rows]
    assert any(full)


def test_given_default_when_listing_projects_then_milestones_on_rows(client):
    rows = client.read_paged("/api/Projects", "tickets")
    assert all("milestones" in r for r in rows) and any(r["milestones"] for r in rows)


# ------------------------------------------------------------------ 9. project tasks and includeprojects


def _kinds(rows: list[dict], project_ids: set[int]) -> set[str]:
    out = set()
    for r in rows:
        if r["id"] in project_ids:
            out.add("project")
        elif r["parent_id"] in project_ids:
            out.add("task")
        elif r["use"] == "opportunity":
            out.add("opportunity")
        else:
            out.add("ticket")
    return out


def test_given_tasks_need_includeprojects_when_listing_tickets_then_swagger_filter_applies(make_sim):
    s = world_sim(make_sim, "project_tasks_need_includeprojects")
    c = HaloClient(s)
    projects = {p["id"] for p in s.backend.read_all("projects")}
    assert _kinds(c.read_paged("/api/Tickets", "tickets"), projects) == {"ticket"}
    # Plain tickets are never children here, and the tasks are not listed without includeprojects.
    assert _kinds(c.read_paged("/api/Tickets", "tickets", includechildren="2"), projects) == set()
    assert _kinds(c.read_paged("/api/Tickets", "tickets", includeprojects="2"), projects) == {
        "project",
        "task",
    }
    assert _kinds(c.read_paged("/api/Tickets", "tickets", includeprojects="true"), projects) == {
        "ticket", "project", "task"
    }  # fmt: skip
    assert _kinds(c.read_paged("/api/Tickets", "tickets", includeprojects="0,2"), projects) == {
        "ticket", "project", "task"
    }  # fmt: skip
    assert _kinds(c.read_paged("/api/Tickets", "tickets", includeprojects="1"), projects) == {"opportunity"}


def test_given_default_when_asking_for_children_then_only_tasks_are_listed(client, sim):
    projects = {p["id"] for p in sim.backend.read_all("projects")}
    asked = {"includeprojects": "true"}
    children = client.read_paged("/api/Tickets", "tickets", includechildren="2", **asked)
    assert _kinds(children, projects) == {"task"}
    assert len(children) == sum(
        1 for r in client.read_paged("/api/Tickets", "tickets", **asked) if r["parent_id"]
    )
    assert _kinds(client.read_paged("/api/Tickets", "tickets", includechildren="1", **asked), projects) == {
        "project"
    }
    assert _kinds(client.read_paged("/api/Tickets", "tickets", includechildren="0,2", **asked), projects) >= {
        "ticket", "task"
    }  # fmt: skip


def test_given_includechildren_ignored_when_asking_for_children_then_every_kind_is_listed(make_sim):
    s = world_sim(make_sim, "includechildren_ignored")
    projects = {p["id"] for p in s.backend.read_all("projects")}
    rows = HaloClient(s).read_paged("/api/Tickets", "tickets", includechildren="2", includeprojects="true")
    assert _kinds(rows, projects) == {"ticket", "project", "task"}


def test_given_default_when_listing_tickets_then_tasks_without_asking(client, sim):
    projects = {p["id"] for p in sim.backend.read_all("projects")}
    assert _kinds(client.read_paged("/api/Tickets", "tickets"), projects) == {"ticket", "task"}


# ------------------------------------------------------------------ 10. last-update fields on CRM list rows


LASTUPDATE = {"/api/Client": ("clients", "alastupdate"), "/api/Site": ("sites", "slastupdate"),
              "/api/Users": ("users", "ulastupdate"), "/api/Asset": ("assets", "dlastupdate")}  # fmt: skip


@pytest.mark.parametrize("path", sorted(LASTUPDATE))
def test_given_crm_list_lastupdate_when_listing_then_rows_carry_single_get_value(make_sim, path):
    key, field = LASTUPDATE[path]
    c = HaloClient(world_sim(make_sim, "crm_list_lastupdate"))
    rows = c.json(path, pageinate="true", page_size=5)[key]
    assert rows and all(r[field] == c.json(f"{path}/{r['id']}")[field] for r in rows)


@pytest.mark.parametrize("path", sorted(LASTUPDATE))
def test_given_default_when_listing_crm_then_no_lastupdate_field(client, path):
    key, field = LASTUPDATE[path]
    assert all(field not in r for r in client.json(path, pageinate="true", page_size=5)[key])


# ------------------------------------------------------------------ 11. tokens


def test_given_newest_token_only_when_second_token_issued_then_first_is_dead(make_sim):
    s = world_sim(make_sim, "new_token_revokes_old")
    first, second = HaloClient(s), HaloClient(s)
    assert first.get("/api/Status").status_code == 401
    assert second.get("/api/Status").status_code == 200


def test_given_default_when_second_token_issued_then_both_valid(make_sim):
    s = make_sim()
    first, second = HaloClient(s), HaloClient(s)
    assert first.get("/api/Status").status_code == 200 and second.get("/api/Status").status_code == 200


def _get_with_retries(c: HaloClient, path: str, log: list, **params) -> requests.Response:
    """What a careful client does: new token on 401, retry 503s and dropped connections."""
    for _ in range(20):
        try:
            r = c.get(path, **params)
        except requests.ConnectionError:
            log.append("reset")
            continue
        log.append(r.status_code)
        if r.status_code == 401:
            c.authenticate()
            continue
        if r.status_code == 503:
            continue
        return r
    raise AssertionError("gave up")


def test_given_token_churn_when_reading_everything_then_faults_fire_and_retries_get_every_row(make_sim):
    s = world_sim(make_sim, "token_churn")
    assert s.options.token_ttl_seconds == 15
    c = HaloClient(s)
    log: list = []
    rows: list[dict] = []
    page = 1
    while True:
        body = _get_with_retries(c, "/api/Tickets", log, pageinate="true", page_size=10, page_no=page).json()
        rows += body["tickets"]
        if len(rows) >= body["record_count"]:
            break
        page += 1
    for path in ("/api/Status", "/api/Team", "/api/Agent") * 100:
        assert _get_with_retries(c, path, log).status_code == 200
    assert rows == s.backend.read_all("tickets")
    api_answers = len(log)
    assert log.count(401) == api_answers // 40  # every 40th /api request revokes every token
    assert log.count(503) >= 1 and log.count("reset") >= 1
    # tokens also expire after 15 s
    s.clear_faults()
    c.authenticate()
    assert c.get("/api/Status").status_code == 200
    s.advance_clock(16)
    assert c.get("/api/Status").status_code == 401


def test_given_token_churn_when_reset_then_fault_rules_restored(make_sim):
    s = world_sim(make_sim, "token_churn")
    s.clear_faults()
    assert not s.faults.active
    s.reset()
    assert len(s.faults.describe()) == 3
    requests.post(f"{s.url}/_sim/reset")
    assert [r.get("kind") or r.get("status") for r in s.faults.describe()] == ["expire_token", 503, "reset"]
