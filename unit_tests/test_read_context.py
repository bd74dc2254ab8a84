import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa import read_context
from source_halopsa.read_context import (
    custom_field_ids,
    earliest_ticket_date,
    earliest_timesheet_date,
    project_ids,
)

INSTANCE = "https://acme.halopsa.com"
CONFIG = {"instance_url": INSTANCE, "client_id": "cid", "client_secret": "s3cret-value", "tenant": "acme"}


@pytest.fixture(autouse=True)
def token(requests_mock, monkeypatch):
    monkeypatch.setattr(read_context.time, "sleep", lambda seconds: None)
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})


class TestCustomFieldIds:
    def test_given_field_info_when_listing_then_sorted_comma_ids(self, requests_mock):
        requests_mock.get(f"{INSTANCE}/api/FieldInfo", json=[{"id": 12}, {"id": 3.0}, {"id": "x"}])
        assert custom_field_ids(CONFIG) == "3,12"

    def test_given_rate_limited_once_when_listing_then_retried(self, requests_mock):
        requests_mock.get(
            f"{INSTANCE}/api/FieldInfo",
            [{"status_code": 429, "text": "Rate Limit Reached"}, {"json": [{"id": 5}]}],
        )
        assert custom_field_ids(CONFIG) == "5"

    def test_given_permission_refused_when_listing_then_empty_with_warning(self, requests_mock, caplog):
        requests_mock.get(f"{INSTANCE}/api/FieldInfo", status_code=403)
        assert custom_field_ids(CONFIG) == ""
        assert "without customfields" in caplog.text

    def test_given_halo_down_when_listing_then_transient_error_not_silence(self, requests_mock):
        requests_mock.get(f"{INSTANCE}/api/FieldInfo", status_code=503)
        with pytest.raises(AirbyteTracedException) as error:
            custom_field_ids(CONFIG)
        assert error.value.failure_type.value == "transient_error"


class TestProjectIds:
    def test_given_pages_without_record_count_when_listing_then_reads_until_short_page(self, requests_mock):
        requests_mock.get(
            f"{INSTANCE}/api/Projects",
            [{"json": {"tickets": [{"id": n} for n in range(100)]}}, {"json": {"tickets": [{"id": 100}]}}],
        )
        assert project_ids(CONFIG) == set(range(101))


class TestEarliestTimesheetDate:
    HISTORY = "2023-01-19T00:00:00Z"

    def _answer(self, requests_mock, **answer):
        requests_mock.get(f"{INSTANCE}/api/TimesheetEvent", **answer)
        return earliest_timesheet_date(CONFIG, self.HISTORY)

    def test_given_no_event_before_the_earliest_ticket_when_probing_then_the_ticket_history_start(
        self, requests_mock
    ):
        assert self._answer(requests_mock, json=[]) == self.HISTORY
        assert requests_mock.last_request.qs == {
            "start_date": ["2000-01-01t00:00:00z"],
            "end_date": ["2023-01-19t00:00:00z"],
            "count": ["100000"],
        }

    def test_given_older_events_when_probing_then_midnight_of_the_earliest(self, requests_mock):
        rows = [
            {"id": 1, "start_date": "2022-11-03T09:15:00"},
            {"id": 2, "start_date": "2021-06-30T23:30:00Z"},
        ]
        assert self._answer(requests_mock, json=rows) == "2021-06-29T00:00:00Z"  # a day's margin

    @pytest.mark.parametrize(
        "answer",
        [
            pytest.param({"json": [{"id": n, "start_date": "2022-01-01T09:00:00"} for n in range(50)]}, id="a default page"),
            pytest.param({"json": [{"id": n, "start_date": "2022-01-01T09:00:00"} for n in range(1000)]}, id="a cap of 1000"),
            pytest.param({"json": {"record_count": 9, "timesheetevents": [{"id": 1, "start_date": "2022-01-01T09:00:00"}]}},
                         id="fewer rows than record_count"),
            pytest.param({"json": [{"id": 1, "start_date": None}]}, id="an event without a start"),
            pytest.param({"status_code": 403}, id="refused"),
        ],
    )  # fmt: skip
    def test_given_an_answer_that_may_hide_events_when_probing_then_2000(self, answer, requests_mock):
        assert self._answer(requests_mock, **answer) == "2000-01-01T00:00:00Z"


