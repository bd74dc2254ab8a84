"""Generate COVERAGE.md from the route table and the modules' "Not modelled" docstrings (moto style).

    python -m halo_simulator.coverage > halo_simulator/COVERAGE.md

A unit test fails when the committed file is out of date.
"""

from __future__ import annotations

import importlib
import json
import re

from .routes import ROUTES
from .worlds import OPTION_SWITCHES, SWITCHES, WORLDS, World

MODULES = ("auth", "clock", "generator", "render", "backend", "mutations", "routes")

# Where halopsa-api.md is uncertain or silent, the simulator does this by default (see also "Worlds").
CHOICES = """\
- **Unpaged envelopes** carry only `record_count` and the list key; `page_no`/`page_size` appear only with
  `pageinate=true`. `pageinate=true` without `page_size` means 50; `page_no` < 1 means 1.
- **Page cap** 100 (options.page_cap) on every paginated endpoint; the envelope's `page_size` is the effective size.
- **Unpaged `count`** defaults to 50 (options.unpaged_default_count) and has no upper bound, except /Actions (1000).
- **Bare arrays** (Status, Team, TicketType, Priority, SLA, FieldInfo, AssetType, AssetGroup, ChargeRate, CRMNote,
  TimesheetEvent, Lookup, Outcome, Agent) ignore `page_no`, `page_size` and `count`. /CRMNote filters on
  `client_id` when given.
- **/Agent?pageinate=true** answers `{record_count, results}` (djpsa), paged like the other lists.
- **Ticket areas**: /Tickets returns tickets and project tasks, project headers only with `includeprojects=true`;
  opportunities only on /Opportunities. Ticket ids are one id space for all of them.
- **Projects**: /Projects list rows carry `projecttimebudget`, `projecttimeactual`, `projectmoneybudget`,
  `projectmoneyactual`, `projecttimepercentage` and `milestones` [MileStone]; `GET /Tickets|Projects/{id}` adds
  `milestones`, `budgets` [FaultBudget], `datecreated`, `deleted`. Tasks carry `milestone_*` fields.
- **Deleted tickets**: `deleted=true` returns only deleted rows, each a normal ticket row plus `"deleted": true`
  (a `Faults` property). A deletion bumps `last_update`. /Actions never returns actions of deleted tickets.
- **Hidden last-update columns** `alastupdate`, `slastupdate`, `ulastupdate`, `dlastupdate` drive
  `lastupdatefromdate`/`lastupdatetodate` on /Client, /Site, /Users, /Asset but appear only on single GETs.
- **Date parameters**: `YYYY-MM-DD` (midnight), `YYYY-MM-DDTHH:MM[:SS[.f…]]`, optional `Z`/`+00:00`, all UTC;
  fractions beyond microseconds are truncated; bounds are inclusive; anything else is a 400 with the .NET
  `System.FormatException` body.
- **/Actions**: `ticket_id` returns every action of that ticket (ids 1..n) unless `count` is given; without it a
  `startdate`/`enddate` window on `datetime` is needed (neither → empty list, record_count 0; one missing →
  unbounded on that side). Window rows: first `count` (default 50, capped at 1000) by datetime, ticket_id, id;
  `record_count` = all matches. options.actions_max_window_days: "error" → 400 `{"error": "Date range cannot
  exceed 1 day"}`, "empty" → empty list, "clamp" → the first `max_days` of the window.
- **Errors**: /api 401 has an empty body and `WWW-Authenticate: Bearer`; 403 is `{"ClassName":
  "System.UnauthorizedAccessException", "Message": "You do not have permission to access this resource."}`;
  unknown id → 404 with a JSON string; unknown path → 404 empty; writes on /api → 405; a malformed integer or
  boolean parameter → 400 `{"<param>": "The value 'x' is not valid."}`.
- **Token endpoint**: checks tenant (hosted), then `grant_type`, then credentials. Wrong or missing tenant →
  options.wrong_tenant_status (500) with a plain-text body. `tenant` is also accepted as a form field. A new token
  does not invalidate older ones (world `tokens`). `scope` is echoed (default `all`) but does not restrict anything.
- **Permissions** come from options.granted_areas: Tickets, Actions, Team, Agent, Status, TicketType, Priority,
  SLA, Outcome, Lookup, Appointment → tickets; Projects → projects; Opportunities → crm; TimesheetEvent →
  timesheets; Client, Site, Users, Supplier, CRMNote → customers; Asset, AssetType, AssetGroup, FieldInfo →
  assets; Invoice, RecurringInvoice, ClientContract, ChargeRate, Item, Quotation → invoices.
- **Rate limit** (off by default) counts token and /api requests, including 404s and fault-injected answers; it
  is checked before fault rules. 429 body: `Rate Limit Reached - N Requests per rolling M minute window`, text,
  no Retry-After.
- **Custom fields** are always served on every row, except that /Tickets, /Projects and /Opportunities list rows
  carry only the FieldInfo ids listed in `include_custom_fields` when it is given. Values by type: text →
  string, single select → lookup id (int) with the name in `display`, multi select → `[{"id", "name"}]`, date →
  Halo datetime string, checkbox → bool. FieldInfo `usage` codes are a simulator convention (1 ticket, 2 client,
  3 site, 4 user, 5 asset, 6 action, 7 contract, 8 invoice, 9 item, 10 quote).
- **Serialisation**: naive UTC datetimes; `last_update`, `last_updated`, `last_modified`, `lastmodified`,
  `last_update_time`, `alastupdate`/`slastupdate`/`ulastupdate`/`dlastupdate`, `dateposted`, `last_synced` carry a
  7-digit fraction when not on a whole second; empty dates are `1900-01-01T00:00:00`. Site `client_id`, user
  `site_id` and TypeInfo ids are decimals (`12.0`).
- **Counts**: `ticket_count` on statuses (non-deleted tickets), teams and ticket types (open, non-deleted) is
  always present (Halo needs `showcounts`).
- **Shape flags**: `includelines` adds `lines` to /Invoice, /RecurringInvoice and /Quotation rows; `idonly` /
  `ticketidonly` reduce rows to `{"id"}`; `includeaddress` is ignored (site address lines are always present);
  SLA `workdays` is always present, `priorities` only with `showpriorities=true`.
- **Items** have no `inactive` property (swagger `Item`): `status` 1 = inactive, 0 = active.
- **System rows**: agent 1 "Unassigned" (`is_agent` false), the last agent is an API agent; client 1 "General".
- **Action authors**: `who_type` 1 = agent, 2 = end user; the first action of every ticket is "Ticket Logged".
- **Generated dates**: everything that happened (creation, occurrence, updates, actions, invoices) lies between
  2023-01-01 and 2026-06-30 UTC; planned dates derived from them (contract end, warranty end, due, expiry, SLA
  fix-by, milestone target, next invoice) may lie later.
- **Mutations** stamp with the simulator clock, strictly increasing and after the generated history. Adding an
  action bumps its ticket's `last_update` and `lastactiondate`; action ids continue per ticket.
- **Fault "page_cap"** returns at most `size` rows but reports the requested `page_size`, to catch clients that
  compute offsets from the requested size.
"""


