"""The connector changes the fault matrix (integration_tests/test_faults.py) led to, one by one:
repeated pages and malformed JSON retried (HaloAnswerGuard, on every requester), request timeouts set, the token masked in logs, the
token endpoint's redirects not followed, and an unavailable token endpoint reported as transient."""

import json
from pathlib import Path

import pytest
import requests
import yaml
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.models import CompositeErrorHandler as CompositeErrorHandlerModel
from airbyte_cdk.sources.declarative.parsers.manifest_component_transformer import (
    ManifestComponentTransformer,
)
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets, update_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa import auth, components
from source_halopsa.auth import token_source_for
from source_halopsa.components import HaloAnswerGuard, HaloPageIncrement, HaloRecordExtractor

MANIFEST = yaml.safe_load((Path(__file__).parent.parent / "source_halopsa" / "manifest.yaml").read_text())
INSTANCE = "https://acme.halopsa.com"
CONFIG = {"instance_url": INSTANCE, "client_id": "cid", "client_secret": "s3cret-value", "tenant": "acme"}
LISTING = f"{INSTANCE}/api/Tickets?pageinate=true&order=id&page_size=100"


def _response(url, body, status=200):
    response = requests.Response()
    response.status_code = status
    response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response.request = requests.Request("GET", url).prepare()
    response.url = url
    return response


def _page(first_id, page_no, listing=LISTING):
    return _response(f"{listing}&page_no={page_no}", {"record_count": 300, "tickets": [{"id": first_id}]})


@pytest.fixture
def guard():
    return HaloAnswerGuard(config={}, parameters={"name": "tickets"}, data_key="tickets")


class TestRepeatedPages:
    def test_given_page_2_starting_like_page_1_when_interpreted_then_retried(self, guard):
        assert guard.interpret_response(_page(1, 1)) is None
        resolution = guard.interpret_response(_page(1, 2))
        assert resolution.response_action == ResponseAction.RETRY
        assert resolution.failure_type == FailureType.transient_error
        assert "page 2 of tickets with the rows of page 1 again" in resolution.error_message

    def test_given_retried_page_now_right_when_interpreted_then_passed_on(self, guard):
        guard.interpret_response(_page(1, 1))
        guard.interpret_response(_page(1, 2))
        assert guard.interpret_response(_page(101, 2)) is None
        assert guard.interpret_response(_page(201, 3)) is None

    def test_given_page_repeating_the_page_before_when_interpreted_then_retried(self, guard):
        for page, first in ((1, 1), (2, 101)):
            guard.interpret_response(_page(first, page))
        assert guard.interpret_response(_page(101, 3)).response_action == ResponseAction.RETRY

    def test_given_same_page_read_again_when_interpreted_then_not_a_repeat(self, guard):
        """A page re-read on purpose (a retry, a second sync in the process) is the same page, not a repeat."""
        for _ in range(2):
            assert guard.interpret_response(_page(1, 1)) is None
            assert guard.interpret_response(_page(101, 2)) is None

    def test_given_other_listing_when_interpreted_then_pages_kept_apart(self, guard):
        guard.interpret_response(_page(1, 1))
        other = f"{INSTANCE}/api/Tickets?pageinate=true&order=id&page_size=100&deleted=true"
        assert guard.interpret_response(_page(1, 2, other)) is None

    @pytest.mark.parametrize(
        "response",
        [
            pytest.param(
                _response(f"{LISTING}&page_no=2", {"tickets": [{"id": 1}]}, 500), id="test_error_status"
            ),
            pytest.param(_response(f"{INSTANCE}/api/Status", [{"id": 1}]), id="test_not_paged"),
            pytest.param(
                _response(f"{LISTING}&page_no=2", {"record_count": 0, "tickets": []}), id="test_empty"
            ),
            pytest.param(requests.ConnectionError("reset"), id="test_exception"),
        ],
    )
    def test_given_anything_but_a_repeated_page_when_interpreted_then_left_to_the_next_handler(
        self, guard, response
    ):
        guard.interpret_response(_page(1, 1))
        assert guard.interpret_response(response) is None


