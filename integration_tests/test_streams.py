"""Every stream reads exactly the simulator's records: none lost, none duplicated, each as Halo sent it
(normalised), and valid against its schema."""

import jsonschema
import pytest

from integration_tests import oracle
from integration_tests.harness import keyed, normalized, read_streams, records_by_stream
from source_halopsa import SourceHalopsa

PRIMARY_KEYS = {"actions": ["ticket_id", "id"]}
# Streams that ask Halo for more than the simulator's default row: their embedded lines.
WITH_LINES = {"quotes": "quotation", "recurring_invoices": "recurringinvoice"}
# Fields the connector adds to Halo's rows.
ADDED_FIELDS = {"project_milestones": {"project_last_update"}}


def _expected(simulator, name):
    if name in WITH_LINES:
        return normalized(simulator.backend.read_all(WITH_LINES[name], {"includelines": "true"}))
    return normalized(oracle.expected(simulator, name))


@pytest.fixture(scope="module")
def full_read(simulator):
    config = {**simulator.config(), "rate_limit_requests": 1_000_000}
    names = [stream.name for stream in SourceHalopsa(config=config).discover(None, config).streams]
    simulator.reset_stats()
    output = read_streams(config, names)
    return names, output, config, simulator.stats()["counts"]


def test_given_every_stream_when_read_then_no_errors(full_read):
    names, output, _, _ = full_read
    assert not output.errors, [error.trace.error.message for error in output.errors]
    assert set(records_by_stream(output)) == set(names)


STREAMS = [
    "tickets", "actions", "teams", "agents", "statuses", "ticket_types", "priorities", "slas", "deleted_tickets",
    "appointments", "timesheet_events", "clients", "sites", "users", "crm_notes", "opportunities", "assets",
    "asset_types", "field_info", "projects", "project_tasks", "project_milestones", "invoices", "invoice_lines",
    "recurring_invoices", "contracts", "charge_rates", "items", "quotes",
]  # fmt: skip


@pytest.mark.parametrize("name", STREAMS)
def test_given_stream_when_read_then_exactly_the_simulators_records(full_read, simulator, name):
    _, output, _, _ = full_read
    pk = PRIMARY_KEYS.get(name, "id")
    got = keyed(records_by_stream(output).get(name, []), pk)  # raises on a duplicate
    expected = keyed(_expected(simulator, name), pk)
    assert expected, f"the simulator has no {name}: the test would prove nothing"
    assert sorted(got) == sorted(expected)
    for key, record in got.items():
        trimmed = {
            field: value for field, value in record.items() if field not in ADDED_FIELDS.get(name, set())
        }
        assert trimmed == expected[key]


@pytest.mark.parametrize("name", STREAMS)
def test_given_stream_when_read_then_records_match_schema(full_read, name):
    names, output, config, _ = full_read
    schema = next(
        s for s in SourceHalopsa(config=config).discover(None, config).streams if s.name == name
    ).json_schema
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    for record in records_by_stream(output)[name]:
        errors = list(validator.iter_errors(record))
        assert not errors, f"{name} {record.get('id')}: {errors[0].message} at {list(errors[0].path)}"


def test_given_full_sync_when_read_then_one_token_request(full_read):
    *_, counts = full_read
    assert counts["POST /auth/token"] == 1
