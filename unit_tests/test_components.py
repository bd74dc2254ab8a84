import json

import pytest
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa.components import (
    HaloAuthenticator,
    HaloBackoff,
    HaloConfigNormalization,
    HaloConfigValidation,
    HaloPageIncrement,
    HaloRecordExtractor,
)

CONFIG = {
    "instance_url": "https://acme.halopsa.com",
    "client_id": "cid",
    "client_secret": "s3cret-value",
    "tenant": "acme",
}


def _response(body, status=200):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    return response


class TestHaloPageIncrement:
    def _walk(self, strategy, pages, record_count):
        """Feed pages of the given sizes; return the tokens the strategy asks for."""
        token, asked = strategy.initial_token, []
        for size in pages:
            token = strategy.next_page_token(
                _response({"record_count": record_count, "tickets": [{}] * size}), size, None, token
            )
            if token is None:
                break
            asked.append(int(token))
        return asked

    @pytest.mark.parametrize(
        "pages, record_count, asked",
        [
            pytest.param([100, 100], 200, [2], id="test_exact_multiple_no_empty_page"),
            pytest.param([100, 100, 17], 217, [2, 3], id="test_short_last_page"),
            pytest.param([50, 50, 50, 50, 17], 217, [2, 3, 4, 5], id="test_silent_smaller_cap_reads_all"),
            pytest.param([0], 0, [], id="test_empty_first_page"),
            pytest.param([100, 0], 250, [2], id="test_empty_page_stops_even_if_count_says_more"),
            pytest.param([17], 17, [], id="test_single_page"),
        ],
    )
    def test_given_pages_when_paging_then_requests_exactly_the_needed_pages(self, pages, record_count, asked):
        assert self._walk(HaloPageIncrement(page_size=100, parameters={}), pages, record_count) == asked

    def test_given_no_record_count_when_paging_then_until_a_page_shorter_than_the_longest(self):
        """Without a total, a short first page may be a silent cap (50 rows for any page_size, §9)."""
        strategy = HaloPageIncrement(page_size=100, parameters={})
        first = strategy.next_page_token(_response([{}] * 50), 50, None, strategy.initial_token)
        assert first == 2
        second = strategy.next_page_token(_response([{}] * 50), 50, None, first)
        assert second == 3
        assert strategy.next_page_token(_response([{}] * 7), 7, None, second) is None
        assert strategy.next_page_token(_response([]), 0, None, strategy.initial_token) is None

    def test_given_same_arguments_when_called_twice_then_same_token(self):
        """One strategy serves every partition, so it must keep no state of its own."""
        strategy = HaloPageIncrement(page_size=100, parameters={})
        args = (_response({"record_count": 300}), 100, None, strategy.initial_token)
        assert strategy.next_page_token(*args) == strategy.next_page_token(*args) == 2

    def test_initial_token_is_page_one(self):
        assert HaloPageIncrement(page_size=100, parameters={}).initial_token == 1


