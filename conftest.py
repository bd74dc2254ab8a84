"""Hooks for every test: the secret scan of every output the suite can reach (integration_tests/secret_scan.py)."""

from integration_tests import secret_scan
from integration_tests.secret_scan import (  # noqa: F401 - pytest finds hooks by name
    pytest_runtest_makereport,
    pytest_runtest_protocol,
    pytest_sessionfinish,
    pytest_terminal_summary,
)

secret_scan.install()
