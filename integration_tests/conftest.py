import json
from pathlib import Path

import pytest

from halo_simulator import HaloSimulator, SimulatorOptions
from source_halopsa import auth

ROOT = Path(__file__).resolve().parent.parent
# Tests read far more than Halo's 300 requests per 5 minutes; the budget has its own tests.
UNTHROTTLED = {"rate_limit_requests": 1_000_000}


@pytest.fixture(autouse=True)
def fresh_token_sources():
    auth._SOURCES.clear()
    yield
    auth._SOURCES.clear()


@pytest.fixture(scope="session")
def simulator():
    """A tiny MSP, shared by tests that only read."""
    with HaloSimulator(SimulatorOptions(scale="tiny")) as sim:
        yield sim


@pytest.fixture
def fresh_simulator():
    """A tiny MSP of its own, for tests that change data or inject faults."""
    with HaloSimulator(SimulatorOptions(scale="tiny")) as sim:
        yield sim


@pytest.fixture
def config(simulator):
    return {**simulator.config(), **UNTHROTTLED}


@pytest.fixture(scope="session", autouse=True)
def standard_test_config(simulator):
    """secrets/config.json for the airbyte-cdk standard tests (acceptance-test-config.yml)."""
    secrets = ROOT / "secrets"
    secrets.mkdir(exist_ok=True)
    (secrets / "config.json").write_text(
        json.dumps({**simulator.config(), **UNTHROTTLED, "start_date": "2025-06-01T00:00:00Z"})
    )
    yield


# The airbyte-cdk standard tests run each test for every scenario of acceptance-test-config.yml and skip
# a scenario whose section does not run that command (a `spec` config under `check`, ...). Those pairs
# are not tests of this connector: deselect them, so a skip in the suite always means something is missing.
_STANDARD_TEST_COMMANDS = {
    "test_check": "check",
    "test_config_matches_spec": "spec",
    "test_discover": "discover",
    "test_basic_read": "read",
    "test_fail_read_with_bad_catalog": "read",
}


def pytest_collection_modifyitems(config, items):
    kept, dropped = [], []
    for item in items:
        command = _STANDARD_TEST_COMMANDS.get(getattr(item, "originalname", ""))
        scenario = getattr(getattr(item, "callspec", None), "params", {}).get("scenario")
        if command and scenario is not None and not scenario.runs(command):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
