"""README's "Running it by hand": the block works pasted into a clone, and its failures are one line.

The block is taken from README.md as written and run by bash in a copy of the working tree (the files a
clone would have) that shares this checkout's .venv, so the test follows the README rather than a copy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from integration_tests.conftest import ROOT
from integration_tests.harness import run_console

SECTION = "## Running it by hand"
REJECTED_CREDENTIALS = "Client ID or Client Secret"


def readme_block() -> str:
    """The first ```bash block under the section heading, before the next section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SECTION in text, f"README.md has no '{SECTION}' section"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    match = re.search(r"^```bash\n(.*?)^```", section, re.DOTALL | re.MULTILINE)
    assert match, f"no ```bash block under '{SECTION}'"
    return match.group(1)


def clone_like_copy(target: Path) -> Path:
    """The working tree's tracked and unignored files (what a clone after `bin/setup` has), plus .venv."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return target


def messages_of(stdout: str) -> list[dict]:
    """The protocol messages; the simulator's config line, also on stdout, has no "type"."""
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return [line for line in lines if "type" in line]


@pytest.mark.skipif(
    not (ROOT / ".venv" / "bin" / "source-halopsa").exists(), reason="needs bin/setup's .venv"
)
@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)
def test_given_clone_after_setup_when_readme_block_pasted_then_every_command_works(tmp_path):
    block = readme_block()
    workdir = clone_like_copy(tmp_path / "clone")
    assert not (workdir / "secrets").exists()
    process = subprocess.Popen(
        ["bash", "-e", "-o", "pipefail", "-c", block],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so nothing it started outlives the test
    )
    try:
        stdout, stderr = process.communicate(timeout=180)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert process.returncode == 0, f"the README block failed:\n{stderr[-3000:]}\n{stdout[-3000:]}"
    messages = messages_of(stdout)
    kinds = {message["type"] for message in messages}
    assert {"SPEC", "CONNECTION_STATUS", "CATALOG", "RECORD", "STATE"} <= kinds, kinds
    status = next(m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS")
    assert status == {"status": "SUCCEEDED"}
    streams = {m["record"]["stream"] for m in messages if m["type"] == "RECORD"}
    catalog = json.loads((workdir / "integration_tests" / "sample_catalog.json").read_text())
    assert streams == {entry["stream"]["name"] for entry in catalog["streams"]}
    errors = [m for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    assert not errors and "Traceback" not in stdout + stderr
    config = json.loads((workdir / "secrets" / "simulator.json").read_text())
    assert set(config) == {"instance_url", "client_id", "client_secret", "tenant"}


def _catalog(tmp_path: Path, names: list[str]) -> str:
    streams = [
        {
            "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
            "sync_mode": "full_refresh",
            "destination_sync_mode": "overwrite",
        }
        for name in names
    ]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"streams": streams}))
    return str(path)


def _read(tmp_path: Path, config: dict, names: list[str]) -> tuple[int, list[dict], str]:
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))
    return run_console(["read", "--config", str(config_path), "--catalog", _catalog(tmp_path, names)])


def _one_error(messages: list[dict]) -> dict:
    errors = [m["trace"]["error"] for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    assert len(errors) == 1, errors
    (error,) = errors
    assert error["failure_type"] == "config_error"
    assert "\n" not in error["message"]
    assert "Traceback" not in (error.get("stack_trace") or "")
    assert "\n" not in (error.get("stack_trace") or "").rstrip("\n")
    return error


def test_given_wrong_secret_when_read_then_one_line_config_error_and_no_traceback(fresh_simulator, tmp_path):
    config = {**fresh_simulator.config(), "client_secret": "not-the-secret"}
    code, messages, output = _read(tmp_path, config, ["tickets", "teams", "agents"])
    error = _one_error(messages)
    assert code == 1
    assert REJECTED_CREDENTIALS in error["message"]
    assert "Traceback" not in output
    assert not [m for m in messages if m["type"] in ("RECORD", "STATE")]
    assert not [m for m in messages if m["type"] == "LOG" and m["log"]["level"] in ("ERROR", "FATAL")]
    # Refused at the token: no stream asked /api for anything.
    counts = fresh_simulator.stats()["counts"]
    assert not [route for route in counts if " /api/" in route and "authinfo" not in route.lower()], counts


def test_given_unknown_stream_when_read_then_refused_by_name_before_any_request(fresh_simulator, tmp_path):
    fresh_simulator.reset_stats()
    code, messages, output = _read(tmp_path, fresh_simulator.config(), ["tikets", "teams"])
    error = _one_error(messages)
    assert code == 1
    assert error["message"].startswith("The catalog names streams this source does not have: tikets")
    assert (
        "did you mean tickets?" in error["message"] and "Known streams: tickets, actions" in error["message"]
    )
    assert "teams" not in error["message"].split("Known streams")[0]  # only the unknown one is named
    assert "Traceback" not in output
    assert not [m for m in messages if m["type"] in ("RECORD", "STATE")]
    assert fresh_simulator.stats()["requests"] == 0
