"""bench/REPORT.md from one run's results (bench/results/*.json): tables, targets, and where they are missed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench import analysis

ROOT = Path(__file__).resolve().parent.parent
ACTIONS_STEP = 'step: "P{{'  # where the connector's source lines are looked up for the suggestions
TASKS_QUERY = 'includechildren: "2"'

MEMORY_LIMIT_MB = 300
RATIO_TARGET = 0.5
WALL_TOLERANCE = 0.10


def render(results: dict[str, Any]) -> str:
    sizes = results["sizes"]
    throttled = results["throttled"]
    out: list[str] = []
    add = out.append
    machine = results["machine"]
    add("# source-halopsa benchmark\n")
    add(
        f"Written by `bin/bench{' --quick' if results['mode'] == 'quick' else ''}` on {results['started']} "
        f"({machine['cpus']} CPUs, Python {machine['python']}, connector at `{machine.get('commit', '?')}`"
        f"{' with uncommitted changes' if machine.get('dirty') else ''}); the run took "
        f"{results.get('seconds', 0) / 60:.1f} minutes. Raw figures: `bench/results/` (not committed). "
        "How each figure is measured: [Method](#method).\n"
    )
    if results["mode"] == "quick":
        add(
            "*Quick run: sizes up to 100k records and one short throttled scenario; the targets at 1M records "
            "are judged by the full run (`bin/bench`, bench/REPORT.md).*\n"
        )
    if results["errors"]:
        add(
            "**The run had errors:** "
            + "; ".join(f"{e['where']}: {e['error']}" for e in results["errors"])
            + "\n"
        )

    failed = _failed_syncs(sizes)
    if failed:
        add(
            "**Connector syncs that failed** (their sizes have no throughput, incremental or profile figures, "
            "and the failed streams' requests are missing from section 1):\n"
        )
        for label, failure in failed:
            add(f"- {label}: {failure}")
        add("")

    add("## Targets (issue #11)\n")
    add("| Target | Measured | Met |")
    add("|---|---|---|")
    for target, measured, met in _verdicts_incremental_everywhere(sizes, throttled):
        add(f"| {target} | {measured} | {_met(met)} |")
    add("")

    add("## Targets (issue #4)\n")
    add("| Target | Measured | Met |")
    add("|---|---|---|")
    for target, measured, met in _verdicts(sizes, throttled):
        add(f"| {target} | {measured} | {_met(met)} |")
    add("")

    _requests_section(add, sizes)
    _incremental_section(add, sizes)
    _throttled_section(add, throttled)
    _throughput_section(add, sizes)
    _memory_section(add, sizes)
    _misses_section(add, sizes, throttled)
    _suggestions_section(add, sizes, throttled)
    _method_section(add, results)
    return "\n".join(out) + "\n"


def _failed_syncs(sizes: list[dict]) -> list[tuple[str, str]]:
    out = []
    for s in sizes:
        runs = [("full sync", s.get("full", {}).get("run"))]
        runs += [
            (f"incremental sync ({k})", v.get("run"))
            for k, v in s.get("incremental", {}).items()
            if k != "mutation"
        ]
        for name, run in runs:
            if run and (run.get("errors") or run.get("timed_out") or run.get("returncode")):
                failure = "; ".join(e[:300] for e in run.get("errors", [])[:2]) or (
                    "timed out" if run.get("timed_out") else f"exit {run.get('returncode')}"
                )
                out.append((f"{s['label']} {name}", failure.replace("\n", " ")))
    return out


# ------------------------------------------------------------------ verdicts


NO_CHANGE_LIMIT = 20  # issue #11: a no-change sync of all 29 streams, token included
FULL_SYNC_FACTOR = 1.05
WALL_FACTOR_11 = 1.05


def _verdicts_incremental_everywhere(
    sizes: list[dict], throttled: list[dict]
) -> list[tuple[str, str, bool | None]]:
    rows: list[tuple[str, str, bool | None]] = []
    inc = [s for s in sizes if s.get("incremental", {}).get("nothing changed")]
    if inc:
        parts, met = [], True
        for s in inc:
            for step in ("nothing changed", "nothing changed again"):
                run = s["incremental"].get(step)
                if run and "total_requests" in run:
                    parts.append(f"{s['label']} ({step}): {run['total_requests']}")
                    met &= run["total_requests"] <= NO_CHANGE_LIMIT and not run["run"]["failed"]
        rows.append(
            (
                f"A no-change sync of all 29 streams (incremental where offered): at most {NO_CHANGE_LIMIT} "
                "requests, token included",
                "; ".join(parts),
                met and bool(parts),
            )
        )
        parts, met = [], True
        for s in inc:
            run = s["incremental"].get("after changes")
            if not run or "total_requests" not in run:
                met = False
                continue
            mutation = s["incremental"].get("mutation", {})
            per_stream: dict[str, int] = {}
            for kind, n in mutation.items():
                stream = analysis.MUTATED_STREAM.get(kind)
                if stream and n:
                    per_stream[stream] = per_stream.get(stream, 0) + n
            allowance = sum(-(-n // 100) for n in per_stream.values())
            limit = NO_CHANGE_LIMIT + allowance
            missing = {
                kind: d["missing"]
                for step in ("after changes", "refresh due")
                for kind, d in s["incremental"].get(step, {}).get("delivered", {}).items()
                if d["missing"]
            }
            parts.append(
                f"{s['label']}: {run['total_requests']} vs {limit} ({len(per_stream)} changed streams); "
                + ("every change delivered" if not missing else f"missing {missing}")
            )
            met &= run["total_requests"] <= limit and not missing
        rows.append(
            (
                "A sync after changes in every area: at most that plus ceil(changed/100) per changed stream, "
                "every change delivered (lists Halo filters by change in that sync, the others at their next "
                "refresh: the *refresh due* step)",
                "; ".join(parts),
                met and bool(parts),
            )
        )
        back = {
            f"{s['label']} {step}": run["state_moved_back"]
            for s in inc
            for step, run in s["incremental"].items()
            if isinstance(run, dict) and run.get("state_moved_back")
        }
        rows.append(
            (
                "State never moves backwards (every stream, every incremental step)",
                "never" if not back else "; ".join(f"{k}: {', '.join(v)}" for k, v in back.items()),
                not back,
            )
        )
    full = [s for s in sizes if "full" in s]
    if full:
        parts, met = [], True
        for s in full:
            t = s["full"]["requests"]
            ratio = t["total_requests"] / t["total_minimum"] if t["total_minimum"] else 0
            parts.append(f"{s['label']}: {t['total_requests']:,} / {t['total_minimum']:,} = {ratio:.2f}")
            met &= ratio <= FULL_SYNC_FACTOR
        rows.append(
            (
                f"A full sync: at most {FULL_SYNC_FACTOR} x the floor (section 1's minimum)",
                "; ".join(parts),
                met,
            )
        )
    matched = [
        t for t in throttled if t["connector_budget"][0] == t["server_limit"][0] and not t["neighbour_rate"]
    ]
    if matched:
        syncs = [sync for t in matched for sync in t["syncs"]]
        main = [sync for sync in syncs if sync["kind"] == "full"]
        ratios = [sync["wall_ratio"] for sync in main if sync["wall_ratio"]]
        limit = matched[0]["server_limit"]
        failed = sum(1 for sync in syncs if sync["run"]["failed"])
        worst = max(
            (sync["throttled_429"] for sync in syncs if "back to back" not in sync["kind"]), default=0
        )
        rows.append(
            (
                f"Under a rolling limit ({limit[0]} per {limit[1]} s, matching budget): wall time at most "
                f"{WALL_FACTOR_11} x requests / rate, at most one 429, zero failed syncs",
                ", ".join(f"x{r:.2f}" for r in ratios) + f"; worst 429s {worst}; failed {failed}",
                bool(ratios) and all(r <= WALL_FACTOR_11 for r in ratios) and worst <= 1 and failed == 0,
            )
        )
    return rows


def _verdicts(sizes: list[dict], throttled: list[dict]) -> list[tuple[str, str, bool | None]]:
    rows: list[tuple[str, str, bool | None]] = []
    full = [s for s in sizes if "full" in s]
    if full:
        parts, met = [], True
        for s in full:
            t = s["full"]["requests"]
            parts.append(f"{s['label']}: {t['total_requests']:,} vs {t['total_minimum']:,}")
            met &= t["total_requests"] <= t["total_minimum"]
        over = sorted({r["stream"] for s in full for r in s["full"]["requests"]["streams"] if r["extra"] > 0})
        rows.append(
            (
                "Full sync requests equal to the minimum (ceil(N/100) per paged stream, project headers "
                "included on the /Tickets pages of `tickets`, 1 per list endpoint, 1 per client for "
                "crm_notes, 1 per day window of actions (ceil(n/1000) for a day of n > 1000), 1 token request)",
                "; ".join(parts) + (f". Above minimum: {', '.join(over)}" if over else ""),
                met,
            )
        )
        tokens = [s["full"]["requests"]["token_requests"] for s in full]
        rows.append(
            ("One token request per sync", ", ".join(str(t) for t in tokens), all(t == 1 for t in tokens))
        )
        empties = sum(len(s["full"]["requests"]["empty_trailing_pages"]) for s in full)
        rows.append(
            (
                "No empty trailing pages (0 rows on page_no > 1)",
                f"{empties} over {len(full)} full syncs",
                empties == 0,
            )
        )
        lost = {s["label"]: s["full"]["lost"] for s in full if s["full"]["lost"]}
        rows.append(
            (
                "Every record of the simulator read (not a target of #4, a sanity check)",
                "all" if not lost else "; ".join(f"{k}: {v}" for k, v in lost.items()),
                not lost,
            )
        )
    inc = [s for s in sizes if s.get("incremental", {}).get("nothing changed")]
    if inc:
        for step in ("nothing changed", "nothing changed again"):
            runs = [s["incremental"][step] for s in inc if step in s["incremental"]]
            if not runs:
                continue
            measured = "; ".join(
                f"{s['label']}: {s['incremental'][step]['requests']['incremental_requests']} requests for "
                f"{s['incremental'][step]['requests']['incremental_streams']} streams"
                for s in inc
                if step in s["incremental"]
            )
            met = all(
                all(r["met"] for r in run["requests"]["streams"] if r["mode"] == "incremental")
                for run in runs
            )
            label = (
                "Incremental sync with nothing changed, right after the full sync: at most 1 request per "
                "incremental stream"
                if step == "nothing changed"
                else "Same, one sync later (after a few changes, so the newest records are minutes old)"
            )
            rows.append((label, measured, met))
    matched = [
        t for t in throttled if t["connector_budget"][0] == t["server_limit"][0] and not t["neighbour_rate"]
    ]
    if matched:
        syncs = [sync for t in matched for sync in t["syncs"]]
        every = [sync for t in throttled for sync in t["syncs"]]
        failed = sum(1 for sync in every if sync["run"]["failed"])
        rows.append(
            (
                "Rolling limit: zero failed syncs (every scenario, shared budget included)",
                f"{failed} of {len(every)}",
                failed == 0,
            )
        )
        fresh = [sync for sync in syncs if "back to back" not in sync["kind"]]
        worst = max((sync["throttled_429"] for sync in fresh), default=0)
        rows.append(
            (
                "Rolling limit: at most one 429 per sync (window clear at the start; back to back reported too)",
                ", ".join(f"{sync['kind']}: {sync['throttled_429']}" for sync in syncs),
                worst <= 1,
            )
        )
        main = [sync for sync in syncs if sync["kind"] == "full"]
        ratios = [sync["wall_ratio"] for sync in main if sync["wall_ratio"]]
        rows.append(
            (
                "Rolling limit: wall time within 10% of requests / allowed rate (full sync)",
                ", ".join(
                    f"{sync['run']['wall_seconds']:.0f} s vs {sync['ideal_seconds']:.0f} s (x{sync['wall_ratio']:.2f})"
                    for sync in main
                ),
                bool(ratios) and all(abs(r - 1) <= WALL_TOLERANCE for r in ratios),
            )
        )
    tp = [s for s in sizes if s.get("throughput")]
    if tp:
        largest = tp[-1]["throughput"]
        rows.append(
            (
                "Unthrottled records/s at least half of the bare client's (steady state, largest size)",
                "; ".join(
                    f"{s['label']}: {_num(s['throughput']['ratio_steady'], 2)} "
                    f"(end to end {_num(s['throughput']['ratio_end_to_end'], 2)})"
                    for s in tp
                ),
                (largest["ratio_steady"] or 0) >= RATIO_TARGET,
            )
        )
    mem = [s for s in sizes if "full" in s]
    if mem:
        peaks = [s["full"]["run"]["peak_rss_mb"] or 0 for s in mem]
        flat = max(peaks) <= 1.5 * min(peaks) if peaks else False
        rows.append(
            (
                "Peak memory flat and under 300 MB from 10k to 1M records",
                ", ".join(f"{s['label']}: {s['full']['run']['peak_rss_mb']:.0f} MB" for s in mem),
                flat and max(peaks) < MEMORY_LIMIT_MB,
            )
        )
    return rows


# ------------------------------------------------------------------ 1. requests


def _requests_section(add, sizes: list[dict]) -> None:
    full = [s for s in sizes if "full" in s]
    if not full:
        return
    add("## 1. Requests per stream (full sync, all 29 streams, unthrottled)\n")
    add(
        "Counted by the simulator (`sim.stats()`), each request attributed by path, query and order "
        "(bench/analysis.py `classify`) to its stream or to a named overhead row: the token, and the "
        "read-time look-ups and checks of read_context.py (*probe* rows, below the streams). A substream's "
        "re-read of its parent's pages counts for the substream (`crm_notes`, `project_milestones`). "
        "*Minimum*: ceil(N/100) for a paged stream (N = the simulator's rows for it; for `tickets`, the rows "
        "its /Tickets query lists with `includeprojects=true`: tickets, project tasks and the project headers, "
        "which it drops), 1 for a small list endpoint, 1 per client for `crm_notes` "
        "(below), 1 per day window for `actions` (ceil(n/1000) for a window of n > 1000 actions: one answer holds at most 1000; below), 0 for `project_milestones` (the simulator's "
        "/Projects rows carry `milestones`), plus 1 token request; the probes' minimum is 0. "
        "Cells: requests / minimum.\n"
    )
    head = (
        "| Stream | "
        + " | ".join(f"{s['label']} ({s['simulator']['expected_total']:,} records)" for s in full)
        + " | Why above the minimum |"
    )
    add(head)
    add("|---|" + "---|" * len(full) + "---|")
    streams = [r["stream"] for r in full[0]["full"]["requests"]["streams"]]
    notes = {}
    for s in full:
        for r in s["full"]["requests"]["streams"]:
            if r["extra"] > 0 and r["note"]:
                notes[r["stream"]] = r["note"]
    for stream in streams:
        cells = []
        for s in full:
            row = next((r for r in s["full"]["requests"]["streams"] if r["stream"] == stream), None)
            if row is None:
                cells.append("")
                continue
            cell = f"{row['requests']:,} / {row['minimum']:,}"
            cells.append(f"**{cell}**" if row["extra"] > 0 else cell)
        add(f"| `{stream}` | " + " | ".join(cells) + f" | {notes.get(stream, '')} |")
    labels = sorted({k for s in full for k in s["full"]["requests"]["overhead"]})
    for label in labels:
        cells = [str(s["full"]["requests"]["overhead"].get(label, 0)) for s in full]
        minimum = "1" if label == "(token request)" else "0"
        add(f"| {label} | " + " | ".join(f"{c} / {minimum}" for c in cells) + " | |")
    add(
        "| **total** | "
        + " | ".join(
            f"**{s['full']['requests']['total_requests']:,} / {s['full']['requests']['total_minimum']:,}**"
            for s in full
        )
        + " | |"
    )
    add("")
    add("| | " + " | ".join(s["label"] for s in full) + " |")
    add("|---|" + "---|" * len(full))
    add(
        "| Empty trailing pages (0 rows, page_no > 1) | "
        + " | ".join(str(len(s["full"]["requests"]["empty_trailing_pages"])) for s in full)
        + " |"
    )
    add(
        "| Responses with no rows (any page, any window) | "
        + " | ".join(str(s["full"]["requests"]["empty_responses"]) for s in full)
        + " |"
    )
    add(
        "| /Actions day windows | "
        + " | ".join(
            f"{s['full']['requests']['actions_windows']['requests'] - 2 * s['full']['requests']['actions_windows']['discarded']:,}"
            for s in full
        )
        + " |"
    )
    add(
        "| `crm_notes` requests (one per client + client-page re-reads) / clients | "
        + " | ".join(
            f"{_crm(s['full']['requests'])['per_client'] + _crm(s['full']['requests'])['parent_reads']:,}"
            f" / {_crm(s['full']['requests'])['clients']:,}"
            for s in full
        )
        + " |"
    )
    add(
        "| /Actions windows discarded and split (1000 rows or more, exactly 50 or 100, or fewer than record_count) | "
        + " | ".join(str(s["full"]["requests"]["actions_windows"]["discarded"]) for s in full)
        + " |"
    )
    add("| 429s | " + " | ".join(str(s["full"]["throttled_429"]) for s in full) + " |")
    add(
        "| Records read / simulator's | "
        + " | ".join(
            f"{s['full']['run']['total_records']:,} / {s['simulator']['expected_total']:,}" for s in full
        )
        + " |"
    )
    add("")
    unattributed = sorted({label for s in full for label in s["full"]["requests"].get("unattributed", [])})
    if unattributed:
        add(
            "**Requests no rule of bench/analysis.py attributes** (fix `classify`): "
            + ", ".join(unattributed)
            + "\n"
        )
    first = full[0]["full"]["requests"]["actions_windows"]
    add(
        "**Why one request per day for `actions`.** `/Actions` has no paging: a request returns at most "
        "`count` (1000) rows of a `startdate`/`enddate` window, and Halo may serve less of a window longer "
        "than a day. Asking per ticket would cost one request per ticket, so the connector walks windows of "
        "the length Halo was checked to serve in full at the start of the sync (the *probe: /Actions window "
        "check* row: the newest action from one /Tickets page, then looked up at the head and at the tail of "
        f"a window; {_length(first.get('step_seconds'))} here) from the day before the earliest ticket to the "
        f"sync's start ({first['first_start'][:10]} to {first['last_end'][:10]} here): one request per window "
        "whether it holds 0 or 900 actions. A window that may be cut short (1000 rows or more, exactly 50 or "
        "100 rows, or fewer rows than a `record_count` above them) is discarded and asked again as two "
        "halves, so each split costs 2 more requests. That is the minimum for this strategy; the floor for "
        "1000-row requests would be ceil(N/1000), reachable only if Halo accepted long windows. The window "
        "check's own /Actions requests are not counted as the stream's windows.\n"
    )
    _crm_paragraph(add, full)


def _crm(table: dict[str, Any]) -> dict[str, int]:
    """crm_notes' cost in one sync (bench/analysis.py crm_notes_cost); derived for older results."""
    if "crm_notes" in table:
        return table["crm_notes"]
    row = next((r for r in table["streams"] if r["stream"] == "crm_notes"), {"requests": 0})
    return {
        "clients": 0,
        "per_client": row["requests"],
        "parent_reads": 0,
        "check": 0,
        "total": row["requests"],
    }


