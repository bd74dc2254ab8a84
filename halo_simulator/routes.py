"""The one URL table (moto's urls.py + responses.py roles): regex -> thin handler.

Handlers parse nothing beyond what the request object already holds: they call the backend and wrap the
result in Halo's envelope. Paths are case-insensitive (`/api/tickets` == `/api/Tickets`); a trailing slash is
allowed. Each /api route names the permission area it needs (options.granted_areas).

Not modelled: writes (POST/DELETE on /api answer 405), every endpoint not listed in ROUTES (404).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import errors
from .backend import Page

if TYPE_CHECKING:
    from .server import HaloSimulator


@dataclass
class Request:
    sim: HaloSimulator
    method: str
    path: str
    params: dict[str, str]  # query parameters, lower-case names, last value wins
    form: dict[str, str]  # form-encoded body fields
    headers: dict[str, str]  # lower-case names
    groups: tuple = ()
    page_cap: int | None = None  # set by the "page_cap" fault


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(payload: object, status: int = 200) -> Response:
    return Response(status, json.dumps(payload, separators=(",", ":")).encode())


def envelope(page: Page, key: str) -> dict:
    out: dict = {}
    if page.page_no is not None:
        out["page_no"] = page.page_no
        out["page_size"] = page.page_size
    out["record_count"] = page.record_count
    out[key] = page.rows
    return out


# ------------------------------------------------------------------ handlers


def token(req: Request) -> Response:
    """POST /auth/token and /token: client-credentials grant; hosted mode needs ?tenant=."""
    return json_response(req.sim.tokens.request(req.params, req.form))


def authinfo(req: Request) -> Response:
    """GET /api/authinfo (unauthenticated): where the authorisation server is, and the tenant when hosted."""
    body = {"auth_url": f"{req.sim.url}/auth"}
    if req.sim.options.hosted:
        body["tenant_id"] = req.sim.options.tenant
    return json_response(body)


def paged(resource: str, key: str) -> Callable[[Request], Response]:
    def handler(req: Request) -> Response:
        return json_response(envelope(req.sim.backend.page(resource, req.params, req.page_cap), key))

    handler.__doc__ = f"Paginated list (pageinate/page_size/page_no, cap options.page_cap), key '{key}'."
    return handler


def bare(resource: str) -> Callable[[Request], Response]:
    def handler(req: Request) -> Response:
        return json_response(req.sim.backend.bare(resource, req.params))

    handler.__doc__ = "Bare JSON array; paging parameters are ignored (the same full array every time)."
    return handler


def one(resource: str) -> Callable[[Request], Response]:
    def handler(req: Request) -> Response:
        return json_response(req.sim.backend.get(resource, int(req.groups[0]), req.params))

    handler.__doc__ = "Single bare object; 404 for an unknown id."
    return handler


def actions(req: Request) -> Response:
    """Not paginated: ticket_id, or a startdate/enddate window (first `count`, max 1000); key 'actions'."""
    page = req.sim.backend.actions(req.params)
    body: dict = {}
    if "ticket_id" in req.params:
        body["ticket_id"] = int(req.params["ticket_id"]) if req.params["ticket_id"].isdigit() else None
    body["record_count"] = page.record_count
    body["actions"] = page.rows
    return json_response(body)


def crmnote(req: Request) -> Response:
    """options.world decides: bare array (default), {record_count, actions} or {record_count, notes};
    client_id optional (default) or required (empty without it)."""
    page = req.sim.backend.crm_notes(req.params)
    envelope_key = req.sim.options.world.crmnote_envelope
    if envelope_key == "bare":
        return json_response(page.rows)
    return json_response({"record_count": page.record_count, envelope_key: page.rows})


def agents(req: Request) -> Response:
    """Bare array; with pageinate=true the 2025 shape {record_count, results} with paging."""
    backend = req.sim.backend
    if req.params.get("pageinate", "").lower() == "true":
        page = backend.agents_paged(req.params)
        return json_response({"record_count": page.record_count, "results": page.rows})
    return json_response(backend.bare("agent", req.params))


# ------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    handler: Callable[[Request], Response]
    area: str | None  # None = no token needed


def _r(method: str, path: str, handler, area: str | None = "tickets") -> Route:
    return Route(method, re.compile(f"^{path}/?$", re.I), handler, area)


_PAGED = (
    # path segment, backend resource, list key, area
    ("Tickets", "tickets", "tickets", "tickets"),
    ("Projects", "projects", "tickets", "projects"),
    ("Opportunities", "opportunities", "tickets", "crm"),
    ("Client", "client", "clients", "customers"),
    ("Site", "site", "sites", "customers"),
    ("Users", "users", "users", "customers"),
    ("Supplier", "supplier", "suppliers", "customers"),
    ("Asset", "asset", "assets", "assets"),
    ("Invoice", "invoice", "invoices", "invoices"),
    ("RecurringInvoice", "recurringinvoice", "invoices", "invoices"),
    ("ClientContract", "clientcontract", "contracts", "invoices"),
    ("Item", "item", "items", "invoices"),
    ("Quotation", "quotation", "quotes", "invoices"),
    ("Appointment", "appointment", "appointments", "tickets"),
)
_BARE = (
    ("Team", "team", "tickets"),
    ("Status", "status", "tickets"),
    ("TicketType", "tickettype", "tickets"),
    ("Priority", "priority", "tickets"),
    ("SLA", "sla", "tickets"),
    ("Outcome", "outcome", "tickets"),
    ("Lookup", "lookup", "tickets"),
    ("FieldInfo", "fieldinfo", "assets"),
    ("AssetType", "assettype", "assets"),
    ("AssetGroup", "assetgroup", "assets"),
    ("ChargeRate", "chargerate", "invoices"),
    ("TimesheetEvent", "timesheetevent", "timesheets"),
)

ROUTES: list[Route] = [
    _r("POST", "/auth/token", token, None),
    _r("POST", "/token", token, None),
    _r("GET", "/api/authinfo", authinfo, None),
    _r("GET", "/api/Actions", actions, "tickets"),
    _r("GET", "/api/Agent", agents, "tickets"),
    _r("GET", r"/api/Agent/(\d+)", one("agent"), "tickets"),
    _r("GET", "/api/CRMNote", crmnote, "customers"),
]
for _seg, _res, _key, _area in _PAGED:
    ROUTES.append(_r("GET", f"/api/{_seg}", paged(_res, _key), _area))
    ROUTES.append(_r("GET", rf"/api/{_seg}/(\d+)", one(_res), _area))
for _seg, _res, _area in _BARE:
    ROUTES.append(_r("GET", f"/api/{_seg}", bare(_res), _area))
    if _res in ("team", "status", "tickettype", "sla", "outcome"):
        ROUTES.append(_r("GET", rf"/api/{_seg}/(\d+)", one(_res), _area))


def resolve(method: str, path: str) -> tuple[Route, tuple]:
    """The route for a request, or a Halo-shaped 404/405."""
    path_matched = False
    for route in ROUTES:
        m = route.pattern.match(path)
        if not m:
            continue
        if route.method == method:
            return route, m.groups()
        path_matched = True
    raise errors.method_not_allowed() if path_matched else errors.no_route()


def dispatch(req: Request) -> Response:
    try:
        route, req.groups = resolve(req.method, req.path)
        if route.area is not None:
            if not req.sim.tokens.valid(req.headers.get("authorization")):
                raise errors.unauthorized()
            if route.area not in req.sim.options.granted_areas:
                raise errors.forbidden()
        return route.handler(req)
    except errors.HaloError as e:
        return Response(e.status, e.body, e.content_type, e.headers)
