"""One way to read the connector in tests: in-process through the CDK entrypoint, or as a process."""

from __future__ import annotations

import contextlib
import copy
import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from airbyte_cdk.models import (
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read

from source_halopsa import SourceHalopsa
from source_halopsa.records import normalize_record

SERVICE_DESK_STREAMS = (
    "tickets",
    "actions",
    "teams",
    "agents",
    "statuses",
    "ticket_types",
    "priorities",
    "slas",
)


def catalog_for(
    config: Mapping[str, Any], names: Iterable[str], sync_mode: SyncMode | None = None
) -> ConfiguredAirbyteCatalog:
    wanted = set(names)
    streams = [s for s in SourceHalopsa(config=config).discover(None, config).streams if s.name in wanted]
    assert {s.name for s in streams} == wanted, f"unknown streams: {wanted - {s.name for s in streams}}"
    configured = []
    for stream in streams:
        mode = sync_mode or (
            SyncMode.incremental
            if SyncMode.incremental in stream.supported_sync_modes
            else SyncMode.full_refresh
        )
        configured.append(
            ConfiguredAirbyteStream(
                stream=stream,
                sync_mode=mode,
                destination_sync_mode=DestinationSyncMode.append_dedup
                if stream.source_defined_primary_key
                else DestinationSyncMode.append,
                primary_key=stream.source_defined_primary_key,
                cursor_field=stream.default_cursor_field,
            )
        )
    return ConfiguredAirbyteCatalog(streams=configured)


def read_streams(
    config: Mapping[str, Any],
    names: Iterable[str],
    state: list[AirbyteStateMessage] | None = None,
    sync_mode: SyncMode | None = None,
    expecting_exception: bool = False,
) -> EntrypointOutput:
    catalog = catalog_for(config, names, sync_mode)
    source = SourceHalopsa(config=config, catalog=catalog, state=state)
    return read(source, config, catalog, state=state, expecting_exception=expecting_exception)


STAMP = "synced_through"  # added by the connector to the streams whose state it is (manifest.yaml)


def records_by_stream(output: EntrypointOutput, stamped: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Records per stream, as Halo's rows: without the connector's `synced_through` stamp unless asked for.

    The stamp is checked here to be a UTC instant wherever it appears; test_incremental.py checks its value.
    """
    grouped: dict[str, list[dict[str, Any]]] = {}
    for message in output.records:
        data = message.record.data
        if STAMP in data:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data[STAMP]), data[STAMP]
            if not stamped:
                data = {key: value for key, value in data.items() if key != STAMP}
        grouped.setdefault(message.record.stream, []).append(data)
    return grouped


def final_states(output: EntrypointOutput) -> list[AirbyteStateMessage]:
    """The last state message of each stream, as a client would pass back with --state."""
    latest: dict[str, AirbyteStateMessage] = {}
    for message in output.state_messages:
        latest[message.state.stream.stream_descriptor.name] = message.state
    return list(latest.values())


def normalized(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What the connector should emit for Halo rows: the rows with Halo's quirks normalised."""
    out = []
    for row in rows:
        row = copy.deepcopy(dict(row))
        normalize_record(row)
        # The Airbyte protocol serializer omits top-level nulls; a missing field is a null.
        out.append({key: value for key, value in row.items() if value is not None})
    return out


def keyed(
    rows: Iterable[Mapping[str, Any]], primary_key: str | list[str] = "id"
) -> dict[Any, Mapping[str, Any]]:
    keys = [primary_key] if isinstance(primary_key, str) else primary_key
    result: dict[Any, Mapping[str, Any]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        assert key not in result, f"duplicate primary key {key}"
        result[key] = row
    return result


def run_console(
    args: list[str], cwd: Path | None = None, timeout: int = 300
) -> tuple[int, list[dict[str, Any]], str]:
    """Run the real `source-halopsa` console script; return exit code, protocol messages and stderr."""
    process = subprocess.run(
        [str(Path(sys.executable).with_name("source-halopsa")), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )
    messages = [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]
    return process.returncode, messages, process.stderr + process.stdout


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: raise TimeoutError in the main thread once `seconds` have passed."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"no result within {seconds} s: the connector hangs or retries endlessly")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
