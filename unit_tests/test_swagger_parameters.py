"""Every query parameter the connector sends exists in Halo's swagger for the path it is sent to.

Halo ignores a parameter it does not know, silently: a misspelled `pageinate` returns the first page
with no error. The requests checked are the real ones, captured while every stream of the manifest is
read (incremental where it can be, with no start date, so the read-time look-ups of read_context.py
run too) and while the connection check runs, against a mock that answers every GET. Nothing here is
a copy of the manifest's parameters, so a parameter added to it is checked as soon as it is added.

Names are compared exactly as the swagger (reference/halo-swagger-2024-slice.json, the in-repo
extract of ../shared/reference/halo-swagger-2024.json) spells them. Halo itself matches query names
without regard to case in practice (ASP.NET binding) and the connector sends them lower-case, as the
swagger spells every one it uses; comparing exactly also catches `Page_No`-style drift. Paths are
compared without regard to case (`/api/authinfo` is the swagger's `/AuthInfo`); `{id}` in a swagger
path matches any one segment (`Projects/{{ stream_partition.project_id }}` is `/Projects/{id}`).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests_mock as requests_mock_module
from airbyte_cdk.models import (
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)
from airbyte_cdk.test.entrypoint_wrapper import read

from source_halopsa import SourceHalopsa, auth
from source_halopsa import source as source_module
from source_halopsa.check import check_halo_connection

REPO_ROOT = Path(__file__).resolve().parent.parent
SLICE = REPO_ROOT / "reference" / "halo-swagger-2024-slice.json"
MANIFEST = REPO_ROOT / "source_halopsa" / "manifest.yaml"

INSTANCE = "https://acme.halopsa.com"
# No tenant (auth.py asks /api/authinfo), no start date (read_context.py looks for the earliest
# ticket), a budget that never waits.
CONFIG = {
    "instance_url": INSTANCE,
    "client_id": "cid",
    "client_secret": "s3cret-value",
    "lookback_window_minutes": 0,
    "rate_limit_requests": 100000,
}

# (swagger path, parameter) -> why the connector sends a parameter the 2024 swagger lacks there.
ALLOWED: dict[tuple[str, str], str] = {
    ("/Tickets", "include_custom_fields"): (
        "halopsa-api.md §2.3 (/Tickets parameters) and §5 (shape-changing parameters): a comma list of "
        "FieldInfo ids that adds customfields to list rows; used by django-psa (topleft-team/django-psa)"
    ),
    ("/Projects", "include_custom_fields"): (
        "halopsa-api.md §2.3: /Projects is the same Faults list as /Tickets (same 190 parameters; HaloAPI, "
        "pyhalopsa), so /Tickets' include_custom_fields (§5, django-psa) applies"
    ),
    ("/Opportunities", "include_custom_fields"): (
        "halopsa-api.md §2.3: /Opportunities is the same Faults list as /Tickets (same 190 parameters; "
        "HaloAPI, pyhalopsa), so /Tickets' include_custom_fields (§5, django-psa) applies"
    ),
    **{
        (path, "count"): (
            "halopsa-api.md §9 (Servosity/msp-skills #203, #211, #213): without paging Halo answers the agent's "
            "default page of 50 rows unless `count` asks for more (§3: 'When not using pagination, the number "
            "of results to return'); sent to unpaged lists whose swagger entry omits it, where an unknown "
            "parameter is ignored (§8)"
        )
        for path in (
            "/Team",
            "/Agent",
            "/Status",
            "/TicketType",
            "/Priority",
            "/SLA",
            "/AssetType",
            "/FieldInfo",
            "/ChargeRate",
            "/TimesheetEvent",
        )
    },
}


def load_slice() -> dict:
    return json.loads(SLICE.read_text(encoding="utf-8"))


SWAGGER_PATHS: dict[str, dict] = load_slice()["paths"]


def swagger_path(path: str) -> str | None:
    """The swagger path a request path (after /api) falls under, or None."""
    segments = path.strip("/").lower().split("/")
    for candidate in SWAGGER_PATHS:
        parts = candidate.strip("/").split("/")
        if len(parts) == len(segments) and all(
            part.startswith("{") or part.lower() == segment
            for part, segment in zip(parts, segments, strict=True)
        ):
            return candidate
    return None


def query_names(url: str) -> list[str]:
    return [name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)]


def unknown_parameters(requests: list[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    """(swagger path or request path, parameter) -> origins, for every name the swagger lacks there.

    `requests` holds (origin, URL) pairs; a path outside the slice is reported as (path, "<path>").
    """
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for origin, url in requests:
        path = urlsplit(url).path.split("/api", 1)[-1]
        template = swagger_path(path)
        if template is None:
            found[(path, "<path>")].add(origin)
            continue
        known = SWAGGER_PATHS[template]["get"]["parameters"].get("query", {})
        for name in query_names(url):
            if name not in known and (template, name) not in ALLOWED:
                found[(template, name)].add(origin)
    return {key: sorted(origins) for key, origins in sorted(found.items())}


# --- capturing the connector's requests ---------------------------------------------------------------


def _halo_answer(request, context):
    """A minimal Halo: one row on every list, so every partition router and look-up has work to do.

    /Projects lists project 7 and /Tickets a child of it (project_tasks then lists the projects,
    read_context.py); /FieldInfo one custom field (include_custom_fields); other lists one row, bare.
    """
    path = urlsplit(request.url).path.lower().split("/api/", 1)[-1].strip("/")
    when = (datetime.now(timezone.utc) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")
    row = {"id": 1, "ticket_id": 1, "client_id": 1, "last_update": when, "dateoccurred": when, "datetime": when,
           "start_date": when, "end_date": when}  # fmt: skip
    if path == "authinfo":
        return {}
    if path == "fieldinfo":
        return [{"id": 5, "name": "CFRef"}]
    if path == "projects":
        return {"record_count": 1, "tickets": [{**row, "id": 7}]}
    if path.startswith("projects/"):
        return {"id": int(path.rsplit("/", 1)[-1]), "milestones": []}
    if path == "tickets":
        return {"record_count": 1, "tickets": [{**row, "id": 8, "parent_id": 7}]}
    # A bare list carries no record_count, so a paged stream asks for page 2: the list has ended there.
    return [row] if request.qs.get("page_no", ["1"]) == ["1"] else []


def _mock(mocker: requests_mock_module.Mocker) -> None:
    mocker.post(re.compile(r".*/token"), json={"access_token": "tok", "expires_in": 3600})
    mocker.get(re.compile(re.escape(INSTANCE) + r"/api/.*"), json=_halo_answer)


def _api_gets(mocker: requests_mock_module.Mocker, origin: str) -> list[tuple[str, str]]:
    return [(origin, r.url) for r in mocker.request_history if r.method == "GET" and "/api/" in r.url]


def _read_stream(name: str) -> list[tuple[str, str]]:
    auth._SOURCES.clear()
    stream = next(s for s in SourceHalopsa(config=CONFIG).discover(None, CONFIG).streams if s.name == name)
    mode = (
        SyncMode.incremental if SyncMode.incremental in stream.supported_sync_modes else SyncMode.full_refresh
    )
    catalog = ConfiguredAirbyteCatalog(
        streams=[
            ConfiguredAirbyteStream(
                stream=stream, sync_mode=mode, destination_sync_mode=DestinationSyncMode.append
            )
        ]
    )
    with requests_mock_module.Mocker() as mocker:
        _mock(mocker)
        output = read(SourceHalopsa(config=CONFIG, catalog=catalog), CONFIG, catalog)
        assert not output.errors, output.errors
        return _api_gets(mocker, f"stream {name}")


def _check() -> list[tuple[str, str]]:
    auth._SOURCES.clear()
    with requests_mock_module.Mocker() as mocker:
        _mock(mocker)
        assert check_halo_connection(CONFIG) == (True, None)
        return _api_gets(mocker, "check")


def stream_names() -> list[str]:
    return [stream.name for stream in SourceHalopsa(config=CONFIG).discover(None, CONFIG).streams]


@pytest.fixture(scope="module")
def connector_requests() -> list[tuple[str, str]]:
    captured = _check()
    for name in stream_names():
        captured += _read_stream(name)
    auth._SOURCES.clear()
    return captured


# --- the tests ------------------------------------------------------------------------------------------


def test_given_every_stream_and_the_check_when_run_then_every_query_parameter_is_in_the_swagger(
    connector_requests,
):
    assert unknown_parameters(connector_requests) == {}, (
        "parameters the swagger lacks for that path (a typo? else add (path, param) to ALLOWED with a source); "
        "'<path>': a path outside reference/halo-swagger-2024-slice.json (add it to PATHS in "
        "tools/extract_swagger.py and regenerate)"
    )


def test_given_the_capture_when_read_then_it_saw_the_streams_the_probes_and_the_look_ups(connector_requests):
    """The capture is only as good as its coverage: every stream's own requests, and these parameters."""
    by_origin: dict[str, set[str]] = defaultdict(set)
    for origin, url in connector_requests:
        by_origin[origin].add(swagger_path(urlsplit(url).path.split("/api", 1)[-1]))
    assert set(by_origin) == {f"stream {name}" for name in stream_names()} | {"check"}
    for name in stream_names():  # beyond authinfo and the custom-field look-up
        own = (
            by_origin[f"stream {name}"] - {"/AuthInfo"} - ({"/FieldInfo"} if name != "field_info" else set())
        )
        assert own, name
    seen = {(swagger_path(urlsplit(url).path.split("/api", 1)[-1]), name) for _, url in connector_requests
            for name in query_names(url) or [""]}  # fmt: skip
    for expected in [
        ("/AuthInfo", ""),  # auth.py: no tenant configured
        ("/Tickets", "pageinate"),  # paginator
        ("/Tickets", "page_no"),
        ("/Tickets", "lastupdatefromdate"),  # cursor
        ("/Tickets", "orderdesc"),  # read_context.py: earliest ticket
        ("/Tickets", "include_custom_fields"),  # read_context.py: custom field ids
        ("/Actions", "startdate"),  # window cursor
        ("/Projects/{id}", "includedetails"),  # partition router
        ("/TimesheetEvent", "end_date"),  # check.py optional probe and window cursor
    ]:
        assert expected in seen


