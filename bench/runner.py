"""Run a reader (the `source-halopsa` console script, or the bare client) in a subprocess and read its stdout.

Records are counted per stream from the raw bytes of each line (no JSON parsing of records: the benchmark
must not slow down the server or the reader it measures); every other message is parsed. Peak memory
comes from the kernel: os.wait4's ru_maxrss for the child, cross-checked by polling /proc/<pid>/status
VmHWM while it runs.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONSOLE_SCRIPT = Path(sys.executable).with_name("source-halopsa")
RECORD_PREFIX = b'{"type":"RECORD","record":{"stream":"'
POLL_SECONDS = 0.25
TIMELINE_SECONDS = 1.0


@dataclass
class RunResult:
    label: str
    argv: list[str]
    returncode: int | None = None
    timed_out: bool = False
    wall_seconds: float = 0.0
    first_record_seconds: float | None = None  # since start
    last_record_seconds: float | None = None
    records: dict[str, int] = field(default_factory=dict)
    ids: dict[str, list[Any]] = field(
        default_factory=dict
    )  # record ids of the streams asked for (run ids_for)
    states: dict[str, Any] = field(default_factory=dict)  # latest STATE message per stream
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # INFO logs about rate limits and pacing
    estimates: dict[str, int] = field(default_factory=dict)
    stream_status: dict[str, str] = field(default_factory=dict)
    peak_rss_mb: float | None = None  # ru_maxrss of the child (wait4)
    vmhwm_mb: float | None = None  # last VmHWM seen in /proc while it ran
    rss_timeline: list[tuple[float, float, int]] = field(default_factory=list)  # (s, VmRSS MB, records)
    cpu_user_seconds: float | None = None
    cpu_system_seconds: float | None = None
    load_before: float | None = None  # 1-minute load average of the machine when it started
    load_after: float | None = None
    stderr_tail: str = ""
    stdout_other: list[str] = field(default_factory=list)  # non-JSON stdout lines (first few)
    child_report: dict[str, Any] = field(default_factory=dict)  # the bare client's own timings

    @property
    def total_records(self) -> int:
        return sum(self.records.values())

    @property
    def failed(self) -> bool:
        return self.timed_out or self.returncode != 0 or bool(self.errors)

    @property
    def cpu_seconds(self) -> float:
        return (self.cpu_user_seconds or 0.0) + (self.cpu_system_seconds or 0.0)

    @property
    def steady_seconds(self) -> float | None:
        if self.first_record_seconds is None or self.last_record_seconds is None:
            return None
        return self.last_record_seconds - self.first_record_seconds

    def failure(self) -> str:
        if self.timed_out:
            return f"timed out after {self.wall_seconds:.0f} s"
        if self.errors:
            return "; ".join(e[:300] for e in self.errors[:3])
        if self.returncode:
            tail = self.stderr_tail.strip().splitlines()[-3:]
            return f"exit code {self.returncode}" + (f": {' | '.join(tail)}" if tail else "")
        return ""

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("states")
        out.update(
            total_records=self.total_records,
            failed=self.failed,
            failure=self.failure(),
            steady_seconds=self.steady_seconds,
            cpu_seconds=self.cpu_seconds,
        )
        return out


def console_args(
    command: str, config: Path, catalog: Path | None = None, state: Path | None = None
) -> list[str]:
    args = [str(CONSOLE_SCRIPT), command, "--config", str(config)]
    if catalog:
        args += ["--catalog", str(catalog)]
    if state:
        args += ["--state", str(state)]
    return args


def run(
    label: str, argv: list[str], timeout: float, stderr_path: Path, ids_for: frozenset[str] = frozenset()
) -> RunResult:
    """Run argv, read its Airbyte messages from stdout until it exits or the timeout kills it.

    The ids of the records of `ids_for` streams are kept (those lines are parsed; the others only counted).
    """
    result = RunResult(label=label, argv=argv)
    wanted = {name.encode() for name in ids_for}
    stderr_path.parent.mkdir(parents=True, exist_ok=True)
    records: Counter[bytes] = Counter()
    result.load_before = round(os.getloadavg()[0], 2)
    started = time.monotonic()
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, start_new_session=True
        )
    assert process.stdout is not None
    fd = process.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)
    status_path = Path(f"/proc/{process.pid}/status")
    deadline = started + timeout
    pending = b""
    next_poll = next_sample = 0.0
    try:
        while True:
            now = time.monotonic()
            if now >= next_poll:
                hwm, rss = _memory_mb(status_path)
                result.vmhwm_mb = hwm or result.vmhwm_mb
                if rss and now >= next_sample:
                    result.rss_timeline.append((round(now - started, 1), rss, sum(records.values())))
                    next_sample = now + TIMELINE_SECONDS
                next_poll = now + POLL_SECONDS
            if now >= deadline:
                result.timed_out = True
                _kill(process)
                break
            if not selector.select(min(POLL_SECONDS, deadline - now)):
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            seen_record = False
            for line in lines:
                if line.startswith(RECORD_PREFIX):
                    end = line.find(b'"', len(RECORD_PREFIX))
                    stream = line[len(RECORD_PREFIX) : end]
                    records[stream] += 1
                    if stream in wanted:
                        record = json.loads(line)["record"]
                        result.ids.setdefault(record["stream"], []).append(record["data"].get("id"))
                    seen_record = True
                elif line:
                    seen_record |= _other(result, records, line)
            if seen_record:
                at = time.monotonic() - started
                if result.first_record_seconds is None:
                    result.first_record_seconds = at
                result.last_record_seconds = at
        if pending.strip():
            _other(result, records, pending)
    except BaseException:
        _kill(process)  # Ctrl-C or a bench bug: never leave the child running (it has its own session)
        raise
    finally:
        selector.close()
        process.stdout.close()
        status, usage = _reap(process, result, deadline)
        process.returncode = os.waitstatus_to_exitcode(status)
    result.wall_seconds = time.monotonic() - started
    result.load_after = round(os.getloadavg()[0], 2)
    result.returncode = process.returncode
    result.peak_rss_mb = round(usage.ru_maxrss / 1024, 1)
    result.cpu_user_seconds = round(usage.ru_utime, 2)
    result.cpu_system_seconds = round(usage.ru_stime, 2)
    result.records = {name.decode(): n for name, n in sorted(records.items())}
    result.stderr_tail = stderr_path.read_bytes()[-4000:].decode(errors="replace")
    if result.stderr_tail.lstrip().startswith("{") and label.startswith("bare"):
        try:
            result.child_report = json.loads(result.stderr_tail.strip().splitlines()[-1])
        except ValueError:
            pass
    return result


def _other(result: RunResult, records: Counter[bytes], line: bytes) -> bool:
    """Handle a non-fast-path line; True if it was a record."""
    try:
        message = json.loads(line)
    except ValueError:
        if len(result.stdout_other) < 20:
            result.stdout_other.append(line[:500].decode(errors="replace"))
        return False
    if not isinstance(message, dict):
        return False
    kind = message.get("type")
    if kind == "RECORD":
        records[str(message["record"].get("stream")).encode()] += 1
        return True
    if kind == "STATE":
        state = message["state"]
        stream = state.get("stream", {}).get("stream_descriptor", {}).get("name")
        result.states[stream or "_global"] = state
    elif kind == "TRACE":
        trace = message["trace"]
        if trace.get("type") == "ERROR":
            error = trace.get("error", {})
            result.errors.append(str(error.get("message") or error.get("internal_message")))
        elif trace.get("type") == "ESTIMATE":
            estimate = trace.get("estimate", {})
            result.estimates[estimate.get("name")] = estimate.get("row_estimate")
        elif trace.get("type") == "STREAM_STATUS":
            status = trace.get("stream_status", {})
            name = status.get("stream_descriptor", {}).get("name")
            result.stream_status[name] = status.get("status")
    elif kind == "LOG":
        log = message["log"]
        level, text = log.get("level"), str(log.get("message"))
        if level in ("WARN", "ERROR", "FATAL"):
            result.warnings.append(text[:500])
        elif any(word in text for word in ("rate limit", "Rate limit", "Pacing", "waiting", "429")):
            result.notes.append(text[:300])
    return False


def _reap(process: subprocess.Popen, result: RunResult, deadline: float) -> tuple[int, Any]:
    """wait4 the child (its exit status and resource usage), killing it if it outlives the deadline."""
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            return status, usage
        if time.monotonic() >= deadline:
            result.timed_out = True
            _kill(process)
            _, status, usage = os.wait4(process.pid, 0)
            return status, usage
        time.sleep(0.02)


def _memory_mb(status_path: Path) -> tuple[float | None, float | None]:
    """(VmHWM, VmRSS) of a running process in MB, from /proc/<pid>/status."""
    hwm = rss = None
    try:
        for line in status_path.read_text().splitlines():
            if line.startswith("VmHWM:"):
                hwm = round(int(line.split()[1]) / 1024, 1)
            elif line.startswith("VmRSS:"):
                rss = round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return hwm, rss


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
