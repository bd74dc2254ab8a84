"""`bin/bench`: measure source-halopsa against the HaloPSA simulator and write bench/REPORT.md.

    bin/bench            the full run (10k, 100k, 300k, 1M records; ~25 minutes on 2 cores)
    bin/bench --quick    10k and 100k records and a short throttled sync (~4 minutes)

In one run, through the real `source-halopsa` console script in a subprocess:
1. requests per stream against the minimum, for a full sync at each size, then an incremental sync with
   nothing changed, and any empty trailing page;
2. wall time under a rolling limit scaled down to 30 requests per 10 s, against requests / allowed rate,
   with 429s and failed syncs;
3. unthrottled records per second of the connector against a bare requests+json client reading the same
   pages, in the same run;
4. peak memory of the connector process at each size.
Raw figures go to bench/results/ (gitignored); the full run writes bench/REPORT.md, --quick writes
bench/results/REPORT-quick.md unless --report says otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import traceback
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests

from bench import analysis, profile, report, runner
from bench.sim import BenchError, SimProcess

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
UNTHROTTLED = 10**9

# Row counts of the simulator's "large" scale (1.53M records over all 29 streams), scaled down per size;
# no table goes below its "tiny" count. Tickets and actions carry most records, as at a real MSP.
LARGE = {
    "tickets": 200000, "actions": 1000000, "projects": 1200, "opportunities": 4000, "clients": 1500,
    "sites": 2700, "users": 15000, "agents": 150, "teams": 12, "assets": 30000, "contracts": 1900,
    "invoices": 40000, "items": 400, "quotes": 3000, "suppliers": 40, "crm_notes": 6000,
    "appointments": 20000, "timesheet_events": 100000,
}  # fmt: skip
TINY = {
    "tickets": 300, "actions": 1200, "projects": 6, "opportunities": 15, "clients": 12, "sites": 20,
    "users": 90, "agents": 8, "teams": 4, "assets": 120, "contracts": 14, "invoices": 150, "items": 25,
    "quotes": 30, "suppliers": 5, "crm_notes": 36, "appointments": 60, "timesheet_events": 200,
}  # fmt: skip
LARGE_RECORDS = 1_527_100
SIZES = {"10k": 10_000, "100k": 100_000, "300k": 300_000, "1m": 1_000_000}

# Changes between the incremental syncs, in every area (halo_simulator/mutations.py kinds).
MUTATION = {
    "update_tickets": 5,
    "add_tickets": 2,
    "add_actions": 8,
    "update_projects": 1,
    "update_opportunities": 1,
    "delete_tickets": 1,
    "update_clients": 2,
    "update_sites": 2,
    "update_users": 2,
    "update_assets": 2,
    "update_invoices": 2,
    "update_contracts": 2,
    "update_quotes": 2,
    "update_items": 2,
}
# Where each change must arrive, by record id: in the next sync (lists Halo filters by change), or at the
# next read of a list Halo cannot filter (its area's refresh interval; the last step makes every one due).
# New actions are counted, not matched by id (the simulator names their tickets).
CHANGED_STREAM = {
    kind: stream
    for kind, stream in analysis.MUTATED_STREAM.items()
    if kind != "add_actions" and stream not in analysis.REFRESHED_STREAMS
}
REFRESHED_STREAM = {
    kind: stream for kind, stream in analysis.MUTATED_STREAM.items() if stream in analysis.REFRESHED_STREAMS
}
EVERY_REFRESH_DUE = {
    "refresh_minutes_service_desk": 0, "refresh_minutes_contact_history": 0, "refresh_minutes_assets": 0,
    "refresh_minutes_finance": 0,
}  # fmt: skip

# The rolling limit, scaled down from hosted Halo's 300 per 300 s so a throttled sync takes minutes
# (issue #11: 40 per 10 s, and the connector's budget set to match).
LIMIT, WINDOW = 40, 10


def counts_for(records: int) -> dict[str, int]:
    factor = records / LARGE_RECORDS
    return {key: max(TINY[key], round(value * factor)) for key, value in LARGE.items()}


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.quick = args.quick
        self.stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.work = RESULTS / "work" / self.stamp
        self.work.mkdir(parents=True, exist_ok=True)
        self.catalog: dict[str, Any] | None = None
        self.results: dict[str, Any] = {
            "mode": "quick" if self.quick else "full",
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": _machine(),
            "sizes": [],
            "throttled": [],
            "errors": [],
        }

    # -------------------------------------------------------------- helpers

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    def write_json(self, name: str, payload: Any) -> Path:
        path = self.work / name
        path.write_text(json.dumps(payload, indent=1))
        return path

    def discover(self, config_path: Path) -> dict[str, Any]:
        """The catalog, discovered once through the console script (it does not depend on the data)."""
        if self.catalog is None:
            try:
                done = subprocess.run(
                    runner.console_args("discover", config_path),
                    capture_output=True,
                    timeout=300,
                    check=False,
                )
            except subprocess.TimeoutExpired as error:
                raise BenchError("discover did not finish within 300 s") from error
            for line in done.stdout.splitlines():
                if line.startswith(b'{"type":"CATALOG"'):
                    self.catalog = json.loads(line)["catalog"]
            if self.catalog is None:
                tail = (done.stdout[-1500:] + done.stderr[-1500:]).decode(errors="replace")
                raise BenchError(f"discover printed no CATALOG message (exit {done.returncode}):\n{tail}")
        return self.catalog

    def configured(self, names: set[str] | None, name: str) -> Path:
        assert self.catalog is not None
        streams = [
            {
                "stream": stream,
                "sync_mode": "incremental"
                if "incremental" in stream["supported_sync_modes"]
                else "full_refresh",
                "destination_sync_mode": "append",
            }
            for stream in self.catalog["streams"]
            if names is None or stream["name"] in names
        ]
        return self.write_json(name, {"streams": streams})

    def read(
        self,
        label: str,
        config: Path,
        catalog: Path,
        timeout: float,
        state: Path | None = None,
        ids_for: frozenset[str] = frozenset(),
    ) -> runner.RunResult:
        self.log(f"  {label} ...")
        slug = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")
        result = runner.run(
            label,
            runner.console_args("read", config, catalog, state),
            timeout,
            self.work / f"{slug}.stderr",
            ids_for,
        )
        status = "FAILED: " + result.failure() if result.failed else "ok"
        self.log(
            f"  {label}: {result.total_records:,} records in {result.wall_seconds:.1f} s, "
            f"peak RSS {result.peak_rss_mb} MB, {status}"
        )
        return result

    # -------------------------------------------------------------- phase 1, 3, 4: one size

    def run_size(self, label: str, records: int) -> dict[str, Any]:
        counts = counts_for(records)
        out: dict[str, Any] = {"label": label, "target_records": records, "counts": counts}
        self.log(f"Size {label}: generating the simulator's data ...")
        with SimProcess({"scale": "tiny", "counts": counts}, self.work / f"sim-{label}.log") as sim:
            info = sim.info
            out["simulator"] = {k: v for k, v in info.items()}
            self.log(
                f"  {info['expected_total']:,} records expected over {len(info['expected'])} streams "
                f"(generated in {info['generate_seconds']} s, listed in {info['expected_seconds']} s)"
            )
            sim.cache(True)
            config_path = self.write_json(
                f"config-{label}.json", {**sim.config, "rate_limit_requests": UNTHROTTLED}
            )
            catalog = self.discover(config_path)
            names = sorted(stream["name"] for stream in catalog["streams"])
            all_path = self.configured(None, "catalog-all.json")
            timeout = self.args.timeout_base + records / 500

            # Full sync of every stream: requests per stream, memory, records.
            sim.reset_stats()
            full = self.read(f"{label} full sync", config_path, all_path, timeout)
            stats, responses = sim.stats(), sim.responses()
            table = analysis.request_table(stats["log"], responses, info, full.records, names)
            out["full"] = {"run": full.to_json(), "requests": table, "throttled_429": stats["throttled_429"]}
            out["full"]["lost"] = {
                row["stream"]: row["expected"] - row["records"]
                for row in table["streams"]
                if row["expected"] != row["records"]
            }

            self.write_json(f"requests-{label}-full.json", stats["log"])

            # Throughput: the connector and the bare client on the same pages, served from the body cache.
            if not self.args.skip_throughput and not full.failed:
                out["throughput"] = self.throughput(label, sim, config_path, names, timeout)
            if self.args.profile_size == label and not full.failed:
                out["profile"] = self.profile(label, sim, config_path, names, timeout)

            if self.args.memory_profile_size == label and not full.failed:
                out["memory_profile"] = self.memory_profile(label, config_path, all_path, timeout)

            # Incremental syncs, from the full sync's state, without the cache (data changes below).
            sim.cache(False)
            if not full.failed:
                out["incremental"] = self.incremental(label, sim, config_path, all_path, full, table, names)
        return out

    def incremental(
        self,
        label: str,
        sim: SimProcess,
        config_path: Path,
        catalog: Path,
        full: runner.RunResult,
        table: dict[str, Any],
        names: list[str],
    ) -> dict[str, Any]:
        """Nothing changed since the full sync; then a few changes; then nothing changed again.

        The first shows the cost when the newest record is old (the simulator's history ends 2026-06-30),
        the last the steady state of a frequent schedule, where the newest records are minutes old.
        """
        out: dict[str, Any] = {}
        states = dict(full.states)
        due_config = self.write_json(
            f"config-{label}-refresh-due.json", {**json.loads(config_path.read_text()), **EVERY_REFRESH_DUE}
        )
        changed: dict[str, list[int]] = {}
        steps = [
            ("nothing changed", None, config_path, CHANGED_STREAM),
            ("after changes", MUTATION, config_path, CHANGED_STREAM),
            ("nothing changed again", None, config_path, {}),
            ("refresh due", None, due_config, REFRESHED_STREAM),
        ]
        for step, mutation, config, delivers in steps:
            if mutation:
                changed = sim.mutate(**mutation)
                out["mutation"] = {kind: len(ids) for kind, ids in changed.items()}
                time.sleep(1.1)  # the sync's upper bound has whole seconds
            state_path = self.write_json(
                f"state-{label}-{step.replace(' ', '-')}.json", list(states.values())
            )
            sim.reset_stats()
            result = self.read(
                f"{label} incremental sync ({step})",
                config,
                catalog,
                600,
                state_path,
                ids_for=frozenset(delivers.values()),
            )
            stats = sim.stats()
            log = stats["log"]
            self.write_json(f"requests-{label}-incremental-{step.replace(' ', '-')}.json", log)
            out[step] = {
                "run": result.to_json(),
                "requests": analysis.incremental_table(log, table, names),
                "total_requests": stats["requests"],
                "by_path": stats["counts"],
                "state_moved_back": [
                    name
                    for name in names
                    if name in states
                    and name in result.states
                    and _moved_back(states[name], result.states[name])
                ],
            }
            if changed and delivers:
                out[step]["delivered"] = {
                    kind: {
                        "stream": stream,
                        "changed": len(changed.get(kind, [])),
                        "missing": sorted(set(changed.get(kind, [])) - set(result.ids.get(stream, []))),
                    }
                    for kind, stream in delivers.items()
                    if kind in changed
                }
            if result.failed:
                break
            states.update(result.states)
        return out

    def throughput(
        self, label: str, sim: SimProcess, config_path: Path, names: list[str], timeout: float
    ) -> dict[str, Any]:
        streams = set(names) - analysis.DERIVED
        catalog = self.configured(streams, "catalog-throughput.json")
        repeats = self.args.repeats or (1 if self.quick or SIZES[label] > 100_000 else 2)
        connector_runs, bare_runs = [], []
        for attempt in range(repeats):
            sim.reset_stats()
            connector = self.read(
                f"{label} throughput connector #{attempt + 1}", config_path, catalog, timeout
            )
            plan = analysis.bare_plan(sim.stats()["log"], sim.url, sim.config, streams)
            plan_path = self.write_json(f"bare-plan-{label}.json", plan)
            self.log(
                f"  {label} throughput bare client #{attempt + 1} ({len(plan['requests']):,} requests) ..."
            )
            bare = runner.run(
                f"bare {label}",
                [sys.executable, "-m", "bench.bare", str(plan_path)],
                timeout,
                self.work / f"bare-{label}.stderr",
            )
            self.log(
                f"  bare client: {bare.total_records:,} records in {bare.wall_seconds:.1f} s"
                + (f", FAILED: {bare.failure()}" if bare.failed else "")
            )
            connector_runs.append(connector.to_json())
            bare_runs.append(bare.to_json())
        best_connector = max(connector_runs, key=_steady_rate)
        best_bare = max(bare_runs, key=_steady_rate)
        return {
            "streams": sorted(streams),
            "connector_runs": connector_runs,
            "bare_runs": bare_runs,
            "connector": best_connector,
            "bare": best_bare,
            "ratio_steady": _ratio(_steady_rate(best_connector), _steady_rate(best_bare)),
            "ratio_end_to_end": _ratio(_e2e_rate(best_connector), _e2e_rate(best_bare)),
            "ratio_cpu": _ratio(_cpu_rate(best_connector), _cpu_rate(best_bare)),
            "same_records": best_connector["records"] == best_bare["records"],
        }

    def memory_profile(self, label: str, config_path: Path, catalog: Path, timeout: float) -> dict[str, Any]:
        """The full sync again under tracemalloc (bench/tracemem.py): what the connector still holds at its end."""
        out_path = self.work / f"tracemalloc-{label}.json"
        self.log(f"  {label} memory profile (tracemalloc, slower) ...")
        argv = [sys.executable, "-m", "bench.tracemem", str(out_path), "read", "--config", str(config_path),
                "--catalog", str(catalog)]  # fmt: skip
        result = runner.run(
            f"{label} tracemalloc", argv, timeout * 4, self.work / f"tracemalloc-{label}.stderr"
        )
        if result.failed or not out_path.exists():
            return {"error": result.failure() or "no snapshot written"}
        summary = json.loads(out_path.read_text())
        summary.update(records=result.total_records, peak_rss_mb=result.peak_rss_mb)
        return summary

    def profile(
        self, label: str, sim: SimProcess, config_path: Path, names: list[str], timeout: float
    ) -> dict[str, Any]:
        spy = profile.py_spy()
        if not spy:
            self.log("  py-spy is not installed in .venv: no profile (pip install py-spy to get one)")
            return {"available": False}
        streams = set(names) - analysis.DERIVED
        catalog = self.configured(streams, "catalog-throughput.json")
        raw = self.work / f"profile-{label}.txt"
        argv = profile.argv(spy, raw, runner.console_args("read", config_path, catalog))
        self.log(f"  {label} profile (py-spy) ...")
        result = runner.run(f"{label} profile", argv, timeout * 2, self.work / f"profile-{label}.stderr")
        if result.failed or not raw.exists():
            return {"available": True, "error": result.failure() or "no profile written"}
        summary = profile.summarize(raw)
        summary.update(
            available=True, records=result.total_records, wall_seconds=round(result.wall_seconds, 1)
        )
        return summary

    # -------------------------------------------------------------- phase 2: the rolling limit

    def run_throttled(
        self, name: str, start_days: int, neighbour_rate: float = 0.0, budget: int = LIMIT
    ) -> dict[str, Any]:
        start = (datetime.now(timezone.utc) - timedelta(days=start_days)).strftime("%Y-%m-%dT00:00:00Z")
        counts = counts_for(30_000)
        out: dict[str, Any] = {
            "name": name,
            "server_limit": [LIMIT, WINDOW],
            "connector_budget": [budget, WINDOW],
            "start_date": start,
            "neighbour_rate": neighbour_rate,
            "syncs": [],
        }
        self.log(
            f"Throttled ({name}): server {LIMIT}/{WINDOW} s, connector {budget}/{WINDOW} s, start_date {start}"
        )
        with SimProcess(
            {"scale": "tiny", "counts": counts, "rate_limit": [LIMIT, WINDOW]},
            self.work / f"sim-throttled-{name}.log",
        ) as sim:
            config = {
                **sim.config,
                "rate_limit_requests": budget,
                "rate_limit_window_seconds": WINDOW,
                "start_date": start,
            }
            config_path = self.write_json(f"config-throttled-{name}.json", config)
            self.discover(config_path)
            catalog = self.configured(None, "catalog-all.json")
            state_path = None
            neighbour = Neighbour(sim.url, sim.config, neighbour_rate) if neighbour_rate else None
            if neighbour:
                neighbour.start()
                time.sleep(WINDOW)  # the neighbour's requests already fill part of the window
            syncs = [("full", 0.0)]
            if not neighbour_rate:
                # The target's case: the server's window is clear when a sync starts. Then the worst case:
                # a sync right after another, whose requests the new process cannot know about.
                syncs += [("incremental", float(WINDOW)), ("incremental, back to back", 0.0)]
            try:
                for kind, pause in syncs:
                    time.sleep(pause)
                    sim.reset_stats()
                    if neighbour:
                        neighbour.reset()
                    estimate = self.args.timeout_base + 4 * 600 / (LIMIT / WINDOW)
                    result = self.read(
                        f"throttled {name} {kind} sync", config_path, catalog, estimate, state_path
                    )
                    stats = sim.stats()
                    mine = [e for e in stats["log"] if not _is_neighbour(e, neighbour)]
                    throttled = sum(1 for e in mine if e["status"] == 429)
                    accepted = len(mine) - throttled
                    rate = LIMIT / WINDOW
                    entry = {
                        "kind": kind,
                        "pause_before": pause,
                        "run": result.to_json(),
                        "requests": accepted,
                        "throttled_429": throttled,
                        "neighbour_requests": len(stats["log"]) - len(mine),
                        "neighbour_429": neighbour.throttled if neighbour else 0,
                        "ideal_seconds": accepted / rate,
                        "burst_floor_seconds": max(0.0, (accepted - LIMIT) / rate),
                        "wall_ratio": result.wall_seconds / (accepted / rate) if accepted else None,
                        "per_stream": dict(sorted(_count(analysis.classify(mine)).items())),
                    }
                    if neighbour_rate:
                        entry["share_seconds"] = accepted / max(rate - neighbour_rate, 0.1)
                    out["syncs"].append(entry)
                    self.log(
                        f"  {kind}: {accepted} requests, {throttled} x 429, {result.wall_seconds:.1f} s "
                        f"(requests/rate = {accepted / rate:.1f} s)"
                    )
                    if result.failed:
                        break
                    if kind == "full":
                        state_path = self.write_json(
                            f"state-throttled-{name}.json", list(result.states.values())
                        )
            finally:
                if neighbour:
                    neighbour.stop()
        return out

    # -------------------------------------------------------------- the whole run

    def run(self) -> int:
        sizes = self.args.sizes or (["10k", "100k"] if self.quick else list(SIZES))
        scenarios: list[tuple[str, int, float, int]] = []
        if not self.args.skip_throttle:
            scenarios.append(("matched", 75 if self.quick else 240, 0.0, LIMIT))
            if not self.quick:
                # Another integration spends a third of the budget: the connector, still set to the whole
                # budget, must ride out the 429s; set to its share, it should see none.
                scenarios.append(("shared, budget too high", 60, 1.0, LIMIT))
                scenarios.append(("shared, budget lowered", 60, 1.0, 2 * LIMIT // 3))
        started = time.monotonic()
        for label in sizes:
            try:
                self.results["sizes"].append(self.run_size(label, SIZES[label]))
            except Exception as error:  # noqa: BLE001 - one phase's failure must not lose the others
                self.fail(f"size {label}", error)
            self.save()
        for name, days, neighbour_rate, budget in scenarios:
            try:
                self.results["throttled"].append(self.run_throttled(name, days, neighbour_rate, budget))
            except Exception as error:  # noqa: BLE001 - one phase's failure must not lose the others
                self.fail(f"throttled {name}", error)
            self.save()
        self.results["seconds"] = round(time.monotonic() - started, 1)
        path = self.save()
        report_path = (
            Path(self.args.report)
            if self.args.report
            else (RESULTS / "REPORT-quick.md" if self.quick else HERE / "REPORT.md")
        )
        write_report(self.results, report_path)
        self.log(f"Raw results: {path.relative_to(HERE.parent)}; report: {report_path}")
        if not self.args.keep_work:
            shutil.rmtree(self.work, ignore_errors=True)
        return 1 if self.results["errors"] else 0

    def fail(self, where: str, error: BaseException) -> None:
        self.log(f"ERROR in {where}: {error}")
        self.results["errors"].append(
            {"where": where, "error": str(error), "trace": traceback.format_exc()[-3000:]}
        )

    def save(self) -> Path:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{self.stamp}-{self.results['mode']}.json"
        path.write_text(json.dumps(self.results, indent=1, default=str))
        shutil.copyfile(path, RESULTS / f"latest-{self.results['mode']}.json")
        return path


def write_report(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.write_text(report.render(results))
    except Exception as error:  # noqa: BLE001 - the raw results are saved; say how to render again
        raise BenchError(
            f"could not write {path}: {error!r}; fix bench/report.py and run "
            "`bin/bench --render-only bench/results/latest-<mode>.json`"
        ) from error


class Neighbour(threading.Thread):
    """Another integration on the same Halo: steady GET /api/Status at `rate` per second with its own token."""

    def __init__(self, url: str, config: dict[str, Any], rate: float):
        super().__init__(daemon=True, name="neighbour")
        self.url, self.config, self.rate = url, config, rate
        self.session = requests.Session()
        self.halt = threading.Event()
        self.throttled = 0
        self.marker = "neighbour=1"

    def reset(self) -> None:
        self.throttled = 0

    def run(self) -> None:
        token = None
        next_at = time.monotonic()
        while not self.halt.is_set():
            try:
                if token is None:
                    response = self.session.post(
                        f"{self.url}/auth/token?tenant={self.config.get('tenant', '')}&{self.marker}",
                        data={
                            "grant_type": "client_credentials",
                            "client_id": self.config["client_id"],
                            "client_secret": self.config["client_secret"],
                        },  # fmt: skip
                        timeout=10,
                    )
                    if response.ok:
                        token = response.json()["access_token"]
                else:
                    response = self.session.get(
                        f"{self.url}/api/Status?{self.marker}",
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=10,
                    )
                if response.status_code == 429:
                    self.throttled += 1
            except requests.RequestException:
                pass
            next_at += 1 / self.rate
            self.halt.wait(max(0.0, next_at - time.monotonic()))

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=5)


def _cursor_values(state: dict[str, Any]) -> dict[str, datetime]:
    """The datetime cursor values of a STATE message: a stream's own, and a substream's global `state`."""
    blob = state.get("stream", {}).get("stream_state") or {}
    values = {**blob, **(blob.get("state") if isinstance(blob.get("state"), dict) else {})}
    out = {}
    for key, value in values.items():
        if isinstance(value, str):
            try:
                out[key] = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                pass
    return out


def _moved_back(before: dict[str, Any], after: dict[str, Any]) -> bool:
    old, new = _cursor_values(before), _cursor_values(after)
    return any(key in old and new[key] < old[key] for key in new)


def _is_neighbour(entry: dict[str, Any], neighbour: Neighbour | None) -> bool:
    return neighbour is not None and neighbour.marker in entry["query"]


def _count(labels: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for label in labels:
        out[label] = out.get(label, 0) + 1
    return out


def _steady_rate(run: dict[str, Any]) -> float:
    steady = run.get("steady_seconds") or 0
    return run["total_records"] / steady if steady > 0 else 0.0


def _e2e_rate(run: dict[str, Any]) -> float:
    return run["total_records"] / run["wall_seconds"] if run["wall_seconds"] else 0.0


def _cpu_rate(run: dict[str, Any]) -> float:
    return run["total_records"] / run["cpu_seconds"] if run.get("cpu_seconds") else 0.0


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def _machine() -> dict[str, Any]:
    import os
    import platform

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=HERE.parent, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--", "source_halopsa")),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bin/bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="10k and 100k records, one short throttled sync (~4 min)"
    )
    parser.add_argument("--sizes", type=lambda s: s.split(","), help=f"comma list among {', '.join(SIZES)}")
    parser.add_argument("--skip-throttle", action="store_true", help="skip the rolling-limit syncs")
    parser.add_argument(
        "--skip-throughput", action="store_true", help="skip the connector vs bare client runs"
    )
    parser.add_argument(
        "--repeats", type=int, default=0, help="throughput runs per size (default: 2, 1 for 1m/--quick)"
    )
    parser.add_argument(
        "--profile-size",
        default=None,
        help="py-spy profile of the connector at this size (full run: the largest)",
    )
    parser.add_argument(
        "--timeout-base", type=float, default=180.0, help="seconds every sync gets on top of its size's share"
    )
    parser.add_argument(
        "--report",
        help="where to write the report (default: bench/REPORT.md; --quick: bench/results/REPORT-quick.md)",
    )
    parser.add_argument(
        "--keep-work",
        action="store_true",
        help="keep configs, catalogs, states, plans and logs under bench/results/work/",
    )
    parser.add_argument(
        "--memory-profile-size",
        default=None,
        help="tracemalloc run of the connector at this size (full run: 300k)",
    )
    parser.add_argument(
        "--render-only", metavar="RESULTS_JSON", help="only write the report from saved results"
    )
    args = parser.parse_args(argv)
    if args.render_only:
        results = json.loads(Path(args.render_only).read_text())
        default = RESULTS / "REPORT-quick.md" if results["mode"] == "quick" else HERE / "REPORT.md"
        write_report(results, Path(args.report) if args.report else default)
        return 0
    if args.sizes and not set(args.sizes) <= set(SIZES):
        parser.error(f"--sizes takes {', '.join(SIZES)}")
    if args.memory_profile_size is None and not args.quick:
        args.memory_profile_size = "300k"
    if args.profile_size is None and not args.quick:
        # the largest size: where the throughput target is judged
        args.profile_size = (args.sizes or list(SIZES))[-1]
    try:
        return Bench(args).run()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