def _crm_paragraph(add, full: list[dict]) -> None:
    add(
        "**What contact history costs: one request per client.** `/CRMNote` is not paged, and HaloAPI's "
        "client (written against a real tenant) makes `client_id` mandatory, so `crm_notes` is a substream "
        "of `clients`: one `GET /CRMNote?client_id={id}&count=1000000` per client, on every sync (it is full "
        "refresh: notes have no change filter). Its minimum is the number of clients, not 1. On top, the "
        "CDK's substream may read the client pages again (when its cache of parent responses does not "
        "answer first), and at the start of each sync the */CRMNote default page* check reads the first 5 "
        "clients, then asks `count=1` (and `count=2`) without a client and for up to five clients, until an "
        "answer proves that Halo does not cut answers at its default page of 50 (2 requests when there are "
        "more than 50 notes in all; up to 13). Per full sync (an incremental sync pays the same, section "
        "1b); *budget time* is what these requests take of hosted Halo's 300 requests per 5 minutes:\n"
    )
    add(
        "| Size | Clients | GET /CRMNote per client | Client pages re-read | /CRMNote check | Contact history in all | Budget time at 300 per 5 min |"
    )
    add("|---|---|---|---|---|---|---|")
    for s in full:
        c = _crm(s["full"]["requests"])
        if s["full"].get("lost", {}).get("crm_notes"):
            add(
                f"| {s['label']} | {c['clients']:,} | {c['per_client']:,} (failed: "
                f"{s['full']['lost']['crm_notes']:,} notes not read) | {c['parent_reads']:,} | {c['check']:,} "
                f"| would be ~{c['clients'] + c['check']:,} | ~{(c['clients'] + c['check']) / 60:.1f} min |"
            )
            continue
        add(
            f"| {s['label']} | {c['clients']:,} | {c['per_client']:,} | {c['parent_reads']:,} | {c['check']:,} "
            f"| **{c['total']:,}** | {c['total'] / 60:.1f} min |"
        )
    add(
        "\nAt the simulator's `large` scale (1,500 clients) that is about 1,500 requests a sync, 25 minutes of "
        "hosted Halo's budget.\n"
    )


