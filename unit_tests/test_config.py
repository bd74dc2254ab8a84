import pytest

from source_halopsa.config import ConfigError, normalize_config, normalize_instance_url, validate_config

VALID = {"instance_url": "https://acme.halopsa.com", "client_id": "id", "client_secret": "secret"}


class TestNormalizeInstanceUrl:
    @pytest.mark.parametrize(
        "raw",
        [
            "https://acme.halopsa.com",
            "  https://acme.halopsa.com/  ",
            "https://ACME.halopsa.com",
            "https://acme.halopsa.com/api",
            "https://acme.halopsa.com/api/",
            "https://acme.halopsa.com/API/Tickets",
            "https://acme.halopsa.com/auth",
            "https://acme.halopsa.com/auth/token",
            "https://acme.halopsa.com/api/swagger/index.html",
        ],
    )
    def test_given_pasted_url_when_normalizing_then_instance_root(self, raw):
        assert normalize_instance_url(raw) == "https://acme.halopsa.com"

    def test_given_instance_under_a_path_when_normalizing_then_path_kept(self):
        assert normalize_instance_url("https://halo.example.com/halo/api") == "https://halo.example.com/halo"


class TestNormalizeConfig:
    def test_given_blank_optional_fields_when_normalizing_then_dropped(self):
        config = dict(
            VALID, tenant="  ", start_date="", authorization_server_url=" https://a.example.com/auth/token "
        )
        normalize_config(config)
        assert "tenant" not in config and "start_date" not in config
        assert config["authorization_server_url"] == "https://a.example.com/auth"

    def test_given_padded_credentials_when_normalizing_then_trimmed(self):
        config = dict(VALID, client_id=" id \n", client_secret="\tsecret ")
        normalize_config(config)
        assert (config["client_id"], config["client_secret"]) == ("id", "secret")


class TestValidateConfig:
    def test_given_valid_config_when_validating_then_passes(self):
        validate_config(VALID)

    @pytest.mark.parametrize(
        "change, words",
        [
            pytest.param(
                {"instance_url": "acme.halopsa.com"}, "https://acme.halopsa.com", id="test_no_scheme"
            ),
            pytest.param({"instance_url": "http://acme.halopsa.com"}, "https", id="test_http_public_host"),
            pytest.param({"instance_url": "ftp://acme.halopsa.com"}, "web address", id="test_other_scheme"),
            pytest.param({"instance_url": ""}, "Instance URL is empty", id="test_empty_url"),
            pytest.param({"client_id": ""}, "Client ID is empty", id="test_empty_client_id"),
            pytest.param({"client_secret": None}, "Client Secret is empty", id="test_missing_secret"),
            pytest.param({"start_date": "yesterday"}, "ISO 8601", id="test_bad_start_date"),
            pytest.param({"start_date": "1850-01-01"}, "before 1980", id="test_ancient_start_date"),
            pytest.param({"tenant": 5}, "Tenant must be text", id="test_tenant_not_text"),
            pytest.param({"rate_limit_requests": 0}, "at least 1", id="test_zero_budget"),
            pytest.param({"lookback_window_minutes": "10"}, "whole number", id="test_lookback_as_text"),
        ],
    )
    def test_given_bad_value_when_validating_then_one_line_naming_the_fix(self, change, words):
        with pytest.raises(ConfigError) as error:
            validate_config(dict(VALID, **change))
        assert words in str(error.value) and "\n" not in str(error.value)

    @pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:5"])
    def test_given_http_on_loopback_when_validating_then_allowed(self, url):
        validate_config(dict(VALID, instance_url=url))

    @pytest.mark.parametrize(
        "date", ["2024-01-01", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00", "2024-01-01T02:00:00+02:00"]
    )
    def test_given_iso_start_date_when_validating_then_accepted(self, date):
        validate_config(dict(VALID, start_date=date))
