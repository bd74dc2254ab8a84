"""Which stream each logged request served, and the fewest requests each stream needs."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl

PAGE = 100  # Halo's page cap
ACTIONS_CAP = 1000  # rows per /Actions window (the manifest's window_count for actions)
TOKEN = "(token request)"
AUTHINFO = "(authinfo)"
# The read-time look-ups and checks of source_halopsa/read_context.py, made before any stream reads
# (except the project ids, read by HaloProjectRowFilter once per ticket stream that gets a row).
PROBE_EARLIEST = "(probe: earliest ticket)"
PROBE_ACTIONS_WINDOW = "(probe: /Actions window check)"
PROBE_FIELDS = "(probe: custom field ids)"
PROBE_FIELDS_LISTED = "(probe: custom fields on list rows)"
PROBE_CRMNOTE = "(probe: /CRMNote default page)"
PROBE_PROJECTS = "(probe: project ids)"
PROBE_TIMESHEETS = "(probe: earliest timesheet event)"
PROBE_MILESTONES = "(probe: milestones on list rows)"
_MILESTONES_PROBED = ("milestones", "probe")  # a seen_pages key: the milestones check listed its page
OTHER = "(other: "  # prefix of a request no rule attributes; the report flags any

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
    "/api/site": "sites",
    "/api/users": "users",
    "/api/opportunities": "opportunities",
    "/api/asset": "assets",
    "/api/assettype": "asset_types",
    "/api/recurringinvoice": "recurring_invoices",
    "/api/clientcontract": "contracts",
    "/api/chargerate": "charge_rates",
    "/api/item": "items",
    "/api/quotation": "quotes",
}

# How each stream is read, for its minimum: "paged" = ceil(rows/100); "list" = one request.
PAGED = {
    "tickets", "deleted_tickets", "appointments", "clients", "sites", "users", "opportunities", "assets",
    "projects", "invoices", "invoice_lines", "recurring_invoices", "contracts", "items", "quotes",
    "project_tasks",
}  # fmt: skip
LISTS = {
    "teams", "agents", "statuses", "ticket_types", "priorities", "slas", "asset_types",
    "field_info", "charge_rates", "timesheet_events",
}  # fmt: skip
# Which stream each simulator change lands in (bench/__main__.py MUTATION), and which of those are read
# only when their refresh interval is due.
MUTATED_STREAM = {
    "update_tickets": "tickets", "add_tickets": "tickets", "add_actions": "actions",
    "update_projects": "projects", "update_opportunities": "opportunities", "delete_tickets": "deleted_tickets",
    "update_clients": "clients", "update_sites": "sites", "update_users": "users", "update_assets": "assets",
    "update_invoices": "invoices", "update_contracts": "contracts", "update_quotes": "quotes",
    "update_items": "items",
}  # fmt: skip
REFRESHED_STREAMS = frozenset({"deleted_tickets", "invoices", "contracts", "quotes", "items"})
DERIVED = {"invoice_lines", "project_tasks", "project_milestones"}
# Streams that ask /Tickets with includeprojects=true and drop the project headers it lists
# (HaloProjectRowFilter); project_tasks keeps only the rows whose parent is a project, and deleted_tickets
# keeps every deleted row (tickets, tasks and projects).
DROP_PROJECT_HEADERS = {"tickets"}


def params_of(query: str) -> dict[str, str]:
    return {k.lower(): v for k, v in parse_qsl(query, keep_blank_values=True)}


def classify(log: list[dict[str, Any]]) -> list[str]:
    """The stream (or overhead label) of every logged request, in log order."""
    return [label for label, _ in classify_roles(log)]


def classify_roles(log: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(label, role) of every logged request, in log order.

    role: "rows" (the stream emits the page's rows), "parent" (a substream's read of its parent's pages,
    rows not emitted), "probe" (overhead). The read-time checks run before any stream reads (SourceHalopsa.read
    calls with_read_context first), so an /Actions window or a GET /{path}/{id} logged before the first
    stream request is a check, not a stream's.
    """
    out: list[tuple[str, str]] = []
    reading = False  # has any stream request been logged yet?
    seen_pages: dict[tuple[str, str], int] = defaultdict(int)  # (path + stream query, page_no) -> times asked
    # Whether the projects stream sends custom fields here: then a /Projects page without them is the
    # milestones' parent read, whatever the order the two reads were logged in.
    fields_on_projects = any(
        e["path"].lower().rstrip("/") == "/api/projects"
        and "include_custom_fields=" in e["query"].lower()
        and "order=" in e["query"].lower()
        for e in log
    )
    for entry in log:
        method, path, params = entry["method"], entry["path"].lower().rstrip("/"), params_of(entry["query"])
        label, role = _label(method, path, params, reading, seen_pages, fields_on_projects)
        if role != "probe":
            reading = True
        out.append((label, role))
    return out


