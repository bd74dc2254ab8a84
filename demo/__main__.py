"""`bin/demo`: sync an MSP's whole Halo into DuckDB through PyAirbyte, then sync again incrementally.

Against the bundled HaloPSA simulator by default (an MSP with about 20,000 tickets at the demo scale),
with simulated changes between the two syncs. `--config FILE` reads a real Halo instead; the second read
is then simply its next incremental sync. Writes demo_output/halopsa.duckdb, a report a service manager
would read (demo_output/report.html) and the run's numbers (demo_output/summary.json).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import duckdb

from demo import report
from demo.sync import Connector, Sync
from halo_simulator import HaloSimulator, SimulatorOptions
from halo_simulator.options import SCALES

OUTPUT = Path("demo_output")
BUDGET_REQUESTS, BUDGET_MINUTES = 300, 5  # hosted Halo, per rolling window, shared by all integrations
# About an hour of an MSP's day at the demo scale (20,000 tickets); other scales get it in proportion.
CHANGES = {
    "add_tickets": 30, "update_tickets": 60, "close_tickets": 25, "add_actions": 200, "delete_tickets": 3,
    "update_projects": 5, "update_opportunities": 8, "update_clients": 3, "update_users": 10,
    "update_assets": 20, "update_invoices": 15, "update_quotes": 5,
}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bin/demo", description=__doc__)
    parser.add_argument(
        "--config", type=Path, help="a connector config for a real Halo (default: the simulator)"
    )
    parser.add_argument("--scale", default="demo", choices=list(SCALES), help="the simulated MSP's size")
    options = parser.parse_args(argv)
    OUTPUT.mkdir(exist_ok=True)
    db_path = OUTPUT / "halopsa.duckdb"
    for old in (db_path, db_path.with_name(db_path.name + ".wal")):
        old.unlink(missing_ok=True)  # a new warehouse, so the first sync is a full one
    started = time.monotonic()

    with ExitStack() as stack:
        if options.config:
            try:
                simulator, config = None, json.loads(options.config.read_text())
            except (OSError, ValueError) as error:
                sys.exit(f"--config {options.config}: {error}")
            source = f"Halo at {config.get('instance_url', '?')}"
        else:
            tickets = SCALES[options.scale]["tickets"]
            print(
                f"Starting the HaloPSA simulator: an MSP with {tickets:,} tickets ({options.scale} scale)..."
            )
            simulator = stack.enter_context(HaloSimulator(SimulatorOptions(scale=options.scale)))
            # The simulator does not limit requests; pacing to Halo's budget is measured in bench/.
            config = {**simulator.config(), "rate_limit_requests": 1_000_000}
            source = f"Simulated MSP (HaloPSA simulator, {options.scale} scale)"
        connector = stack.enter_context(Connector(config, db_path))
        if failure := connector.check():
            sys.exit(f"check failed: {failure}")
        modes = connector.discover()
        incremental = sorted(name for name, mode in modes.items() if mode == "incremental")
        print(f"discover: {len(modes)} streams, {len(incremental)} incremental: {', '.join(incremental)}")

        print(f"\nFull sync of all {len(modes)} streams into {db_path} ...", flush=True)
        requests_since(simulator)
        full = connector.read()
        full.requests = requests_since(simulator)

        changes = {}
        if simulator:
            changes = simulator.mutate(changes_for(options.scale))
            print(
                "\nTime passes in Halo: "
                + ", ".join(describe(kind, len(ids)) for kind, ids in changes.items())
            )
            time.sleep(1.1)  # past the whole second that bounded the first sync
        print("\nIncremental sync, from the state the full sync saved ...", flush=True)
        second = connector.read()
        second.requests = requests_since(simulator)

    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = {name: con.sql(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in modes}
        report.build(con, OUTPUT / "report.html", source=source)
    seconds = time.monotonic() - started

    summarise(modes, rows, {"full sync": full, "incremental sync": second})
    print(f"\nAll done in {seconds:.0f} s. Warehouse: {db_path}   Report: {OUTPUT / 'report.html'}")
    streams = {
        name: {"mode": modes[name], "full": full.records.get(name, 0), "incremental": second.records.get(name, 0),
               "rows": rows[name]}
        for name in modes
    }  # fmt: skip
    syncs = {"full": full.numbers(), "incremental": second.numbers()}
    summary = {
        "source": source,
        "streams": streams,
        "syncs": syncs,
        "changes": changes,
        "seconds": round(seconds, 1),
    }
    (OUTPUT / "summary.json").write_text(json.dumps(summary, indent=2))


def changes_for(scale: str) -> dict[str, int]:
    factor = SCALES[scale]["tickets"] / SCALES["demo"]["tickets"]
    return {kind: max(1, round(n * factor)) for kind, n in CHANGES.items()}


def describe(kind: str, count: int) -> str:
    """`add_tickets`, 30 -> "30 new tickets"; `close_tickets`, 25 -> "25 tickets closed"."""
    verb, noun = kind.split("_", 1)
    if count == 1:
        noun = noun[:-3] + "y" if noun.endswith("ies") else noun[:-1]
    return f"{count} new {noun}" if verb == "add" else f"{count} {noun} {verb}d"


def requests_since(simulator: HaloSimulator | None) -> int | None:
    """Requests the simulator served since the last call; a real Halo does not say."""
    if not simulator:
        return None
    count = simulator.stats()["requests"]
    simulator.reset_stats()
    return count


def summarise(modes: dict[str, str], rows: dict[str, int], syncs: dict[str, Sync]) -> None:
    full, second = syncs.values()
    print(f"\n{'stream':<21}{'mode':<13}{'full sync':>11}{'incremental':>13}{'rows in DuckDB':>16}")
    for name in sorted(modes, key=lambda n: (modes[n] != "incremental", n)):
        counts = f"{full.records.get(name, 0):>11,}{second.records.get(name, 0):>13,}{rows[name]:>16,}"
        print(f"{name:<21}{modes[name]:<13}{counts}")
    print(f"{'total':<34}{full.total:>11,}{second.total:>13,}{sum(rows.values()):>16,}\n")
    for label, sync in syncs.items():
        line = f"{label:<17}{sync.total:>9,} records in {sync.seconds:5.1f} s"
        if sync.requests is not None:
            minutes = sync.requests / BUDGET_REQUESTS * BUDGET_MINUTES
            line += (
                f", {sync.requests:,} requests = {minutes:.1f} minutes of hosted Halo's budget "
                f"({BUDGET_REQUESTS} requests per {BUDGET_MINUTES} minutes)"
            )
        print(line)
    if full.requests is None:
        print("(Requests are counted by the simulator only: a real Halo does not report them.)")


if __name__ == "__main__":
    main()
