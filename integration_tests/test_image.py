"""The connector's Docker image: spec, check, discover and read through `docker run`, as Airbyte runs it.

The same protocol output as the in-process tests in test_entrypoint.py, from the built image, against a
simulator on the host's loopback (`--network=host`). The image is built once per module from the
repository's Dockerfile. Run with:

    docker/ensure-engine.sh && docker/build-standin-base.sh
    .venv/bin/python -m pytest -m image_tests integration_tests/test_image.py

Without a reachable Docker engine every test here skips, unless REQUIRE_DOCKER=1, when they fail.
Env: STANDIN_BASE_IMAGE (the base to build on; default: the stand-in tag below when it exists locally,
else the Dockerfile's own BASE_IMAGE), CONNECTOR_IMAGE (the tag to build, default source-halopsa:dev).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from integration_tests import oracle
from integration_tests.conftest import UNTHROTTLED

pytestmark = pytest.mark.image_tests

ROOT = Path(__file__).resolve().parent.parent
IMAGE = os.environ.get("CONNECTOR_IMAGE", "source-halopsa:dev")
DEFAULT_STANDIN = "source-halopsa-standin-base:bookworm"
BUILD_TIMEOUT = 1200
RUN_TIMEOUT = 300


def _docker(*args: str, timeout: int = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)


def _engine_problem() -> str | None:
    """Why no Docker engine can be used here, or None when one answers."""
    if shutil.which("docker") is None:
        return "no `docker` CLI on PATH"
    try:
        info = _docker("info", "--format", "{{.ServerVersion}}", timeout=30)
    except subprocess.TimeoutExpired:
        return "`docker info` timed out"
    if info.returncode != 0 or not info.stdout.strip():
        detail = (info.stderr.strip().splitlines() or ["no output"])[-1]
        return f"`docker info` failed: {detail}"
    return None


def _base_image() -> str | None:
    """The base to build on: STANDIN_BASE_IMAGE, else the local stand-in, else the Dockerfile default."""
    if os.environ.get("STANDIN_BASE_IMAGE"):
        return os.environ["STANDIN_BASE_IMAGE"]
    if _docker("image", "inspect", DEFAULT_STANDIN, timeout=30).returncode == 0:
        return DEFAULT_STANDIN
    return None


@pytest.fixture(scope="module")
def image() -> str:
    """Builds the connector image once for this module; skips (or fails) without a Docker engine."""
    problem = _engine_problem()
    if problem:
        message = f"no Docker engine reachable ({problem}); run docker/ensure-engine.sh"
        if os.environ.get("REQUIRE_DOCKER") == "1":
            pytest.fail(f"REQUIRE_DOCKER=1 but {message}", pytrace=False)
        pytest.skip(message)
    base = _base_image()
    command = ["build", "-t", IMAGE]
    if base:
        command += ["--build-arg", f"BASE_IMAGE={base}"]
    started = time.monotonic()
    build = _docker(*command, str(ROOT), timeout=BUILD_TIMEOUT)
    assert build.returncode == 0, f"docker {' '.join(command)} failed:\n" + "\n".join(
        (build.stdout + build.stderr).splitlines()[-40:]
    )
    print(f"built {IMAGE} on {base or 'the Dockerfile default base'} in {time.monotonic() - started:.1f} s")
    return IMAGE


@pytest.fixture
def secrets_dir(tmp_path: Path) -> Path:
    """A folder mounted as /secrets; readable by the image's non-root user (pytest makes it 0700)."""
    folder = tmp_path / "secrets"
    folder.mkdir()
    folder.chmod(0o755)
    return folder


def _write(folder: Path, name: str, payload: Any) -> str:
    path = folder / name
    path.write_text(json.dumps(payload))
    path.chmod(0o644)
    return f"/secrets/{name}"


