"""The exact query string of every stream, pinned: Halo silently ignores a misspelled parameter.

Names come from Halo's swagger (halo-swagger-2024.json) and halopsa-api.md §2-4.
"""

from datetime import datetime, timedelta, timezone

import pytest
from airbyte_cdk.models import (
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)
from airbyte_cdk.test.entrypoint_wrapper import read

from source_halopsa import SourceHalopsa

INSTANCE = "https://acme.halopsa.com"
CONFIG = {
    "instance_url": INSTANCE,
    "client_id": "cid",
    "client_secret": "s3cret-value",
    "tenant": "acme",
    "start_date": "2026-11-01T00:00:00Z",
    "lookback_window_minutes": 0,
}
PAGED = {"pageinate": ["true"], "page_size": ["100"], "page_no": ["1"]}
CUSTOM_FIELDS = {"include_custom_fields": ["3,5"]}  # every FieldInfo id, see _read
TICKET_QUERY = {
    **PAGED,
    **CUSTOM_FIELDS,
    "includeslaactiondate": ["true"],
    "includeslatimer": ["true"],
    "order": ["id"],
}
# Unpaged lists ask for every row: without paging, Halo's default page is 50 rows (halopsa-api.md §9)
UNPAGED = {"count": ["100000"]}
# /Tickets lists tickets, project tasks and, with this, project headers under every reading of the flag
INCLUDE_PROJECTS = {"includeprojects": ["true"]}

EXPECTED = {
    "tickets": ("Tickets", {**TICKET_QUERY, **INCLUDE_PROJECTS}),
    "teams": ("Team", {**UNPAGED, "includedisabled": ["true"], "includeenabled": ["true"]}),
    "agents": (
        "Agent",
        {
            **UNPAGED,
            "includeenabled": ["true"],
            "includedisabled": ["true"],
            "includeunassigned": ["true"],
            "includeapiagents": ["true"],
        },
    ),
    "statuses": ("Status", UNPAGED),
    "ticket_types": ("TicketType", {**UNPAGED, "showinactive": ["true"]}),
    "priorities": ("Priority", UNPAGED),
    "slas": ("SLA", {**UNPAGED, "showpriorities": ["true"]}),
    "deleted_tickets": (
        "Tickets",
        {**PAGED, **CUSTOM_FIELDS, **INCLUDE_PROJECTS, "deleted": ["true"], "order": ["id"]},
    ),
    "timesheet_events": ("TimesheetEvent", UNPAGED),
    "clients": ("Client", {**PAGED, "includeactive": ["true"], "includeinactive": ["true"], "order": ["id"]}),
    "sites": ("Site", {**PAGED, "includeactive": ["true"], "includeinactive": ["true"], "order": ["id"]}),
    "users": (
        "Users",
        {
            **PAGED,
            "includeactive": ["true"],
            "includeinactive": ["true"],
            "includeserviceaccount": ["true"],
            "includenonserviceaccount": ["true"],
            "order": ["id"],
        },
    ),
    "opportunities": ("Opportunities", TICKET_QUERY),
    "assets": (
        "Asset",
        {
            **PAGED,
            "includeactive": ["true"],
            "includeinactive": ["true"],
            "includeassetfields": ["true"],
            "order": ["id"],
        },
    ),
    "asset_types": ("AssetType", UNPAGED),
    "field_info": ("FieldInfo", {**UNPAGED, "includevalues": ["true"]}),
    "projects": ("Projects", TICKET_QUERY),
    "project_tasks": ("Tickets", {**TICKET_QUERY, **INCLUDE_PROJECTS, "includechildren": ["2"]}),
    "invoices": ("Invoice", {**PAGED, "order": ["id"]}),
    "invoice_lines": ("Invoice", {**PAGED, "includelines": ["true"], "order": ["id"]}),
    "recurring_invoices": ("RecurringInvoice", {**PAGED, "includelines": ["true"], "order": ["id"]}),
    "contracts": ("ClientContract", {**PAGED, "includeinactive": ["true"], "order": ["id"]}),
    "charge_rates": ("ChargeRate", UNPAGED),
    "items": ("Item", {**PAGED, "includeactive": ["true"], "includeinactive": ["true"], "order": ["id"]}),
    "quotes": ("Quotation", {**PAGED, "includelines": ["true"], "order": ["id"]}),
}
LAST_UPDATE = ("lastupdatefromdate", "lastupdatetodate")
DATE_FILTERS = {
    "tickets": LAST_UPDATE,
    "opportunities": LAST_UPDATE,
    "projects": LAST_UPDATE,
    "project_tasks": LAST_UPDATE,
    "timesheet_events": ("start_date", "end_date"),
}


