"""The exact query string of every stream, pinned: Halo silently ignores a misspelled parameter.

Names come from Halo's swagger (halo-swagger-2024.json) and halopsa-api.md §2-4.
"""

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

EXPECTED = {
    "tickets": (
        "Tickets",
        {
            **PAGED,
            "include_custom_fields": ["true"],
            "includeslaactiondate": ["true"],
            "includeslatimer": ["true"],
            "order": ["id"],
        },
    ),
    "teams": ("Team", {"includedisabled": ["true"], "includeenabled": ["true"]}),
    "agents": (
        "Agent",
        {
            "includeenabled": ["true"],
            "includedisabled": ["true"],
            "includeunassigned": ["true"],
            "includeapiagents": ["true"],
        },
    ),
    "statuses": ("Status", {}),
    "ticket_types": ("TicketType", {"showinactive": ["true"]}),
    "priorities": ("Priority", {}),
    "slas": ("SLA", {"showpriorities": ["true"]}),
}
DATE_FILTERS = {"tickets": ("lastupdatefromdate", "lastupdatetodate")}


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
    requests_mock.get(f"{INSTANCE}/api/{EXPECTED.get(name, ('Actions',))[0]}", json=body)
    catalog = _catalog(name)
    output = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
    assert not output.errors, output.errors
    return [request for request in requests_mock.request_history if "/api/" in request.url]


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
    requests = _read("actions", requests_mock, {"record_count": 0, "actions": []})
    assert len(requests) >= 20  # one per day since 2026-11-01
    first = requests[0].qs
    assert first == {
        "count": ["1000"],
        "excludesys": ["false"],
        "startdate": ["2026-11-01t00:00:00z"],
        "enddate": ["2026-11-01t23:59:59z"],
    }
