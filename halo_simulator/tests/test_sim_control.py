"""The /_sim/ control plane over HTTP, the stats it reports and the command-line entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import requests

from .conftest import HaloClient


def test_given_health_when_called_then_ok_and_not_counted(make_sim):
    s = make_sim()
    body = requests.get(f"{s.url}/_sim/health").json()
    assert body["status"] == "ok" and body["tenant"] == "acme" and body["scale"] == "tiny"
    assert s.stats()["requests"] == 0


def test_given_requests_when_stats_read_then_counts_per_path_tokens_and_log(make_sim):
    s = make_sim()
    c = HaloClient(s)
    c.get("/api/Tickets", pageinate="true", page_no=1)
    c.get("/api/Tickets", pageinate="true", page_no=2)
    stats = requests.get(f"{s.url}/_sim/stats").json()
    assert stats["counts"]["GET /api/Tickets"] == 2 and stats["token_requests"] == 1
    assert [e["query"] for e in stats["log"] if e["path"] == "/api/Tickets"] == ["pageinate=true&page_no=1",
                                                                                 "pageinate=true&page_no=2"]  # fmt: skip
    requests.post(f"{s.url}/_sim/stats/reset")
    assert s.stats()["requests"] == 0


def test_given_faults_via_http_when_set_and_deleted_then_applied_and_cleared(make_sim):
    s = make_sim()
    c = HaloClient(s)
    r = requests.post(f"{s.url}/_sim/faults", json=[{"path": "/api/status", "status": 502, "every": 1}])
    assert r.status_code == 200 and r.json()["rules"][0]["status"] == 502
    assert c.get("/api/Status").status_code == 502
    requests.delete(f"{s.url}/_sim/faults")
    assert c.get("/api/Status").status_code == 200
    assert requests.post(f"{s.url}/_sim/faults", json=[{"kind": "nope"}]).status_code == 400


def test_given_mutate_and_clock_via_http_when_called_then_changes_stamped_with_clock(make_sim):
    s = make_sim()
    c = HaloClient(s)
    now = requests.post(f"{s.url}/_sim/clock", json={"advance_seconds": 86400}).json()["now"]
    ids = requests.post(f"{s.url}/_sim/mutate", json={"update_tickets": 2, "seed": 1}).json()[
        "update_tickets"
    ]
    c.authenticate()  # the day on the clock outlived the first token
    rows = [c.json(f"/api/Tickets/{i}") for i in ids]
    assert all(r["last_update"] >= now for r in rows)
    requests.post(f"{s.url}/_sim/reset")
    assert all(c.json(f"/api/Tickets/{i}")["last_update"] < now for i in ids)


def test_given_revoke_via_http_when_called_then_tokens_dead(make_sim):
    s = make_sim()
    c = HaloClient(s)
    assert requests.post(f"{s.url}/_sim/revoke_tokens").json() == {"revoked": 1}
    assert c.get("/api/Status").status_code == 401


def test_given_module_entry_point_when_started_then_one_json_line_with_credentials():
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-m", "halo_simulator", "--scale", "tiny", "--port", "0"], cwd=root,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        line = json.loads(proc.stdout.readline())
        assert set(line) == {"instance_url", "client_id", "client_secret", "tenant"}
        assert requests.get(f"{line['instance_url']}/_sim/health", timeout=5).json()["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_given_route_table_when_coverage_rendered_then_committed_file_is_current():
    from halo_simulator import coverage

    path = Path(coverage.__file__).with_name("COVERAGE.md")
    assert path.read_text() == coverage.render(), (
        "run: python -m halo_simulator.coverage > halo_simulator/COVERAGE.md"
    )
