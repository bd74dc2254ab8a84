"""Token endpoint, authinfo, bearer checks and permission areas (halopsa-api.md §1, §5)."""

from __future__ import annotations

import requests

from .conftest import HaloClient


def _form(sim, **overrides) -> dict:
    return {"grant_type": "client_credentials", "client_id": sim.options.client_id,
            "client_secret": sim.options.client_secret, "scope": "all", **overrides}  # fmt: skip


def test_given_valid_credentials_when_token_requested_then_bearer_token_with_ttl(sim):
    r = requests.post(f"{sim.url}/auth/token?tenant=acme", data=_form(sim))
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == "all"
    assert len(body["access_token"]) == 40 and int(body["access_token"], 16) >= 0


def test_given_bad_secret_when_token_requested_then_401_invalid_client(sim):
    r = requests.post(f"{sim.url}/auth/token?tenant=acme", data=_form(sim, client_secret="nope"))
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client" and r.json()["error_description"]


def test_given_wrong_tenant_when_token_requested_then_500_text(sim):
    r = requests.post(f"{sim.url}/auth/token?tenant=other", data=_form(sim))
    assert r.status_code == 500 and r.headers["Content-Type"].startswith("text/plain")


def test_given_missing_tenant_on_hosted_when_token_requested_then_500(sim):
    assert requests.post(f"{sim.url}/auth/token", data=_form(sim)).status_code == 500


def test_given_tenant_as_form_field_when_token_requested_then_200(sim):
    assert requests.post(f"{sim.url}/auth/token", data=_form(sim, tenant="acme")).status_code == 200


def test_given_separate_auth_host_path_when_token_requested_then_200(sim):
    assert requests.post(f"{sim.url}/token?tenant=acme", data=_form(sim)).status_code == 200


def test_given_password_grant_when_token_requested_then_400_unsupported_grant_type(sim):
    r = requests.post(f"{sim.url}/auth/token?tenant=acme", data=_form(sim, grant_type="password"))
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"


def test_given_on_prem_when_token_requested_without_tenant_then_200(make_sim):
    s = make_sim(hosted=False)
    assert requests.post(f"{s.url}/auth/token", data=_form(s)).status_code == 200
    assert "tenant" not in s.config()


def test_given_hosted_when_authinfo_then_auth_url_and_tenant(sim):
    r = requests.get(f"{sim.url}/api/AuthInfo")
    assert r.status_code == 200
    assert r.json() == {"auth_url": f"{sim.url}/auth", "tenant_id": "acme"}


def test_given_on_prem_when_authinfo_then_auth_url_only(make_sim):
    s = make_sim(hosted=False)
    assert requests.get(f"{s.url}/api/authinfo").json() == {"auth_url": f"{s.url}/auth"}


def test_given_no_token_when_api_called_then_401_empty_body(sim):
    r = requests.get(f"{sim.url}/api/Tickets")
    assert r.status_code == 401 and r.content == b""


def test_given_unknown_token_when_api_called_then_401(sim):
    r = requests.get(f"{sim.url}/api/Tickets", headers={"Authorization": "Bearer " + "0" * 40})
    assert r.status_code == 401


def test_given_token_older_than_ttl_when_api_called_then_401(make_sim):
    s = make_sim(token_ttl_seconds=60)
    c = HaloClient(s)
    assert c.get("/api/Status").status_code == 200
    s.advance_clock(61)
    assert c.get("/api/Status").status_code == 401
    c.authenticate()
    assert c.get("/api/Status").status_code == 200


def test_given_revoked_tokens_when_api_called_then_401(make_sim):
    s = make_sim()
    c = HaloClient(s)
    assert s.revoke_tokens() == 1
    assert c.get("/api/Status").status_code == 401


def test_given_area_not_granted_when_api_called_then_403_with_message(make_sim):
    s = make_sim(granted_areas={"tickets"})
    c = HaloClient(s)
    r = c.get("/api/Invoice")
    assert r.status_code == 403 and "permission" in r.json()["Message"]
    assert c.get("/api/Tickets").status_code == 200


def test_given_lower_case_path_when_api_called_then_same_as_pascal_case(client):
    assert client.json("/api/tickets", count=5) == client.json("/api/Tickets", count=5)


def test_given_unknown_path_when_called_then_404_and_write_method_405(client):
    assert client.get("/api/NoSuchThing").status_code == 404
    assert client.http.post(f"{client.sim.url}/api/Tickets", json=[{}]).status_code == 405


def test_given_unknown_id_when_single_get_then_404(client):
    assert client.get("/api/Tickets/999999").status_code == 404