class TestHaloRecordExtractor:
    def test_given_envelope_when_extracting_then_rows_of_data_key(self):
        extractor = HaloRecordExtractor(data_key="clients", parameters={})
        assert list(extractor.extract_records(_response({"record_count": 1, "clients": [{"id": 1}]}))) == [
            {"id": 1}
        ]

    def test_given_bare_array_when_extracting_then_rows(self):
        extractor = HaloRecordExtractor(data_key="statuses", parameters={})
        assert list(extractor.extract_records(_response([{"id": 1}, {"id": 2}]))) == [{"id": 1}, {"id": 2}]

    def test_given_unknown_envelope_when_extracting_then_one_line_error_naming_the_keys(self):
        extractor = HaloRecordExtractor(data_key="notes", parameters={"name": "crm_notes"})
        with pytest.raises(AirbyteTracedException, match=r"keys \[columns, items, record_count\]"):
            list(
                extractor.extract_records(_response({"record_count": 1, "items": [{"id": 1}], "columns": []}))
            )

    @pytest.mark.parametrize(
        "body, default_page_possible, cut",
        [
            pytest.param([{"id": n} for n in range(50)], True, True, id="test_exactly_the_default_page"),
            pytest.param([{"id": n} for n in range(50)], False, False, id="test_50_where_no_default_page"),
            pytest.param(
                {"record_count": 9, "actions": [{"id": 1}]}, False, True, id="test_fewer_than_counted"
            ),
            pytest.param([{"id": n} for n in range(7)], True, False, id="test_short_answer"),
            pytest.param([{"id": n} for n in range(100)], False, True, id="test_count_reached"),
        ],
    )
    def test_given_unpaged_answer_when_extracting_then_cut_short_answers_stop(
        self, body, default_page_possible, cut
    ):
        parameters = {"name": "crm_notes", "path": "CRMNote", "unpaged_count": 100}
        config = {"_halo_default_page_possible_CRMNote": default_page_possible}
        extractor = HaloRecordExtractor(data_key="actions", parameters=parameters, config=config)
        if cut:
            with pytest.raises(AirbyteTracedException, match="may be cut short"):
                list(extractor.extract_records(_response(body)))
        else:
            assert len(list(extractor.extract_records(_response(body)))) == len(body)

    def test_given_refusal_from_a_read_time_check_when_extracting_then_stream_stops_with_it(self):
        from source_halopsa.read_context import CUSTOM_FIELDS

        config = {
            "_halo_refusals": {"actions": "windows cut short", CUSTOM_FIELDS: "{stream} would lose them"}
        }
        page = {"record_count": 1, "tickets": [{"id": 1}]}
        tickets = HaloRecordExtractor(
            data_key="tickets", parameters={"name": "tickets", "custom_fields": True}, config=config
        )
        with pytest.raises(AirbyteTracedException, match="tickets would lose them"):
            list(tickets.extract_records(_response(page)))
        actions = HaloRecordExtractor(data_key="actions", parameters={"name": "actions"}, config=config)
        with pytest.raises(AirbyteTracedException, match="windows cut short"):
            list(actions.extract_records(_response({"actions": []})))
        # the project list milestones read asks for no custom fields: it is not refused
        parent = HaloRecordExtractor(data_key="tickets", parameters={"name": "projects"}, config=config)
        assert list(parent.extract_records(_response(page))) == [{"id": 1}]


