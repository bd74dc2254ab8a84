"""Hooks for every test: the secret scan of every output the suite can reach (integration_tests/secret_scan.py)."""

import os

# PyAirbyte reads these once, when first imported by any test: no registry lookups, no telemetry
# (this machine, like many CI runners, has no internet).
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

from integration_tests import secret_scan
from integration_tests.secret_scan import (  # noqa: F401 - pytest finds hooks by name
    pytest_runtest_makereport,
    pytest_runtest_protocol,
    pytest_sessionfinish,
    pytest_terminal_summary,
)

secret_scan.install()