def _length(seconds: int | None) -> str:
    if not seconds:
        return "one day"
    if seconds % 86400 == 0:
        return "one day" if seconds == 86400 else f"{seconds // 86400} days"
    return f"{seconds // 3600} h" if seconds % 3600 == 0 else f"{seconds // 60} min"


def _incremental_section(add, sizes: list[dict]) -> None:
    inc = [s for s in sizes if s.get("incremental")]
    if not inc:
        return
    add("## 1b. Incremental syncs\n")
    add(
        "From the full sync's state, with the same catalog (every stream incremental): *nothing changed* (the "
        "simulator's history ends 2026-06-30, so the tenant looks idle since then); *after changes* ("
        + ", ".join(f"{k} {v}" for k, v in inc[0]["incremental"].get("mutation", {}).items())
        + "); *nothing changed again* (the newest records are now minutes old, as on a frequent schedule); "
        "*refresh due*: every area's refresh interval set to 0, so the lists Halo cannot filter by change are "
        "read whole and deliver their changes. *Allowed* is issue #4's per-stream count, kept for comparison.\n"
    )
    add("| Size | Sync | Requests | Allowed | Stream requests (1 per stream allowed) | Over |")
    add("|---|---|---|---|---|---|")
    for s in inc:
        for step in ("nothing changed", "after changes", "nothing changed again", "refresh due"):
            run = s["incremental"].get(step)
            if not run:
                continue
            t = run["requests"]
            over = ", ".join(
                f"{r['stream']} {r['requests']}"
                for r in t["streams"]
                if r["mode"] == "incremental" and r["requests"] > 1
            )
            overhead = ", ".join(f"{k} {v}" for k, v in t["overhead"].items() if k != "(token request)")
            add(
                f"| {s['label']} | {step} | {t['total_requests']:,} | {t['allowed_total']:,} | "
                f"{t['incremental_requests']} | {over}{'; ' + overhead if overhead else ''} |"
            )
    add("")
    add(
        "Every request of each incremental sync by endpoint (the simulator's count, token included), and "
        "where each change arrived:\n"
    )
    for s in inc:
        for step in ("nothing changed", "after changes", "nothing changed again", "refresh due"):
            run = s["incremental"].get(step)
            if not run or "by_path" not in run:
                continue
            paths = ", ".join(f"{k.split(' ', 1)[1]} {v}" for k, v in sorted(run["by_path"].items()))
            add(f"- {s['label']}, {step}: {run['total_requests']} requests ({paths})")
            for kind, d in run.get("delivered", {}).items():
                if d["missing"]:
                    add(f"  - **{kind}: {len(d['missing'])} of {d['changed']} not in `{d['stream']}`**")
            if run.get("delivered") and not any(d["missing"] for d in run["delivered"].values()):
                add(
                    f"  - every change arrived ({', '.join(sorted({d['stream'] for d in run['delivered'].values()}))})"
                )
    add("")
    rows = [
        (s, s["incremental"][step]) for s in inc for step in ("nothing changed",) if step in s["incremental"]
    ]
    if rows and all("crm_notes" in run["requests"] for _, run in rows):
        add(
            "| Size | Incremental sync with nothing changed: requests | of which `crm_notes` (clients) | of which read-time probes and token |"
        )
        add("|---|---|---|---|")
        for s, run in rows:
            t = run["requests"]
            c = t["crm_notes"]
            add(
                f"| {s['label']} | {t['total_requests']:,} | {c['per_client'] + c['parent_reads']:,} "
                f"({c['clients']:,}) | {sum(t['overhead'].values()):,} |"
            )
        add("")


