"""One token per sync, renewed once when Halo rejects it mid-sync."""

from integration_tests import oracle
from integration_tests.conftest import UNTHROTTLED
from integration_tests.harness import read_streams, records_by_stream


def test_given_token_revoked_mid_sync_when_reading_then_refreshed_once_and_nothing_lost(fresh_simulator):
    sim = fresh_simulator
    sim.set_faults([{"path": "/api/Tickets", "kind": "expire_token", "times": 1}])
    output = read_streams({**sim.config(), **UNTHROTTLED}, ["tickets", "statuses"])
    assert not output.errors
    ids = [record["id"] for record in records_by_stream(output)["tickets"]]
    assert sorted(ids) == sorted(row["id"] for row in oracle.expected(sim, "tickets"))
    assert sim.stats()["counts"]["POST /auth/token"] == 2


def test_given_several_streams_when_reading_then_a_single_token(fresh_simulator):
    sim = fresh_simulator
    output = read_streams(
        {**sim.config(), **UNTHROTTLED}, ["tickets", "clients", "agents", "invoices", "assets"]
    )
    assert not output.errors
    assert sim.stats()["counts"]["POST /auth/token"] == 1
