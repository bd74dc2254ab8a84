"""The test oracle: exactly the records the connector should emit per stream, from the simulator's truth.

The connector's stream table lives here, on the test side, not in the simulator: the simulator only speaks
Halo's resources (`backend.read_all(resource, params)`, `backend.count(...)`), and answers them the same
way in every world (halo_simulator/worlds.py), so `expected` is the same whatever world a test runs in.

    from integration_tests.oracle import expected
    rows = expected(simulator, "tickets")

Raw Halo shape, in the order a full read returns them (ids ascending; actions by datetime, ticket_id, id).
STREAM_QUERIES lists the query each stream stands for: every visibility flag on, no shape flags (so
`invoices` rows carry no `lines`). Derived streams: `invoice_lines` = every line of every invoice (`lines`
of /Invoice?includelines=true); `project_tasks` = /Tickets rows whose parent_id is a project;
`project_milestones` = the `milestones` of every project (each carries its project id as `ticket_id`).
`deleted_tickets` = /Tickets?deleted=true (Faults_List rows plus `"deleted": true`).
"""

from __future__ import annotations

from typing import Any

Params = dict[str, str]

STREAM_QUERIES: dict[str, tuple[str, Params]] = {
    "tickets": ("tickets", {}),
    # every deleted row /Tickets lists with includeprojects=true: tickets, tasks and projects
    "deleted_tickets": ("tickets", {"deleted": "true", "includeprojects": "true"}),
    "projects": ("projects", {}),
    "opportunities": ("opportunities", {}),
    "actions": ("actions", {"startdate": "2000-01-01", "enddate": "2100-01-01"}),
    "teams": ("team", {"includedisabled": "true"}),
    "agents": ("agent", {"includedisabled": "true", "includeunassigned": "true", "includeapiagents": "true"}),
    "statuses": ("status", {}),
    "ticket_types": ("tickettype", {"showinactive": "true"}),
    "priorities": ("priority", {}),
    "slas": ("sla", {"showpriorities": "true"}),
    "clients": ("client", {"includeinactive": "true"}),
    "sites": ("site", {"includeinactive": "true"}),
    "users": ("users", {"includeinactive": "true"}),
    "crm_notes": ("crmnote", {}),
    "assets": ("asset", {"includeinactive": "true"}),
    "asset_types": ("assettype", {}),
    "field_info": ("fieldinfo", {}),
    "invoices": ("invoice", {}),
    "recurring_invoices": ("recurringinvoice", {}),
    "contracts": ("clientcontract", {}),
    "charge_rates": ("chargerate", {}),
    "items": ("item", {"includeinactive": "true"}),
    "quotes": ("quotation", {}),
    "appointments": ("appointment", {}),
    "timesheet_events": ("timesheetevent", {}),
}
DERIVED_STREAMS = ("invoice_lines", "project_tasks", "project_milestones")
STREAM_NAMES = tuple(STREAM_QUERIES) + DERIVED_STREAMS


def _backend(sim_or_backend: Any) -> Any:
    return getattr(sim_or_backend, "backend", sim_or_backend)


def expected(sim_or_backend: Any, stream: str) -> list[dict]:
    """Exactly the rows the connector should emit for `stream` when it asks for everything."""
    backend = _backend(sim_or_backend)
    if stream == "invoice_lines":
        return [
            line for inv in backend.read_all("invoice", {"includelines": "true"}) for line in inv["lines"]
        ]
    if stream == "project_tasks":
        with backend.lock:
            projects = {row["id"] for row in backend.read_all("projects")}
            return [row for row in backend.read_all("tickets") if row["parent_id"] in projects]
    if stream == "project_milestones":
        return [m for project in backend.read_all("projects") for m in project["milestones"]]
    if stream not in STREAM_QUERIES:
        raise KeyError(f"unknown stream {stream!r}; known: {', '.join(STREAM_NAMES)}")
    resource, params = STREAM_QUERIES[stream]
    return backend.read_all(resource, params)


def expected_counts(sim_or_backend: Any) -> dict[str, int]:
    """len(expected(stream)) for every stream, without rendering the rows of the big ones."""
    backend = _backend(sim_or_backend)
    counts = {name: backend.count(resource, params) for name, (resource, params) in STREAM_QUERIES.items()}
    projects = backend.read_all("projects")
    project_ids = ",".join(str(row["id"]) for row in projects)
    counts["project_tasks"] = backend.count("tickets", {"parent_id": project_ids}) if project_ids else 0
    counts["project_milestones"] = sum(len(row["milestones"]) for row in projects)
    counts["invoice_lines"] = len(expected(backend, "invoice_lines"))
    return counts