# ------------------------------------------------------------------ 2. rolling limit


def _throttled_section(add, throttled: list[dict]) -> None:
    if not throttled:
        return
    add("## 2. Under a rolling limit\n")
    limit, window = throttled[0]["server_limit"]
    add(
        f"The simulator enforces {limit} requests per rolling {window} s over all requests (token included), "
        "answering 429 with no Retry-After, as hosted Halo does with 300 per 300 s. Each scenario runs a full "
        "sync of all streams from `start_date` (so that it takes minutes), then, one window later, an "
        "incremental sync from its state, then at once another (*back to back*: the server's window still "
        "holds the previous sync's last requests, which a new process cannot know). *Requests* are those "
        "the server accepted; "
        "*ideal* = requests / allowed rate; *burst floor* = (requests − limit) / rate, the shortest possible "
        "when the first window's budget is spent at once.\n"
    )
    add(
        "| Scenario | Connector budget | Sync | Requests | 429s | Failed | Wall | Ideal | Wall / ideal | Burst floor |"
    )
    add("|---|---|---|---|---|---|---|---|---|---|")
    for t in throttled:
        for sync in t["syncs"]:
            budget = f"{t['connector_budget'][0]}/{t['connector_budget'][1]} s"
            ideal = sync["ideal_seconds"]
            if t["neighbour_rate"]:
                ideal = sync.get("share_seconds", ideal)
            add(
                f"| {t['name']} | {budget} | {sync['kind']} | {sync['requests']} | {sync['throttled_429']} | "
                f"{'yes: ' + sync['run']['failure'] if sync['run']['failed'] else 'no'} | "
                f"{sync['run']['wall_seconds']:.1f} s | {ideal:.1f} s | "
                f"{sync['run']['wall_seconds'] / ideal if ideal else 0:.2f} | {sync['burst_floor_seconds']:.1f} s |"
            )
    add("")
    if any(t["neighbour_rate"] for t in throttled):
        add(
            "In the *shared* scenarios another integration (a bench thread, its own token) makes "
            f"{throttled[-1]['neighbour_rate']:g} request/s against the same window for the whole sync; "
            "their ideal is requests / (rate − neighbour's rate). Its own 429s are not counted above.\n"
        )
    notes = [n for t in throttled for sync in t["syncs"] for n in sync["run"]["notes"]]
    if notes:
        add("What the connector logged about the limit (first lines):\n")
        add("```")
        for note in notes[:6]:
            add(note[:200])
        add("```\n")


