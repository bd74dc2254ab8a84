"""Fault rules: statuses, connection faults, body and paging faults, token expiry."""

from __future__ import annotations

import time

import pytest
import requests

from .conftest import HaloClient


@pytest.fixture
def fsim(make_sim):
    return make_sim()


def test_given_status_rule_when_requesting_then_next_n_get_status_then_normal(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/api/tickets", "status": 503, "times": 2}])
    assert [c.get("/api/Tickets").status_code for _ in range(3)] == [503, 503, 200]
    assert c.get("/api/Status").status_code == 200


def test_given_every_rule_when_requesting_then_every_nth_fails(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/api/status", "status": 500, "every": 2}])
    assert [c.get("/api/Status").status_code for _ in range(4)] == [200, 500, 200, 500]


def test_given_probability_one_rule_with_method_when_requesting_then_only_that_method(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/auth/token", "method": "POST", "status": 429, "probability": 1.0}])
    assert c.token_response().status_code == 429
    assert c.get("/api/Status").status_code == 200


def test_given_status_rule_with_headers_when_requesting_then_headers_sent(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/api/", "status": 429, "headers": {"Retry-After": "2"}}])
    r = c.get("/api/Status")
    assert r.status_code == 429 and r.headers["Retry-After"] == "2"


def test_given_reset_rule_when_requesting_then_connection_error(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/api/status", "kind": "reset"}])
    with pytest.raises(requests.ConnectionError):
        c.get("/api/Status")
    assert c.get("/api/Status").status_code == 200


def test_given_timeout_rule_when_requesting_then_no_response(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/api/status", "kind": "timeout", "seconds": 0.3}])
    with pytest.raises(requests.RequestException):
        c.http.get(f"{fsim.url}/api/Status", timeout=0.1)
    time.sleep(0.3)
    assert c.get("/api/Status").status_code == 200


def test_given_delay_rule_when_requesting_then_slow_but_served(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/api/status", "kind": "delay", "seconds": 0.2}])
    t = time.monotonic()
    assert c.get("/api/Status").status_code == 200
    assert time.monotonic() - t >= 0.2


def test_given_malformed_rule_when_requesting_then_truncated_json(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/api/status", "kind": "malformed"}])
    r = c.get("/api/Status")
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()


def test_given_repeat_page_rule_when_paging_then_page_one_again(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/api/tickets", "kind": "repeat_page", "every": 1}])
    p1 = c.json("/api/Tickets", pageinate="true", page_size=10, page_no=1)
    p2 = c.json("/api/Tickets", pageinate="true", page_size=10, page_no=2)
    assert p1["tickets"] == p2["tickets"]


def test_given_page_cap_rule_when_paging_then_fewer_rows_than_reported_size(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/api/tickets", "kind": "page_cap", "size": 10, "every": 1}])
    body = c.json("/api/Tickets", pageinate="true", page_size=100, page_no=2)
    assert body["page_size"] == 100 and len(body["tickets"]) == 10
    assert body["tickets"][0]["id"] == fsim.backend.read_all("tickets")[10]["id"]


def test_given_expire_token_rule_when_requesting_then_401_and_old_token_dead(fsim):
    c = HaloClient(fsim)
    fsim.set_faults([{"path": "/api/status", "kind": "expire_token"}])
    assert c.get("/api/Status").status_code == 401
    assert c.get("/api/Team").status_code == 401
    c.authenticate()
    assert c.get("/api/Team").status_code == 200


def test_given_bad_rule_when_setting_faults_then_value_error(fsim):
    with pytest.raises(ValueError):
        fsim.set_faults([{"path": "x", "kind": "explode"}])