def _not_modelled(module_name: str) -> str:
    doc = importlib.import_module(f"halo_simulator.{module_name}").__doc__ or ""
    m = re.search(r"Not modelled:(.*?)(?:\n\n|$)", doc, re.S)
    return " ".join(m.group(1).split()) if m else ""


def _route_rows() -> list[str]:
    rows = []
    for r in ROUTES:
        path = r.pattern.pattern.removeprefix("^").removesuffix("/?$").replace(r"(\d+)", "{id}")
        doc = " ".join((r.handler.__doc__ or "").split())
        rows.append(f"| {r.method} | `{path}` | {r.area or '(none)'} | {doc} |")
    return rows


def _switch(name: str, spec: dict, default: str | None) -> list[str]:
    head = f"- **`{name}`**" + (f" (default `{default}`)" if default is not None else "")
    out = [head + f". Evidence: {spec['evidence']}"]
    out += [f"  - `{reading}`: {text}" for reading, text in spec["readings"].items()]
    return out


def _worlds() -> list[str]:
    default = World()
    out = [
        "## Worlds",
        "",
        "One switch per fact the public evidence leaves open (`halo_simulator/worlds.py`); each reading is a",
        "plausible Halo. Defaults are the readings above. A world changes HTTP answers only: the ground truth",
        "(`backend.read_all(resource, params)`, `backend.count(...)`) is the same in every world. Use",
        "`SimulatorOptions(**WORLDS[name])` or `SimulatorOptions(**combine(name, ...))`; `World` fields can",
        "also be given as `SimulatorOptions(world={...})`. Section numbers refer to `halopsa-api.md`.",
        "",
        "### Switches (`SimulatorOptions.world`)",
        "",
    ]
    for name, spec in SWITCHES.items():
        value = getattr(default, name)
        shown = "frozenset()" if isinstance(value, frozenset) and not value else str(value)
        out += _switch(name, spec, shown)
    out += ["", "### Switches that are plain options", ""]
    for name, spec in OPTION_SWITCHES.items():
        out += _switch(name, spec, None)
    out += ["", "### Named worlds (`WORLDS`)", "", "| Name | SimulatorOptions overrides |", "| --- | --- |"]
    out += [
        f"| `{name}` | `{json.dumps(overrides, separators=(', ', ': '))}` |"
        for name, overrides in WORLDS.items()
    ]
    out += [
        "",
        "`token_churn` is a fault profile, not a reading; `hostile` is every World reading that disagrees with",
        "the default at once (no faults, no actions clamp).",
    ]
    return out


def render() -> str:
    out = [
        "# HaloPSA simulator: coverage",
        "",
        "Generated by `python -m halo_simulator.coverage > halo_simulator/COVERAGE.md`; do not edit by hand.",
        "Behaviour follows `shared/reference/halopsa-api.md`; control plane: see `control.py`.",
        "",
        "## Endpoints",
        "",
        "| Method | Path | Area | Behaviour |",
        "| --- | --- | --- | --- |",
        *_route_rows(),
        "",
        "## Choices where the reference is uncertain",
        "",
        CHOICES.rstrip(),
        "",
        *_worlds(),
        "",
        "## Not modelled",
        "",
        *(f"- **{m}.py**: {_not_modelled(m)}" for m in MODULES if _not_modelled(m)),
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")