class TestUnreadableAnswers:
    @pytest.mark.parametrize(
        "body",
        [b'{"record_count": 3, "tickets": [{"id": 1}, {"i', b"", b"<html>proxy error</html>", b"{}"],
        ids=["test_cut_short", "test_empty_body", "test_html", "test_empty_object"],
    )
    def test_given_body_that_is_not_json_when_interpreted_then_retried(self, guard, body):
        resolution = guard.interpret_response(_response(f"{INSTANCE}/api/Tickets", body))
        assert resolution.response_action == ResponseAction.RETRY
        assert "tickets was not valid JSON" in resolution.error_message

    @pytest.mark.parametrize(
        "body",
        [{"record_count": 0, "tickets": []}, [], [{"id": 1}]],
        ids=["test_envelope", "test_empty", "test_array"],
    )
    def test_given_json_when_interpreted_then_left_to_the_next_handler(self, guard, body):
        assert guard.interpret_response(_response(f"{INSTANCE}/api/Tickets", body)) is None

    def test_given_json_when_read_by_guard_paginator_and_extractor_then_decoded_once(
        self, guard, monkeypatch
    ):
        response = _response(f"{LISTING}&page_no=1", {"record_count": 2, "tickets": [{"id": 1}, {"id": 2}]})
        calls = []
        real_loads = components.orjson.loads
        monkeypatch.setattr(components.orjson, "loads", lambda data: calls.append(1) or real_loads(data))
        guard.interpret_response(response)
        extractor = HaloRecordExtractor(data_key="tickets", parameters={}, config={})
        assert [row["id"] for row in extractor.extract_records(response)] == [1, 2]
        paginator = HaloPageIncrement(page_size=1, parameters={}, data_key="tickets")
        assert paginator.next_page_token(response, 2, None, None) is None
        assert len(calls) == 1


def _manifest_handlers():
    """Every error handler a requester of the manifest uses, built by the CDK's factory, with its stream."""
    resolved = ManifestReferenceResolver().preprocess_manifest(MANIFEST)
    resolved = ManifestComponentTransformer().propagate_types_and_parameters("", resolved, {})
    factory = ModelToComponentFactory()
    found = []

    def visit(node, stream):
        if isinstance(node, dict):
            stream = node.get("name", stream) if node.get("type") == "DeclarativeStream" else stream
            if node.get("type") == "HttpRequester":
                found.append((stream, node["path"], node["error_handler"]))
            for value in node.values():
                visit(value, stream)
        elif isinstance(node, list):
            for value in node:
                visit(value, stream)

    visit(resolved["streams"], None)
    return [
        (stream, path, factory.create_component(CompositeErrorHandlerModel, handler, CONFIG))
        for stream, path, handler in found
    ]


