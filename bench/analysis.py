"""Which stream each logged request served, and the fewest requests each stream needs."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl

PAGE = 100  # Halo's page cap
ACTIONS_CAP = 1000  # rows per /Actions window
TOKEN = "(token request)"
PROBE_EARLIEST = "(probe: earliest ticket)"
PROBE_FIELDS = "(probe: custom field ids)"
PROBE_PROJECTS = "(probe: project ids)"
AUTHINFO = "(authinfo)"

# Endpoints that serve one stream each, by path.
PATH_STREAMS = {
    "/api/team": "teams",
    "/api/agent": "agents",
    "/api/status": "statuses",
    "/api/tickettype": "ticket_types",
    "/api/priority": "priorities",
    "/api/sla": "slas",
    "/api/appointment": "appointments",
    "/api/timesheetevent": "timesheet_events",
    "/api/client": "clients",
    "/api/site": "sites",
    "/api/users": "users",
    "/api/crmnote": "crm_notes",
    "/api/opportunities": "opportunities",
    "/api/asset": "assets",
    "/api/assettype": "asset_types",
    "/api/recurringinvoice": "recurring_invoices",
    "/api/clientcontract": "contracts",
    "/api/chargerate": "charge_rates",
    "/api/item": "items",
    "/api/quotation": "quotes",
    "/api/actions": "actions",
}

# How each stream is read, for its minimum: "paged" = ceil(rows/100); "list" = one request.
PAGED = {
    "tickets", "deleted_tickets", "appointments", "clients", "sites", "users", "opportunities", "assets",
    "projects", "invoices", "invoice_lines", "recurring_invoices", "contracts", "items", "quotes",
    "project_tasks",
}  # fmt: skip
LISTS = {
    "teams", "agents", "statuses", "ticket_types", "priorities", "slas", "crm_notes", "asset_types",
    "field_info", "charge_rates", "timesheet_events",
}  # fmt: skip
DERIVED = {"invoice_lines", "project_tasks", "project_milestones"}
INCREMENTAL = {"tickets", "actions", "opportunities", "projects", "project_tasks", "project_milestones",
               "timesheet_events"}  # fmt: skip


def params_of(query: str) -> dict[str, str]:
    return {k.lower(): v for k, v in parse_qsl(query, keep_blank_values=True)}


def classify(log: list[dict[str, Any]]) -> list[str]:
    """The stream (or overhead label) of every logged request, in log order."""
    labels = []
    projects_pages_seen: set[str] = set()
    for entry in log:
        method, path, params = entry["method"], entry["path"].lower().rstrip("/"), params_of(entry["query"])
        if method == "POST" and path.endswith("/token"):
            labels.append(TOKEN)
        elif path == "/api/authinfo":
            labels.append(AUTHINFO)
        elif path == "/api/tickets":
            if params.get("deleted") == "true":
                labels.append("deleted_tickets")
            elif "includechildren" in params:
                labels.append("project_tasks")
            elif params.get("order") == "dateoccurred":
                labels.append(PROBE_EARLIEST)
            else:
                labels.append("tickets")
        elif path.startswith("/api/projects/"):
            labels.append("project_milestones")
        elif path == "/api/projects":
            if "order" not in params:
                labels.append(PROBE_PROJECTS)
            else:
                # projects and project_milestones' parent read ask for the same pages: the second time a
                # page is asked for, it is the parent read.
                page = params.get("page_no", "1")
                labels.append("projects" if page not in projects_pages_seen else "project_milestones")
                projects_pages_seen.add(page)
        elif path == "/api/fieldinfo":
            labels.append("field_info" if "includevalues" in params else PROBE_FIELDS)
        elif path == "/api/invoice":
            labels.append("invoice_lines" if params.get("includelines") == "true" else "invoices")
        else:
            labels.append(PATH_STREAMS.get(path, f"(other: {entry['method']} {entry['path']})"))
    return labels


def _dt(value: str) -> datetime:
    value = value.replace("Z", "").split(".")[0]
    return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)


def action_windows(log: list[dict[str, Any]]) -> dict[str, Any]:
    """The /Actions windows asked for: top-level day windows, and those discarded and split.

    A window is discarded when another logged window lies strictly inside it (its halves).
    """
    windows = []
    for entry in log:
        if entry["path"].lower().rstrip("/") == "/api/actions":
            p = params_of(entry["query"])
            if "startdate" in p and "enddate" in p:
                windows.append((_dt(p["startdate"]), _dt(p["enddate"])))
    unique = sorted(set(windows))
    discarded = set()
    by_start = defaultdict(list)
    for w in unique:
        by_start[w[0]].append(w)
    for start, end in unique:
        # a split halves [start, end]: the first half starts at `start` and ends before `end`
        if any(other[1] < end for other in by_start[start] if other != (start, end)):
            discarded.add((start, end))
    first = min((w[0] for w in unique), default=None)
    last = max((w[1] for w in unique), default=None)
    return {
        "requests": len(windows),
        "distinct": len(unique),
        "discarded": len(discarded),
        "first_start": first.isoformat() if first else None,
        "last_end": last.isoformat() if last else None,
        "discarded_windows": sorted((s.isoformat(), e.isoformat()) for s, e in discarded),
    }


def day_windows(start: datetime, end: datetime, days: int = 1) -> int:
    return max(1, math.ceil((end - start) / timedelta(days=days)))


def history_start(earliest_ticket: str | None) -> datetime | None:
    """Where the connector starts /Actions with no start date: the day before the earliest ticket."""
    if not earliest_ticket:
        return None
    day = _dt(earliest_ticket).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=1)


def request_table(
    log: list[dict[str, Any]],
    responses: list[dict[str, Any]],
    info: dict[str, Any],
    records: dict[str, int],
    selected: list[str],
) -> dict[str, Any]:
    """Requests per stream against its minimum, for a full sync of `selected` streams."""
    labels = classify(log)
    counts = Counter(labels)
    expected = info["expected"]
    endpoint_rows = _endpoint_rows(log, labels, responses)
    windows = action_windows(log)
    rows = []
    for stream in sorted(selected):
        n = expected.get(stream, 0)
        used = counts.get(stream, 0)
        note = ""
        if stream in PAGED:
            minimum = max(1, math.ceil(n / PAGE))
            strategy = max(1, math.ceil(endpoint_rows.get(stream, n) / PAGE))
            if stream == "invoice_lines":
                minimum = strategy = max(1, math.ceil(expected["invoices"] / PAGE))
                note = "re-reads every invoice page with includelines=true"
            elif stream == "project_tasks":
                note = f"pages through {endpoint_rows.get(stream, 0):,} tickets with includechildren=2 to keep {n:,} tasks"
        elif stream in LISTS:
            minimum = 1
            strategy = 1
            if stream == "timesheet_events":
                strategy = used  # 90-day windows from the start date (2000-01-01 without one)
                note = "one request per 90-day window since 2000-01-01"
        elif stream == "actions":
            start = history_start(info.get("earliest_ticket"))
            end = _dt(windows["last_end"]) if windows["last_end"] else None
            strategy = day_windows(start, end) if start and end else used
            minimum = strategy
            note = (
                f"{strategy:,} day windows; {windows['discarded']} discarded and split"
                f" (absolute floor at 1000 rows a request: {max(1, math.ceil(n / ACTIONS_CAP)):,})"
            )
        elif stream == "project_milestones":
            projects = expected.get("projects", 0)
            minimum = 0
            strategy = projects + max(1, math.ceil(projects / PAGE))
            note = (
                f"one GET /Projects/{{id}} per project ({projects:,}) plus a second read of the project pages;"
                " the simulator's /Projects rows already carry `milestones`"
            )
        else:
            minimum = strategy = 1
        rows.append(
            {
                "stream": stream,
                "records": records.get(stream, 0),
                "expected": n,
                "requests": used,
                "minimum": minimum,
                "strategy_minimum": strategy,
                "extra": used - minimum,
                "note": note,
            }
        )
    overhead = {label: n for label, n in counts.items() if label.startswith("(")}
    empty_trailing = [
        r for r in responses if r["empty"] and int(params_of(r["query"]).get("page_no", "1") or 1) > 1
    ]
    total_minimum = sum(r["minimum"] for r in rows) + 1  # + one token request
    return {
        "streams": rows,
        "overhead": overhead,
        "total_requests": len(log),
        "total_minimum": total_minimum,
        "token_requests": counts.get(TOKEN, 0),
        "empty_trailing_pages": [{"path": r["path"], "query": r["query"]} for r in empty_trailing],
        "empty_responses": sum(1 for r in responses if r["empty"]),
        "actions_windows": {k: v for k, v in windows.items() if k != "discarded_windows"},
        "actions_discarded_sample": windows["discarded_windows"][:10],
        "throttled_429": sum(1 for e in log if e.get("status") == 429),
    }


def _endpoint_rows(
    log: list[dict[str, Any]], labels: list[str], responses: list[dict[str, Any]]
) -> dict[str, int]:
    """record_count of each paged stream's first page, as the server reported it."""
    first_page = {}
    for r in responses:
        if r["record_count"] is not None and params_of(r["query"]).get("page_no") == "1":
            first_page.setdefault((r["path"].lower(), r["query"]), r["record_count"])
    out: dict[str, int] = {}
    for entry, label in zip(log, labels, strict=True):
        key = (entry["path"].lower(), entry["query"])
        if key in first_page and label not in out:
            out[label] = first_page[key]
    return out


