import pytest
import requests

from source_halopsa.check import PERMISSION_PROBES, check_halo_connection

INSTANCE = "https://acme.halopsa.com"
CONFIG = {"instance_url": INSTANCE, "client_id": "cid", "client_secret": "s3cret-value", "tenant": "acme"}


@pytest.fixture
def halo(requests_mock):
    requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
    for _, path in PERMISSION_PROBES:
        requests_mock.get(f"{INSTANCE}/api/{path}", json={"record_count": 0})
    requests_mock.get(f"{INSTANCE}/api/Opportunities", json={"record_count": 0})
    requests_mock.get(f"{INSTANCE}/api/TimesheetEvent", json=[])
    return requests_mock


class TestCheck:
    def test_given_all_areas_readable_when_checking_then_succeeds_with_one_probe_each(self, halo):
        assert check_halo_connection(CONFIG) == (True, None)
        probes = [request for request in halo.request_history if "/api/" in request.url]
        assert [request.path for request in probes] == [
            "/api/tickets",
            "/api/client",
            "/api/asset",
            "/api/projects",
            "/api/invoice",
            "/api/opportunities",
            "/api/timesheetevent",
        ]
        assert all(
            request.qs == {"pageinate": ["true"], "page_size": ["1"], "page_no": ["1"]}
            for request in probes[:6]
        )

    def test_given_missing_permissions_when_checking_then_names_every_area(self, halo):
        halo.get(f"{INSTANCE}/api/Asset", status_code=403)
        halo.get(f"{INSTANCE}/api/Invoice", status_code=403, text="You do not have permission")
        ok, message = check_halo_connection(CONFIG)
        assert not ok
        assert message.startswith("The Halo API application lacks Read on Assets and Invoices: ")
        assert "Permissions" in message

    def test_given_token_rejected_once_when_checking_then_refreshes_and_succeeds(self, halo):
        halo.get(f"{INSTANCE}/api/Tickets", [{"status_code": 401}, {"json": {"record_count": 0}}])
        assert check_halo_connection(CONFIG) == (True, None)

    def test_given_token_never_accepted_when_checking_then_login_type_hint(self, halo):
        halo.get(f"{INSTANCE}/api/Tickets", status_code=401)
        ok, message = check_halo_connection(CONFIG)
        assert not ok and "login type to Agent" in message

    def test_given_html_instead_of_api_when_checking_then_not_halo(self, halo):
        halo.get(f"{INSTANCE}/api/Tickets", text="<html></html>")
        ok, message = check_halo_connection(CONFIG)
        assert not ok and "does not point at a Halo instance" in message

    def test_given_bad_secret_when_checking_then_credentials_message(self, halo):
        halo.post(f"{INSTANCE}/auth/token", status_code=401, json={"error": "invalid_client"})
        ok, message = check_halo_connection(CONFIG)
        assert not ok and "Client ID or Client Secret" in message and "s3cret-value" not in message

    def test_given_invalid_url_when_checking_then_no_request_and_field_named(self, halo):
        ok, message = check_halo_connection(dict(CONFIG, instance_url="acme.halopsa.com"))
        assert not ok and message.startswith("Instance URL") and halo.call_count == 0

    def test_given_unreachable_api_when_checking_then_cannot_reach(self, halo):
        halo.get(f"{INSTANCE}/api/Tickets", exc=requests.exceptions.ConnectTimeout("timed out"))
        ok, message = check_halo_connection(CONFIG)
        assert not ok and message.startswith("Cannot reach acme.halopsa.com")


def test_given_optional_area_refused_when_checking_then_succeeds_with_a_warning(halo, caplog):
    halo.get(f"{INSTANCE}/api/TimesheetEvent", status_code=403)
    assert check_halo_connection(CONFIG) == (True, None)
    assert "lacks Read on Timesheets: the timesheet_events stream will fail" in caplog.text