def _stream_key(path: str, params: dict[str, str]) -> tuple[str, str]:
    """A paged request without its page and frozen dates: the same key for a stream and a parent read."""
    skip = {"page_no", "lastupdatetodate", "lastupdatefromdate"}
    return path, "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in skip) + "#" + params.get(
        "page_no", "1"
    )


def _label(
    method: str,
    path: str,
    params: dict[str, str],
    reading: bool,
    seen_pages: dict[tuple[str, str], int],
    fields_on_projects: bool,
) -> tuple[str, str]:
    if method == "POST" and path.endswith("/token"):
        return TOKEN, "probe"
    if path == "/api/authinfo":
        return AUTHINFO, "probe"
    if path == "/api/tickets":
        if "include_custom_fields" in params and params.get("page_size") == "1" and "order" not in params:
            return PROBE_FIELDS_LISTED, "probe"
        if params.get("order") == "lastactiondate":
            return PROBE_ACTIONS_WINDOW, "probe"
        if params.get("order") == "dateoccurred" or "order" not in params:
            # ascending and descending first page; every page when Halo ignores `order` (no order sent)
            return PROBE_EARLIEST, "probe"
        if params.get("deleted") == "true":
            return "deleted_tickets", "rows"
        if "includechildren" in params:
            return "project_tasks", "rows"
        return "tickets", "rows"
    if path.startswith(("/api/tickets/", "/api/opportunities/")):
        return PROBE_FIELDS_LISTED, "probe"  # the ticket read alone when its list row had no custom fields
    if (
        path == "/api/timesheetevent"
        and not reading
        and params.get("start_date", "").startswith("2000-01-01")
    ):
        # the events before the earliest ticket, asked before any stream; a sync's first window can come
        # before any other stream's request too, but an incremental one never starts in 2000
        return PROBE_TIMESHEETS, "probe"
    if path == "/api/projects" and "lastupdatefromdate" not in params and params.get("page_size") == "20":
        seen_pages[_MILESTONES_PROBED] += 1  # the milestones check's page, then one project read alone
        return PROBE_MILESTONES, "probe"
    if path.startswith("/api/projects/"):
        # before any stream: the milestones check, or the custom-field check where no /Tickets stream is
        # selected; then project_milestones reads a project alone
        if reading:
            return "project_milestones", "rows"
        return (PROBE_MILESTONES if seen_pages[_MILESTONES_PROBED] else PROBE_FIELDS_LISTED), "probe"
    if path in ("/api/projects", "/api/opportunities") and "order" not in params:
        if "include_custom_fields" in params:
            return PROBE_FIELDS_LISTED, "probe"
        if path == "/api/projects":
            return PROBE_PROJECTS, "probe"
    if path == "/api/projects":
        # projects and project_milestones' parent read ask for the same pages, the parent without custom
        # fields; with no custom field ids both queries are equal, and the second time a page is asked
        # for, it is the parent read.
        if fields_on_projects:
            return (
                ("projects", "rows")
                if "include_custom_fields" in params
                else ("project_milestones", "parent")
            )
        key = _stream_key(path, params)
        seen_pages[key] += 1
        return ("projects", "rows") if seen_pages[key] == 1 else ("project_milestones", "parent")
    if path == "/api/client":
        if "includeactive" not in params:
            return PROBE_CRMNOTE, "probe"  # the first few clients, to ask /CRMNote for theirs
        # crm_notes is a substream of clients: its parent read asks for the clients' pages again (unless
        # the CDK's cache of parent responses answers it), so the second time a page is asked for, it is
        # crm_notes'.
        key = _stream_key(path, params)
        seen_pages[key] += 1
        return ("clients", "rows") if seen_pages[key] == 1 else ("crm_notes", "parent")
    if path == "/api/crmnote":
        if params.get("count") in ("1", "2"):
            return PROBE_CRMNOTE, "probe"
        return "crm_notes", "rows"
    if path == "/api/actions":
        return (PROBE_ACTIONS_WINDOW, "probe") if not reading else ("actions", "rows")
    if path == "/api/fieldinfo":
        return ("field_info", "rows") if "includevalues" in params else (PROBE_FIELDS, "probe")
    if path == "/api/invoice":
        return ("invoice_lines", "rows") if params.get("includelines") == "true" else ("invoices", "rows")
    if path in PATH_STREAMS:
        return PATH_STREAMS[path], "rows"
    return f"{OTHER}{method} {path})", "probe"


