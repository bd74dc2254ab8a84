"""TenantBackend: all data and every rule of one Halo tenant (moto's models.py role).

Routes hand it lower-cased query parameters; it filters, applies Halo's visibility defaults, orders, pages
and renders rows. Filtered id lists are cached per data version, so paging through 200k tickets costs one
scan, not one per page. All access goes through one re-entrant lock.

Answers over HTTP follow options.world (worlds.py). The ground truth for tests, `read_all(resource, params)`
and `count(resource, params)`, always reads in the default world `TRUTH`: what the tenant holds, every
row, custom fields and milestones included, whatever the world.

Not modelled: agent/team/department row-level visibility, `advanced_search`/`search`, `view_id`/column
profiles, `order2..order5`, `datesearch` columns other than `dateoccured`/`datecleared`, `/Actions` flags
(`excludesys`, `agentonly`, `conversationonly`, `excludeprivate`, ...; accepted and ignored), writes
(POST/DELETE on /api), and any field change that a real Halo makes as a side effect of an update.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from . import errors
from .clock import Clock, halo_dt, parse_param_date
from .generator import CLOSED_STATUSES, KIND_OPP, KIND_PROJECT, KIND_TASK, KIND_TICKET, generate
from .mutations import Mutator
from .options import SimulatorOptions
from .render import Renderer
from .store import Dataset
from .worlds import World

Params = dict[str, str]
ACTIONS_UNPAGED_CAP = 1000
DEFAULT_PAGE_SIZE = 50
FAR_FUTURE = 4_102_444_800 * 1_000_000  # 2100-01-01
TRUTH = World()  # the reading read_all() and count() use, whatever options.world says
CRM_LISTS = frozenset({"clients", "sites", "users", "assets"})  # tables behind /Client, /Site, /Users, /Asset


@dataclass
class Page:
    rows: list
    record_count: int
    page_no: int | None = None  # None = the request did not paginate
    page_size: int | None = None


@dataclass(frozen=True)
class Listing:
    """How one paginated resource filters: query parameter -> stored column."""

    table: str
    render: str
    eq: dict[str, str] = field(default_factory=dict)
    active: str | None = None  # 1 = inactive; hidden unless includeinactive=true
    lastupdate: str | None = None  # column compared with lastupdatefromdate/lastupdatetodate
    window: str | None = None  # column compared with start_date/end_date
    order: dict[str, str] = field(default_factory=dict)


FAULT_ORDER = {
    "id": "", "last_update": "last_update", "lastupdate": "last_update", "dateoccurred": "dateoccurred",
    "dateoccured": "dateoccurred", "datecreated": "dateoccurred", "dateclosed": "dateclosed",
    "datecleared": "dateclosed", "lastactiondate": "lastactiondate", "client_id": "client_id",
    "agent_id": "agent_id", "status_id": "status_id", "priority_id": "priority_id",
}  # fmt: skip
FAULT_EQ = {
    "client_id": "client_id", "site_id": "site_id", "user_id": "user_id", "agent_id": "agent_id",
    "agent": "agent_id", "parent_id": "parent_id", "status_id": "status_id", "status": "status_id",
    "requesttype_id": "tickettype_id", "requesttype": "tickettype_id", "tickettype_id": "tickettype_id",
    "priority": "priority_id", "sla": "sla_id", "milestone_id": "milestone_id", "team_id": "team_id",
}  # fmt: skip

LISTINGS: dict[str, Listing] = {
    "tickets": Listing("faults", "ticket", FAULT_EQ, lastupdate="last_update", order=FAULT_ORDER),
    "projects": Listing("faults", "ticket", FAULT_EQ, lastupdate="last_update", order=FAULT_ORDER),
    "opportunities": Listing("faults", "ticket", FAULT_EQ, lastupdate="last_update", order=FAULT_ORDER),
    "client": Listing("clients", "client", {}, "inactive", "alastupdate", order={"id": "", "name": "name"}),
    "site": Listing(
        "sites",
        "site",
        {"client_id": "client_id"},
        "inactive",
        "slastupdate",
        order={"id": "", "name": "name"},
    ),
    "users": Listing(
        "users",
        "user",
        {"client_id": "client_id", "site_id": "site_id"},
        "inactive",
        "ulastupdate",
        order={"id": ""},
    ),
    "asset": Listing(
        "assets",
        "asset",
        {
            "client_id": "client_id",
            "site_id": "site_id",
            "user_id": "user_id",
            "assettype_id": "assettype_id",
            "contract_id": "contract_id",
        },
        "inactive",
        "dlastupdate",
        order={"id": ""},
    ),  # fmt: skip
    "invoice": Listing(
        "invoices",
        "invoice",
        {"client_id": "client_id", "site_id": "site_id", "contract_id": "contract_id"},
        order={"id": "", "invoice_date": "invoice_date", "last_modified": "last_modified"},
    ),  # fmt: skip
    "recurringinvoice": Listing(
        "recurring_invoices", "recurring_invoice", {"client_id": "client_id"}, order={"id": ""}
    ),
    "clientcontract": Listing(
        "contracts",
        "contract",
        {"client_id": "client_id"},
        order={"id": "", "last_modified": "last_modified"},
    ),
    "item": Listing("items", "item", {}, "inactive", order={"id": ""}),
    "quotation": Listing(
        "quotes",
        "quote",
        {"client_id": "client_id"},
        order={"id": "", "last_update_time": "last_update_time"},
    ),
    "appointment": Listing(
        "appointments",
        "appointment",
        {"ticket_id": "ticket_id"},
        window="start",
        order={"id": "", "start_date": "start"},
    ),  # fmt: skip
    "supplier": Listing("suppliers", "supplier", {}, "inactive", order={"id": ""}),
}


# ------------------------------------------------------------------ parameter parsing


def p_bool(params: Params, name: str, default: bool = False) -> bool:
    v = params.get(name)
    if v is None or v == "":
        return default
    low = v.lower()
    if low in ("true", "1", "yes"):
        return True
    if low in ("false", "0", "no"):
        return False
    raise errors.bad_param(name, v)


def p_int(params: Params, name: str) -> int | None:
    v = params.get(name)
    if v is None or v == "":
        return None
    try:
        return int(float(v)) if "." in v else int(v)
    except ValueError:
        raise errors.bad_param(name, v) from None


def p_ints(params: Params, name: str) -> set[int] | None:
    v = params.get(name)
    if v is None or v == "":
        return None
    try:
        return {int(float(x)) for x in v.split(",") if x.strip()}
    except ValueError:
        raise errors.bad_param(name, v) from None


def p_date(params: Params, name: str) -> int | None:
    v = params.get(name)
    if v is None or v == "":
        return None
    try:
        return parse_param_date(v)
    except ValueError:
        raise errors.bad_date(v) from None


def p_int_list(params: Params, name: str) -> set[int] | None:
    """A comma list of ints; tokens that are not numbers are skipped (Halo ignores what it cannot read)."""
    v = params.get(name)
    if v is None or v == "":
        return None
    out = set()
    for x in v.split(","):
        try:
            out.add(int(float(x)))
        except ValueError:
            continue
    return out


def include_projects(params: Params) -> set[int]:
    """/Tickets `includeprojects` as the 2024 swagger documents it: 0 = neither, 1 = opportunities,
    2 = projects. Absent or `false` = {0}; `true` = {0, 2} (the simulator's original meaning)."""
    v = params.get("includeprojects", "").strip().lower()
    if v in ("", "false", "no"):
        return {0}
    if v in ("true", "yes"):
        return {0, 2}
    return p_int_list(params, "includeprojects") or {0}


class TenantBackend:
    """One tenant's data and rules. Ground truth for tests: `read_all(resource, params)`, `count(...)`."""

    def __init__(self, options: SimulatorOptions, clock: Clock | None = None) -> None:
        self.options = options
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self._load()

    def _load(self) -> None:
        self.ds: Dataset = generate(self.options.seed, self.options.resolved_counts())
        self.render = Renderer(self.ds)
        self.version = 0
        self._cache: dict[tuple, object] = {}
        self._cache_version = 0
        self._build_action_index()
        self.mutator = Mutator(self)

    def reset(self) -> None:
        """Regenerate the initial data (same seed, same rows)."""
        with self.lock:
            self._load()

    def bump(self) -> None:
        self.version += 1

    def _cached(self, key: tuple, compute: Callable[[], object]) -> object:
        if self._cache_version != self.version or len(self._cache) > 256:
            self._cache.clear()
            self._cache_version = self.version
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # ------------------------------------------------------------------ paginated listings

    def page(
        self, resource: str, params: Params, page_cap: int | None = None, world: World | None = None
    ) -> Page:
        """Filtered, ordered, paged rows of a paginated resource (key as in LISTINGS), as options.world
        answers over HTTP (or as `world` does)."""
        w = self.options.world if world is None else world
        with self.lock:
            spec = LISTINGS[resource]
            ids = self._select(resource, spec, params, w)
            render = self._row_renderer(resource, spec, params, w)
            return self._paginate(resource, ids, params, render, page_cap, w)

    def _paginate(
        self, resource: str, ids: list[int], params: Params, render, page_cap: int | None, world: World
    ) -> Page:
        total = len(ids)
        if p_bool(params, "pageinate"):
            requested = p_int(params, "page_size") or DEFAULT_PAGE_SIZE
            if resource in world.page_size_ignored:  # 50 a page whatever was asked; the request is echoed
                size, reported = DEFAULT_PAGE_SIZE, requested
            else:
                size = max(1, min(requested, self.options.page_cap))
                reported = size
            if page_cap is not None:  # "page_cap" fault: fewer rows than the envelope claims
                size, reported = max(1, min(size, page_cap)), requested
            page_no = max(1, p_int(params, "page_no") or 1)
            chunk = ids[(page_no - 1) * size : page_no * size]
            return Page([render(i) for i in chunk], total, page_no, reported)
        limit = self._unpaged_limit(params, world, self.options.unpaged_default_count)
        rows = [render(i) for i in ids[:limit]]
        return Page(rows, self._unpaged_record_count(total, rows, world))

    def _unpaged_limit(self, params: Params, world: World, default: int | None) -> int | None:
        """Rows an unpaged answer may hold: `count` (else `default`; None = all), or 50 when count is ignored."""
        if world.unpaged_count == "ignored":
            return self.options.unpaged_default_count
        count = p_int(params, "count")
        return default if count is None else max(0, count)

    @staticmethod
    def _unpaged_record_count(total: int, rows: list, world: World) -> int:
        return len(rows) if world.unpaged_record_count == "short" else total

    def _row_renderer(self, resource: str, spec: Listing, params: Params, world: World = TRUTH):
        if p_bool(params, "idonly") or p_bool(params, "ticketidonly"):
            return lambda i: {"id": i + 1}
        method = getattr(self.render, spec.render)
        if resource in ("invoice", "recurringinvoice", "quotation"):
            lines = p_bool(params, "includelines")
            return lambda i: method(i, lines=lines)
        if spec.table == "faults":
            deleted = p_bool(params, "deleted")
            wanted = p_int_list(params, "include_custom_fields")
            no_cf = world.list_custom_fields == "ignored"
            no_milestones = world.project_list_milestones != "present"
            if not (deleted or no_cf or no_milestones or wanted is not None):
                return method

            def fault_row(i: int) -> dict:
                row = method(i)
                if deleted:
                    row["deleted"] = True
                if no_cf:
                    row["customfields"] = []
                elif wanted is not None:
                    row["customfields"] = [c for c in row["customfields"] if c["id"] in wanted]
                if no_milestones and "milestones" in row:  # project rows only
                    row.pop("milestones")
                    if world.project_list_milestones in ("null", "empty"):
                        row["milestones"] = None if world.project_list_milestones == "null" else []
                return row

            return fault_row
        if spec.lastupdate and world.crm_list_lastupdate == "present":
            col = getattr(self.ds, spec.table)[spec.lastupdate]
            return lambda i: {**method(i), spec.lastupdate: halo_dt(col[i], frac=True)}
        return method

    def _select(self, resource: str, spec: Listing, params: Params, world: World = TRUTH) -> list[int]:
        relevant = tuple(
            sorted((k, v) for k, v in params.items() if k not in ("page_no", "page_size", "count"))
        )
        return self._cached(
            (resource, relevant, world), lambda: self._compute_select(resource, spec, params, world)
        )  # type: ignore[return-value]

    def _compute_select(self, resource: str, spec: Listing, params: Params, world: World) -> list[int]:
        table = getattr(self.ds, spec.table)
        cols = table.cols
        ids: list[int] = list(range(len(table)))
        if spec.table == "faults":
            ids = self._fault_scope(resource, ids, params, world)
        for param, col in spec.eq.items():
            wanted = p_ints(params, param)
            if wanted is not None:
                c = cols[col]
                ids = [i for i in ids if c[i] in wanted]
        if spec.active:
            inc_inactive = p_bool(params, "includeinactive")
            inc_active = p_bool(params, "includeactive", True)
            if not (inc_inactive and inc_active):
                c = cols[spec.active]
                ids = [i for i in ids if (inc_inactive if c[i] else inc_active)]
        if spec.lastupdate and not (spec.table in CRM_LISTS and world.crm_list_change_filter == "ignored"):
            ids = self._range(ids, cols[spec.lastupdate], params, "lastupdatefromdate", "lastupdatetodate")
        if spec.window:
            ids = self._range(ids, cols[spec.window], params, "start_date", "end_date")
        if world.order == "ignored":
            return ids  # by id
        order = params.get("order", "").lower()
        col_name = spec.order.get(order)
        desc = p_bool(params, "orderdesc")
        if col_name:
            c = cols[col_name]
            ids.sort(key=c.__getitem__, reverse=desc)
        elif desc:
            ids.reverse()
        return ids

    @staticmethod
    def _range(ids: list[int], col, params: Params, lo_name: str, hi_name: str) -> list[int]:
        lo, hi = p_date(params, lo_name), p_date(params, hi_name)
        if lo is not None:
            ids = [i for i in ids if col[i] >= lo]
        if hi is not None:
            ids = [i for i in ids if col[i] <= hi]
        return ids

    def _fault_scope(self, resource: str, ids: list[int], params: Params, world: World) -> list[int]:
        """Which rows of the FAULTS table an endpoint can see, before the generic filters.

        /Tickets: tickets and project tasks (project headers too with includeprojects=true); in the world
        project_tasks_in_tickets="includeprojects", the swagger's includeprojects list decides (see
        include_projects). /Projects: project headers; /Opportunities: opportunities. deleted=true returns
        only deleted rows. With world.includechildren="honoured", `includechildren` keeps the listed family
        kinds (0 = neither parent nor child, 1 = parent, 2 = child).
        """
        f = self.ds.faults.cols
        if resource == "tickets" and world.project_tasks_in_tickets == "includeprojects":
            wanted = include_projects(params)
            kinds = (
                ({KIND_TICKET} if 0 in wanted else set())
                | ({KIND_OPP} if 1 in wanted else set())
                | ({KIND_PROJECT, KIND_TASK} if 2 in wanted else set())
            )
        elif resource == "tickets":
            kinds = {KIND_TICKET, KIND_TASK} | (
                {KIND_PROJECT} if p_bool(params, "includeprojects") else set()
            )
        elif resource == "projects":
            kinds = {KIND_PROJECT}
        else:
            kinds = {KIND_OPP}
        kind, deleted = f["kind"], f["deleted"]
        want_deleted = 1 if p_bool(params, "deleted") else 0
        listed = p_ints(params, "ticketids") if world.ticketids != "ignored" else None
        if listed is not None and world.ticketids == "any_kind":
            kinds = {KIND_TICKET, KIND_TASK, KIND_PROJECT, KIND_OPP}
        ids = [i for i in ids if kind[i] in kinds and deleted[i] == want_deleted]
        if listed is not None:
            ids = [i for i in ids if i + 1 in listed]  # a fault's id is its row number + 1
        family = p_int_list(params, "includechildren") if world.includechildren == "honoured" else None
        if family:
            parent, parents = f["parent_id"], self._parent_ids()
            ids = [i for i in ids if (2 if parent[i] else 1 if i + 1 in parents else 0) in family]
        status = f["status_id"]
        if p_bool(params, "open_only"):
            ids = [i for i in ids if status[i] not in CLOSED_STATUSES]
        if p_bool(params, "closed_only"):
            ids = [i for i in ids if status[i] in CLOSED_STATUSES]
        datesearch = params.get("datesearch", "").lower()
        if datesearch in ("dateoccured", "dateoccurred", "datecleared", "dateclosed"):
            col = f["dateclosed"] if datesearch in ("datecleared", "dateclosed") else f["dateoccurred"]
            ids = [i for i in ids if col[i]]
            ids = self._range(ids, col, params, "startdate", "enddate")
        return ids

    def _parent_ids(self) -> set[int]:
        """Ids of the faults some other fault names as its parent (the `includechildren` 1 = has children)."""
        parent = self.ds.faults.cols["parent_id"]
        return {parent[i] for i in range(len(self.ds.faults)) if parent[i]}

    def get(self, resource: str, ident: int, params: Params) -> dict:
        """A single bare object, as `GET /api/<Resource>/<id>` returns it; 404 for unknown ids."""
        with self.lock:
            spec = LISTINGS.get(resource)
            if spec is None:
                return self._get_reference(resource, ident)
            table = getattr(self.ds, spec.table)
            i = ident - 1
            if not 0 <= i < len(table):
                raise errors.record_not_found()
            method = getattr(self.render, spec.render)
            if spec.table == "faults":
                return method(i, full=True)
            if resource in ("invoice", "recurringinvoice", "quotation"):
                return method(i, lines=True)
            if resource in ("client", "site", "users", "asset"):
                return method(i, full=True)
            return method(i)

    def _get_reference(self, resource: str, ident: int) -> dict:
        rows = self.bare(resource, {"includedisabled": "true", "includeunassigned": "true", "includeapiagents": "true",
                                    "showinactive": "true", "showpriorities": "true", "showhidden": "true"})  # fmt: skip
        for row in rows:
            if row.get("id") == ident:
                return row
        raise errors.record_not_found()

    # ------------------------------------------------------------------ bare-array resources

    def bare(self, resource: str, params: Params) -> list[dict]:
        """Bare JSON arrays. Paging parameters (and `count`) are ignored: the full array every time."""
        with self.lock:
            return getattr(self, f"_bare_{resource}")(params)

    def _bare_status(self, params: Params) -> list[dict]:
        counts = self._ticket_counts()["status"]
        rows = [{**s, "ticket_count": counts.get(s["id"], 0)} for s in self.ds.statuses]
        if p_bool(params, "excludeclosed"):
            rows = [r for r in rows if r["id"] not in CLOSED_STATUSES]
        return rows

    def _bare_tickettype(self, params: Params) -> list[dict]:
        counts = self._ticket_counts()["tickettype"]
        show_inactive = p_bool(params, "showinactive")
        return [
            {**t, "ticket_count": counts.get(t["id"], 0)}
            for t in self.ds.ticket_types
            if t["active"] or show_inactive
        ]

    def _bare_team(self, params: Params) -> list[dict]:
        counts = self._ticket_counts()["team"]
        inc_disabled, inc_enabled = p_bool(params, "includedisabled"), p_bool(params, "includeenabled", True)
        return [
            self.render.team_row(t, counts.get(t["id"], 0))
            for t in self.ds.teams
            if (inc_disabled if t["inactive"] else inc_enabled)
        ]

    def _bare_agent(self, params: Params) -> list[dict]:
        inc_disabled, inc_enabled = p_bool(params, "includedisabled"), p_bool(params, "includeenabled", True)
        unassigned, api = p_bool(params, "includeunassigned"), p_bool(params, "includeapiagents")
        rows = []
        for a in self.ds.agents:
            if a["id"] == 1 and not unassigned:
                continue
            if a["isapiagent"] and not api:
                continue
            if not (inc_disabled if a["isdisabled"] else inc_enabled):
                continue
            rows.append(self.render.agent_row(a))
        return rows

    def agents_paged(self, params: Params, world: World | None = None) -> Page:
        """/Agent?pageinate=true (2025 swagger): {record_count, results} paged like the other lists."""
        w = self.options.world if world is None else world
        with self.lock:
            rows = self._bare_agent(params)
            return self._paginate("agent", list(range(len(rows))), params, rows.__getitem__, None, w)

    def _bare_priority(self, params: Params) -> list[dict]:
        slaids = p_ints(params, "slaid")
        return [dict(p) for p in self.ds.policies if slaids is None or p["slaid"] in slaids]

    def _bare_sla(self, params: Params) -> list[dict]:
        show = p_bool(params, "showpriorities")
        rows = []
        for s in self.ds.slas:
            row = dict(s)
            if show:
                row["priorities"] = [dict(p) for p in self.ds.policies if p["slaid"] == s["id"]]
            rows.append(row)
        return rows

    def _bare_fieldinfo(self, params: Params) -> list[dict]:
        return [dict(d) for d in self.ds.field_info]

    def _bare_assettype(self, params: Params) -> list[dict]:
        groups = p_ints(params, "assetgroup_id")
        return [dict(t) for t in self.ds.asset_types if groups is None or t["assetgroup_id"] in groups]

    def _bare_assetgroup(self, params: Params) -> list[dict]:
        return [dict(g) for g in self.ds.asset_groups]

    def _bare_outcome(self, params: Params) -> list[dict]:
        show_hidden = p_bool(params, "showhidden")
        return [dict(o) for o in self.ds.outcomes if show_hidden or not o["hidden"]]

    def _bare_lookup(self, params: Params) -> list[dict]:
        ids = p_ints(params, "lookupid")
        return [dict(r) for r in self.ds.lookups if ids is None or r["lookupid"] in ids]

    def _bare_chargerate(self, params: Params) -> list[dict]:
        clients, contracts = p_ints(params, "client_id"), p_ints(params, "contract_id")
        global_only = p_bool(params, "globalonly")
        rows = []
        for r in self.ds.charge_rates:
            if clients is not None and r["area"] not in clients:
                continue
            if contracts is not None and r["contract_id"] not in contracts:
                continue
            if global_only and r["area"]:
                continue
            rows.append(self.render.charge_rate(r))
        return rows

    def _bare_crmnote(self, params: Params) -> list[dict]:
        clients = p_ints(params, "client_id")
        col = self.ds.crm_notes["client_id"]
        return [self.render.crm_note(i) for i in range(len(col)) if clients is None or col[i] in clients]

    def crm_notes(self, params: Params, world: World | None = None) -> Page:
        """/CRMNote as the world answers it (the route picks the envelope from world.crmnote_envelope).

        Without client_id: every note, or none when world.crmnote_client_id == "required". Rows: bare
        envelope → all (count ignored like every bare array) unless world.unpaged_count == "ignored" (50);
        other envelopes → the unpaged rules (count, default 50; 50 when count is ignored).
        """
        w = self.options.world if world is None else world
        with self.lock:
            if w.crmnote_client_id == "required" and p_ints(params, "client_id") is None:
                return Page([], 0)
            rows = self._bare_crmnote(params)
            if w.crmnote_envelope == "bare" and w.unpaged_count == "honoured":
                limit = None
            else:
                limit = self._unpaged_limit(params, w, self.options.unpaged_default_count)
            shown = rows if limit is None else rows[:limit]
            return Page(shown, self._unpaged_record_count(len(rows), shown, w))

    def _bare_timesheetevent(self, params: Params) -> list[dict]:
        t = self.ds.timesheet_events.cols
        ids = self._range(
            list(range(len(self.ds.timesheet_events))), t["start"], params, "start_date", "end_date"
        )
        agents = p_ints(params, "agent_id") or p_ints(params, "agents")
        if agents is not None:
            ids = [i for i in ids if t["agent_id"][i] in agents]
        return [self.render.timesheet_event(i) for i in ids]

    def _ticket_counts(self) -> dict[str, dict[int, int]]:
        """ticket_count on statuses (all non-deleted), teams and ticket types (open, non-deleted)."""

        def compute() -> dict[str, dict[int, int]]:
            f = self.ds.faults.cols
            out: dict[str, dict[int, int]] = {"status": {}, "team": {}, "tickettype": {}}
            st, tm, tt, dl = f["status_id"], f["team_id"], f["tickettype_id"], f["deleted"]
            for i in range(len(self.ds.faults)):
                if dl[i]:
                    continue
                s = st[i]
                out["status"][s] = out["status"].get(s, 0) + 1
                if s not in CLOSED_STATUSES:
                    out["team"][tm[i]] = out["team"].get(tm[i], 0) + 1
                    out["tickettype"][tt[i]] = out["tickettype"].get(tt[i], 0) + 1
            return out

        return self._cached(("ticket_counts",), compute)  # type: ignore[return-value]

    # ------------------------------------------------------------------ actions

    def _build_action_index(self) -> None:
        """Action rows sorted by (datetime, ticket_id, id): a stable sort on datetime does it, because
        generated rows are laid out by ticket id and action number."""
        dt = self.ds.actions["datetime"]
        order = sorted(range(len(dt)), key=dt.__getitem__)
        self.act_order = array("i", order)
        self.act_dt = array("q", (dt[j] for j in order))

    def index_action(self, j: int) -> None:
        a = self.ds.actions.cols
        key = (a["datetime"][j], a["ticket_id"][j], a["num"][j])
        pos = bisect_right(self.act_dt, key[0])
        while pos > 0:
            k = self.act_order[pos - 1]
            if (a["datetime"][k], a["ticket_id"][k], a["num"][k]) <= key:
                break
            pos -= 1
        self.act_order.insert(pos, j)
        self.act_dt.insert(pos, key[0])

    def ticket_action_rows(self, tid: int) -> list[int]:
        i = tid - 1
        start, n = self.ds.action_start[i], self.ds.faults["action_count"][i]
        return list(range(start, start + n)) + self.ds.extra_actions.get(tid, [])

    def actions(self, params: Params, uncapped: bool = False, world: World | None = None) -> Page:
        """/Actions is not paginated. ticket_id → that ticket's actions (all of them unless `count` is given);
        otherwise a startdate/enddate window on `datetime` (inclusive) is required, else nothing is returned.
        Window results: the first `count` (default unpaged_default_count, at most 1000) ordered by
        datetime, ticket_id, id (reversed with orderdesc=true); record_count = all matches. Actions of deleted
        tickets are never returned. options.actions_max_window_days limits a window ("error", "empty", or
        "clamp": only its first max_days from startdate). Worlds: count ignored → at most 50 rows (ticket_id
        too); record_count short → the rows returned; order ignored → orderdesc ignored.
        `uncapped` is the ground truth: every match, no window limit, no count, world TRUTH.
        """
        w = TRUTH if uncapped else (self.options.world if world is None else world)
        with self.lock:
            by_ticket = p_int(params, "ticket_id") is not None
            rows = self._action_rows(params, uncapped)
            if p_bool(params, "orderdesc") and w.order != "ignored":  # newest first; `order` is ignored
                rows = rows[::-1]
            if uncapped:
                limit = None
            elif by_ticket:
                limit = self._unpaged_limit(params, w, None)
            else:
                limit = min(self._unpaged_limit(params, w, self.options.unpaged_default_count) or 0,
                            ACTIONS_UNPAGED_CAP)  # fmt: skip
            shown = [self.render.action(j) for j in rows[:limit]]
            return Page(shown, self._unpaged_record_count(len(rows), shown, w))

    def _action_rows(self, params: Params, uncapped: bool) -> list[int]:
        """Row indexes of the matching actions in datetime, ticket_id, id order (ticket_id: by id)."""
        tid = p_int(params, "ticket_id")
        start, end = p_date(params, "startdate"), p_date(params, "enddate")
        if tid is not None:
            if not 0 < tid <= len(self.ds.faults) or self.ds.faults["deleted"][tid - 1]:
                return []
            rows = self.ticket_action_rows(tid)
            dt = self.ds.actions["datetime"]
            if start is not None:
                rows = [j for j in rows if dt[j] >= start]
            if end is not None:
                rows = [j for j in rows if dt[j] <= end]
            return rows
        if start is None and end is None:
            return []
        lo, hi = start if start is not None else 0, end if end is not None else FAR_FUTURE
        max_days = self.options.actions_max_window_days
        if max_days is not None and not uncapped and hi - lo > max_days * 86_400_000_000:
            mode = self.options.actions_window_violation
            if mode == "error":
                raise errors.actions_window_too_long(max_days)
            if mode == "empty":
                return []
            hi = lo + int(max_days * 86_400_000_000)
        return self._cached(("actions", lo, hi), lambda: self._action_window(lo, hi))  # type: ignore[return-value]

    def _action_window(self, lo: int, hi: int) -> list[int]:
        a_tid = self.ds.actions["ticket_id"]
        deleted = self.ds.faults["deleted"]
        cand = self.act_order[bisect_left(self.act_dt, lo) : bisect_right(self.act_dt, hi)]
        return [j for j in cand if not deleted[a_tid[j] - 1]]

    # ------------------------------------------------------------------ mutations

    def mutate(self, spec: dict) -> dict:
        """Deterministic changes stamped with the simulator clock; see mutations.Mutator."""
        with self.lock:
            result = self.mutator.apply(spec)
            self.bump()
            return result

    # ------------------------------------------------------------------ public read API for tests

    def read_all(self, resource: str, params: Params | None = None) -> list[dict]:
        """Ground truth: every row a resource holds for these parameters, in the default world TRUTH.

        `resource` is a LISTINGS key, "actions", or a bare resource ("status", "crmnote", ...); `params`
        are Halo's query parameters. Paging, `count`, the actions window limit and options.world are
        ignored, so custom fields, milestones and every note are there whatever the world serves.
        """
        params = dict(params or {})
        with self.lock:
            if resource == "actions":
                return self.actions(params, uncapped=True).rows
            if resource in LISTINGS:
                spec = LISTINGS[resource]
                render = self._row_renderer(resource, spec, params, TRUTH)
                return [render(i) for i in self._select(resource, spec, params, TRUTH)]
            return self.bare(resource, params)

    def count(self, resource: str, params: Params | None = None) -> int:
        """len(read_all(resource, params)) without rendering a row (cheap at large scales)."""
        params = dict(params or {})
        with self.lock:
            if resource == "actions":
                return len(self._action_rows(params, uncapped=True))
            if resource in LISTINGS:
                return len(self._select(resource, LISTINGS[resource], params, TRUTH))
            return len(self.bare(resource, params))