# ------------------------------------------------------------------ 3. throughput


def _throughput_section(add, sizes: list[dict]) -> None:
    tp = [s for s in sizes if s.get("throughput")]
    if not tp:
        return
    add("## 3. Unthrottled throughput: connector vs a bare requests+json client\n")
    add(
        "Same run, same simulator, same pages: the bare client replays the GET requests the connector just "
        "made (its probes, discarded /Actions windows and `crm_notes`' re-reads of the client pages "
        "included, their rows not emitted; the project-id pages first, whose ids it drops from the "
        "`tickets` pages as the connector does), one at a time on "
        "one `requests.Session`, `json.loads` each page and writes one Airbyte-shaped RECORD line per row "
        "(`json.dumps`) to stdout, read by the benchmark exactly like the connector's. Streams: the 26 whose "
        "rows are records (not `invoice_lines`, `project_tasks`, `project_milestones`). Pages come from "
        "the simulator's body cache, so neither reader waits on page rendering. *Steady* = first to last "
        "record; *end to end* includes start-up. Best of the runs at each size.\n"
    )
    add(
        "| Size | Records | Requests | Connector steady | Bare steady | **Ratio (steady)** | Connector end to end "
        "| Bare end to end | Ratio (end to end) | CPU: connector / bare | Ratio (records per CPU second) |"
    )
    add("|---|---|---|---|---|---|---|---|---|---|---|")
    for s in tp:
        t = s["throughput"]
        c, b = t["connector"], t["bare"]
        requests = b.get("child_report", {}).get("requests", "")
        add(
            f"| {s['label']} | {c['total_records']:,}{'' if t['same_records'] else ' (bare: ' + format(b['total_records'], ',') + ')'} | "
            f"{requests:,} | {_rate(c, True)} | {_rate(b, True)} | **{_num(t['ratio_steady'], 2)}** | "
            f"{_rate(c, False)} ({c['wall_seconds']:.1f} s) | {_rate(b, False)} ({b['wall_seconds']:.1f} s) | "
            f"{_num(t['ratio_end_to_end'], 2)} | {_cpu(c):.1f} s / {_cpu(b):.1f} s | "
            f"{_num(t.get('ratio_cpu'), 2)} |"
        )
    add("")
    full = [s for s in tp if "full" in s]
    if full:
        add(
            "The full syncs of section 1 (all 29 streams, pages rendered by the simulator as they are asked for):\n"
        )
        add("| Size | Records | Wall | Records/s end to end | Start-up (to first record) |")
        add("|---|---|---|---|---|")
        for s in full:
            r = s["full"]["run"]
            add(
                f"| {s['label']} | {r['total_records']:,} | {r['wall_seconds']:.1f} s | {_rate(r, False)} | "
                f"{r['first_record_seconds'] or 0:.1f} s |"
            )
        add("")
    prof = next((s for s in sizes if s.get("profile", {}).get("categories")), None)
    if prof:
        p = prof["profile"]
        add(
            f"### Where the connector's time goes ({prof['label']}, py-spy, {p['samples']:,} samples of "
            f"{p['wall_seconds']} s)\n"
        )
        add(
            "Sampled with `--gil` (only the thread holding the GIL). Each sample is put in the category of its "
            "innermost frame that matches one (bench/profile.py). A thread that makes a system call releases "
            "the GIL and must wait to take it back, up to the 5 ms switch interval while another thread runs; "
            "py-spy counts that wait against the call. `os.path.isdir`, which requests calls on every send when "
            f"`REQUESTS_CA_BUNDLE` is set, costs {p.get('isdir_microseconds') or _isdir_us()} µs here, so its share "
            "measures the hand-offs of the GIL between the connector's 3 workers and its main thread on 2 cores "
            "shared with the simulator, not the call itself.\n"
        )
        add("| Category | Share of samples |")
        add("|---|---|")
        for c in p["categories"]:
            add(f"| {_label(c['category'])} | {c['percent']}% |")
        add("\nHottest frames (self time):\n")
        add("| Frame | Share |")
        add("|---|---|")
        for f in p["top_self"][:12]:
            add(f"| `{f['frame']}` | {f['percent']}% |")
        if p.get("connector_inclusive"):
            add("\nConnector code (inclusive):\n")
            add("| Frame | Share |")
            add("|---|---|")
            for f in p["connector_inclusive"][:10]:
                add(f"| `{f['frame']}` | {f['percent']}% |")
        add("")
    elif any("profile" in s for s in sizes):
        add("No profile: py-spy is not installed in .venv (`.venv/bin/pip install py-spy`).\n")


# ------------------------------------------------------------------ 4. memory


