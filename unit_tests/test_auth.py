import pytest
import requests
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa import auth
from source_halopsa.auth import discover_token_endpoint, token_source_for

INSTANCE = "https://acme.halopsa.com"
CONFIG = {"instance_url": INSTANCE, "client_id": "cid", "client_secret": "s3cret-value"}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(auth.time, "sleep", lambda seconds: None)


class TestDiscoverTokenEndpoint:
    def test_given_tenant_when_discovering_then_instance_auth_without_a_request(self, requests_mock):
        endpoint = discover_token_endpoint(dict(CONFIG, tenant="acme"), requests.Session())
        assert (endpoint.url, endpoint.params) == (f"{INSTANCE}/auth/token", {"tenant": "acme"})
        assert requests_mock.call_count == 0

    def test_given_no_tenant_when_discovering_then_authinfo_supplies_auth_server_and_tenant(
        self, requests_mock
    ):
        requests_mock.get(
            f"{INSTANCE}/api/authinfo", json={"auth_url": "https://auth.halopsa.com/", "tenant_id": "acme"}
        )
        endpoint = discover_token_endpoint(CONFIG, requests.Session())
        assert (endpoint.url, endpoint.params) == ("https://auth.halopsa.com/token", {"tenant": "acme"})

    def test_given_on_prem_without_authinfo_when_discovering_then_instance_auth_without_tenant(
        self, requests_mock
    ):
        requests_mock.get(f"{INSTANCE}/api/authinfo", status_code=404)
        endpoint = discover_token_endpoint(CONFIG, requests.Session())
        assert (endpoint.url, endpoint.params) == (f"{INSTANCE}/auth/token", {})

    def test_given_configured_auth_server_when_discovering_then_it_wins(self, requests_mock):
        requests_mock.get(
            f"{INSTANCE}/api/authinfo", json={"auth_url": "https://other/auth", "tenant_id": "acme"}
        )
        endpoint = discover_token_endpoint(
            dict(CONFIG, authorization_server_url="https://uk-trial.halopsa.com"), requests.Session()
        )
        assert endpoint.url == "https://uk-trial.halopsa.com/token"


class TestTokenRequest:
    def test_given_client_credentials_when_fetching_then_form_matches_halo(self, requests_mock):
        token = requests_mock.post(f"{INSTANCE}/auth/token", json={"access_token": "tok", "expires_in": 3600})
        assert token_source_for(dict(CONFIG, tenant="acme")).token() == "tok"
        assert token.last_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert (
            token.last_request.text
            == "grant_type=client_credentials&client_id=cid&client_secret=s3cret-value&scope=all"
        )
        assert token.last_request.qs == {"tenant": ["acme"]}

    def test_given_expired_token_when_asked_then_refetched(self, requests_mock, monkeypatch):
        requests_mock.post(
            f"{INSTANCE}/auth/token",
            [
                {"json": {"access_token": "a", "expires_in": 120}},
                {"json": {"access_token": "b", "expires_in": 120}},
            ],
        )
        source = token_source_for(dict(CONFIG, tenant="acme"))
        clock = [1000.0]
        monkeypatch.setattr(auth.time, "monotonic", lambda: clock[0])
        assert source.token() == "a"
        clock[0] += 59
        assert source.token() == "a"
        clock[0] += 2  # past expires_in minus the 60 s margin
        assert source.token() == "b"

    def test_given_transient_5xx_when_fetching_then_retried(self, requests_mock):
        requests_mock.post(
            f"{INSTANCE}/auth/token",
            [{"status_code": 503}, {"json": {"access_token": "tok", "expires_in": 3600}}],
        )
        assert token_source_for(dict(CONFIG, tenant="acme")).token() == "tok"

    @pytest.mark.parametrize(
        "response, words",
        [
            pytest.param(
                {"status_code": 401, "json": {"error": "invalid_client"}},
                "Client ID or Client Secret",
                id="test_bad_secret",
            ),
            pytest.param(
                {"status_code": 400, "json": {"error": "invalid_client"}},
                "Client ID or Client Secret",
                id="test_bad_secret_400",
            ),
            pytest.param(
                {"status_code": 500, "text": "Tenant not found"}, "tenant 'acme'", id="test_wrong_tenant_500"
            ),
            pytest.param(
                {"status_code": 404, "text": "Not Found"}, "No Halo token endpoint", id="test_wrong_url"
            ),
            pytest.param(
                {"status_code": 200, "text": "<html>login</html>"},
                "without an access token",
                id="test_not_a_token_endpoint",
            ),
        ],
    )
    def test_given_token_endpoint_rejection_when_fetching_then_clear_config_error(
        self, requests_mock, response, words
    ):
        requests_mock.post(f"{INSTANCE}/auth/token", **response)
        with pytest.raises(AirbyteTracedException) as error:
            token_source_for(dict(CONFIG, tenant="acme")).token()
        assert words in error.value.message
        assert "s3cret-value" not in error.value.message and "s3cret-value" not in (
            error.value.internal_message or ""
        )

    def test_given_unreachable_host_when_fetching_then_names_the_host(self, requests_mock):
        requests_mock.post(f"{INSTANCE}/auth/token", exc=requests.exceptions.ConnectionError("refused"))
        with pytest.raises(AirbyteTracedException) as error:
            token_source_for(dict(CONFIG, tenant="acme")).token()
        assert error.value.message.startswith("Cannot reach acme.halopsa.com")

    def test_given_bad_certificate_when_fetching_then_tls_message(self, requests_mock):
        requests_mock.post(
            f"{INSTANCE}/auth/token", exc=requests.exceptions.SSLError("certificate verify failed")
        )
        with pytest.raises(AirbyteTracedException) as error:
            token_source_for(dict(CONFIG, tenant="acme")).token()
        assert error.value.message.startswith("TLS certificate verification failed for acme.halopsa.com")


class TestTokenSourceSharing:
    def test_given_same_credentials_when_looking_up_then_same_source(self):
        assert token_source_for(dict(CONFIG)) is token_source_for(dict(CONFIG))

    def test_given_other_secret_when_looking_up_then_other_source(self):
        assert token_source_for(CONFIG) is not token_source_for(dict(CONFIG, client_secret="other"))