class TestEarliestTicketDate:
    def test_given_tickets_when_probing_then_day_before_the_earliest(self, requests_mock):
        requests_mock.get(
            f"{INSTANCE}/api/Tickets",
            json={
                "tickets": [{"dateoccurred": "2024-03-05T10:00:00"}, {"dateoccurred": "2023-07-01T08:00:00"}]
            },
        )
        assert earliest_ticket_date(CONFIG) == "2023-06-30T00:00:00Z"
        assert requests_mock.last_request.qs["order"] == ["dateoccurred"]

    def test_given_order_ignored_when_probing_then_every_ticket_read_for_the_earliest(self, requests_mock):
        """Halo answering by id for order=dateoccurred: the earliest ticket may be on any page."""

        def by_id(request, context):
            page = int(request.qs.get("page_no", ["1"])[0])
            size = int(request.qs.get("page_size", ["100"])[0])
            rows = [
                {"id": 1, "dateoccurred": "2024-01-01T00:00:00"},
                {"id": 2, "dateoccurred": "2024-02-01T00:00:00"},
            ]
            rows.append({"id": 3, "dateoccurred": "2019-05-05T00:00:00"})  # imported later, older
            return {"record_count": 3, "tickets": rows[(page - 1) * size : page * size]}

        requests_mock.get(f"{INSTANCE}/api/Tickets", json=by_id)
        # the first page holds 3 rows only with page_size 100; make the probe page hold 2
        read_context.EARLIEST_TICKET_PARAMS["page_size"] = "2"
        try:
            assert earliest_ticket_date(CONFIG) == "2019-05-04T00:00:00Z"
        finally:
            read_context.EARLIEST_TICKET_PARAMS["page_size"] = "100"

    def test_given_order_honoured_when_probing_then_two_requests(self, requests_mock):
        requests_mock.get(
            f"{INSTANCE}/api/Tickets",
            [
                {
                    "json": {
                        "record_count": 300,
                        "tickets": [{"id": 9, "dateoccurred": "2019-01-01T00:00:00"}],
                    }
                },
                {
                    "json": {
                        "record_count": 300,
                        "tickets": [{"id": 4, "dateoccurred": "2026-01-01T00:00:00"}],
                    }
                },
            ],
        )
        assert earliest_ticket_date(CONFIG) == "2018-12-31T00:00:00Z"
        assert requests_mock.last_request.qs["orderdesc"] == ["true"]
        assert requests_mock.call_count == 3  # token, ascending page, descending row


def _actions_server(requests_mock, served_hours):
    """/Tickets names ticket 7's last action; /Actions serves only the first `served_hours` of a window."""
    from datetime import datetime, timedelta

    action = datetime(2026, 6, 21, 22, 11, 47)
    requests_mock.get(
        f"{INSTANCE}/api/Tickets",
        json={"record_count": 1, "tickets": [{"id": 7, "lastactiondate": action.isoformat()}]},
    )

    def window(request, context):
        start = datetime.strptime(request.qs["startdate"][0], "%Y-%m-%dt%H:%M:%Sz")
        end = datetime.strptime(request.qs["enddate"][0], "%Y-%m-%dt%H:%M:%Sz")
        end = min(end, start + timedelta(hours=served_hours))
        rows = [{"ticket_id": 7, "id": 3, "datetime": action.isoformat()}] if start <= action <= end else []
        return {"record_count": len(rows), "actions": rows}

    requests_mock.get(f"{INSTANCE}/api/Actions", json=window)