def _memory_section(add, sizes: list[dict]) -> None:
    full = [s for s in sizes if "full" in s]
    if not full:
        return
    add("## 4. Peak memory of the connector process\n")
    add(
        "RSS high-water mark of the `source-halopsa` process: `ru_maxrss` from `os.wait4` on the child, "
        "and the last `VmHWM` polled from /proc/<pid>/status every 0.25 s while it ran.\n"
    )
    add(
        "| Size | Records | Full sync: ru_maxrss | VmHWM | Throughput run: ru_maxrss | Incremental: ru_maxrss |"
    )
    add("|---|---|---|---|---|---|")
    for s in full:
        r = s["full"]["run"]
        tp = s.get("throughput", {}).get("connector", {})
        inc = s.get("incremental", {}).get("nothing changed", {}).get("run", {})
        add(
            f"| {s['label']} | {r['total_records']:,} | {r['peak_rss_mb']} MB | {r['vmhwm_mb']} MB | "
            f"{_mb(tp.get('peak_rss_mb'))} | {_mb(inc.get('peak_rss_mb'))} |"
        )
    add("")
    mem = next((s for s in full if s.get("memory_profile", {}).get("top")), None)
    if mem:
        m = mem["memory_profile"]
        peak = m.get("peak_snapshot") or {}
        add(
            f"What the connector's Python heap holds during the {mem['label']} full sync, run again under "
            f"tracemalloc (bench/tracemem.py; one frame per allocation, so a C call such as `orjson.loads` is "
            f"charged to the Python line that made it). tracemalloc's peak: {m['peak_mb']} MB; still held "
            f"when the sync ends: {m['current_mb']} MB.\n"
        )
        columns = [("at the end", m["top"])]
        if peak.get("top"):
            columns.insert(
                0, (f"at the highest snapshot ({peak['mb']} MB, {peak['at_seconds']} s in)", peak["top"])
            )
        for title, rows in columns:
            add(f"| Allocated at ({title}) | MB | Blocks |")
            add("|---|---|---|")
            for row in rows[:10]:
                add(f"| `{row['where']}` | {row['mb']} | {row['blocks']:,} |")
            add("")
    timelines = [s for s in full if s["full"]["run"].get("rss_timeline")]
    if timelines:
        marks = (0.1, 0.25, 0.5, 0.75, 0.9, 1.0)
        add("RSS (VmRSS, sampled each second) when the full sync had read a given share of its records:\n")
        add("| Size | " + " | ".join(f"{m:.0%}" for m in marks) + " |")
        add("|---|" + "---|" * len(marks))
        for s in timelines:
            run = s["full"]["run"]
            total = run["total_records"] or 1
            cells = []
            for mark in marks:
                point = next(
                    (p for p in run["rss_timeline"] if p[2] >= mark * total), run["rss_timeline"][-1]
                )
                cells.append(f"{point[1]:.0f} MB")
            add(f"| {s['label']} | " + " | ".join(cells) + " |")
        add("")


# ------------------------------------------------------------------ misses


def _misses_section(add, sizes: list[dict], throttled: list[dict]) -> None:
    add("## Where targets are missed, and why\n")
    full = [s for s in sizes if "full" in s]
    said = False
    if full:
        big = full[-1]
        t = big["full"]["requests"]
        over = [r for r in t["streams"] if r["extra"] > 0]
        if over:
            said = True
            add(
                f"**Requests above the minimum** ({big['label']}: {t['total_requests']:,} against {t['total_minimum']:,}):\n"
            )
            for r in sorted(over, key=lambda r: -r["extra"]):
                add(
                    f"- `{r['stream']}`: {r['requests']:,} requests, minimum {r['minimum']:,} (+{r['extra']:,}). {r['note']}."
                )
            probes = {k: v for k, v in sorted(t["overhead"].items()) if k.startswith("(probe")}
            if probes:
                add(
                    f"- Read-time look-ups and checks outside any stream, {sum(probes.values())} requests: "
                    + ", ".join(f"{k} {v}" for k, v in probes.items())
                    + " (read_context.py at the start of the sync, only for streams that will be read; the "
                    "project look-ups of components.py's HaloProjectRowFilter). They and the token are charged to "
                    "the streams' request budget (source_halopsa/budget.py); per full sync: "
                    + ", ".join(
                        f"{s['label']} {sum(s['full']['requests']['overhead'].values())}" for s in full
                    )
                    + "."
                )
            add("")
    inc = [s for s in sizes if s.get("incremental", {}).get("nothing changed")]
    if inc:
        s = inc[-1]
        first = s["incremental"]["nothing changed"]["requests"]
        over = [r for r in first["streams"] if r["mode"] == "incremental" and not r["met"]]
        if over:
            said = True
            add(
                f"**Incremental sync with nothing changed** ({s['label']}): "
                + ", ".join(f"`{r['stream']}` {r['requests']}" for r in over)
                + " requests. The windowed streams (`actions` in 1-day, `timesheet_events` in 90-day windows) "
                "resume from their state, which is the newest record's cursor value, not the end of the last "
                "sync's window: with the simulator's history ending 2026-06-30, every day since the newest "
                "action is asked for again, empty. `project_milestones` re-reads its parent's pages besides "
                "`projects`. See the suggestions below.\n"
            )
    matched = [
        t for t in throttled if t["connector_budget"][0] == t["server_limit"][0] and not t["neighbour_rate"]
    ]
    for t in matched:
        for sync in t["syncs"]:
            ratio = sync["wall_ratio"] or 0
            if (
                sync["throttled_429"] > 1
                or sync["run"]["failed"]
                or (sync["kind"] == "full" and abs(ratio - 1) > WALL_TOLERANCE)
            ):
                said = True
                add(
                    f"**Rolling limit, {sync['kind']} sync**: {sync['requests']} requests, "
                    f"{sync['throttled_429']} × 429, {sync['run']['wall_seconds']:.1f} s against "
                    f"{sync['ideal_seconds']:.1f} s ideal (×{ratio:.2f})."
                )
                if ratio > 1 + WALL_TOLERANCE:
                    add(
                        "  Every request, the token and the probes included, is charged to one budget of the "
                        "server's limit; each slot is held a quarter of a second longer than the window "
                        f"({_where('source_halopsa/source.py', 'JITTER_SECONDS =')}), and a sync's first and "
                        "last windows are part-used, which a short sync feels most."
                    )
                if "back to back" in sync["kind"]:
                    add(
                        "  A new process starts with a full budget while the server's window still holds the "
                        "previous sync's last requests; each 429 then costs a wait of a fifth of the window "
                        f"({_where('source_halopsa/auth.py', 'def rate_limit_wait_seconds')})."
                    )
                add("")
    tp = [s for s in sizes if s.get("throughput")]
    if tp and (tp[-1]["throughput"]["ratio_steady"] or 0) < RATIO_TARGET:
        said = True
        prof = next((s["profile"] for s in sizes if s.get("profile", {}).get("categories")), None)
        add(
            f"**Throughput**: the connector reaches {_num(tp[-1]['throughput']['ratio_steady'], 2)} of the bare "
            "client's records/s (steady state) at the largest size."
            + (
                " Where its CPU goes (py-spy, section 3): "
                + "; ".join(f"{_label(c['category'])} {c['percent']}%" for c in prof["categories"][:6])
                + "."
                if prof
                else ""
            )
            + "\n"
        )
    mem = [s["full"]["run"]["peak_rss_mb"] or 0 for s in full]
    if mem and (max(mem) >= MEMORY_LIMIT_MB or max(mem) > 1.5 * min(mem)):
        said = True
        text = (
            f"**Memory** is under {MEMORY_LIMIT_MB} MB but not flat: the peak RSS grows from {min(mem):.0f} MB "
            f"to {max(mem):.0f} MB, mostly late in the sync (section 4)."
        )
        profiled = next(
            (s for s in full if s.get("memory_profile", {}).get("peak_snapshot", {}).get("top")), None
        )
        if profiled:
            m = profiled["memory_profile"]
            peak = m["peak_snapshot"]
            in_flight = sum(
                row["mb"]
                for row in peak["top"]
                if any(
                    site in row["where"]
                    for site in ("components.py:2", "record_selector.py", "records.py", "json/decoder.py")
                )
            )
            text += (
                f" It is not retained: at the end of the {profiled['label']} sync the Python heap holds "
                f"{m['current_mb']} MB, most of it imported code, as small syncs do. At its highest "
                f"({peak['mb']} MB) about {in_flight:.0f} MB are rows in flight: decoded by the extractor "
                "(components.py extract_records), copied by the CDK's record selector (`dict(record)` in "
                "record_selector.py, although `schema_normalization` is None), normalised strings, and the "
                "stdlib-json bodies of the error-handler predicates. They wait in the CDK's queue of up to "
                "10,000 items between the 3 workers and the main thread that writes stdout "
                "(airbyte_cdk concurrent_declarative_source.py, `Queue(maxsize=10_000)`), which fills when the "
                "workers outrun the writer: the peak is bounded by 10,000 records times their size, not by N."
            )
        add(text + "\n")
    if not said:
        add("None.\n")


