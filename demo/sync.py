"""PyAirbyte, the ecosystem's local runner: it runs the installed `source-halopsa` console script and
loads every sync into one DuckDB file, merging incremental streams on their primary key."""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

# No registry or telemetry calls: the demo runs offline, like many CI runners.
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
if not sys.stdout.isatty():
    os.environ.setdefault("NO_LIVE_PROGRESS", "1")  # plain output when piped: no redrawn progress box
# PyAirbyte imports Google's client libraries, which warn about Python versions they will drop.
warnings.filterwarnings("ignore", category=FutureWarning)

import airbyte as ab  # noqa: E402  (after the environment above)
from airbyte.caches import DuckDBCache  # noqa: E402
from airbyte.exceptions import AirbyteConnectorCheckFailedError  # noqa: E402

CONNECTOR = "source-halopsa"
# The CDK's line when a stream is done, forwarded by PyAirbyte to the logger `airbyte.<connector>`.
STREAM_DONE = re.compile(r"Read (\d+) records from (\w+) stream")
# The connector's notes when Halo's request budget makes it wait (source_halopsa/budget.py, components.py).
BUDGET_NOTE = ("Pacing requests", "Halo's rate limit")


@dataclass
class Sync:
    """One read: records per stream as the connector counted them, the wall time including loading into
    DuckDB, and the requests Halo served (known when the simulator counts them)."""

    records: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    requests: int | None = None

    @property
    def total(self) -> int:
        return sum(self.records.values())

    def numbers(self) -> dict:
        return {"records": self.total, "seconds": round(self.seconds, 1), "requests": self.requests}


class StreamProgress(logging.Handler):
    """Prints a line per stream as it finishes (and budget waits), and keeps the counts."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.sync, self.started, self.streams = Sync(), time.monotonic(), 0

    def start(self, streams: int) -> Sync:
        self.sync, self.started, self.streams = Sync(), time.monotonic(), streams
        return self.sync

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if done := STREAM_DONE.match(message):
            count, stream = int(done[1]), done[2]
            self.sync.records[stream] = count
            print(f"  {stream:<20}{count:>9,} records  {time.monotonic() - self.started:6.1f} s", flush=True)
            if len(self.sync.records) == self.streams:
                print("  all streams read; PyAirbyte is loading them into DuckDB ...", flush=True)
        elif message.startswith(BUDGET_NOTE):
            print(f"  {message}", flush=True)


class Connector:
    """The connector as PyAirbyte runs it, with a DuckDB cache at `db_path`."""

    def __init__(self, config: dict, db_path: Path) -> None:
        executable = Path(sys.executable).with_name(CONNECTOR)  # the console script in this venv
        self.source = ab.get_source(CONNECTOR, config=config, local_executable=str(executable))
        self.progress = StreamProgress()
        logging.getLogger(f"airbyte.{CONNECTOR}").addHandler(self.progress)
        self.cache = DuckDBCache(db_path=db_path, cache_dir=db_path.parent / ".cache")

    def check(self) -> str | None:
        """None when the connection works, else the connector's one-line reason."""
        try:
            self.source.check()
        except AirbyteConnectorCheckFailedError as error:
            return (error.context or {}).get("failure_reason") or error.get_message()
        return None

    def discover(self) -> dict[str, str]:
        """Every stream, selected, with its mode: PyAirbyte reads incrementally where a stream can."""
        self.source.select_all_streams()
        return {
            stream.name: "incremental"
            if "incremental" in {m.value for m in stream.supported_sync_modes}
            else "full refresh"
            for stream in self.source.discovered_catalog.streams
        }

    def read(self) -> Sync:
        """A sync into the cache; the second and later ones start from the state the cache keeps."""
        sync = self.progress.start(len(self.source.get_selected_streams()))
        self.source.read(cache=self.cache)
        sync.seconds = time.monotonic() - self.progress.started
        return sync

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger(f"airbyte.{CONNECTOR}").removeHandler(self.progress)
        self.cache.close()  # releases the DuckDB file for the report