def _dt(value: str) -> datetime:
    value = value.replace("Z", "").split(".")[0]
    return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)


def action_windows(log: list[dict[str, Any]], labels: list[str] | None = None) -> dict[str, Any]:
    """The `actions` stream's /Actions windows: top-level windows, and those discarded and split.

    The read-time window check's requests (head and tail of a window around the newest action) are not
    the stream's and are left out. A window is discarded when another logged window lies strictly inside
    it (its halves).
    """
    labels = classify(log) if labels is None else labels
    windows = []
    for entry, label in zip(log, labels, strict=True):
        if label == "actions":
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
    # the window length the sync read with (the check may shorten it): the most common one asked
    lengths = Counter(int((e - s).total_seconds()) for s, e in unique if (s, e) not in discarded)
    return {
        "requests": len(windows),
        "step_seconds": lengths.most_common(1)[0][0] if lengths else None,
        "distinct": len(unique),
        "discarded": len(discarded),
        "first_start": first.isoformat() if first else None,
        "last_end": last.isoformat() if last else None,
        "discarded_windows": sorted((s.isoformat(), e.isoformat()) for s, e in discarded),
    }


def _windows_over_cap(windows: dict[str, Any], responses: list[dict[str, Any]]) -> int:
    """Requests beyond one that the stream's windows of full length need, by their record_count: a window
    of n > ACTIONS_CAP actions takes ceil(n / ACTIONS_CAP) answers at least."""
    step = windows["step_seconds"]
    totals = {}
    for r in responses:
        p = params_of(r["query"])
        if r["path"].lower().rstrip("/") == "/api/actions" and "startdate" in p and "enddate" in p:
            totals[(_dt(p["startdate"]).isoformat(), _dt(p["enddate"]).isoformat())] = r["record_count"]
    extra = 0
    for start, end in windows["discarded_windows"]:
        length = (_dt(end) - _dt(start)).total_seconds()
        total = totals.get((start, end))
        if step and length == step and isinstance(total, int) and total > ACTIONS_CAP:
            extra += math.ceil(total / ACTIONS_CAP) - 1
    return extra


def day_windows(start: datetime, end: datetime, days: float = 1) -> int:
    return max(1, math.ceil((end - start) / timedelta(days=days)))