# ------------------------------------------------------------------ suggestions


def _suggestions_section(add, sizes: list[dict], throttled: list[dict]) -> None:
    """What to change in the connector, for each miss this run measured; file:line as of this run."""
    tips: list[str] = []
    full = [s for s in sizes if "full" in s]
    big = full[-1]["full"]["requests"] if full else {"streams": []}
    extra = {r["stream"]: r for r in big["streams"] if r["extra"] > 0}
    inc = [s for s in sizes if s.get("incremental", {}).get("nothing changed")]
    idle = {}
    if inc:
        idle = {
            r["stream"]: r["requests"]
            for r in inc[-1]["incremental"]["nothing changed"]["requests"]["streams"]
        }
    manifest = "source_halopsa/manifest.yaml"
    if any("/Client answer may be cut short" in failure for _, failure in _failed_syncs(sizes)):
        tips.insert(
            0,
            "**`crm_notes` fails as soon as there are more than 100 clients**: its parent, the clients stream "
            f"({_where(manifest, 'stream: *clients_stream')}), inherits `crm_notes`' `$parameters` (the CDK "
            "passes them down to nested components), `unpaged_count` included "
            f"({_where(manifest, 'unpaged_count: 1000000')}), so HaloRecordExtractor "
            f"({_where('source_halopsa/components.py', 'self._count = int(')}) takes the first full client page "
            "(100 rows, record_count above 100) for a cut-short unpaged answer and stops the stream before any "
            "/CRMNote request. Give the nested clients stream its own `unpaged_count: 0`, or ignore "
            "`unpaged_count` on paged requests (`pageinate=true`); then run `bin/bench` again for the 300k "
            "and 1M figures.",
        )
    if idle.get("actions", 0) > 1 or idle.get("timesheet_events", 0) > 1:
        tips.append(
            "**Windowed streams resume from the newest record, not from where the last sync stopped** "
            f"(`actions` {idle.get('actions', 0)}, `timesheet_events` {idle.get('timesheet_events', 0)} requests "
            "with nothing changed). The CDK's sequential state is the newest cursor value seen, so every empty day "
            "since the newest action is asked for again on every sync until a new action arrives. Once all of a "
            "stream's windows are read, emit the frozen upper bound (minus the lookback) as its state, e.g. by "
            f"rewriting the final STATE of `actions`/`timesheet_events` in `SourceHalopsa.read` "
            f"({_where('source_halopsa/source.py', 'def read(')}) or with a custom cursor for the windows at "
            f"{_where(manifest, ACTIONS_STEP)}."
        )
    if "timesheet_events" in extra:
        tips.append(
            f"**`timesheet_events` full sync: {extra['timesheet_events']['requests']} requests for one small list**, "
            f"90-day windows ({_where(manifest, 'step: P90D')}) from the earliest event. Longer windows cost "
            "fewer requests but hold more rows in memory at once (a year of the 1M tenant: +65 MB at the peak)."
        )
    if "project_tasks" in extra or idle.get("project_tasks", 0) > 1:
        r = extra.get("project_tasks", {})
        tips.append(
            f"**`project_tasks` pages through more than tasks** ({r.get('requests', '?')} requests for "
            f"{r.get('records', '?')} tasks; {idle.get('project_tasks', '?')} with nothing changed) "
            f"({_where(manifest, TASKS_QUERY)}): this Halo lists more than child tickets for `includechildren=2`. "
            "The rows are the ones the `tickets` stream already reads: emit tasks from those pages (a stream "
            "with two outputs, which the CDK lacks), or ask /Tickets by `parent_id` per changed project."
        )
    if "project_milestones" in extra:
        r = extra["project_milestones"]
        tips.append(
            f"**`project_milestones` fans out: {r['requests']} requests** (one `GET /Projects/{{id}}` per project "
            f"plus a second read of the project pages, {_where(manifest, 'Projects/{{ stream_partition')}). The "
            "simulator's /Projects rows carry `milestones`; if real Halo's do (halopsa-api.md lists `milestones` "
            "on `Faults` only, so check on an instance), read them from the `projects` pages: 0 extra requests."
        )
    matched = [
        t for t in throttled if t["connector_budget"][0] == t["server_limit"][0] and not t["neighbour_rate"]
    ]
    full_syncs = [sync for t in matched for sync in t["syncs"] if sync["kind"] == "full"]
    if any(abs((sync["wall_ratio"] or 1) - 1) > WALL_TOLERANCE for sync in full_syncs):
        tips.append(
            "**Pacing below the allowed rate**: the probes and the token are charged to the budget as it is "
            "created, so a sync's first window is partly theirs; a sync of a few windows feels that most "
            f"({_where('source_halopsa/source.py', 'def _prepare_for_stream_build')})."
        )
    back = [sync for t in matched for sync in t["syncs"] if "back to back" in sync["kind"]]
    if any(sync["throttled_429"] > 1 for sync in back):
        tips.append(
            "**429s when a sync follows another**: the moving-window budget lets a new process spend its whole "
            "window at once, into a server window still holding the last sync's requests. Pacing evenly (one "
            "request per window/limit seconds, the policy's interval split into `limit` steps) never bursts, "
            "so back-to-back syncs stay under the server's limit too "
            f"({_where(manifest, 'MovingWindowCallRatePolicy')})."
        )
    prof = next((s["profile"] for s in sizes if s.get("profile", {}).get("categories")), None)
    tp = [s for s in sizes if s.get("throughput")]
    if prof and tp and (tp[-1]["throughput"]["ratio_steady"] or 0) < RATIO_TARGET:
        share = {c["category"]: c["percent"] for c in prof["categories"]}
        redecode = sum(v for k, v in share.items() if "re-decode" in k)
        if redecode:
            tips.append(
                f"**Window answers are decoded twice** ({redecode:.0f}% of the profile is stdlib `json`): "
                "`HaloAnswerGuard` decodes every answer once with orjson for the paginator and the extractor "
                f"({_where('source_halopsa/components.py', 'def answer_body')}), but the CDK decodes the body "
                "again with stdlib `json` for an HttpResponseFilter with a `predicate`: the window streams' split "
                f"predicate ({_where(manifest, 'action: SPLIT_REQUEST_WINDOW')}). Deciding the split in the guard "
                "would spare it, at the cost of a Python predicate the manifest no longer shows."
            )
        normal = share.get("record normalisation (records.py, transformations)", 0)
        if normal >= 5:
            tips.append(
                f"**Record normalisation** takes {normal:.0f}% "
                f"({_where('source_halopsa/records.py', 'def normalize_record')}): it visits every field of every "
                "record; normalise only the fields the schema marks as date-time or integer ids (a per-stream "
                "list computed once)."
            )
    if prof:
        share = {_label(c["category"]): c["percent"] for c in prof["categories"]}
        conc = share.get("CDK concurrency: queues, locks, threads", 0)
        if conc >= 20:
            tips.append(
                f"**Contention on the CDK's record queue** is {conc:.0f}% of the profile (`Condition.__enter__`, "
                "`Queue.empty` in the hottest frames): once the 10,000-item queue is full, the workers and the "
                "main thread take turns on its lock under one GIL. It is waiting, not work: measured at 1M "
                "records on 2026-12-01, one worker and three used the same CPU (171 s and 167 s), and one "
                f"lowered the peak from 237 to 195 MB (`default_concurrency`, {_where(manifest, 'default_concurrency:')}). "
                "CPU per record falls only with less work per record."
            )
    if not tips:
        return
    add("## Suggestions for the connector\n")
    add("Line numbers are as of this run.\n")
    for tip in tips:
        add(f"- {tip}")
    add("")


