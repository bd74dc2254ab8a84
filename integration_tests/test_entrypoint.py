"""The real `source-halopsa` console script: spec, check, discover, read, and read again with state."""

import json

import pytest

from halo_simulator import HaloSimulator, SimulatorOptions
from integration_tests import oracle
from integration_tests.conftest import UNTHROTTLED
from integration_tests.harness import run_console


def _write(tmp_path, name, payload):
    path = tmp_path / name
    path.write_text(json.dumps(payload))
    return str(path)


def _status(messages):
    return next(m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS")


def test_given_spec_when_run_then_three_required_fields(tmp_path):
    code, messages, _ = run_console(["spec"], cwd=tmp_path)
    spec = next(m["spec"] for m in messages if m["type"] == "SPEC")
    assert code == 0
    assert spec["connectionSpecification"]["required"] == ["instance_url", "client_id", "client_secret"]
    assert spec["connectionSpecification"]["properties"]["client_secret"]["airbyte_secret"] is True


def test_given_manifest_in_working_directory_when_run_then_packaged_manifest_used(tmp_path):
    (tmp_path / "manifest.yaml").write_text("version: 0.0.1\nspec: {}\n")
    code, messages, _ = run_console(["spec"], cwd=tmp_path)
    assert code == 0 and any(m["type"] == "SPEC" for m in messages)


def test_given_simulator_when_check_then_succeeded(simulator, tmp_path):
    code, messages, _ = run_console(
        ["check", "--config", _write(tmp_path, "config.json", simulator.config())]
    )
    assert code == 0 and _status(messages) == {"status": "SUCCEEDED"}


@pytest.mark.parametrize(
    "change, words",
    [
        pytest.param(
            {"client_secret": "not-the-secret"}, "Client ID or Client Secret", id="test_wrong_secret"
        ),
        pytest.param({"tenant": "someone-else"}, "check Tenant", id="test_wrong_tenant"),
        pytest.param({"instance_url": "http://127.0.0.1:9"}, "Cannot reach 127.0.0.1", id="test_wrong_url"),
        pytest.param({"instance_url": "acme.halopsa.com"}, "has no scheme", id="test_url_without_scheme"),
    ],
)
def test_given_bad_config_when_check_then_failed_with_clear_message(simulator, tmp_path, change, words):
    config = {**simulator.config(), **change}
    code, messages, output = run_console(["check", "--config", _write(tmp_path, "config.json", config)])
    status = _status(messages)
    assert code == 0 and status["status"] == "FAILED"
    assert words in status["message"] and "\n" not in status["message"]
    assert simulator.config()["client_secret"] not in output and "Traceback" not in output


def test_given_missing_permission_when_check_then_names_the_area(tmp_path):
    granted = {"tickets", "customers", "assets", "projects", "timesheets", "crm", "reporting"}
    with HaloSimulator(SimulatorOptions(scale="tiny", granted_areas=frozenset(granted))) as sim:
        code, messages, _ = run_console(["check", "--config", _write(tmp_path, "config.json", sim.config())])
    status = _status(messages)
    assert status["status"] == "FAILED"
    assert status["message"].startswith("The Halo API application lacks Read on Invoices: ")


def test_given_config_when_discover_then_every_stream_with_its_sync_modes(simulator, tmp_path):
    code, messages, _ = run_console(
        ["discover", "--config", _write(tmp_path, "config.json", simulator.config())]
    )
    streams = {
        s["name"]: s for s in next(m["catalog"] for m in messages if m["type"] == "CATALOG")["streams"]
    }
    assert code == 0 and len(streams) == 29
    assert streams["tickets"]["supported_sync_modes"] == ["full_refresh", "incremental"]
    assert streams["tickets"]["default_cursor_field"] == ["last_update"]
    assert streams["actions"]["source_defined_primary_key"] == [["ticket_id"], ["id"]]
    # Every stream is incremental: lists without a change time keep the connector's `synced_through`.
    assert all(s["supported_sync_modes"] == ["full_refresh", "incremental"] for s in streams.values())
    assert streams["clients"]["default_cursor_field"] == ["synced_through"]


def test_given_state_when_read_twice_then_second_read_is_incremental(fresh_simulator, tmp_path):
    sim = fresh_simulator
    config = _write(tmp_path, "config.json", {**sim.config(), **UNTHROTTLED, "lookback_window_minutes": 0})
    _, messages, _ = run_console(["discover", "--config", config])
    streams = [
        s
        for s in next(m["catalog"] for m in messages if m["type"] == "CATALOG")["streams"]
        if s["name"] in ("tickets", "statuses")
    ]
    catalog = _write(
        tmp_path,
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
    code, first, _ = run_console(["read", "--config", config, "--catalog", catalog])
    assert code == 0
    tickets = [m for m in first if m["type"] == "RECORD" and m["record"]["stream"] == "tickets"]
    assert len(tickets) == len(oracle.expected(sim, "tickets"))
    states = [
        m["state"]
        for m in first
        if m["type"] == "STATE" and m["state"]["stream"]["stream_descriptor"]["name"] == "tickets"
    ]
    state = _write(tmp_path, "state.json", [states[-1]])

    code, second, output = run_console(["read", "--config", config, "--catalog", catalog, "--state", state])
    again = [
        m["record"]["data"]["id"]
        for m in second
        if m["type"] == "RECORD" and m["record"]["stream"] == "tickets"
    ]
    assert code == 0 and len(again) <= 1  # only the newest ticket, as the bound is inclusive
    assert sim.config()["client_secret"] not in output


@pytest.mark.parametrize(
    "content", ['{"instance_url": ', None], ids=["test_malformed_json", "test_missing_file"]
)
def test_given_unreadable_config_file_when_run_then_one_line_config_error(tmp_path, content):
    path = tmp_path / "config.json"
    if content is not None:
        path.write_text(content)
    code, messages, output = run_console(["check", "--config", str(path)])
    errors = [m["trace"]["error"] for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    assert code == 1 and len(errors) == 1 and errors[0]["failure_type"] == "config_error"
    assert str(path) in errors[0]["message"] and "Traceback" not in output


def test_given_paged_streams_when_read_then_estimates_and_stream_statuses(simulator, tmp_path):
    from airbyte_cdk.models.airbyte_protocol_serializers import ConfiguredAirbyteCatalogSerializer

    from integration_tests.harness import catalog_for

    config = {**simulator.config(), **UNTHROTTLED}
    catalog = catalog_for(config, ["tickets", "clients", "statuses"])
    code, messages, _ = run_console(
        [
            "read",
            "--config",
            _write(tmp_path, "config.json", config),
            "--catalog",
            _write(tmp_path, "catalog.json", ConfiguredAirbyteCatalogSerializer.dump(catalog)),
        ]
    )
    traces = [m["trace"] for m in messages if m["type"] == "TRACE"]
    estimates = {
        t["estimate"]["name"]: t["estimate"]["row_estimate"] for t in traces if t["type"] == "ESTIMATE"
    }
    assert code == 0
    assert estimates == {
        # Halo's record_count: tickets and tasks, and the project headers the stream then drops
        "tickets": len(oracle.expected(simulator, "tickets")) + len(oracle.expected(simulator, "projects")),
        "clients": len(oracle.expected(simulator, "clients")),
    }
    statuses = {
        (t["stream_status"]["stream_descriptor"]["name"], t["stream_status"]["status"])
        for t in traces
        if t["type"] == "STREAM_STATUS"
    }
    assert {("tickets", "STARTED"), ("tickets", "COMPLETE"), ("statuses", "COMPLETE")} <= statuses