class TestEveryRequester:
    """What each stream's requester does with an unreadable answer and with error statuses."""

    @pytest.fixture(scope="class")
    def handlers(self):
        return _manifest_handlers()

    def test_given_manifest_then_every_stream_has_its_requesters(self, handlers):
        assert {stream for stream, _, _ in handlers} >= {
            "tickets",
            "actions",
            "timesheet_events",
            "project_milestones",
        }

    def test_given_answer_that_is_not_json_when_any_requester_reads_it_then_retried(self, handlers):
        for stream, _, handler in handlers:
            resolution = handler.interpret_response(_response(f"{INSTANCE}/api/Tickets", b"<html>"))
            assert resolution.response_action == ResponseAction.RETRY, stream
            assert "was not valid JSON" in resolution.error_message, stream
            assert handler.max_retries == 10, stream

    @pytest.mark.parametrize(
        "status, action",
        [(401, ResponseAction.RETRY), (403, ResponseAction.FAIL), (429, ResponseAction.RATE_LIMITED)],
    )
    def test_given_an_error_status_with_an_empty_body_when_read_then_the_status_decides(
        self, handlers, status, action
    ):
        for stream, _, handler in handlers:
            resolution = handler.interpret_response(_response(f"{INSTANCE}/api/Tickets", b"", status))
            assert resolution.response_action == action, stream
            assert "not valid JSON" not in (resolution.error_message or ""), stream

    def test_given_404_when_read_then_a_list_fails_and_a_record_read_alone_is_skipped(self, handlers):
        """A list that is not there means a wrong Instance URL; a record read alone was deleted meanwhile."""
        for stream, path, handler in handlers:
            resolution = handler.interpret_response(_response(f"{INSTANCE}/api/Tickets", b"", 404))
            read_alone = "stream_partition" in path or "stream_slice" in path
            assert resolution.response_action == (
                ResponseAction.IGNORE if read_alone else ResponseAction.FAIL
            ), (
                stream,
                path,
            )

    @pytest.mark.parametrize(
        "rows, action", [(1000, ResponseAction.SPLIT_REQUEST_WINDOW), (999, ResponseAction.SUCCESS)]
    )
    def test_given_a_window_answer_when_read_then_split_if_cut_short_and_decoded_once(
        self, handlers, monkeypatch, rows, action
    ):
        """The window streams' split predicate (Jinja) reads the guard's decode, not a stdlib one."""
        stdlib = []
        real = requests.models.complexjson.loads
        monkeypatch.setattr(
            requests.models.complexjson, "loads", lambda *a, **k: stdlib.append(1) or real(*a, **k)
        )
        keys = {"actions": "actions", "timesheet_events": "timesheetevents"}
        windows = [(stream, handler) for stream, _, handler in handlers if stream in keys]
        assert len(windows) == 2
        for stream, handler in windows:
            body = {"record_count": rows, keys[stream]: [{"id": n} for n in range(rows)]}
            resolution = handler.interpret_response(_response(f"{INSTANCE}/api/{stream}?count=100000", body))
            assert resolution.response_action == action, stream
        assert stdlib == []

    @pytest.mark.parametrize(
        "answer",
        [_response(f"{INSTANCE}/api/Tickets", b"<html>", 503), requests.ConnectionError("reset")],
        ids=["test_503", "test_connection_reset"],
    )
    def test_given_a_transient_failure_when_read_then_retried_with_halos_backoff(self, handlers, answer):
        for stream, _, handler in handlers:
            assert handler.interpret_response(answer).response_action == ResponseAction.RETRY, stream
            assert [type(b).__name__ for b in handler.backoff_strategies] == ["HaloBackoff"], stream


class TestTokenSafety:
    @pytest.fixture(autouse=True)
    def no_sleep(self, monkeypatch):
        monkeypatch.setattr(auth.time, "sleep", lambda seconds: None)

    def test_given_token_fetched_when_logged_then_masked_by_the_cdk_filter(self, requests_mock):
        update_secrets([])  # the CDK's list is process-wide: start from what this test registers
        requests_mock.post(
            f"{INSTANCE}/auth/token", json={"access_token": "tok-1234567890", "expires_in": 3600}
        )
        token_source_for(CONFIG).token()
        assert filter_secrets("Authorization: Bearer tok-1234567890") == "Authorization: Bearer ****"

    @pytest.mark.parametrize("status", [301, 302, 307, 308])
    def test_given_token_endpoint_redirects_when_fetching_then_not_followed_and_config_error(
        self, requests_mock, status
    ):
        requests_mock.post(
            f"{INSTANCE}/auth/token",
            status_code=status,
            headers={"Location": "https://elsewhere.example/token"},
        )
        elsewhere = requests_mock.post("https://elsewhere.example/token", json={"access_token": "stolen"})
        with pytest.raises(AirbyteTracedException) as raised:
            token_source_for(CONFIG).token()
        assert elsewhere.call_count == 0
        assert raised.value.failure_type == FailureType.config_error
        assert "redirects to elsewhere.example" in raised.value.message
        assert "Authorisation Server URL" in raised.value.message

    @pytest.mark.parametrize("status", [502, 503, 504])
    def test_given_token_endpoint_unavailable_four_times_when_fetching_then_transient_not_tenant(
        self, requests_mock, status
    ):
        token = requests_mock.post(f"{INSTANCE}/auth/token", status_code=status, text="Service Unavailable")
        with pytest.raises(AirbyteTracedException) as raised:
            token_source_for(CONFIG).token()
        assert token.call_count == 4
        assert raised.value.failure_type == FailureType.transient_error
        assert f"unavailable (HTTP {status}) 4 times; try again later" in raised.value.message
        assert "Tenant" not in raised.value.message

    def test_given_wrong_tenant_500_when_fetching_then_still_names_the_tenant(self, requests_mock):
        requests_mock.post(f"{INSTANCE}/auth/token", status_code=500, text="tenant not found")
        with pytest.raises(AirbyteTracedException) as raised:
            token_source_for(CONFIG).token()
        assert raised.value.failure_type == FailureType.config_error
        assert "check Tenant" in raised.value.message
