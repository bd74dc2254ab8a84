"""Interrupt and resume: the real `source-halopsa read` is killed at seeded random points and resumed
from the last state it emitted for each stream, as a platform would after a crash.

Each trial reads `tickets` and `actions` incrementally, kills the process (SIGKILL) once it has printed
K protocol lines, K seeded, keeps the last STATE message per stream printed before the kill, and starts
again with that state, once or twice, until a run completes. Across a trial's runs every simulator
record since the start date must have been emitted, and no stream's state may ever move backwards.
Trials run two at a time: each run is a process of its own, mostly spent importing the CDK.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.models.airbyte_protocol_serializers import ConfiguredAirbyteCatalogSerializer

from integration_tests import oracle, secret_scan
from integration_tests.conftest import UNTHROTTLED
from integration_tests.harness import catalog_for

TRIALS = 20
SCRIPT = str(Path(sys.executable).with_name("source-halopsa"))
STREAMS = {"tickets": ("last_update", ("id",)), "actions": ("datetime", ("ticket_id", "id"))}
# (start date, actions window in days): a start date keeps the day windows of /Actions few.
CONFIGS = [("2026-03-01T00:00:00Z", 7), ("2026-02-01T00:00:00Z", 14), ("2026-05-01T00:00:00Z", 3)]
RUN_SECONDS = 60


@dataclass
class Trial:
    seed: int
    start_date: str
    window_days: int
    lookback_minutes: int
    kills: list[int]
    runs: list[dict] = field(default_factory=list)  # per run: kill_after, killed, exit code, errors
    keys: dict[str, set] = field(default_factory=lambda: {name: set() for name in STREAMS})
    states: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in STREAMS})
    resumed_from: list[dict] = field(default_factory=list)


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _run(workdir: Path, config: Path, catalog: Path, state: list[dict] | None, kill_after: int | None):
    """One `read`; with kill_after, SIGKILL once that many lines were read. Returns (messages, killed, code)."""
    args = [SCRIPT, "read", "--config", str(config), "--catalog", str(catalog)]
    if state:
        state_path = workdir / f"state-{len(list(workdir.glob('state-*')))}.json"
        state_path.write_text(json.dumps(state))
        args += ["--state", str(state_path)]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=workdir)
        watchdog = threading.Timer(RUN_SECONDS, process.kill)  # never a hang
        watchdog.start()
        lines, killed = [], False
        try:
            for line in process.stdout:
                lines.append(line)
                if kill_after is not None and len(lines) >= kill_after:
                    process.kill()
                    killed = True
                    break
        finally:
            process.stdout.close()
            code = process.wait()
            watchdog.cancel()
            stderr.seek(0)
            secret_scan.scan(
                "".join(lines) + stderr.read().decode("utf-8", "replace"), f"resume run in {workdir}"
            )
    return [json.loads(line) for line in lines if line.startswith("{")], killed, code


def _trial(seed: int, base_config: dict, expected: dict[str, set], workdir: Path) -> Trial:
    rng = random.Random(seed)
    start_date, window_days = CONFIGS[seed % len(CONFIGS)]
    # About one protocol line per record and per window, plus a few dozen logs and traces.
    days = (datetime(2026, 11, 30) - _parse(start_date).replace(tzinfo=None)).days
    estimate = sum(len(keys) for keys in expected[start_date].values()) + days // window_days + 30
    trial = Trial(
        seed=seed,
        start_date=start_date,
        window_days=window_days,
        lookback_minutes=rng.choice([0, 10]),
        kills=[rng.randint(1, estimate) for _ in range(1 if rng.random() < 0.8 else 2)],
    )
    workdir.mkdir()
    config = workdir / "config.json"
    config.write_text(
        json.dumps(
            {
                **base_config,
                "start_date": start_date,
                "actions_window_days": window_days,
                "lookback_window_minutes": trial.lookback_minutes,
            }
        )
    )
    catalog = workdir / "catalog.json"
    catalog.write_text(
        json.dumps(
            ConfiguredAirbyteCatalogSerializer.dump(
                catalog_for(json.loads(config.read_text()), list(STREAMS), SyncMode.incremental)
            )
        )
    )
    state: dict[str, dict] = {}
    for kill_after in [*trial.kills, None]:
        trial.resumed_from.append({name: dict(message) for name, message in state.items()})
        messages, killed, code = _run(workdir, config, catalog, list(state.values()) or None, kill_after)
        errors = [
            m["trace"]["error"]["message"]
            for m in messages
            if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"
        ]
        trial.runs.append({"kill_after": kill_after, "killed": killed, "code": code, "errors": errors})
        for message in messages:
            if message["type"] == "RECORD" and message["record"]["stream"] in STREAMS:
                _, key = STREAMS[message["record"]["stream"]]
                data = message["record"]["data"]
                trial.keys[message["record"]["stream"]].add(tuple(data[part] for part in key))
            elif message["type"] == "STATE":
                name = message["state"]["stream"]["stream_descriptor"]["name"]
                cursor, _ = STREAMS[name]
                trial.states[name].append(message["state"]["stream"]["stream_state"][cursor])
                state[name] = message["state"]
    return trial


@pytest.fixture(scope="module")
def trials(simulator, tmp_path_factory):
    base_config = {**simulator.config(), **UNTHROTTLED}
    expected = {}
    for start_date, _ in CONFIGS:
        since = start_date.rstrip("Z")
        expected[start_date] = {
            name: {
                tuple(row[part] for part in key)
                for row in oracle.expected(simulator, name)
                if row[cursor] >= since
            }
            for name, (cursor, key) in STREAMS.items()
        }
    root = tmp_path_factory.mktemp("resume")
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(
            pool.map(lambda seed: _trial(seed, base_config, expected, root / f"trial-{seed}"), range(TRIALS))
        )
    return {trial.seed: trial for trial in done}, expected


@pytest.mark.parametrize("seed", range(TRIALS))
def test_given_read_killed_at_random_points_when_resumed_from_last_state_then_every_record_and_no_regression(
    trials, seed
):
    results, expected = trials
    trial = results[seed]
    final = trial.runs[-1]
    assert final["kill_after"] is None and final["code"] == 0 and not final["errors"], trial.runs
    for name in STREAMS:
        missing = expected[trial.start_date][name] - trial.keys[name]
        assert not missing, f"seed {seed}: {name} never emitted {sorted(missing)[:5]} (runs {trial.runs})"
        values = [_parse(value) for value in trial.states[name]]
        assert values, f"seed {seed}: no {name} state"
        backwards = [(a, b) for a, b in zip(values, values[1:], strict=False) if b < a]
        assert not backwards, f"seed {seed}: {name} state moved backwards: {backwards[:3]}"


def test_given_all_trials_when_counted_then_most_runs_were_really_interrupted(trials):
    results, _ = trials
    interrupted = [run for trial in results.values() for run in trial.runs if run["killed"]]
    resumed_with_state = [trial for trial in results.values() if any(trial.resumed_from[1:])]
    configs = {(trial.start_date, trial.window_days, trial.lookback_minutes) for trial in results.values()}
    assert len(results) >= 20
    assert len(interrupted) >= 18, "the kill points fell after the end of the output too often"
    assert len(resumed_with_state) >= 15, "too few kills came after a state message to test resuming"
    assert len(configs) >= 4
