"""The client-side request budget: a sync paced to Halo's rolling window never trips a 429."""

import json
import time

from airbyte_cdk.models.airbyte_protocol_serializers import ConfiguredAirbyteCatalogSerializer

from halo_simulator import HaloSimulator, SimulatorOptions
from integration_tests.harness import catalog_for, run_console

WINDOW_SECONDS = 3
REQUESTS_PER_WINDOW = 20


def test_given_budget_equal_to_halos_when_syncing_then_no_429_and_waits_are_logged(tmp_path):
    with HaloSimulator(
        SimulatorOptions(scale="tiny", rate_limit=(REQUESTS_PER_WINDOW, WINDOW_SECONDS))
    ) as sim:
        config = {
            **sim.config(),
            "start_date": "2026-10-20T00:00:00Z",
            "rate_limit_requests": REQUESTS_PER_WINDOW,
            "rate_limit_window_seconds": WINDOW_SECONDS,
        }
        (tmp_path / "config.json").write_text(json.dumps(config))
        catalog = catalog_for(config, ["tickets", "actions", "statuses", "agents"])
        (tmp_path / "catalog.json").write_text(json.dumps(ConfiguredAirbyteCatalogSerializer.dump(catalog)))
        started = time.monotonic()
        code, messages, output = run_console(
            ["read", "--config", str(tmp_path / "config.json"), "--catalog", str(tmp_path / "catalog.json")]
        )
        elapsed = time.monotonic() - started
        stats = sim.stats()

    assert code == 0, output[-2000:]
    assert stats["throttled_429"] == 0
    requests = stats["requests"]
    assert requests > 2 * REQUESTS_PER_WINDOW  # enough to need pacing
    # No faster than the budget allows: the first window is free, every later one waits.
    assert elapsed >= (requests // REQUESTS_PER_WINDOW - 1) * WINDOW_SECONDS
    logs = [m["log"]["message"] for m in messages if m["type"] == "LOG"]
    assert any(message.startswith("Pacing requests to Halo's budget of 20 per 3 s") for message in logs)