class TestHaloProjectRowFilter:
    ROWS = [
        {"id": 7, "parent_id": 0},
        {"id": 8, "parent_id": 7},
        {"id": 2, "parent_id": 0},
        {"id": 9, "parent_id": 2},
    ]

    @pytest.mark.parametrize(
        "keep, ids",
        [
            pytest.param("tasks", [8], id="test_tasks"),
            pytest.param("not_projects", [8, 2, 9], id="test_not_projects"),
        ],
    )
    def test_given_tickets_with_project_headers_when_filtering_then_kept_by_relation(
        self, monkeypatch, keep, ids
    ):
        from airbyte_cdk.sources.types import StreamSlice

        from source_halopsa import components

        fetched = []

        def project_ids(config, since=None, among=None):
            fetched.append(among or since)
            return {7} & (among or {7})

        monkeypatch.setattr(components, "project_ids", project_ids)
        row_filter = components.HaloProjectRowFilter(config={}, parameters={}, keep=keep)
        window = StreamSlice(partition={}, cursor_slice={"start_time": "2026-01-01T00:00:00Z"})
        assert [r["id"] for r in row_filter.filter_records(self.ROWS, {}, window)] == ids
        list(row_filter.filter_records(self.ROWS, {}, window))
        # Asked once: tasks about the page's parents (and its children), headers about the window's projects.
        assert fetched == [{7, 2, 8, 9} if keep == "tasks" else "2026-01-01T00:00:00Z"]

    @pytest.mark.parametrize(
        "answer, reads",
        [
            pytest.param(lambda among: {7} & among, [{7, 2, 8, 9}], id="test_ticketids_honoured"),
            pytest.param(lambda among: {7, 40, 41}, [{7, 2, 8, 9}], id="test_ticketids_ignored_lists_all"),
            pytest.param(lambda among: {7, 8}, [{7, 2, 8, 9}, "all"], id="test_ticketids_any_kind_reads_all"),
        ],
    )
    def test_given_a_reading_of_ticketids_when_keeping_tasks_then_exact(self, monkeypatch, answer, reads):
        from source_halopsa import components

        fetched = []

        def project_ids(config, since=None, among=None):
            fetched.append(set(among) if among else "all")
            return answer(among) if among else {7, 40, 41}

        monkeypatch.setattr(components, "project_ids", project_ids)
        row_filter = components.HaloProjectRowFilter(config={}, parameters={}, keep="tasks")
        assert [r["id"] for r in row_filter.filter_records(self.ROWS, {}, None)] == [8]
        assert fetched == reads

    def test_given_many_pages_with_new_parents_when_keeping_tasks_then_every_project_read_once(
        self, monkeypatch
    ):
        from source_halopsa import components

        fetched = []

        def project_ids(config, since=None, among=None):
            fetched.append(bool(among))
            return {7} & among if among else {7}

        monkeypatch.setattr(components, "project_ids", project_ids)
        row_filter = components.HaloProjectRowFilter(config={}, parameters={}, keep="tasks")
        for page in range(6):
            rows = [{"id": 100 + page, "parent_id": 50 + page}, {"id": 200 + page, "parent_id": 7}]
            list(row_filter.filter_records(rows, {}, None))
        assert fetched == [True, True, True, False]  # three pages asked by id, then every project once


class TestHaloBackoff:
    def test_given_429_without_retry_after_when_backing_off_then_a_fifth_of_the_window(self):
        assert (
            HaloBackoff(config={}, parameters={}).backoff_time(_response("Rate Limit Reached", 429), 1)
            == 60.0
        )
        assert (
            HaloBackoff(config={"rate_limit_window_seconds": 60}, parameters={}).backoff_time(
                _response("", 429), 3
            )
            == 12.0
        )

    def test_given_server_error_when_backing_off_then_short_exponential_capped(self):
        backoff = HaloBackoff(config={}, parameters={})
        assert [backoff.backoff_time(_response("", 503), n) for n in (1, 2, 3, 6)] == [2.0, 4.0, 8.0, 30.0]


class TestHaloConfigNormalization:
    def test_given_pasted_resource_server_when_transforming_then_instance_root(self):
        config = dict(CONFIG, instance_url="https://acme.halopsa.com/api/")
        HaloConfigNormalization().transform(config)
        assert config["instance_url"] == "https://acme.halopsa.com"


class TestHaloConfigValidation:
    @pytest.mark.parametrize(
        "field, value, message",
        [
            ("instance_url", "http://acme.halopsa.com", "Instance URL 'http://acme.halopsa.com' uses http"),
            ("start_date", "next tuesday", "Start date 'next tuesday' is not an ISO 8601 date"),
            ("client_secret", "  ", "Client Secret is empty"),
            ("rate_limit_requests", 0, "Rate limit: requests must be a whole number of at least 1, not 0."),
        ],
    )
    def test_given_value_that_cannot_work_when_validating_then_one_line_config_error(
        self, field, value, message
    ):
        with pytest.raises(AirbyteTracedException) as error:
            HaloConfigValidation(field_name=field).validate(value)
        assert error.value.failure_type.value == "config_error"
        assert error.value.message.startswith(message) and "\n" not in error.value.message

    @pytest.mark.parametrize("field", ["start_date", "authorization_server_url", "lookback_window_minutes"])
    def test_given_optional_field_left_empty_when_validating_then_accepted(self, field):
        HaloConfigValidation(field_name=field).validate(None)