def _catalog(name, sync_mode=SyncMode.full_refresh):
    source = SourceHalopsa(config=CONFIG)
    stream = next(s for s in source.discover(None, CONFIG).streams if s.name == name)
    return ConfiguredAirbyteCatalog(
        streams=[
            ConfiguredAirbyteStream(
                stream=stream, sync_mode=sync_mode, destination_sync_mode=DestinationSyncMode.append
            )
        ]
    )


def _read(name, requests_mock, body):
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    requests_mock.get(f"{INSTANCE}/api/FieldInfo", json=[{"id": 5}, {"id": 3}])
    requests_mock.get(f"{INSTANCE}/api/{EXPECTED.get(name, ('Actions',))[0]}", json=body)
    catalog = _catalog(name)
    requests_mock.reset_mock()
    output = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    assert not output.errors, output.errors
    return [
        request
        for request in requests_mock.request_history
        if "/api/" in request.url
        and ("fieldinfo" not in request.path or name == "field_info")
        and request.qs.get("page_size") != ["1"]  # the custom-field check (read_context.py)
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_given_stream_when_read_then_query_string_is_pinned(name, requests_mock):
    path, params = EXPECTED[name]
    requests = _read(name, requests_mock, {"record_count": 0, name: []})
    assert len(requests) == 1
    query = {key: value for key, value in requests[0].qs.items() if key not in DATE_FILTERS.get(name, ())}
    assert requests[0].path == f"/api/{path}".lower()
    assert query == {key.lower(): [v.lower() for v in value] for key, value in params.items()}
    for name_of_filter in DATE_FILTERS.get(name, ()):
        assert name_of_filter in requests[0].qs


def test_given_tickets_when_read_then_window_is_start_date_to_now(requests_mock):
    request = _read("tickets", requests_mock, {"record_count": 0, "tickets": []})[0]
    assert request.qs["lastupdatefromdate"] == ["2026-11-01t00:00:00z"]
    assert request.qs["lastupdatetodate"][0] > "2026-11-01"


def test_given_actions_when_read_then_one_day_windows_with_count(requests_mock):
    # no ticket has an action yet: the window check (read_context.py) has nothing to look for
    requests_mock.get(f"{INSTANCE}/api/Tickets", json={"record_count": 0, "tickets": []})
    requests = _read("actions", requests_mock, {"record_count": 0, "actions": []})
    # windows are read in parallel: in order of their start
    requests = sorted(
        (request for request in requests if request.path == "/api/actions"), key=lambda r: r.qs["startdate"]
    )
    assert len(requests) >= 20  # one per day since 2026-11-01
    first = requests[0].qs
    assert first == {
        "count": ["1000"],
        "excludesys": ["false"],
        "startdate": ["2026-11-01t00:00:00z"],
        # up to the next window's start: Halo's times carry fractions of a second
        "enddate": ["2026-11-02t00:00:00z"],
    }
    assert requests[1].qs["startdate"] == ["2026-11-02t00:00:00z"]


def test_given_timesheet_events_when_read_then_the_window_is_asked_one_second_past_its_end(requests_mock):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    requests = _read("timesheet_events", requests_mock, [])
    assert len(requests) == 1  # 90-day windows since 2026-11-01
    assert requests[0].qs["start_date"] == ["2026-11-01t00:00:00z"]
    asked_end = datetime.strptime(requests[0].qs["end_date"][0], "%Y-%m-%dt%H:%M:%Sz").replace(
        tzinfo=timezone.utc
    )
    assert asked_end >= before + timedelta(seconds=1)


@pytest.mark.parametrize(
    "first_answer",
    [
        pytest.param([{"id": n, "start_date": "2026-11-02T09:00:00Z"} for n in range(50)], id="a default page"),
        pytest.param({"record_count": 3, "timesheetevents": [{"id": 1, "start_date": "2026-11-02T09:00:00Z"}]},
                     id="fewer rows than record_count"),
    ],
)  # fmt: skip
def test_given_a_timesheet_window_cut_short_when_read_then_it_is_asked_again_in_halves(
    first_answer, requests_mock
):
    answers = iter([first_answer])
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    requests_mock.get(f"{INSTANCE}/api/TimesheetEvent", json=lambda request, context: next(answers, []))
    catalog = _catalog("timesheet_events")
    output = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    asked = [
        (r.qs["start_date"][0], r.qs["end_date"][0])
        for r in requests_mock.request_history
        if "/api/" in r.url
    ]
    assert not output.errors and not output.records  # the cut answer is discarded, not emitted
    whole, first, second = asked
    assert first[0] == whole[0] and second[1] == whole[1] and first[1] == second[0]


def test_given_appointments_when_read_then_only_a_start_bound(requests_mock):
    """The swagger reads end_date as "end date greater than": sending one could drop appointments."""
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    requests_mock.get(f"{INSTANCE}/api/Appointment", json={"record_count": 0, "appointments": []})
    catalog = _catalog("appointments")
    read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    assert requests_mock.last_request.qs == {
        **PAGED,
        "showall": ["true"],
        "showappointments": ["true"],
        "hidecompleted": ["false"],
        "order": ["id"],
        "start_date": ["2026-11-01t00:00:00z"],
    }


def test_given_project_milestones_when_read_then_one_full_project_read_per_project(requests_mock):
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    requests_mock.get(f"{INSTANCE}/api/FieldInfo", json=[])
    requests_mock.get(
        f"{INSTANCE}/api/Projects",
        json={
            "record_count": 2,
            "tickets": [
                {"id": 7, "last_update": "2026-11-02T00:00:00"},
                {"id": 9, "last_update": "2026-11-03T00:00:00"},
            ],
        },
    )
    requests_mock.get(
        f"{INSTANCE}/api/Projects/7", json={"id": 7, "milestones": [{"id": 1, "name": "Design"}]}
    )
    requests_mock.get(f"{INSTANCE}/api/Projects/9", json={"id": 9, "milestones": []})
    catalog = _catalog("project_milestones", SyncMode.incremental)
    output = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    assert [r.record.data for r in output.records] == [
        {"id": 1, "name": "Design", "ticket_id": 7, "project_last_update": "2026-11-02T00:00:00Z"}
    ]
    singles = [r for r in requests_mock.request_history if r.path.startswith("/api/projects/")]
    assert sorted(r.path for r in singles) == ["/api/projects/7", "/api/projects/9"]
    assert all(r.qs == {"includedetails": ["true"]} for r in singles)


def test_given_project_rows_carrying_milestones_when_first_read_then_no_project_is_read_alone(requests_mock):
    """A first sync takes milestones from the rows (the CDK's lazy read); a row without them, or with null,
    is read alone; an empty list is a project without milestones."""
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    requests_mock.get(f"{INSTANCE}/api/FieldInfo", json=[])
    rows = [
        {"id": 7, "last_update": "2026-11-02T00:00:00", "milestones": [{"id": 1, "name": "Design"}]},
        {"id": 8, "last_update": "2026-11-02T00:00:00", "milestones": []},
        {"id": 9, "last_update": "2026-11-03T00:00:00", "milestones": None},
        {"id": 10, "last_update": "2026-11-03T00:00:00"},
    ]
    requests_mock.get(f"{INSTANCE}/api/Projects", json={"record_count": 4, "tickets": rows})
    requests_mock.get(f"{INSTANCE}/api/Projects/9", json={"id": 9, "milestones": [{"id": 2}]})
    requests_mock.get(f"{INSTANCE}/api/Projects/10", json={"id": 10, "milestones": [{"id": 3}]})
    catalog = _catalog("project_milestones", SyncMode.incremental)
    output = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    assert not output.errors
    assert sorted((r.record.data["id"], r.record.data["ticket_id"]) for r in output.records) == [
        (1, 7),
        (2, 9),
        (3, 10),
    ]
    singles = [r for r in requests_mock.request_history if r.path.startswith("/api/projects/")]
    assert sorted(r.path for r in singles) == ["/api/projects/10", "/api/projects/9"]
    assert all(r.qs == {"includedetails": ["true"]} for r in singles)


def test_given_state_when_reading_milestones_then_each_changed_project_is_read_alone(requests_mock):
    """The CDK reads lazily only while the stream has no state: later syncs read each changed project."""
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    requests_mock.get(f"{INSTANCE}/api/FieldInfo", json=[])
    rows = [{"id": 7, "last_update": "2026-11-20T00:00:00", "milestones": [{"id": 1}]}]
    requests_mock.get(f"{INSTANCE}/api/Projects", json={"record_count": 1, "tickets": rows})
    requests_mock.get(f"{INSTANCE}/api/Projects/7", json={"id": 7, "milestones": [{"id": 1}, {"id": 5}]})
    catalog = _catalog("project_milestones", SyncMode.incremental)
    first = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    state = [first.state_messages[-1].state]
    listed = requests_mock.call_count
    second = read(SourceHalopsa(config=CONFIG, catalog=catalog, state=state), CONFIG, catalog, state=state)
    assert not second.errors
    assert [r.record.data["id"] for r in first.records] == [1]
    assert [r.record.data["id"] for r in second.records] == [1, 5]
    later = requests_mock.request_history[listed:]
    assert [r.path for r in later if r.path.startswith("/api/projects/")] == ["/api/projects/7"]
    assert [r.qs["lastupdatefromdate"] for r in later if r.path == "/api/projects"] == [
        ["2026-11-20t00:00:00z"]
    ]


def test_given_a_project_deleted_before_its_read_when_reading_milestones_then_it_is_skipped(
    requests_mock, caplog
):
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    rows = [{"id": 7, "last_update": "2026-11-02T00:00:00"}, {"id": 9, "last_update": "2026-11-03T00:00:00"}]
    requests_mock.get(f"{INSTANCE}/api/Projects", json={"record_count": 2, "tickets": rows})
    requests_mock.get(f"{INSTANCE}/api/Projects/7", status_code=404, json={})
    requests_mock.get(f"{INSTANCE}/api/Projects/9", json={"id": 9, "milestones": [{"id": 4}]})
    catalog = _catalog("project_milestones")
    output = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    assert not output.errors
    assert [(r.record.data["id"], r.record.data["ticket_id"]) for r in output.records] == [(4, 9)]
    assert "projects/7 was deleted during the sync; its project_milestones are skipped" in caplog.text.lower()


def test_given_invoice_rows_when_reading_lines_then_each_line_carries_its_invoice(requests_mock):
    """A row Halo sent without `lines`, or with null (includelines ignored there), is read alone; an empty
    list is an invoice without lines."""
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    rows = [
        {"id": 5, "lines": [{"id": 1, "ihid": 0}, {"id": 2}]},
        {"id": 6},
        {"id": 7, "lines": []},
        {"id": 8, "lines": None},
    ]
    requests_mock.get(f"{INSTANCE}/api/Invoice", json={"record_count": 4, "invoices": rows})
    requests_mock.get(f"{INSTANCE}/api/Invoice/6", json={"id": 6, "lines": [{"id": 3}]})
    requests_mock.get(f"{INSTANCE}/api/Invoice/8", json={"id": 8, "lines": [{"id": 4}]})
    catalog = _catalog("invoice_lines")
    output = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    lines = [(r.record.data["id"], r.record.data["ihid"]) for r in output.records]
    assert lines == [(1, 5), (2, 5), (3, 6), (4, 8)]
    singles = [r for r in requests_mock.request_history if r.path.startswith("/api/invoice/")]
    assert [r.path for r in singles] == ["/api/invoice/6", "/api/invoice/8"]
    assert all(r.qs == {"includedetails": ["true"]} for r in singles)


def test_given_clients_when_reading_crm_notes_then_one_request_per_client(requests_mock):
    """HaloAPI marks client_id mandatory on /CRMNote: asked per client, notes are complete either way."""
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    requests_mock.get(f"{INSTANCE}/api/Client", json={"record_count": 2, "clients": [{"id": 12}, {"id": 40}]})
    requests_mock.get(
        f"{INSTANCE}/api/CRMNote", json={"record_count": 1, "actions": [{"id": 1, "client_id": 12}]}
    )
    catalog = _catalog("crm_notes")
    output = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    # one per client; the rest are the read-time check's count=1 and count=2 (read_context.py)
    notes = [
        r for r in requests_mock.request_history if r.path == "/api/crmnote" and r.qs["count"] == ["1000000"]
    ]
    assert sorted(r.qs["client_id"][0] for r in notes) == ["12", "40"]
    assert all(r.qs["count"] == ["1000000"] for r in notes)
    # the same note answered for client 40 belongs to client 12 only
    assert [m.record.data["id"] for m in output.records] == [1]
