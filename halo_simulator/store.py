"""Compact column storage for generated rows.

Large entities (tickets, actions, invoice lines, ...) keep one `array.array` per column so a million actions
cost tens of megabytes; full Halo row dicts are built only when served (render.py). Small entities keep the
prebuilt row in an object column named "doc". Row index = id - 1 for every table except actions.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any


class Table:
    """Columns by name; typecode "O" means a plain Python list (strings, dicts)."""

    def __init__(self, **spec: str) -> None:
        self.cols: dict[str, Any] = {n: ([] if tc == "O" else array(tc)) for n, tc in spec.items()}
        self._first = next(iter(self.cols.values()))

    def add(self, **values: Any) -> int:
        for name, col in self.cols.items():
            col.append(values.get(name, None if isinstance(col, list) else 0))
        return len(self._first) - 1

    def __len__(self) -> int:
        return len(self._first)

    def __getitem__(self, name: str) -> Any:
        return self.cols[name]


@dataclass
class Dataset:
    """Everything one tenant holds. Built by generator.generate(); mutated only by the backend."""

    seed: int
    # reference data: lists of finished Halo dicts (small)
    statuses: list[dict] = field(default_factory=list)
    ticket_types: list[dict] = field(default_factory=list)
    slas: list[dict] = field(default_factory=list)
    policies: list[dict] = field(default_factory=list)  # /Priority rows, one per priority per SLA
    teams: list[dict] = field(default_factory=list)
    agents: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    field_info: list[dict] = field(default_factory=list)
    lookups: list[dict] = field(default_factory=list)
    charge_rates: list[dict] = field(default_factory=list)
    asset_groups: list[dict] = field(default_factory=list)
    asset_types: list[dict] = field(default_factory=list)
    suppliers: Table = field(default_factory=lambda: Table(inactive="b", doc="O"))
    items: Table = field(default_factory=lambda: Table(inactive="b", doc="O"))
    # customers
    clients: Table = field(
        default_factory=lambda: Table(inactive="b", alastupdate="q", rev="H", name="O", doc="O")
    )
    sites: Table = field(
        default_factory=lambda: Table(
            client_id="i", inactive="b", slastupdate="q", datecreated="q", rev="H", name="O"
        )
    )
    users: Table = field(
        default_factory=lambda: Table(
            site_id="i", client_id="i", first="H", last="H", inactive="b", ulastupdate="q", datecreated="q",
            rev="H", linked_agent="h",
        )
    )  # fmt: skip
    contracts: Table = field(default_factory=lambda: Table(client_id="i", last_modified="q", doc="O"))
    assets: Table = field(
        default_factory=lambda: Table(
            client_id="i", site_id="i", user_id="i", assettype_id="h", inactive="b", dlastupdate="q",
            warranty_start="q", contract_id="i", rev="H",
        )
    )  # fmt: skip
    # service desk: the Halo FAULTS table holds tickets, project headers, tasks and opportunities
    faults: Table = field(
        default_factory=lambda: Table(
            kind="b", tickettype_id="b", client_id="i", site_id="i", user_id="i", agent_id="h", team_id="b",
            status_id="b", priority_id="b", sla_id="b", category="b", summary="H", dateoccurred="q",
            dateclosed="q", last_update="q", lastactiondate="q", parent_id="i", milestone_id="i",
            deleted="b", timetaken="f", action_count="H",
        )
    )  # fmt: skip
    actions: Table = field(
        default_factory=lambda: Table(
            ticket_id="i", num="H", datetime="q", last_updated="q", who_agent="h", outcome_id="b",
            note="H", minutes="H", new_status="b",
        )
    )  # fmt: skip
    # first generated action row and count per fault index; actions added later are in extra_actions
    action_start: array = field(default_factory=lambda: array("i"))
    extra_actions: dict[int, list[int]] = field(default_factory=dict)
    milestones: dict[int, list[dict]] = field(default_factory=dict)  # project id -> MileStone rows
    project_budget: dict[int, tuple[float, float, float]] = field(default_factory=dict)  # hrs, rate, money
    children: dict[int, list[int]] = field(default_factory=dict)  # project id -> task ids
    # indexes (id lists) built by the generator
    sites_by_client: dict[int, list[int]] = field(default_factory=dict)
    users_by_site: dict[int, list[int]] = field(default_factory=dict)
    contracts_by_client: dict[int, list[int]] = field(default_factory=dict)
    # finance
    invoices: Table = field(
        default_factory=lambda: Table(
            client_id="i", site_id="i", contract_id="i", invoice_date="q", last_modified="q",
            first_line="i", line_count="b", net="d", tax="d", paid="b", rev="H",
        )
    )  # fmt: skip
    invoice_lines: Table = field(
        default_factory=lambda: Table(ihid="i", item_id="h", qty="f", unit_price="d", ticket_id="i", date="q")
    )
    recurring_invoices: Table = field(default_factory=lambda: Table(client_id="i", doc="O"))
    quotes: Table = field(default_factory=lambda: Table(client_id="i", last_update_time="q", doc="O"))
    crm_notes: Table = field(default_factory=lambda: Table(client_id="i", doc="O"))
    appointments: Table = field(default_factory=lambda: Table(start="q", ticket_id="i", doc="O"))
    timesheet_events: Table = field(
        default_factory=lambda: Table(action_row="i", agent_id="h", start="q", minutes="H", event_type="b")
    )