class TestHaloAuthenticator:
    def test_given_two_streams_when_authenticating_then_one_token_request(self, requests_mock):
        token = requests_mock.post(
            "https://acme.halopsa.com/auth/token", json={"access_token": "tok1", "expires_in": 3600}
        )
        first, second = (
            HaloAuthenticator(config=CONFIG, parameters={}),
            HaloAuthenticator(config=dict(CONFIG), parameters={}),
        )
        assert first.get_auth_header() == second.get_auth_header() == {"Authorization": "Bearer tok1"}
        assert token.call_count == 1
        assert token.last_request.qs == {"tenant": ["acme"]}

    def test_given_401_for_a_token_when_both_streams_sign_again_then_one_new_token(self, requests_mock):
        requests_mock.post(
            "https://acme.halopsa.com/auth/token",
            [
                {"json": {"access_token": "old", "expires_in": 3600}},
                {"json": {"access_token": "new", "expires_in": 3600}},
            ],
        )
        first, second = (
            HaloAuthenticator(config=CONFIG, parameters={}),
            HaloAuthenticator(config=CONFIG, parameters={}),
        )
        first.get_auth_header(), second.get_auth_header()
        first.update_from_response(_signed("old"), _status(401))
        assert first.get_auth_header() == {"Authorization": "Bearer new"}
        second.update_from_response(_signed("old"), _status(401))  # "old" was already replaced
        assert second.get_auth_header() == {"Authorization": "Bearer new"}
        assert requests_mock.call_count == 2

    def test_given_churn_with_accepted_answers_between_when_signing_then_never_fails(self, requests_mock):
        tokens = [{"json": {"access_token": f"t{n}", "expires_in": 3600}} for n in range(20)]
        requests_mock.post("https://acme.halopsa.com/auth/token", tokens)
        auth = HaloAuthenticator(config=CONFIG, parameters={})
        for _ in range(19):
            current = auth.token.removeprefix("Bearer ")
            auth.update_from_response(_signed(current), _status(401))
            auth.update_from_response(_signed(auth.token.removeprefix("Bearer ")), _status(200))
        assert requests_mock.call_count == 20

    def test_given_every_fresh_token_rejected_when_signing_then_one_line_config_error(self, requests_mock):
        requests_mock.post(
            "https://acme.halopsa.com/auth/token",
            [{"json": {"access_token": f"t{n}", "expires_in": 3600}} for n in range(10)],
        )
        auth = HaloAuthenticator(config=CONFIG, parameters={})
        with pytest.raises(AirbyteTracedException) as raised:
            for _ in range(10):
                auth.update_from_response(_signed(auth.token.removeprefix("Bearer ")), _status(401))
        assert raised.value.failure_type == FailureType.config_error
        assert "rejected each on /api (HTTP 401)" in raised.value.message
        assert "\n" not in raised.value.message
        assert requests_mock.call_count == 5


def _signed(token: str) -> requests.PreparedRequest:
    return requests.Request(
        "GET", "https://acme.halopsa.com/api/Tickets", headers={"Authorization": f"Bearer {token}"}
    ).prepare()


def _status(code: int) -> requests.Response:
    response = requests.Response()
    response.status_code = code
    return response


def test_given_page_token_when_deep_copied_then_rows_before_survives():
    import copy

    strategy = HaloPageIncrement(page_size=100, parameters={})
    token = strategy.next_page_token(_response({"record_count": 300}), 50, None, strategy.initial_token)
    copied = copy.deepcopy(token)
    assert (int(copied), copied.rows_before, str(copied)) == (2, 50, "2")