def _run(image: str, secrets: Path | None, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    """`docker run` the image's entrypoint; return exit code, protocol messages and all output."""
    mount = ["-v", f"{secrets}:/secrets:ro"] if secrets else []
    process = _docker("run", "--rm", "--network=host", *mount, image, *args)
    messages = [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]
    return process.returncode, messages, process.stderr + process.stdout


def _status(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return next(m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS")


def _ticket_ids(messages: list[dict[str, Any]]) -> list[int]:
    return [
        m["record"]["data"]["id"]
        for m in messages
        if m["type"] == "RECORD" and m["record"]["stream"] == "tickets"
    ]


def test_given_image_when_inspected_then_airbyte_entrypoint_and_non_root_user(image):
    config = json.loads(_docker("image", "inspect", "--format", "{{json .Config}}", image).stdout)
    assert config["Entrypoint"] == ["source-halopsa"]
    assert "AIRBYTE_ENTRYPOINT=source-halopsa" in config["Env"]
    whoami = _docker("run", "--rm", "--entrypoint", "id", image, "-u")
    assert whoami.returncode == 0 and whoami.stdout.strip() != "0", "the connector must not run as root"


def test_given_image_when_importing_simulator_or_tests_then_not_there(image):
    for module in ("halo_simulator", "integration_tests", "unit_tests"):
        process = _docker("run", "--rm", "--entrypoint", "python", image, "-c", f"import {module}")
        assert process.returncode != 0 and "ModuleNotFoundError" in process.stderr, module
    # The build context holds only what the image installs; nothing named like the simulator or the
    # test folders anywhere on the image's filesystem.
    listing = _docker("run", "--rm", "--entrypoint", "ls", image, "-A", "/airbyte/integration_code")
    assert sorted(listing.stdout.split()) == [
        "README.md",
        "pyproject.toml",
        "requirements.lock",
        "source_halopsa",
    ]
    found = _docker(
        "run", "--rm", "--entrypoint", "sh", image, "-c",
        "find / -xdev \\( -name halo_simulator -o -name unit_tests -o -name integration_tests"
        " -o -name secrets -o -name .venv \\) 2>/dev/null; true",
    )  # fmt: skip
    assert found.returncode == 0 and found.stdout.split() == []
    source = _docker("run", "--rm", "--entrypoint", "python", image, "-c", "import source_halopsa")
    assert source.returncode == 0, source.stderr


def test_given_spec_when_run_then_three_required_fields(image):
    code, messages, _ = _run(image, None, "spec")
    spec = next(m["spec"] for m in messages if m["type"] == "SPEC")
    assert code == 0
    assert spec["connectionSpecification"]["required"] == ["instance_url", "client_id", "client_secret"]
    assert spec["connectionSpecification"]["properties"]["client_secret"]["airbyte_secret"] is True


def test_given_simulator_when_check_then_succeeded(image, simulator, secrets_dir):
    config = _write(secrets_dir, "config.json", {**simulator.config(), **UNTHROTTLED})
    code, messages, _ = _run(image, secrets_dir, "check", "--config", config)
    assert code == 0 and _status(messages) == {"status": "SUCCEEDED"}


def test_given_wrong_secret_when_check_then_failed_with_one_line_message(image, simulator, secrets_dir):
    config = {**simulator.config(), **UNTHROTTLED, "client_secret": "not-the-secret"}
    code, messages, output = _run(
        image, secrets_dir, "check", "--config", _write(secrets_dir, "config.json", config)
    )
    status = _status(messages)
    assert code == 0 and status["status"] == "FAILED"
    assert "Client ID or Client Secret" in status["message"] and "\n" not in status["message"]
    assert "Traceback" not in output and simulator.config()["client_secret"] not in output


def test_given_config_when_discover_then_29_streams(image, simulator, secrets_dir):
    config = _write(secrets_dir, "config.json", {**simulator.config(), **UNTHROTTLED})
    code, messages, _ = _run(image, secrets_dir, "discover", "--config", config)
    streams = {
        s["name"]: s for s in next(m["catalog"] for m in messages if m["type"] == "CATALOG")["streams"]
    }
    assert code == 0 and len(streams) == 29
    assert streams["tickets"]["supported_sync_modes"] == ["full_refresh", "incremental"]
    assert streams["tickets"]["default_cursor_field"] == ["last_update"]


def test_given_state_when_read_twice_then_all_tickets_then_incremental(image, fresh_simulator, secrets_dir):
    sim = fresh_simulator
    config = _write(secrets_dir, "config.json", {**sim.config(), **UNTHROTTLED, "lookback_window_minutes": 0})
    code, messages, _ = _run(image, secrets_dir, "discover", "--config", config)
    assert code == 0
    streams = [
        s
        for s in next(m["catalog"] for m in messages if m["type"] == "CATALOG")["streams"]
        if s["name"] in ("tickets", "statuses")
    ]
    catalog = _write(
        secrets_dir,
        "catalog.json",
        {
            "streams": [
                {
                    "stream": s,
                    "sync_mode": "incremental" if s["name"] == "tickets" else "full_refresh",
                    "destination_sync_mode": "append",
                }
                for s in streams
            ]
        },
    )

    code, first, output = _run(image, secrets_dir, "read", "--config", config, "--catalog", catalog)
    assert code == 0, output[-2000:]
    ids = _ticket_ids(first)
    assert sorted(ids) == sorted(row["id"] for row in oracle.expected(sim, "tickets"))
    assert any(m["type"] == "RECORD" and m["record"]["stream"] == "statuses" for m in first)
    states = [
        m["state"]
        for m in first
        if m["type"] == "STATE" and m["state"]["stream"]["stream_descriptor"]["name"] == "tickets"
    ]
    assert states, "the read emitted no STATE for tickets"
    state = _write(secrets_dir, "state.json", [states[-1]])

    code, second, output = _run(
        image, secrets_dir, "read", "--config", config, "--catalog", catalog, "--state", state
    )
    assert code == 0, output[-2000:]
    assert len(_ticket_ids(second)) <= 1  # only the newest ticket, as the bound is inclusive
    assert sim.config()["client_secret"] not in output
