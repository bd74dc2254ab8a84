"""Scan every output the test suite can reach for the client secret and the access tokens Halo issued.

Loaded by the root conftest.py, for unit and integration tests alike. Registered secrets: the client secret
of every HaloSimulator built, and every access token its token endpoint issued. Scanned outputs:

- in-process runs: every message of every `EntrypointOutput` (records, logs, traces, errors, connection
  statuses), and the uncaught exception with its traceback;
- processes: stdout and stderr of every `subprocess.run` with captured output (`run_console`, the
  console-script tests, docker runs), plus what a test hands to `scan()` itself (test_resume.py);
- pytest's captured stdout, stderr and log of every test phase.

Simulator secrets and tokens are hex strings: outputs are reduced to their runs of 32 or more hex digits,
kept until the session ends, and checked against every secret then, so an output scanned before a secret
was issued is still checked. A leak fails the session (pytest_sessionfinish) and is listed.
"""

from __future__ import annotations

import re
import subprocess
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from airbyte_cdk.test import entrypoint_wrapper

from halo_simulator import auth as simulator_auth
from halo_simulator import server as simulator_server

_HEX_RUN = re.compile(r"[0-9a-fA-F]{32,}")


@dataclass
class SecretScan:
    secrets: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    runs: dict[str, str] = field(default_factory=dict)  # hex run -> where it was first seen
    outputs: int = 0
    characters: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_secret(self, value: str, token: bool = False) -> None:
        if isinstance(value, str) and value:
            with self._lock:
                (self.tokens if token else self.secrets).add(value)

    def scan(self, text: object, where: str) -> None:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        if not isinstance(text, str) or not text:
            return
        found = _HEX_RUN.findall(text)
        with self._lock:
            self.outputs += 1
            self.characters += len(text)
            for run in found:
                self.runs.setdefault(run, where)
            plain = [s for s in self.secrets | self.tokens if not _HEX_RUN.fullmatch(s)]
        for secret in plain:  # a secret that is not hex cannot be found among the runs
            if secret in text:
                with self._lock:
                    self.runs.setdefault(secret, where)

    def leaks(self) -> list[tuple[str, str]]:
        """(which secret, where) for every registered secret found in an output."""
        with self._lock:
            secrets = [("client secret", s) for s in self.secrets] + [
                ("access token", t) for t in self.tokens
            ]
            runs = dict(self.runs)
        found = []
        for kind, secret in secrets:
            for run, where in runs.items():
                if secret in run:
                    found.append((f"{kind} {secret[:6]}…", where))
                    break
        return found


SCAN = SecretScan()


def scan(text: object, where: str) -> None:
    SCAN.scan(text, where)


_current_test = {"nodeid": "collection"}


def _where() -> str:
    return _current_test["nodeid"]


def install() -> None:
    """Wrap the places outputs and secrets come from; idempotent."""
    if getattr(install, "done", False):
        return
    install.done = True

    issue = simulator_auth.TokenStore.request

    def request(self, query, form):
        answer = issue(self, query, form)
        SCAN.add_secret(answer.get("access_token"), token=True)
        return answer

    simulator_auth.TokenStore.request = request

    build = simulator_server.HaloSimulator.__init__

    def init(self, options=None):
        build(self, options)
        SCAN.add_secret(self.options.client_secret)

    simulator_server.HaloSimulator.__init__ = init

    output_init = entrypoint_wrapper.EntrypointOutput.__init__

    def entrypoint_output(self, messages=None, uncaught_exception=None, **kwargs):
        where = f"{_where()} (in-process connector output)"
        for message in messages or []:
            SCAN.scan(message, where)
        if uncaught_exception is not None:
            SCAN.scan("".join(traceback.format_exception(uncaught_exception)), where)
        if kwargs.get("stderr"):
            SCAN.scan(kwargs["stderr"], where)
        if kwargs.get("message_file") is not None:  # a run in a container writes its messages to a file
            SCAN.scan(Path(kwargs["message_file"]).read_text(errors="replace"), where)
        output_init(self, messages, uncaught_exception, **kwargs)

    entrypoint_wrapper.EntrypointOutput.__init__ = entrypoint_output

    run = subprocess.run

    def run_and_scan(*args, **kwargs):
        result = run(*args, **kwargs)
        where = f"{_where()} (process {_command(args, kwargs)})"
        SCAN.scan(result.stdout, where)
        SCAN.scan(result.stderr, where)
        return result

    subprocess.run = run_and_scan


def _command(args: tuple, kwargs: dict) -> str:
    command = args[0] if args else kwargs.get("args")
    if isinstance(command, (list, tuple)) and command:
        return " ".join(str(part).rsplit("/", 1)[-1] for part in command[:2])
    return str(command)[:40]


# --- pytest hooks (imported by the root conftest.py) -----------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _current_test["nodeid"] = item.nodeid
    yield
    _current_test["nodeid"] = "between tests"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    for title, content in report.sections:
        SCAN.scan(content, f"{item.nodeid} ({title})")


def pytest_terminal_summary(terminalreporter) -> None:
    leaks = SCAN.leaks()
    terminalreporter.write_line(
        f"secret scan: {SCAN.outputs} outputs ({SCAN.characters / 1e6:.1f} M characters) checked for "
        f"{len(SCAN.secrets)} client secrets and {len(SCAN.tokens)} access tokens: {len(leaks)} found"
    )
    for secret, where in leaks:
        terminalreporter.write_line(f"  LEAK: {secret} in {where}", red=True)


def pytest_sessionfinish(session, exitstatus) -> None:
    if SCAN.leaks() and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def leaks_in(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """The secrets found in any of the texts (for tests that check their own outputs)."""
    texts = list(texts)
    return [secret for secret in secrets if secret and any(secret in text for text in texts)]
