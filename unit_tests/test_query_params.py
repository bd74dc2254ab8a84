"""The exact requests of every stream, pinned: Halo silently ignores a misspelled parameter.

The CDK's HttpMocker answers only the exact requests each test lists (time frozen, so windows are exact)
and fails the test when one of them is never made. Names come from Halo's swagger
(halo-swagger-2024.json) and halopsa-api.md §2-4.
"""

import json
from pathlib import Path

import freezegun
import pytest
import yaml
from airbyte_cdk.models import (
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse

from source_halopsa import SourceHalopsa
from source_halopsa.source import MANIFEST_PATH

INSTANCE = "https://acme.halopsa.com"
MANIFEST = yaml.safe_load(Path(MANIFEST_PATH).read_text())
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
TICKET_QUERY_WITHOUT_CUSTOM_FIELDS = {
    **PAGED,
    "includeslaactiondate": ["true"],
    "includeslatimer": ["true"],
    "order": ["id"],
}
TICKET_QUERY = {**TICKET_QUERY_WITHOUT_CUSTOM_FIELDS, **CUSTOM_FIELDS}
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
    # The swagger reads end_date as "end date greater than": sending one could drop appointments.
    "appointments": (
        "Appointment",
        {
            **PAGED,
            "showall": ["true"],
            "showappointments": ["true"],
            "hidecompleted": ["false"],
            "order": ["id"],
        },
    ),
    # The parent list without custom fields; a first sync takes milestones from its rows.
    "project_milestones": ("Projects", {**TICKET_QUERY_WITHOUT_CUSTOM_FIELDS}),
}
LAST_UPDATE = ("lastupdatefromdate", "lastupdatetodate")
DATE_FILTERS = {
    "tickets": LAST_UPDATE,
    "opportunities": LAST_UPDATE,
    "projects": LAST_UPDATE,
    "project_tasks": LAST_UPDATE,
    "timesheet_events": ("start_date", "end_date"),
    "appointments": ("start_date",),
    "project_milestones": LAST_UPDATE,
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


# The sync's frozen "now": every window of the table test ends here.
NOW = "2026-11-30T12:00:00Z"
WINDOWS = {
    "lastupdatefromdate": "2026-11-01T00:00:00Z",
    "lastupdatetodate": NOW,
    "start_date": "2026-11-01T00:00:00Z",
    "end_date": "2026-11-30T12:00:01Z",  # up to the next window's start: one second past the slice
}
CUSTOM_FIELD_STREAMS = {"tickets", "projects", "project_tasks", "opportunities", "deleted_tickets"}
# What the custom-field check lists for each stream (one row, every custom field asked for): a row with
# custom fields, so the check passes without reading a ticket alone (read_context.custom_fields_listed).
CHECKED_LIST = {"opportunities": "Opportunities", "projects": "Projects"}
# An answer per stream and the record ids it yields. Rows carry what the stream keeps them by: a task its
# project parent, a line list its invoice.
ROWS = {
    "project_tasks": [{"id": 2, "parent_id": 9}],
    "tickets": [{"id": 2, "parent_id": 0}],
    "invoice_lines": [{"id": 7, "lines": [{"id": 2}]}],
    "project_milestones": [{"id": 7, "last_update": "2026-11-02T00:00:00", "milestones": [{"id": 2}]}],
}


# The client-credentials grant, form-encoded in this order (auth.py).
TOKEN_REQUEST = HttpRequest(
    f"{INSTANCE}/auth/token",
    query_params={"tenant": "acme"},
    body="grant_type=client_credentials&client_id=cid&client_secret=s3cret-value&scope=all",
)


def _envelope(name, rows):
    if name == "project_milestones":  # the list read is its parent's, the projects
        name = "projects"
    key = next(s["$parameters"]["data_key"] for s in MANIFEST["streams"] if s.get("name") == name)
    return {"record_count": len(rows), key: rows}


def _get(path, query):
    return HttpRequest(f"{INSTANCE}/api/{path}", query_params=query)


def _answer(body):
    return HttpResponse(json.dumps(body))


class _Halo:
    """HttpMocker's exact requests, each of which the test then requires to have been made exactly once
    (as a context manager, HttpMocker alone does not check that a mocked request was made)."""

    def __init__(self, http):
        self.http, self.expected = http, []
        self.post(TOKEN_REQUEST, {"access_token": "tok", "expires_in": 3600})

    def get(self, path, query, body):
        request = _get(path, query)
        self.http.get(request, _answer(body))
        self.expected.append(request)

    def post(self, request, body):
        self.http.post(request, _answer(body))
        self.expected.append(request)

    def verify(self):
        for request in self.expected:
            self.http.assert_number_of_calls(request, 1)


@freezegun.freeze_time(NOW)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_given_stream_when_read_then_its_request_is_exactly_the_pinned_one(name):
    """HttpMocker answers only the exact requests below; each must be made exactly once."""
    path, params = EXPECTED[name]
    query = {**params, **{key: [WINDOWS[key]] for key in DATE_FILTERS.get(name, ())}}
    rows = ROWS.get(name, [{"id": 2}])
    with HttpMocker() as http:
        halo = _Halo(http)
        if name in CUSTOM_FIELD_STREAMS:
            halo.get("FieldInfo", {"count": "100000"}, [{"id": 5}, {"id": 3}])
            checked = {"pageinate": "true", "page_size": "1", "page_no": "1", "include_custom_fields": "3,5"}
            listed = {"record_count": 1, "tickets": [{"id": 1, "customfields": [{"id": 3}]}]}
            halo.get(CHECKED_LIST.get(name, "Tickets"), checked, listed)
        if name == "project_tasks":  # which parents are projects: asked with the page's child rows
            asked = {"ticketids": "2,9", "pageinate": "true", "page_size": "100", "page_no": "1"}
            halo.get("Projects", asked, {"record_count": 1, "tickets": [{"id": 9}]})
        if name == "project_milestones":  # whether list rows carry milestones: a row against its project
            halo.get(
                "Projects",
                {"pageinate": "true", "page_size": "20", "page_no": "1", "order": "id"},
                _envelope(name, rows),
            )
            halo.get("Projects/7", {"includedetails": "true"}, {"id": 7, "milestones": [{"id": 2}]})
        if name == "tickets":  # project headers the window listed, which the stream drops: none
            asked = {"lastupdatefromdate": WINDOWS["lastupdatefromdate"], **PAGED}
            halo.get("Projects", asked, {"record_count": 0, "tickets": []})
        body = rows if "count" in params and name != "agents" else _envelope(name, rows)
        halo.get(path, query, body)
        output = read(SourceHalopsa(config=CONFIG, catalog=_catalog(name)), CONFIG, _catalog(name))
        halo.verify()
    assert not output.errors, [error.trace.error.message for error in output.errors]
    assert [record.record.data["id"] for record in output.records] == [2]


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
    # the read-time check: the row with the most milestones against its project read alone
    requests_mock.get(
        f"{INSTANCE}/api/Projects/7", json={"id": 7, "milestones": [{"id": 1, "name": "Design"}]}
    )
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
    assert sorted(r.path for r in singles) == ["/api/projects/10", "/api/projects/7", "/api/projects/9"]
    assert all(r.qs == {"includedetails": ["true"]} for r in singles)


@pytest.mark.parametrize(
    "listed, alone",
    [
        pytest.param([], [{"id": 3}], id="rows always carry an empty list"),
        pytest.param([{"id": 3}], [{"id": 3}, {"id": 4}], id="rows carry some of them"),
        pytest.param([3], [{"id": 3}], id="rows carry ids, not milestones"),
    ],
)
def test_given_project_rows_not_carrying_every_milestone_when_first_read_then_each_project_is_read_alone(
    requests_mock, listed, alone
):
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    rows = [
        {"id": 7, "last_update": "2026-11-02T00:00:00", "milestones": listed},
        {"id": 8, "last_update": "2026-11-02T00:00:00", "milestones": []},
    ]
    requests_mock.get(f"{INSTANCE}/api/Projects", json={"record_count": 2, "tickets": rows})
    requests_mock.get(f"{INSTANCE}/api/Projects/7", json={"id": 7, "milestones": alone})
    requests_mock.get(f"{INSTANCE}/api/Projects/8", json={"id": 8, "milestones": []})
    catalog = _catalog("project_milestones", SyncMode.incremental)
    output = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    assert not output.errors
    assert sorted(r.record.data["id"] for r in output.records) == [m["id"] for m in alone]
    singles = {r.path for r in requests_mock.request_history if r.path.startswith("/api/projects/")}
    assert singles == {"/api/projects/7", "/api/projects/8"}


def test_given_state_when_reading_milestones_then_each_changed_project_is_read_alone(requests_mock):
    """The CDK reads lazily only while the stream has no state: later syncs read each changed project."""
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    requests_mock.get(f"{INSTANCE}/api/FieldInfo", json=[])
    rows = [{"id": 7, "last_update": "2026-11-20T00:00:00", "milestones": [{"id": 1}]}]
    requests_mock.get(f"{INSTANCE}/api/Projects", json={"record_count": 1, "tickets": rows})
    requests_mock.get(f"{INSTANCE}/api/Projects/7", json={"id": 7, "milestones": [{"id": 1}]})
    catalog = _catalog("project_milestones", SyncMode.incremental)
    first = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    state = [first.state_messages[-1].state]
    # a milestone added to the project, whose list row the lookback lists again
    requests_mock.get(f"{INSTANCE}/api/Projects/7", json={"id": 7, "milestones": [{"id": 1}, {"id": 5}]})
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


@freezegun.freeze_time(NOW)
def test_given_contact_history_when_read_then_each_clients_notes_are_asked_for_exactly():
    """The clients list, then one `/CRMNote?client_id=` per client asking for every note; before them the
    check whether `count` is honoured (`count=1`, then `count=2`, without a client first)."""
    clients = {"pageinate": "true", "order": "id", "includeactive": "true", "includeinactive": "true"}
    with HttpMocker() as http:
        halo = _Halo(http)
        halo.get(
            "Client",
            {"pageinate": "true", "page_size": "5", "page_no": "1", "order": "id"},
            {"record_count": 1, "clients": [{"id": 4}]},
        )
        halo.get("CRMNote", {"count": "1"}, [{"id": 1, "client_id": 4}])
        halo.get("CRMNote", {"count": "2"}, [{"id": 1, "client_id": 4}, {"id": 2}])
        halo.get(
            "Client",
            {**clients, "page_size": "100", "page_no": "1"},
            {"record_count": 1, "clients": [{"id": 4}]},
        )
        halo.get(
            "CRMNote",
            {"client_id": "4", "count": "1000000"},
            [{"id": 1, "client_id": 4}, {"id": 3, "client_id": 8}],
        )
        output = read(
            SourceHalopsa(config=CONFIG, catalog=_catalog("crm_notes")), CONFIG, _catalog("crm_notes")
        )
        halo.verify()
    assert not output.errors, [error.trace.error.message for error in output.errors]
    # A note naming another client is that client's partition's to emit.
    assert [record.record.data["id"] for record in output.records] == [1]


@freezegun.freeze_time(NOW)
def test_given_actions_when_read_then_one_exact_day_window_each():
    """With no ticket acted on yet, the window check has nothing to look for: one request per day."""
    days = [f"2026-11-{day:02d}T00:00:00Z" for day in range(1, 31)] + [NOW]
    with HttpMocker() as http:
        halo = _Halo(http)
        newest_action = {"pageinate": "true", "page_size": "100", "page_no": "1", "order": "lastactiondate"}
        halo.get("Tickets", {**newest_action, "orderdesc": "true"}, {"record_count": 0, "tickets": []})
        for start, end in zip(days, days[1:], strict=False):
            asked_end = end if end != NOW else "2026-11-30T12:00:01Z"
            window = {"startdate": start, "enddate": asked_end, "count": "1000", "excludesys": "false"}
            halo.get("Actions", window, {"record_count": 0, "actions": []})
        output = read(SourceHalopsa(config=CONFIG, catalog=_catalog("actions")), CONFIG, _catalog("actions"))
        halo.verify()
    assert not output.errors, [error.trace.error.message for error in output.errors]
