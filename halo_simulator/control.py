"""Control plane under /_sim/ (apart from Halo's /api, like moto's /moto-api/). Never rate-limited, faulted
or counted in stats.

GET    /_sim/health         {"status": "ok", tenant, scale, seed, now}
POST   /_sim/reset          regenerate the initial data (same seed), fault rules back to options.fault_rules
POST   /_sim/faults         JSON list of fault rules, replacing the current ones (see faults.py)
GET    /_sim/faults         current rules with their counters
DELETE /_sim/faults         remove every rule
POST   /_sim/mutate         {"update_tickets": n, "add_tickets": n, "add_actions": n, "delete_tickets": n,
                             "close_tickets": n, "update_projects": n, "update_opportunities": n,
                             "update_clients": n, "update_sites": n, "update_users": n, "update_assets": n,
                             "update_contracts": n, "update_invoices": n, "update_items": n,
                             "update_quotes": n, "seed": s} -> ids changed per kind
GET    /_sim/clock          {"now": <Halo datetime>, "offset_seconds": ...}
POST   /_sim/clock          {"advance_seconds": s}
GET    /_sim/stats          per "METHOD /path" counts, token requests, 429s served, request log
POST   /_sim/stats/reset    zero the stats
POST   /_sim/revoke_tokens  invalidate every issued token
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .clock import halo_dt
from .routes import Response, json_response

if TYPE_CHECKING:
    from .server import HaloSimulator


def handle(sim: HaloSimulator, method: str, path: str, body: bytes) -> Response:
    try:
        payload = json.loads(body) if body.strip() else None
    except ValueError:
        return json_response({"error": "body is not JSON"}, 400)
    key = (method, path.rstrip("/").lower())
    try:
        if key == ("GET", "/_sim/health"):
            o = sim.options
            return json_response(
                {"status": "ok", "tenant": o.tenant, "scale": o.scale, "seed": o.seed, "now": _now(sim)}
            )
        if key == ("POST", "/_sim/reset"):
            sim.reset()
            return json_response({"status": "reset"})
        if key == ("POST", "/_sim/faults"):
            sim.set_faults(payload or [])
            return json_response({"rules": sim.faults.describe()})
        if key == ("GET", "/_sim/faults"):
            return json_response({"rules": sim.faults.describe()})
        if key == ("DELETE", "/_sim/faults"):
            sim.clear_faults()
            return json_response({"rules": []})
        if key == ("POST", "/_sim/mutate"):
            return json_response(sim.mutate(payload or {}))
        if key == ("GET", "/_sim/clock"):
            return json_response({"now": _now(sim), "offset_seconds": sim.clock.offset_seconds})
        if key == ("POST", "/_sim/clock"):
            sim.advance_clock(float((payload or {}).get("advance_seconds", 0)))
            return json_response({"now": _now(sim), "offset_seconds": sim.clock.offset_seconds})
        if key == ("GET", "/_sim/stats"):
            return json_response(sim.stats())
        if key == ("POST", "/_sim/stats/reset"):
            sim.reset_stats()
            return json_response({"status": "reset"})
        if key == ("POST", "/_sim/revoke_tokens"):
            return json_response({"revoked": sim.revoke_tokens()})
    except (ValueError, TypeError) as e:
        return json_response({"error": str(e)}, 400)
    return json_response({"error": f"no control endpoint {method} {path}"}, 404)


def _now(sim: HaloSimulator) -> str:
    return halo_dt(sim.clock.now_us(), frac=True)
