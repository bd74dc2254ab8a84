"""OAuth2 client-credentials tokens, as Halo's OpenIddict-based authorisation server issues them.

Hosted tenants need `tenant` on the token request (query string, or form field as one client sends it);
on-prem ignores it. Tokens are random 40-hex strings that expire after `token_ttl_seconds` on the simulator
clock and can be revoked all at once; in the world `tokens="newest_only"` a new token revokes every older one. Not modelled: refresh/id tokens, other grant types, scopes limiting
access (permissions come from options.granted_areas), the OIDC discovery document.
"""

from __future__ import annotations

import secrets
import threading

from . import errors
from .clock import US, Clock
from .options import SimulatorOptions


class TokenStore:
    def __init__(self, clock: Clock, options: SimulatorOptions) -> None:
        self.clock = clock
        self.options = options
        self._expiry: dict[str, int] = {}
        self._lock = threading.Lock()

    def request(self, query: dict[str, str], form: dict[str, str]) -> dict:
        """Validate a token request (checks in Halo's order: tenant, grant type, credentials) and issue."""
        opts = self.options
        if opts.hosted:
            tenant = query.get("tenant") or form.get("tenant")
            if tenant != opts.tenant:
                raise errors.wrong_tenant(opts.wrong_tenant_status)
        grant = form.get("grant_type")
        if not grant:
            raise errors.invalid_request("The mandatory 'grant_type' parameter is missing.")
        if grant != "client_credentials":
            raise errors.unsupported_grant_type()
        if form.get("client_id") != opts.client_id or form.get("client_secret") != opts.client_secret:
            raise errors.invalid_client()
        token = secrets.token_hex(20)
        with self._lock:
            if opts.world.tokens == "newest_only":
                self._expiry.clear()
            self._expiry[token] = self.clock.now_us() + opts.token_ttl_seconds * US
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": opts.token_ttl_seconds,
            "scope": form.get("scope") or "all",
        }

    def valid(self, authorization: str | None) -> bool:
        if not authorization or not authorization.lower().startswith("bearer "):
            return False
        token = authorization[7:].strip()
        with self._lock:
            expiry = self._expiry.get(token)
        return expiry is not None and self.clock.now_us() < expiry

    def revoke_all(self) -> int:
        with self._lock:
            n = len(self._expiry)
            self._expiry.clear()
        return n