def _length(days: float) -> str:
    seconds = round(days * 86400)
    return f"{seconds // 3600} h" if seconds % 3600 == 0 else f"{seconds // 60} min"


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
    roles = classify_roles(log)
    labels = [label for label, _ in roles]
    counts = Counter(labels)
    parent_reads = Counter(label for label, role in roles if role == "parent")
    expected = info["expected"]
    served = {**_endpoint_rows(log, labels, responses), **info.get("endpoint_rows", {})}
    windows = action_windows(log, labels)
    rows = []
    for stream in sorted(selected):
        n = expected.get(stream, 0)
        used = counts.get(stream, 0)
        note = ""
        if stream in PAGED:
            minimum = max(1, math.ceil(n / PAGE))
            strategy = max(1, math.ceil(served.get(stream, n) / PAGE))
            if stream == "invoice_lines":
                minimum = strategy = max(1, math.ceil(expected["invoices"] / PAGE))
                note = "re-reads every invoice page with includelines=true"
            elif stream in DROP_PROJECT_HEADERS:
                # /Tickets?includeprojects=true lists the project headers too, which the stream drops: they
                # are pages Halo serves whatever the reader does, so they count in the minimum.
                minimum = strategy
                note = (
                    f"/Tickets with includeprojects=true serves {served.get(stream, n):,} rows: {n:,} "
                    f"tickets and tasks, and {served.get(stream, n) - n:,} project headers, which it drops"
                )
            elif stream == "project_tasks":
                note = (
                    f"pages through the {served.get(stream, 0):,} rows /Tickets lists for includechildren=2, "
                    f"includeprojects=true, to keep {n:,} tasks"
                )
        elif stream in LISTS:
            minimum = 1
            strategy = 1
            if stream == "timesheet_events":
                strategy = used  # 90-day windows from the earliest event (found by a probe)
                note = "one request per 90 days from the earliest event"
        elif stream == "crm_notes":
            clients = expected.get("clients", 0)
            minimum = strategy = clients  # one GET /CRMNote?client_id= per client
            parents = parent_reads.get(stream, 0)
            note = f"one GET /CRMNote?client_id= per client ({clients:,})" + (
                f" plus {parents} re-read{'s' if parents != 1 else ''} of the client pages (the substream's "
                "parent read, when the CDK's cache of parent responses does not answer it)"
                if parents
                else ""
            )
        elif stream == "actions":
            start = history_start(info.get("earliest_ticket"))
            end = _dt(windows["last_end"]) if windows["last_end"] else None
            step = (windows["step_seconds"] or 86400) / 86400
            # A window holding more actions than one answer can needs more than one request, however asked.
            fuller = _windows_over_cap(windows, responses)
            strategy = (day_windows(start, end, step) if start and end else used) + fuller
            minimum = strategy
            note = (
                f"{strategy - fuller:,} {'day' if step == 1 else _length(step)} windows, +{fuller} for the windows "
                f"holding more than {ACTIONS_CAP} actions; {windows['discarded']} discarded and split"
                f" (absolute floor at 1000 rows a request: {max(1, math.ceil(n / ACTIONS_CAP)):,})"
            )
        elif stream == "project_milestones":
            projects = expected.get("projects", 0)
            minimum = 0
            pages = max(1, math.ceil(projects / PAGE))
            strategy = pages
            alone = max(0, used - pages)
            note = (
                f"a second read of the project pages ({pages:,}, the substream's parent); a first sync takes "
                f"milestones from those rows, which carry them in the simulator, and read {alone:,} of "
                f"{projects:,} projects alone"
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
                "parent_reads": parent_reads.get(stream, 0),
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
        "unattributed": sorted({label for label in labels if label.startswith(OTHER)}),
        "total_requests": len(log),
        "total_minimum": total_minimum,
        "token_requests": counts.get(TOKEN, 0),
        "clients": expected.get("clients", 0),
        "crm_notes": crm_notes_cost(roles, expected.get("clients", 0)),
        "empty_trailing_pages": [{"path": r["path"], "query": r["query"]} for r in empty_trailing],
        "empty_responses": sum(1 for r in responses if r["empty"]),
        "actions_windows": {k: v for k, v in windows.items() if k != "discarded_windows"},
        "actions_discarded_sample": windows["discarded_windows"][:10],
        "throttled_429": sum(1 for e in log if e.get("status") == 429),
    }


