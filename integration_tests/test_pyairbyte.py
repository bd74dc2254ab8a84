"""PyAirbyte runs the installed connector into a DuckDB cache, and a second read is incremental."""

import os
import sys
import time
from pathlib import Path

import pytest

from integration_tests import oracle
from integration_tests.conftest import UNTHROTTLED

# No registry or telemetry calls from PyAirbyte: this machine, like many CI runners, has no internet.
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
ab = pytest.importorskip("airbyte")


def test_given_pyairbyte_when_reading_twice_then_duckdb_holds_all_and_second_read_is_incremental(
    fresh_simulator, tmp_path, monkeypatch
):
    sim = fresh_simulator
    source = ab.get_source(
        "source-halopsa",
        config={**sim.config(), **UNTHROTTLED, "lookback_window_minutes": 0},
        local_executable=str(Path(sys.executable).with_name("source-halopsa")),
    )
    source.check()
    source.select_streams(["tickets", "statuses"])
    cache = ab.caches.DuckDBCache(db_path=tmp_path / "pyairbyte.duckdb")  # PyAirbyte's default cache type

    first = source.read(cache=cache)
    tickets = cache["tickets"].to_pandas()
    assert sorted(tickets["id"]) == sorted(row["id"] for row in oracle.expected(sim, "tickets"))
    assert len(cache["statuses"].to_pandas()) == len(oracle.expected(sim, "statuses"))
    assert first.processed_records >= len(tickets)

    changed = sim.mutate(update_tickets=4, add_tickets=2)
    time.sleep(1.1)  # past the whole-second upper bound of the next sync
    second = source.read(cache=cache)
    statuses = len(oracle.expected(sim, "statuses"))
    assert (
        second.processed_records <= 4 + 2 + 1 + statuses
    )  # the changes, the newest old ticket, the full-refresh list
    tickets = cache["tickets"].to_pandas()
    assert set(tickets["id"]) >= set(changed["add_tickets"])
    assert tickets["id"].is_unique  # merged on the primary key
