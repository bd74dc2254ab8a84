import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa import read_context
from source_halopsa.read_context import custom_field_ids, earliest_ticket_date, project_ids

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
