import pytest

from source_halopsa.records import (
    UnknownEnvelope,
    coerce_cursor_value,
    normalize_datetime,
    normalize_record,
    page_rows,
)


class TestPageRows:
    @pytest.mark.parametrize(
        "body, rows",
        [
            pytest.param({"record_count": 1, "tickets": [{"id": 1}]}, [{"id": 1}], id="test_envelope"),
            pytest.param([{"id": 1}, {"id": 2}], [{"id": 1}, {"id": 2}], id="test_bare_array"),
            pytest.param(
                {"record_count": 1, "results": [{"id": 3}]}, [{"id": 3}], id="test_alternative_key_results"
            ),
            pytest.param({"record_count": 0}, [], id="test_envelope_without_rows"),
            pytest.param([{"id": 1}, "junk", 3], [{"id": 1}], id="test_non_objects_dropped"),
        ],
    )
    def test_given_halo_body_when_extracting_then_rows(self, body, rows):
        assert page_rows(body, "tickets|results") == rows

    def test_given_sidecar_lists_when_extracting_then_only_the_named_key(self):
        body = {"record_count": 1, "tickets": [{"id": 1}], "agents": [{"id": 9}], "columns": [{"id": 3}]}
        assert page_rows(body, "tickets") == [{"id": 1}]

    @pytest.mark.parametrize(
        "body, named",
        [
            pytest.param(
                {"record_count": 2, "crmnotes": [{"id": 1}], "columns": []},
                "columns, crmnotes, record_count",
                id="test_unknown_key",
            ),
            pytest.param(
                {"actions": [{"id": 1}], "notes": [{"id": 2}]},
                "actions, notes",
                id="test_two_candidate_lists",
            ),
            pytest.param({"record_count": 3}, "record_count", id="test_rows_counted_but_absent"),
        ],
    )
    def test_given_unknown_envelope_when_extracting_then_error_names_the_keys_sent(self, body, named):
        with pytest.raises(UnknownEnvelope, match=rf"keys \[{named}\]"):
            page_rows(body, "actions|notes", "/CRMNote")

    @pytest.mark.parametrize("body", [None, "text", 3], ids=["test_null", "test_string", "test_number"])
    def test_given_no_list_and_no_envelope_when_extracting_then_error(self, body):
        with pytest.raises(UnknownEnvelope, match="instead of a list"):
            page_rows(body, "tickets", "/Tickets")


class TestNormalizeDatetime:
    @pytest.mark.parametrize(
        "raw, expected",
        [
            pytest.param("2026-02-10T09:30:00", "2026-02-10T09:30:00Z", id="test_naive_is_utc"),
            pytest.param(
                "2026-02-10T09:30:00.1234567", "2026-02-10T09:30:00.123456Z", id="test_seven_digits_truncated"
            ),
            pytest.param("2026-02-10T09:30:00.12", "2026-02-10T09:30:00.12Z", id="test_short_fraction_kept"),
            pytest.param("2026-02-10T09:30:00Z", "2026-02-10T09:30:00Z", id="test_already_utc"),
            pytest.param("2026-02-10T09:30:00+00:00", "2026-02-10T09:30:00Z", id="test_zero_offset"),
            pytest.param(
                "2026-02-10T09:30:00+02:00", "2026-02-10T09:30:00+02:00", id="test_other_offset_kept"
            ),
            pytest.param("1900-01-01T00:00:00", None, id="test_sentinel_is_null"),
            pytest.param("0001-01-01T00:00:00", None, id="test_min_value_is_null"),
        ],
    )
    def test_given_halo_datetime_when_normalizing_then_utc_iso(self, raw, expected):
        assert normalize_datetime(raw) == expected


class TestNormalizeRecord:
    def test_given_halo_quirks_when_normalizing_then_each_is_fixed(self):
        record = {
            "id": 7,
            "client_id": 12.0,
            "amount": 12.0,
            "site_id": 3.5,
            "dateoccurred": "2026-01-02T03:04:05",
            "dateclosed": "1900-01-01T00:00:00",
            "summary": "2026-01-02T03:04:05 is when it broke",
            "customfields": [{"id": 4.0, "value": "1900-01-01T00:00:00"}],
            "nested": {"ticket_id": 9.0},
        }
        normalize_record(record)
        assert record == {
            "id": 7,
            "client_id": 12,
            "amount": 12.0,
            "site_id": 3.5,
            "dateoccurred": "2026-01-02T03:04:05Z",
            "dateclosed": None,
            "summary": "2026-01-02T03:04:05 is when it broke",
            "customfields": [{"id": 4, "value": None}],
            "nested": {"ticket_id": 9},
        }


class TestCoerceCursorValue:
    @pytest.mark.parametrize(
        "value, expected",
        [
            pytest.param("2026-06-01T10:20:30Z", "2026-06-01T10:20:30Z", id="test_state_format"),
            pytest.param("2026-06-01T10:20:30", "2026-06-01T10:20:30Z", id="test_naive_is_utc"),
            pytest.param(
                "2026-06-01T10:20:30.9999999", "2026-06-01T10:20:30Z", id="test_fraction_dropped_earlier"
            ),
            pytest.param("2026-06-01T12:20:30+02:00", "2026-06-01T10:20:30Z", id="test_offset_to_utc"),
            pytest.param("2026-06-01", "2026-06-01T00:00:00Z", id="test_date_only"),
            pytest.param(1780000000, "2026-05-28T20:26:40Z", id="test_epoch_seconds"),
            pytest.param(1780000000000, "2026-05-28T20:26:40Z", id="test_epoch_milliseconds"),
            pytest.param("not a date", None, id="test_garbage"),
            pytest.param("", None, id="test_empty"),
            pytest.param(True, None, id="test_bool"),
            pytest.param({"a": 1}, None, id="test_object"),
        ],
    )
    def test_given_saved_cursor_when_coercing_then_state_format_or_none(self, value, expected):
        assert coerce_cursor_value(value) == expected
