"""OAuth2 client credentials against Halo's authorisation server, one token per sync.

The CDK builds one authenticator per stream, and its OAuthAuthenticator would fetch one token per
stream. Halo counts token requests against the same rolling budget as data requests, and a new token
may invalidate earlier ones (django-psa, halopsa-api.md §1.4), so every stream of a process shares one
`HaloTokenSource`, keyed by the credentials it was built from.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa.config import shown

logger = logging.getLogger("airbyte")

# Halo tokens live 3600 s (halopsa-api.md §1.4); renew a minute early so a token never expires
# between our check and Halo's, as django-psa does.
EXPIRY_MARGIN_SECONDS = 60
REQUEST_TIMEOUT_SECONDS = 30
_TRANSIENT_TRIES = 4
# Fresh tokens Halo may reject on /api in a row, with no answer accepted in between, before the sync stops:
# churn (expiry, revocation by another process's token) costs one rejection per token, so five in a row
# means Halo rejects every token these credentials get.
MAX_REJECTED_TOKENS_IN_A_ROW = 5


@dataclass(frozen=True)
class TokenEndpoint:
    url: str
    tenant: str | None

    @property
    def params(self) -> dict[str, str]:
        return {"tenant": self.tenant} if self.tenant else {}


def discover_token_endpoint(config: Mapping[str, Any], session: requests.Session) -> TokenEndpoint:
    """Where to ask for a token: configured values first, then Halo's unauthenticated authinfo.

    Discovery runs only when no tenant is configured: with a tenant, {instance}/auth is Halo's default.

    Hosted Halo publishes its auth server and tenant at {instance}/api/authinfo (HaloAPI's
    Connect-HaloAPI); on-prem instances without it use {instance}/auth/token with no tenant.
    """
    instance = config["instance_url"]
    auth_url = config.get("authorization_server_url")
    tenant = config.get("tenant")
    if not tenant:
        info = _authinfo(instance, session)
        auth_url = auth_url or _clean(info.get("auth_url"))
        tenant = tenant or _clean(info.get("tenant_id") or info.get("tenant"))
    return TokenEndpoint(url=f"{(auth_url or instance + '/auth').rstrip('/')}/token", tenant=tenant)


def _clean(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _authinfo(instance: str, session: requests.Session) -> dict[str, Any]:
    try:
        response = session.get(f"{instance}/api/authinfo", timeout=REQUEST_TIMEOUT_SECONDS)
        body = response.json() if response.ok else {}
    except requests.exceptions.SSLError as error:
        raise tls_error(instance, error) from error
    except requests.exceptions.ConnectionError as error:
        raise unreachable_error(instance, error) from error
    except (requests.RequestException, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def tls_error(url: str, error: Exception) -> AirbyteTracedException:
    host = urlsplit(url).hostname
    return AirbyteTracedException(
        message=f"TLS certificate verification failed for {host}: use the instance's own Halo address "
        "(not a custom domain without a valid certificate) or fix the certificate.",
        internal_message=f"{type(error).__name__} for {host}",
        failure_type=FailureType.config_error,
    )


def unreachable_error(url: str, error: Exception) -> AirbyteTracedException:
    host = urlsplit(url).hostname
    return AirbyteTracedException(
        message=f"Cannot reach {host}: check the Instance URL (it should open your Halo login page) and "
        "that this machine can reach it.",
        internal_message=f"{type(error).__name__} for {host}",
        failure_type=FailureType.config_error,
    )


class HaloTokenSource:
    """Fetches, caches and renews one access token; safe to share between threads."""

    def __init__(self, config: Mapping[str, Any]):
        self._config = dict(config)
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._endpoint: TokenEndpoint | None = None
        self._token: str | None = None
        self._expires_at = 0.0
        self._rejected_in_a_row = 0
        self.requests_made = 0

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at:
                if self._rejected_in_a_row >= MAX_REJECTED_TOKENS_IN_A_ROW:
                    raise tokens_rejected(self._rejected_in_a_row)
                self._fetch()
            return self._token  # type: ignore[return-value]

    def reject(self, token: str | None) -> None:
        """Halo answered 401 to a request sent with `token`: the next request gets a fresh one.

        Only the current token is dropped: a 401 for a token another thread already replaced says
        nothing about the new one, so parallel requests share one renewal.
        """
        with self._lock:
            if token and token == self._token:
                self._token = None
                self._rejected_in_a_row += 1

    def accept(self, token: str | None) -> None:
        """Halo accepted `token`: renewals so far were churn, not credentials it refuses."""
        with self._lock:
            if token and token == self._token:
                self._rejected_in_a_row = 0

    def refresh(self, rejected_token: str | None = None) -> str:
        """Get a new token, unless another thread already replaced the rejected one."""
        with self._lock:
            if rejected_token is None or rejected_token == self._token:
                self._fetch()
            return self._token  # type: ignore[return-value]

    def _fetch(self) -> None:
        if self._endpoint is None:
            if not self._config.get("tenant"):
                self.requests_made += 1  # the authinfo look-up
            self._endpoint = discover_token_endpoint(self._config, self._session)
        form = {
            "grant_type": "client_credentials",
            "client_id": self._config["client_id"],
            "client_secret": self._config["client_secret"],
            "scope": self._config.get("scope") or "all",
        }
        response = self._post(form)
        body = _json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise AirbyteTracedException(
                message=f"Halo's token endpoint {self._endpoint.url} answered without an access token: "
                "check the Authorisation Server URL.",
                failure_type=FailureType.config_error,
            )
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) and expires_in > 0 else 3600.0
        # The CDK logs request headers at debug level; its secret filter then masks the token.
        add_to_secrets(token)
        self._token = token
        self._expires_at = time.monotonic() + max(lifetime - EXPIRY_MARGIN_SECONDS, lifetime / 2)

    def _post(self, form: Mapping[str, str]) -> requests.Response:
        endpoint = self._endpoint
        assert endpoint is not None
        for attempt in range(1, _TRANSIENT_TRIES + 1):
            try:
                self.requests_made += 1
                # Never follow a redirect: a 307 or 308 would post the client secret to wherever it points.
                response = self._session.post(
                    endpoint.url,
                    params=endpoint.params,
                    data=form,
                    timeout=REQUEST_TIMEOUT_SECONDS,
                    allow_redirects=False,
                )
            except requests.exceptions.SSLError as error:
                raise tls_error(endpoint.url, error) from error
            except requests.exceptions.ConnectionError as error:
                if attempt == _TRANSIENT_TRIES:
                    raise unreachable_error(endpoint.url, error) from error
            except requests.exceptions.Timeout as error:
                if attempt == _TRANSIENT_TRIES:
                    raise AirbyteTracedException(
                        message=f"Halo's token endpoint {endpoint.url} timed out {attempt} times; try again later.",
                        internal_message=type(error).__name__,
                        failure_type=FailureType.transient_error,
                    ) from error
            else:
                if response.ok and not response.is_redirect:
                    return response
                if response.status_code not in (429, 500, 502, 503, 504) or attempt == _TRANSIENT_TRIES:
                    raise token_rejection(endpoint, response)
            wait = 2**attempt
            logger.info(f"Halo's token endpoint is unavailable; retrying in {wait} s.")
            time.sleep(wait)
        raise AssertionError("unreachable")


def tokens_rejected(count: int) -> AirbyteTracedException:
    return AirbyteTracedException(
        message=f"Halo issued {count} access tokens in a row and rejected each on /api (HTTP 401): set the API "
        "application's login type to Agent with an agent to log in as, and check that its Client ID and Secret "
        "are still active.",
        internal_message=f"{count} fresh tokens rejected in a row",
        failure_type=FailureType.config_error,
    )


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def token_rejection(endpoint: TokenEndpoint, response: requests.Response) -> AirbyteTracedException:
    """Tell apart bad credentials, a wrong tenant and a wrong URL from the token endpoint's answer."""
    body = _json(response)
    code = body.get("error") if isinstance(body, dict) else None
    status = response.status_code
    if code in ("invalid_client", "unauthorized_client") or status == 401:
        message = (
            "Halo rejected the Client ID or Client Secret (invalid_client): copy both again from "
            "Configuration > Integrations > Halo API > your API application, whose authentication "
            "method must be 'Client ID and Secret (Services)'."
        )
    elif code == "invalid_scope":
        message = "Halo rejected the scope: leave Scope empty (it defaults to 'all') or use one Halo lists."
    elif status == 404:
        message = (
            f"No Halo token endpoint at {endpoint.url}: check the Instance URL, or set the Authorisation "
            "Server URL shown in Halo's API Details."
        )
    elif response.is_redirect:
        target = urlsplit(response.headers.get("Location", "")).hostname or "another address"
        message = (
            f"Halo's token endpoint {endpoint.url} redirects to {target}, and the client secret is not sent "
            "after a redirect: set the Authorisation Server URL shown in Halo's API Details."
        )
    elif status in (502, 503, 504):
        message = (
            f"Halo's token endpoint {endpoint.url} was unavailable (HTTP {status}) {_TRANSIENT_TRIES} times; "
            "try again later."
        )
    elif endpoint.tenant and (status >= 500 or code == "invalid_request"):
        # pip-halopsa saw a wrong tenant answered with HTTP 500 (halopsa-api.md §1.5).
        message = (
            f"Halo's token endpoint failed for tenant '{shown(endpoint.tenant)}' (HTTP {status}): check Tenant "
            "against Configuration > Integrations > Halo API > API Details."
        )
    elif status == 429:
        message = "Halo's rate limit rejected the token request: wait five minutes and try again."
    else:
        message = (
            f"Halo's token endpoint {endpoint.url} answered HTTP {status}: check the Instance URL and Tenant."
        )
    failure = FailureType.transient_error if status in (429, 502, 503, 504) else FailureType.config_error
    return AirbyteTracedException(
        message=message, internal_message=f"token endpoint HTTP {status}", failure_type=failure
    )


_SOURCES: dict[tuple[str, ...], HaloTokenSource] = {}
_SOURCES_LOCK = threading.Lock()


def token_source_for(config: Mapping[str, Any]) -> HaloTokenSource:
    """The process-wide token source for these credentials (one token request per sync)."""
    secret_digest = hashlib.sha256(str(config.get("client_secret", "")).encode()).hexdigest()
    key = tuple(
        str(config.get(name) or "")
        for name in ("instance_url", "authorization_server_url", "tenant", "client_id", "scope")
    ) + (secret_digest,)
    with _SOURCES_LOCK:
        if key not in _SOURCES:
            _SOURCES[key] = HaloTokenSource(config)
        return _SOURCES[key]


def rate_limit_wait_seconds(config: Mapping[str, Any]) -> float:
    """A fifth of the rolling window (60 s for Halo's 5 minutes): ten waits outlast the whole window."""
    window = config.get("rate_limit_window_seconds") or 300
    return max(float(window) / 5, 1.0)