class TestHaloCursorStateMigration:
    def _migration(self):
        from source_halopsa.components import HaloCursorStateMigration

        return HaloCursorStateMigration(cursor_field="last_update", parameters={})

    def test_given_state_in_format_when_checking_then_no_migration(self):
        assert not self._migration().should_migrate({"last_update": "2026-06-01T00:00:00Z"})
        assert not self._migration().should_migrate({})

    def test_given_naive_cursor_when_migrating_then_utc_state_format(self):
        migration = self._migration()
        assert migration.should_migrate({"last_update": "2026-06-01T00:00:00"})
        assert migration.migrate({"last_update": "2026-06-01T00:00:00", "other": 1}) == {
            "last_update": "2026-06-01T00:00:00Z",
            "other": 1,
        }

    def test_given_unreadable_cursor_when_migrating_then_cursor_dropped(self):
        assert self._migration().migrate({"last_update": "yesterday", "other": 1}) == {"other": 1}

    def test_given_cursor_in_the_previous_field_when_migrating_then_it_carries_over(self):
        from source_halopsa.components import HaloCursorStateMigration

        migration = HaloCursorStateMigration(
            cursor_field="synced_through", previous_field="last_update", parameters={}
        )
        assert migration.should_migrate({"last_update": "2026-06-01T00:00:00"})
        assert migration.migrate({"last_update": "2026-06-01T00:00:00"}) == {
            "synced_through": "2026-06-01T00:00:00Z"
        }
        assert not migration.should_migrate({"synced_through": "2026-06-01T00:00:00Z", "last_update": "x"})


class TestHaloPageIncrementWithFilteredAndShiftingPages:
    def _next(self, strategy, token, rows, total, kept=None):
        body = {"record_count": total, "tickets": [{}] * rows}
        return strategy.next_page_token(_response(body), rows if kept is None else kept, None, token)

    def test_given_page_whose_records_were_all_filtered_when_paging_then_continues(self):
        """project_tasks keeps few rows of a page, invoice_lines several per row: page rows decide."""
        strategy = HaloPageIncrement(page_size=100, data_key="tickets", parameters={})
        assert self._next(strategy, strategy.initial_token, 100, 250, kept=0) == 2

    def test_given_rows_left_the_set_while_paging_when_paging_then_steps_back(self):
        strategy = HaloPageIncrement(page_size=100, data_key="tickets", parameters={})
        second = self._next(strategy, strategy.initial_token, 100, 296)
        back = self._next(strategy, second, 100, 284)  # 12 rows left before page 2 was served
        assert (int(back), back.rows_before) == (1, 0)
        again = self._next(strategy, back, 100, 284, kept=0)  # page 1 re-read: all duplicates
        assert int(again) == 2
        third = self._next(strategy, again, 100, 284)
        assert int(third) == 3 and self._next(strategy, third, 84, 284) is None

    def test_given_rows_added_while_paging_when_paging_then_carries_on(self):
        strategy = HaloPageIncrement(page_size=100, data_key="tickets", parameters={})
        second = self._next(strategy, strategy.initial_token, 100, 200)
        assert int(self._next(strategy, second, 100, 203)) == 3