def incremental_table(
    log: list[dict[str, Any]], full_table: dict[str, Any], selected: list[str]
) -> dict[str, Any]:
    """A sync with nothing changed: at most one request per incremental stream, plus full-refresh pages."""
    counts = Counter(classify(log))
    full = {row["stream"]: row["requests"] for row in full_table["streams"]}
    rows = []
    for stream in sorted(selected):
        incremental = stream in INCREMENTAL
        allowed = 1 if incremental else full.get(stream, 0)
        if stream == "project_milestones":
            allowed = 1  # the parent read of changed projects; no project changed
        rows.append(
            {
                "stream": stream,
                "mode": "incremental" if incremental else "full refresh",
                "requests": counts.get(stream, 0),
                "allowed": allowed,
                "met": counts.get(stream, 0) <= allowed,
            }
        )
    overhead = {label: n for label, n in counts.items() if label.startswith("(")}
    return {
        "streams": rows,
        "overhead": overhead,
        "total_requests": len(log),
        "allowed_total": sum(r["allowed"] for r in rows) + 1,
        "incremental_requests": sum(r["requests"] for r in rows if r["mode"] == "incremental"),
        "incremental_streams": sum(1 for r in rows if r["mode"] == "incremental"),
    }


def bare_plan(
    log: list[dict[str, Any]], base_url: str, config: dict[str, Any], streams: set[str]
) -> dict[str, Any]:
    """The bare client's requests: every GET the connector made, in order, tagged with its stream."""
    labels = classify(log)
    discarded = {(s, e) for s, e in (tuple(w) for w in action_windows(log)["discarded_windows"])}
    requests = []
    for entry, label in zip(log, labels, strict=True):
        if entry["method"] != "GET" or entry.get("status") != 200:
            continue
        stream = label if label in streams else None
        if stream == "actions":
            p = params_of(entry["query"])
            if (_dt(p["startdate"]).isoformat(), _dt(p["enddate"]).isoformat()) in discarded:
                stream = None
        requests.append([f"{base_url}{entry['path']}?{entry['query']}", stream])
    token = {"grant_type": "client_credentials", "client_id": config["client_id"],
             "client_secret": config["client_secret"], "scope": "all"}  # fmt: skip
    return {
        "token_url": f"{base_url}/auth/token",
        "token_params": {"tenant": config["tenant"]} if config.get("tenant") else {},
        "token_form": token,
        "requests": requests,
    }