class TestActionsWindow:
    def test_given_whole_days_served_when_checking_then_one_day_and_two_windows_asked(self, requests_mock):
        _actions_server(requests_mock, served_hours=10_000)
        assert read_context.actions_window(CONFIG) == "P1D"
        asked = [r for r in requests_mock.request_history if r.path == "/api/actions"]
        assert len(asked) == 2  # the action at the head of a window, then at its tail

    @pytest.mark.parametrize("hours, window", [(6, "PT6H"), (1, "PT1H"), (13, "PT12H")])
    def test_given_windows_cut_short_when_checking_then_the_longest_served_window(
        self, requests_mock, hours, window
    ):
        _actions_server(requests_mock, served_hours=hours)
        assert read_context.actions_window(CONFIG) == window

    def test_given_window_refused_with_400_when_checking_then_shorter(self, requests_mock):
        _actions_server(requests_mock, served_hours=10_000)
        requests_mock.get(
            f"{INSTANCE}/api/Actions",
            [{"status_code": 400, "json": {"error": "Date range cannot exceed 12 hours"}}]  # the whole day
            + [
                {
                    "json": {
                        "record_count": 1,
                        "actions": [{"ticket_id": 7, "id": 3, "datetime": "2026-06-21T22:11:47"}],
                    }
                }
            ]
            * 2,
        )
        assert read_context.actions_window(CONFIG) == "PT12H"

    def test_given_action_never_returned_when_checking_then_one_line_check_failure(self, requests_mock):
        _actions_server(requests_mock, served_hours=0)
        requests_mock.get(f"{INSTANCE}/api/Actions", json={"record_count": 0, "actions": []})
        with pytest.raises(read_context.CheckFailed) as failed:
            read_context.actions_window(CONFIG)
        assert "cuts /Actions date windows short" in failed.value.message
        assert "\n" not in failed.value.message

    def test_given_no_ticket_with_an_action_when_checking_then_configured_window(self, requests_mock):
        requests_mock.get(f"{INSTANCE}/api/Tickets", json={"record_count": 0, "tickets": []})
        assert read_context.actions_window({**CONFIG, "actions_window_days": 3}) == "P3D"

    def test_given_idle_stretch_served_whole_when_checking_then_one_window_for_it(self, requests_mock):
        """Incremental sync 40 days after the newest action: one window, checked with one request."""
        from datetime import datetime, timedelta, timezone

        _actions_server(requests_mock, served_hours=10_000)
        since = datetime.now(timezone.utc) - timedelta(days=40)
        window = read_context.actions_window(CONFIG, since)
        assert window.startswith("PT") and window.endswith("H") and int(window[2:-1]) >= 40 * 24
        assert len([r for r in requests_mock.request_history if r.path == "/api/actions"]) == 1

    def test_given_short_stretch_when_checking_then_no_request(self, requests_mock):
        from datetime import datetime, timedelta, timezone

        since = datetime.now(timezone.utc) - timedelta(minutes=11)
        assert read_context.actions_window(CONFIG, since) == "P1D"
        assert requests_mock.request_history == []

    def test_given_stretch_cut_after_a_day_when_checking_then_day_windows(self, requests_mock):
        """Halo serves one day of a long window and the newest action lies later: not read in one window."""
        from datetime import datetime, timedelta, timezone

        _actions_server(requests_mock, served_hours=24)
        since = datetime(2026, 6, 1, tzinfo=timezone.utc)
        assert datetime.now(timezone.utc) - since < timedelta(days=366)
        assert read_context.actions_window(CONFIG, since) == "P1D"

    def test_given_newest_action_not_known_for_sure_when_checking_then_no_one_window_stretch(
        self, requests_mock
    ):
        """Tickets not in lastactiondate order (order ignored) and more than a page: the page's newest is
        not the tenant's, so a window holding it proves nothing about the rest of the stretch."""
        from datetime import datetime, timedelta, timezone

        _actions_server(requests_mock, served_hours=10_000)
        rows = [{"id": i, "lastactiondate": f"2026-06-{10 + i % 9:02d}T10:00:00"} for i in range(1, 101)]
        rows[0] = {"id": 7, "lastactiondate": "2026-06-21T22:11:47"}
        requests_mock.get(f"{INSTANCE}/api/Tickets", json={"record_count": 5000, "tickets": rows})
        since = datetime.now(timezone.utc) - timedelta(days=40)
        assert read_context.actions_window(CONFIG, since) == "P1D"


# The refresh intervals as the spec's config normalization fills them in (manifest.yaml defaults).
NORMALIZED = {"refresh_minutes_contact_history": 1440, "refresh_minutes_finance": 360}