class TestHaloDeduplicateFilter:
    def _filter(self, **parameters):
        from source_halopsa.components import HaloDeduplicateFilter

        return HaloDeduplicateFilter(config={}, parameters=parameters)

    def _slice(self, start):
        from airbyte_cdk.sources.types import StreamSlice

        return StreamSlice(partition={}, cursor_slice={"start_time": start})

    def test_given_record_seen_in_slice_when_filtering_then_dropped(self):
        dedup = self._filter()
        window = self._slice("2026-01-01")
        assert list(dedup.filter_records([{"id": 1}, {"id": 2}], {}, window)) == [{"id": 1}, {"id": 2}]
        assert list(dedup.filter_records([{"id": 2.0}, {"id": 3}], {}, window)) == [{"id": 3}]

    def test_given_composite_key_when_filtering_then_whole_key_compared(self):
        dedup = self._filter(dedup_key=["ticket_id", "id"])
        records = [{"ticket_id": 1, "id": 1}, {"ticket_id": 2, "id": 1}, {"ticket_id": 1, "id": 1}]
        assert list(dedup.filter_records(records, {}, self._slice("a"))) == records[:2]

    def test_given_other_slice_when_filtering_then_independent(self):
        dedup = self._filter()
        list(dedup.filter_records([{"id": 1}], {}, self._slice("a")))
        assert list(dedup.filter_records([{"id": 1}], {}, self._slice("b"))) == [{"id": 1}]

    def test_given_many_slices_when_filtering_then_old_slices_forgotten(self):
        from source_halopsa.components import MAX_TRACKED_SLICES

        dedup = self._filter()
        for day in range(MAX_TRACKED_SLICES * 3):
            list(dedup.filter_records([{"id": day}], {}, self._slice(str(day))))
        assert len(dedup._seen) == MAX_TRACKED_SLICES

    @staticmethod
    def _window(start, end):
        from airbyte_cdk.sources.types import StreamSlice

        return StreamSlice(partition={}, cursor_slice={"start_time": start, "end_time": end})

    def test_given_event_overlapping_two_windows_when_filtering_then_only_the_window_holding_its_start(self):
        """Halo may answer a window with what overlaps it: the event starting on day 1 comes back on day 2 too."""
        dedup = self._filter(window_field="start_date")
        event = {"id": 7, "start_date": "2026-01-01T23:00:00", "end_date": "2026-01-02T01:00:00"}
        day1 = self._window("2026-01-01T00:00:00Z", "2026-01-01T23:59:59Z")
        day2 = self._window("2026-01-02T00:00:00Z", "2026-01-02T23:59:59Z")
        assert list(dedup.filter_records([event], {}, day1)) == [event]
        assert list(dedup.filter_records([event], {}, day2)) == []

    @pytest.mark.parametrize(
        "when, owner",
        [
            pytest.param("2026-01-01T23:59:59.5000000", 1, id="test_fraction_after_the_last_whole_second"),
            pytest.param("2026-01-02T00:00:00", 2, id="test_next_windows_start"),
            pytest.param("2026-01-01T00:00:00Z", 1, id="test_windows_own_start"),
        ],
    )
    def test_given_time_near_a_boundary_when_filtering_then_exactly_one_window_keeps_it(self, when, owner):
        dedup = self._filter(window_field="datetime")
        windows = [
            self._window("2026-01-01T00:00:00Z", "2026-01-01T23:59:59Z"),
            self._window("2026-01-02T00:00:00Z", "2026-01-02T23:59:59Z"),
        ]
        kept = [
            n
            for n, w in enumerate(windows, 1)
            if list(dedup.filter_records([{"id": 1, "datetime": when}], {}, w))
        ]
        assert kept == [owner]

    def test_given_sentinel_or_missing_time_when_filtering_then_kept(self):
        dedup = self._filter(window_field="datetime")
        window = self._window("2026-01-01T00:00:00Z", "2026-01-01T23:59:59Z")
        records = [{"id": 1, "datetime": "1900-01-01T00:00:00"}, {"id": 2}]
        assert list(dedup.filter_records(records, {}, window)) == records

    def test_given_row_of_another_partition_when_filtering_then_dropped(self):
        """A Halo ignoring `client_id` would answer every client's notes for each client."""
        from airbyte_cdk.sources.types import StreamSlice

        dedup = self._filter(partition_field="client_id")
        client_12 = StreamSlice(partition={"client_id": 12}, cursor_slice={})
        rows = [{"id": 1, "client_id": 12.0}, {"id": 2, "client_id": 13}, {"id": 3}]
        assert list(dedup.filter_records(rows, {}, client_12)) == [rows[0], rows[2]]
        client_13 = StreamSlice(partition={"client_id": 13}, cursor_slice={})
        assert list(dedup.filter_records(rows, {}, client_13)) == [rows[1]]  # note 3 names no client: once
