"""The one options object the simulator is built from (fake-gcs-server style: one struct, no positional knobs)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .worlds import World

ALL_AREAS = frozenset(
    {"tickets", "customers", "assets", "projects", "invoices", "timesheets", "crm", "reporting"}
)

# Row counts per scale. "tickets" counts every row of the ticket table that /Tickets can return (incidents,
# requests, project tasks, deleted ones); projects and opportunities are extra rows of the same table.
SCALES: dict[str, dict[str, int]] = {
    "tiny": {
        "tickets": 300, "actions": 1200, "projects": 6, "opportunities": 15, "clients": 12, "sites": 20,
        "users": 90, "agents": 8, "teams": 4, "assets": 120, "contracts": 14, "invoices": 150, "items": 25,
        "quotes": 30, "suppliers": 5, "crm_notes": 36, "appointments": 60, "timesheet_events": 200,
    },
    "small": {
        "tickets": 3000, "actions": 13500, "projects": 30, "opportunities": 120, "clients": 60, "sites": 110,
        "users": 600, "agents": 20, "teams": 6, "assets": 1200, "contracts": 75, "invoices": 1500, "items": 60,
        "quotes": 250, "suppliers": 12, "crm_notes": 240, "appointments": 450, "timesheet_events": 1800,
    },
    "demo": {
        "tickets": 20000, "actions": 100000, "projects": 150, "opportunities": 600, "clients": 250, "sites": 450,
        "users": 2500, "agents": 45, "teams": 8, "assets": 5000, "contracts": 320, "invoices": 8000, "items": 150,
        "quotes": 1200, "suppliers": 20, "crm_notes": 1000, "appointments": 2500, "timesheet_events": 12000,
    },
    "large": {
        "tickets": 200000, "actions": 1000000, "projects": 1200, "opportunities": 4000, "clients": 1500,
        "sites": 2700, "users": 15000, "agents": 150, "teams": 12, "assets": 30000, "contracts": 1900,
        "invoices": 40000, "items": 400, "quotes": 3000, "suppliers": 40, "crm_notes": 6000,
        "appointments": 20000, "timesheet_events": 100000,
    },
}  # fmt: skip


def _derived(tenant: str, seed: int, salt: str, length: int) -> str:
    return hashlib.sha256(f"{tenant}:{seed}:{salt}".encode()).hexdigest()[:length]


@dataclass
class SimulatorOptions:
    """Everything a simulator instance is built from. Defaults give a hosted tenant "acme" at tiny scale."""

    seed: int = 42
    scale: str = "tiny"
    counts: dict[str, int] | None = None  # overrides single entries of SCALES[scale]
    tenant: str = "acme"
    hosted: bool = True  # hosted Halo needs ?tenant= on the token request; on-prem has no tenant
    client_id: str = ""  # "" = deterministic default derived from tenant and seed (GUID shaped, as in Halo)
    client_secret: str = ""
    granted_areas: frozenset[str] = field(default_factory=lambda: ALL_AREAS)
    token_ttl_seconds: int = 3600
    rate_limit: tuple[int, float] | None = None  # (requests, window_seconds); Halo hosted: (300, 300)
    page_cap: int = 100
    unpaged_default_count: int = 50
    actions_max_window_days: float | None = None
    actions_window_violation: str = "error"  # "error" | "empty" | "clamp"
    wrong_tenant_status: int = 500
    port: int = 0
    # Readings of uncertain facts (worlds.py); a dict of World fields is accepted too.
    world: World = field(default_factory=World)
    # Fault rules (faults.py) active from the start and restored by reset().
    fault_rules: tuple[dict, ...] = ()

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {sorted(SCALES)}, got {self.scale!r}")
        if self.actions_window_violation not in ("error", "empty", "clamp"):
            raise ValueError("actions_window_violation must be 'error', 'empty' or 'clamp'")
        unknown = set(self.counts or {}) - set(SCALES["tiny"])
        if unknown:
            raise ValueError(f"unknown count keys: {sorted(unknown)}")
        if not self.client_id:
            h = _derived(self.tenant, self.seed, "client_id", 32)
            self.client_id = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        if not self.client_secret:
            self.client_secret = _derived(self.tenant, self.seed, "client_secret", 64)
        self.granted_areas = frozenset(self.granted_areas)
        self.world = World.of(self.world)
        self.fault_rules = tuple(dict(r) for r in self.fault_rules or ())

    def resolved_counts(self) -> dict[str, int]:
        return {**SCALES[self.scale], **(self.counts or {})}