def crm_notes_cost(roles: list[tuple[str, str]], clients: int) -> dict[str, int]:
    """What contact history cost in one sync: per-client requests, parent re-reads, the read-time check."""
    per_client = sum(1 for label, role in roles if label == "crm_notes" and role == "rows")
    parent = sum(1 for label, role in roles if label == "crm_notes" and role == "parent")
    check = sum(1 for label, _ in roles if label == PROBE_CRMNOTE)
    return {
        "clients": clients,
        "per_client": per_client,
        "parent_reads": parent,
        "check": check,
        "total": per_client + parent + check,
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
        if key in first_page and label not in out and not label.startswith("("):
            out[label] = first_page[key]
    return out


def incremental_table(
    log: list[dict[str, Any]], full_table: dict[str, Any], selected: list[str]
) -> dict[str, Any]:
    """A sync with nothing changed: at most one request per incremental stream, plus full-refresh pages."""
    roles = classify_roles(log)
    counts = Counter(label for label, _ in roles)
    rows = []
    for stream in sorted(selected):
        # Every stream is incremental (0.3.0): one request each at most, none for a list whose refresh is not
        # due; project_milestones' one is the parent read of changed projects.
        allowed = 1
        rows.append(
            {
                "stream": stream,
                "mode": "incremental",
                "requests": counts.get(stream, 0),
                "allowed": allowed,
                "met": counts.get(stream, 0) <= allowed,
            }
        )
    overhead = {label: n for label, n in counts.items() if label.startswith("(")}
    return {
        "streams": rows,
        "overhead": overhead,
        "unattributed": sorted({label for label in counts if label.startswith(OTHER)}),
        "total_requests": len(log),
        "allowed_total": sum(r["allowed"] for r in rows) + 1,
        "incremental_requests": sum(r["requests"] for r in rows if r["mode"] == "incremental"),
        "incremental_streams": sum(1 for r in rows if r["mode"] == "incremental"),
        "crm_notes": crm_notes_cost(roles, full_table.get("clients", 0)),
    }


def bare_plan(
    log: list[dict[str, Any]], base_url: str, config: dict[str, Any], streams: set[str]
) -> dict[str, Any]:
    """The bare client's requests: every GET the connector made, tagged with the stream whose rows it emits.

    Untagged: the read-time checks, the /Actions windows the connector discarded and split, and a
    substream's re-read of its parent's pages. The project-id pages come first, tagged "project_ids":
    the bare client collects their ids and, like HaloProjectRowFilter, drops those rows from the pages
    tagged "drop_projects" (tickets, whose /Tickets pages list project headers).
    """
    roles = classify_roles(log)
    labels = [label for label, _ in roles]
    discarded = {(s, e) for s, e in (tuple(w) for w in action_windows(log, labels)["discarded_windows"])}
    first, rest = [], []
    for entry, (label, role) in zip(log, roles, strict=True):
        if entry["method"] != "GET" or entry.get("status") != 200:
            continue
        url = f"{base_url}{entry['path']}?{entry['query']}"
        if label == PROBE_PROJECTS:
            first.append([url, None, "project_ids"])
            continue
        stream = label if label in streams and role == "rows" else None
        if stream == "actions":
            p = params_of(entry["query"])
            if (_dt(p["startdate"]).isoformat(), _dt(p["enddate"]).isoformat()) in discarded:
                stream = None
        rest.append([url, stream, "drop_projects" if stream in DROP_PROJECT_HEADERS else None])
    token = {"grant_type": "client_credentials", "client_id": config["client_id"],
             "client_secret": config["client_secret"], "scope": "all"}  # fmt: skip
    return {
        "token_url": f"{base_url}/auth/token",
        "token_params": {"tenant": config["tenant"]} if config.get("tenant") else {},
        "token_form": token,
        "requests": first + rest,
    }
