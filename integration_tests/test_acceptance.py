"""The acceptance checks airbyte-cdk's standard tests no longer run, driven by acceptance-test-config.yml's
standard sections: `incremental` (a read from its `future_state`), `full_refresh` (two reads give the same
records) and `basic_read` (its records against the expected ones, whose path alone is kept under
`halopsa_acceptance`: the CDK rejects CAT's `expect_records` key).

Regenerate the expected records after a deliberate change: `python -m integration_tests.test_acceptance`.
"""

import json
from collections import Counter
from pathlib import Path

import yaml
from airbyte_cdk.models import AirbyteStateMessage, ConfiguredAirbyteCatalog
from airbyte_cdk.models.airbyte_protocol_serializers import (
    AirbyteStateMessageSerializer,
    ConfiguredAirbyteCatalogSerializer,
)
from airbyte_cdk.test.entrypoint_wrapper import read

from integration_tests import oracle
from integration_tests.harness import final_states, normalized
from source_halopsa import SourceHalopsa

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "acceptance-test-config.yml").read_text())
BASIC_READ = CONFIG["acceptance_tests"]["basic_read"]["tests"][0]
INCREMENTAL = CONFIG["acceptance_tests"]["incremental"]["tests"][0]
FULL_REFRESH = CONFIG["acceptance_tests"]["full_refresh"]["tests"][0]
EXPECTED_RECORDS = ROOT / CONFIG["halopsa_acceptance"]["expected_records"]["path"]


def _load(section: dict) -> tuple[dict, ConfiguredAirbyteCatalog]:
    config = json.loads((ROOT / section["config_path"]).read_text())
    catalog = ConfiguredAirbyteCatalogSerializer.load(
        json.loads((ROOT / section["configured_catalog_path"]).read_text())
    )
    return config, catalog


def _read(config, catalog, state: list[AirbyteStateMessage] | None = None):
    output = read(SourceHalopsa(config=config, catalog=catalog, state=state), config, catalog, state=state)
    assert not output.errors, [e.trace.error.message for e in output.errors]
    return output


def _records(output) -> list[dict]:
    # `synced_through` is the time of the read (the incremental stamp), different in every run.
    return [
        {"stream": m.record.stream, "data": {k: v for k, v in m.record.data.items() if k != "synced_through"}}
        for m in output.records
    ]


def _key(record: dict) -> tuple:
    data = record["data"]
    return (record["stream"], data.get("ticket_id") if record["stream"] == "actions" else None, data["id"])


def test_given_acceptance_config_when_read_then_expected_records(simulator):
    config, catalog = _load(BASIC_READ)
    expected = [json.loads(line) for line in EXPECTED_RECORDS.read_text().splitlines()]
    got = _records(_read(config, catalog))
    assert sorted(got, key=_key) == sorted(expected, key=_key)


def test_given_expected_records_file_when_compared_to_simulator_then_each_is_halos_row(simulator):
    """The snapshot is Halo's data, not merely what the connector once emitted."""
    expected = [json.loads(line) for line in EXPECTED_RECORDS.read_text().splitlines()]
    by_stream: dict[str, dict] = {}
    for record in expected:
        stream = record["stream"]
        if stream not in by_stream:
            rows = normalized(oracle.expected(simulator, stream))
            if stream in ("quotes", "recurring_invoices"):
                rows = normalized(
                    simulator.backend.read_all(
                        {"quotes": "quotation"}.get(stream, "recurringinvoice"), {"includelines": "true"}
                    )
                )
            by_stream[stream] = {
                (row.get("ticket_id") if stream == "actions" else None, row["id"]): row for row in rows
            }
        data = {k: v for k, v in record["data"].items() if k != "project_last_update"}
        assert by_stream[stream][_key(record)[1:]] == data


def test_given_future_state_when_read_then_no_records_and_state_not_moved_back(simulator):
    config, catalog = _load(INCREMENTAL)
    state = [
        AirbyteStateMessageSerializer.load(item)
        for item in json.loads((ROOT / INCREMENTAL["future_state"]["future_state_path"]).read_text())
    ]
    output = _read(config, catalog, state)
    assert not output.records
    saved = {s.stream.stream_descriptor.name: dict(s.stream.stream_state.__dict__) for s in state}
    for message in final_states(output):
        name = message.stream.stream_descriptor.name
        for cursor, value in dict(message.stream.stream_state.__dict__).items():
            if cursor in saved.get(name, {}):
                assert value >= saved[name][cursor]


def test_given_two_full_refresh_reads_when_compared_then_identical(simulator):
    config, catalog = _load(FULL_REFRESH)
    first, second = _records(_read(config, catalog)), _records(_read(config, catalog))
    assert Counter(json.dumps(r, sort_keys=True) for r in first) == Counter(
        json.dumps(r, sort_keys=True) for r in second
    )


if __name__ == "__main__":
    from halo_simulator import HaloSimulator, SimulatorOptions
    from integration_tests.conftest import UNTHROTTLED

    with HaloSimulator(SimulatorOptions(scale="tiny")) as sim:
        config = {**sim.config(), **UNTHROTTLED, "start_date": "2025-06-01T00:00:00Z"}
        _, catalog = _load({**BASIC_READ, "config_path": "integration_tests/sample_config.json"})
        records = sorted(_records(_read(config, catalog)), key=_key)
        EXPECTED_RECORDS.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in records))
        print(f"{len(records)} records written to {EXPECTED_RECORDS.relative_to(ROOT)}")