def _where(path: str, needle: str) -> str:
    """`path:line` of the first line containing `needle` in the current source, or `path`."""
    try:
        for number, line in enumerate((ROOT / path).read_text().splitlines(), 1):
            if needle in line:
                return f"`{path}:{number}`"
    except OSError:
        pass
    return f"`{path}`"


def _constant(path: str, name: str) -> int | None:
    try:
        match = re.search(rf"^{name}\s*=\s*(\d+)", (ROOT / path).read_text(), re.M)
    except OSError:
        return None
    return int(match.group(1)) if match else None


# ------------------------------------------------------------------ method


def _method_section(add, results: dict[str, Any]) -> None:
    add("## Method\n")
    add(
        "- `bin/bench` (full, ~25 minutes on 2 cores) or `bin/bench --quick` (10k and 100k, one short "
        "throttled scenario, ~4 minutes; writes bench/results/REPORT-quick.md). `--help` lists the options "
        "(sizes, repeats, profile size, timeouts, `--keep-work` to keep configs, states, request logs).\n"
        "- The connector runs as users run it: the `source-halopsa` console script in a subprocess "
        "(`discover`, then `read --config --catalog [--state]`), its stdout read by the benchmark; records "
        "are counted per stream from each line's first bytes; STATE, TRACE and LOG messages are parsed. A "
        "sync fails if it exits non-zero, emits an ERROR trace or outlives its timeout.\n"
        "- The simulator (`halo_simulator`, unchanged) runs in its own process (bench/simserver.py) so it "
        "shares no GIL with the benchmark; its stats count every request. Sizes scale every table of the "
        "simulator's `large` scale (1.53M records) down to the target total, no table below its `tiny` "
        "count; tickets and actions carry ~80% of the records.\n"
        "- Minimums use the simulator's own row counts (`integration_tests/oracle.py` `expected_counts`; "
        "for the ticket streams, the rows their /Tickets query lists, `backend.count`) and the first page's "
        "`record_count`; empty pages are seen by the server (answers ending in `[]`). Requests are attributed "
        "by bench/analysis.py `classify`: by path and query, and by order where queries are equal (the "
        "read-time checks come before any stream's request; a page asked twice is the substream's parent "
        "read).\n"
        "- Throughput uses a body cache in the simulator process, keyed by path and query with dates "
        "newer than a day normalised (the connector freezes `now` into its queries), exact while the data "
        "does not change; it is off for the incremental and throttled syncs.\n"
        "- Peak memory: `ru_maxrss` of the child from `os.wait4`, cross-checked with polled `VmHWM`.\n"
    )


# ------------------------------------------------------------------ helpers


def _isdir_us() -> float:
    import os
    import sys
    import time

    started = time.perf_counter()
    for _ in range(2000):
        os.path.isdir(sys.executable)
    return round((time.perf_counter() - started) / 2000 * 1e6, 1)


def _label(category: str) -> str:
    """Category names as bench/profile.py has them now (older results said /Actions only)."""
    return category.replace("/Actions error-handler predicate:", "error-handler predicates:")


def _cpu(run: dict[str, Any]) -> float:
    return run.get("cpu_seconds") or (run.get("cpu_user_seconds") or 0) + (run.get("cpu_system_seconds") or 0)


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value} MB"


def _met(met: bool | None) -> str:
    return "n/a" if met is None else ("**met**" if met else "**not met**")


def _num(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _rate(run: dict[str, Any], steady: bool) -> str:
    seconds = run.get("steady_seconds") if steady else run.get("wall_seconds")
    if not seconds:
        return "n/a"
    return f"{run['total_records'] / seconds:,.0f}/s"