def test_allow_list_entries_are_needed_and_used(connector_requests):
    sent = {
        (swagger_path(urlsplit(url).path.split("/api", 1)[-1]), name)
        for _, url in connector_requests
        for name in query_names(url)
    }
    for (path, name), source in ALLOWED.items():
        assert name not in SWAGGER_PATHS[path]["get"]["parameters"].get("query", {}), (
            f"{path} {name}: in swagger"
        )
        assert (path, name) in sent, f"{path} {name}: no longer sent; drop it from ALLOWED"
        assert source.strip()


def test_given_a_misspelled_or_miscased_parameter_then_it_is_reported():
    requests = [
        ("probe", f"{INSTANCE}/api/Client?paginate=true&page_size=1&page_no=1"),
        ("probe", f"{INSTANCE}/api/Projects/7?includedetails=true&IncludeDetails=true"),
        ("probe", f"{INSTANCE}/api/Tickes?order=id"),
        ("probe", f"{INSTANCE}/api/tickets?include_custom_fields=5"),  # allowed, path case ignored
    ]
    assert unknown_parameters(requests) == {
        ("/Client", "paginate"): ["probe"],
        ("/Projects/{id}", "IncludeDetails"): ["probe"],
        ("/Tickes", "<path>"): ["probe"],
    }


def test_given_a_manifest_with_a_misspelled_parameter_when_read_then_it_is_reported(tmp_path, monkeypatch):
    text = MANIFEST.read_text(encoding="utf-8")
    assert "pageinate='true'" in text
    broken = tmp_path / "manifest.yaml"
    broken.write_text(text.replace("pageinate='true'", "paginate='true'"), encoding="utf-8")
    monkeypatch.setattr(source_module, "MANIFEST_PATH", str(broken))
    unknown = unknown_parameters(_read_stream("clients"))
    assert unknown == {("/Client", "paginate"): ["stream clients"]}
