"""`bin/demo`: check, discover, a full read and an incremental read, through the real console script.

Against the HaloPSA simulator by default (an MSP with ~20,000 tickets); `--config FILE` points it at a
real Halo instead. Records land as JSON lines under demo_output/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

OUTPUT = Path("demo_output")
HOSTED_BUDGET = (300, 300)  # requests per seconds on hosted Halo (halopsa-api.md §5)


def console(*args: str) -> subprocess.Popen:
    executable = Path(sys.executable).with_name("source-halopsa")
    return subprocess.Popen(
        [str(executable), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def run_once(*args: str) -> list[dict]:
    process = console(*args)
    out, _ = process.communicate()
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def read(config: Path, catalog: Path, state: Path | None, label: str) -> tuple[Counter, list[dict], float]:
    args = ["read", "--config", str(config), "--catalog", str(catalog)] + (
        ["--state", str(state)] if state else []
    )
    started, counts, states, errors = time.monotonic(), Counter(), {}, []
    sinks: dict[str, object] = {}
    with ExitStack() as stack:
        process = console(*args)
        for line in process.stdout:
            if not line.startswith("{"):
                continue
            message = json.loads(line)
            kind = message["type"]
            if kind == "RECORD":
                stream = message["record"]["stream"]
                counts[stream] += 1
                if stream not in sinks:
                    sinks[stream] = stack.enter_context(open(OUTPUT / label / f"{stream}.jsonl", "w"))
                sinks[stream].write(json.dumps(message["record"]["data"]) + "\n")
                total = sum(counts.values())
                if total % 20000 == 0:
                    print(
                        f"  {label}: {total:,} records so far ({time.monotonic() - started:.0f} s)",
                        flush=True,
                    )
            elif kind == "STATE":
                states[message["state"]["stream"]["stream_descriptor"]["name"]] = message["state"]
            elif kind == "TRACE" and message["trace"]["type"] == "ERROR":
                errors.append(message["trace"]["error"]["message"])
            elif kind == "LOG" and message["log"]["level"] in ("WARN", "ERROR"):
                print(f"  {message['log']['level']}: {message['log']['message'][:200]}")
        process.wait()
    if errors or process.returncode:
        sys.exit(f"{label} failed: {'; '.join(errors) or f'exit code {process.returncode}'}")
    return counts, list(states.values()), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--config", type=Path, help="a connector config for a real Halo (default: the simulator)"
    )
    parser.add_argument("--scale", default="demo", choices=["tiny", "small", "demo", "large"])
    options = parser.parse_args()
    shutil.rmtree(OUTPUT, ignore_errors=True)
    for label in ("full", "incremental"):
        (OUTPUT / label).mkdir(parents=True)

    with ExitStack() as stack:
        simulator = None
        if options.config:
            config = json.loads(options.config.read_text())
        else:
            from halo_simulator import HaloSimulator, SimulatorOptions

            print(f"Starting the HaloPSA simulator ({options.scale} scale)...", flush=True)
            simulator = stack.enter_context(HaloSimulator(SimulatorOptions(scale=options.scale)))
            # The simulator has no rate limit here; the budget's pacing is shown in bench/.
            config = {**simulator.config(), "rate_limit_requests": 1_000_000}
        config_path = OUTPUT / "config.json"
        config_path.write_text(json.dumps(config))
        started = time.monotonic()

        print("check:", end=" ", flush=True)
        status = next(
            m["connectionStatus"]
            for m in run_once("check", "--config", str(config_path))
            if m["type"] == "CONNECTION_STATUS"
        )
        print(status["status"], status.get("message", ""))
        if status["status"] != "SUCCEEDED":
            sys.exit(1)
        catalog = next(
            m["catalog"] for m in run_once("discover", "--config", str(config_path)) if m["type"] == "CATALOG"
        )
        print(f"discover: {len(catalog['streams'])} streams")
        configured = {
            "streams": [
                {
                    "stream": stream,
                    "sync_mode": "incremental"
                    if "incremental" in stream["supported_sync_modes"]
                    else "full_refresh",
                    "destination_sync_mode": "append",
                }
                for stream in catalog["streams"]
            ]
        }
        catalog_path = OUTPUT / "catalog.json"
        catalog_path.write_text(json.dumps(configured))

        print("Full sync...", flush=True)
        full, states, full_seconds = read(config_path, catalog_path, None, "full")
        full_requests = simulator.stats()["requests"] if simulator else None
        state_path = OUTPUT / "state.json"
        state_path.write_text(json.dumps(states))

        if simulator:
            changed = simulator.mutate(
                update_tickets=40, add_tickets=15, add_actions=120, update_projects=3, update_opportunities=5
            )
            print(
                "Time passes: " + ", ".join(f"{kind} {len(ids)}" for kind, ids in changed.items()), flush=True
            )
            time.sleep(1.1)
            simulator.reset_stats()
        print("Incremental sync...", flush=True)
        incremental, _, incremental_seconds = read(config_path, catalog_path, state_path, "incremental")
        incremental_requests = simulator.stats()["requests"] if simulator else None

    print()
    print(f"{'stream':<22}{'full sync':>12}{'incremental':>14}")
    for stream in sorted({s["stream"]["name"] for s in configured["streams"]}):
        print(f"{stream:<22}{full[stream]:>12,}{incremental[stream]:>14,}")
    print(f"{'total':<22}{sum(full.values()):>12,}{sum(incremental.values()):>14,}")
    print()
    print(
        f"full sync: {full_seconds:.1f} s; incremental sync: {incremental_seconds:.1f} s; all in {time.monotonic() - started:.1f} s"
    )
    if full_requests is not None:
        per, window = HOSTED_BUDGET
        print(
            f"requests: full sync {full_requests:,} (on hosted Halo's {per} per {window // 60} minutes: "
            f"{full_requests / per * window / 60:.0f} minutes of budget); incremental sync {incremental_requests:,}"
        )
    print(f"records: {OUTPUT}/full/*.jsonl and {OUTPUT}/incremental/*.jsonl")


if __name__ == "__main__":
    main()
