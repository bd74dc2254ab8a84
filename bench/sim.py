"""Start, drive and stop the simulator process (bench/simserver.py) from the benchmark."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent


class BenchError(RuntimeError):
    """A failure of the benchmark itself (not of the connector): stops the run with a clear message."""


class SimProcess:
    """One simulator instance in its own process; a context manager that always stops it."""

    def __init__(self, options: dict[str, Any], log_path: Path, startup_timeout: float = 600.0):
        self.options = options
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.config: dict[str, Any] = {}
        self.info: dict[str, Any] = {}
        self._http = requests.Session()

    def __enter__(self) -> SimProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.simserver", json.dumps(self.options)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        try:
            line = _read_line(self.process, self.startup_timeout)
        except BenchError as error:
            self.stop()
            raise BenchError(f"{error}\n{_tail(self.log_path)}") from None
        if not line:
            self.stop()
            raise BenchError(f"the simulator did not start within {self.startup_timeout:.0f} s")
        hello = json.loads(line)
        self.url, self.config, self.info = hello["url"], hello["config"], hello["info"]
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        try:
            if process.stdin:
                process.stdin.close()
            process.terminate()
            process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()

    # -------------------------------------------------------------- control plane

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        try:
            response = self._http.request(method, self.url + path, json=payload, timeout=120)
            response.raise_for_status()
            return response.json()
        except requests.RequestException as error:
            raise BenchError(f"simulator control call {method} {path} failed: {error}") from error

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/stats")

    def reset_stats(self) -> None:
        self._call("POST", "/_sim/stats/reset")
        self._call("POST", "/_bench/responses/reset")

    def responses(self) -> list[dict[str, Any]]:
        return self._call("GET", "/_bench/responses")

    def cache(self, on: bool) -> None:
        self._call("POST", "/_bench/cache", {"on": on})

    def mutate(self, **kinds: int) -> dict[str, Any]:
        return self._call("POST", "/_sim/mutate", kinds)


def _read_line(process: subprocess.Popen, timeout: float) -> bytes:
    """The first stdout line of a child, or b"" if it exits or stays silent past the timeout."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    buffer = b""
    fd = process.stdout.fileno()
    while b"\n" not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not selector.select(remaining):
            return b""
        chunk = os.read(fd, 65536)
        if not chunk:
            raise BenchError("the simulator exited before serving")
        buffer += chunk
    return buffer.split(b"\n", 1)[0]


def _tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_bytes()[-size:].decode(errors="replace")
    except OSError:
        return ""