class TestRefreshMayBeDue:
    @pytest.mark.parametrize(
        "minutes_ago, lookback_seconds, due",
        [
            pytest.param(10, 0, False, id="test_just_read_not_due"),
            pytest.param(1440 - 30, 0, True, id="test_due_within_the_margin"),
            pytest.param(1440 - 180, 0, False, id="test_hours_away_not_due"),
            pytest.param(1440 - 180, 4 * 3600, True, id="test_long_last_sync_starts_the_window_early"),
        ],
    )
    def test_given_contact_history_state_when_asking_then_due_as_the_cdk_would(
        self, minutes_ago, lookback_seconds, due
    ):
        from datetime import datetime, timedelta, timezone

        last = (datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
        state = {
            "use_global_cursor": True,
            "state": {"synced_through": last},
            "lookback_window": lookback_seconds,
        }
        assert read_context._refresh_may_be_due(NORMALIZED, state, "contact_history") is due

    def test_given_no_state_when_asking_then_due(self):
        assert read_context._refresh_may_be_due(NORMALIZED, None, "finance")

    def test_given_no_note_ever_but_clients_just_read_when_asking_then_not_due(self):
        """crm_notes without a stamp of its own reads nothing while its clients parent is not due."""
        from datetime import datetime, timezone

        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        state = {"use_global_cursor": True, "parent_state": {"clients": {"synced_through": now}}}
        assert not read_context._refresh_may_be_due(NORMALIZED, state, "contact_history")


class TestCustomFieldsListed:
    def test_given_rows_with_custom_fields_when_checking_then_listed_in_one_request(self, requests_mock):
        requests_mock.get(
            f"{INSTANCE}/api/Tickets", json={"tickets": [{"id": 4, "customfields": [{"id": 3}]}]}
        )
        assert read_context.custom_fields_listed(CONFIG, "3")
        assert requests_mock.last_request.qs["include_custom_fields"] == ["3"]

    def test_given_row_without_but_ticket_with_custom_fields_when_checking_then_not_listed(
        self, requests_mock
    ):
        requests_mock.get(f"{INSTANCE}/api/Tickets", json={"tickets": [{"id": 4, "customfields": []}]})
        requests_mock.get(
            f"{INSTANCE}/api/Tickets/4", json={"id": 4, "customfields": [{"id": 3, "value": "x"}]}
        )
        assert not read_context.custom_fields_listed(CONFIG, "3")

    def test_given_ticket_without_custom_fields_anywhere_when_checking_then_listed(self, requests_mock):
        requests_mock.get(f"{INSTANCE}/api/Tickets", json={"tickets": [{"id": 4, "customfields": []}]})
        requests_mock.get(f"{INSTANCE}/api/Tickets/4", json={"id": 4, "customfields": []})
        assert read_context.custom_fields_listed(CONFIG, "3")


class TestDefaultPagePossible:
    @staticmethod
    def _notes(requests_mock, answer):
        requests_mock.get(
            f"{INSTANCE}/api/Client", json={"record_count": 2, "clients": [{"id": 1}, {"id": 2}]}
        )
        requests_mock.get(
            f"{INSTANCE}/api/CRMNote",
            json=lambda request, context: answer(int(request.qs["count"][0]), request.qs.get("client_id")),
        )

    def test_given_count_honoured_when_checking_then_no_default_page(self, requests_mock):
        self._notes(requests_mock, lambda count, client: [{"id": n} for n in range(min(count, 9))])
        assert not read_context.default_page_possible(CONFIG, "CRMNote", "actions")

    def test_given_more_than_50_rows_whatever_count_when_checking_then_no_default_page(self, requests_mock):
        self._notes(requests_mock, lambda count, client: [{"id": n} for n in range(70)])
        assert not read_context.default_page_possible(CONFIG, "CRMNote", "actions")

    def test_given_count_ignored_and_50_rows_when_checking_then_default_page_possible(self, requests_mock):
        self._notes(requests_mock, lambda count, client: [{"id": n} for n in range(50)])
        assert read_context.default_page_possible(CONFIG, "CRMNote", "actions")

    def test_given_client_id_required_when_checking_then_clients_asked(self, requests_mock):
        self._notes(
            requests_mock,
            lambda count, client: [] if client is None else [{"id": n} for n in range(min(count, 4))],
        )
        assert not read_context.default_page_possible(CONFIG, "CRMNote", "actions")
        assert {"client_id": ["1"], "count": ["2"]} in [r.qs for r in requests_mock.request_history]
