"""Deterministic changes to a tenant, stamped with the simulator clock (control plane POST /_sim/mutate).

Each change gets its own strictly increasing stamp from Clock.stamp(). Fields serialised without a fraction
(ticket `dateoccurred`, action `datetime`) are stored at whole seconds so a client never sees a value that
differs from the one the filters compare. Picks come from `random.Random(seed)`, where seed defaults to
options.seed * 1000 + the number of earlier mutate calls, so a replayed sequence of calls gives the same data.

Not modelled: changes to names/links of existing rows (only a status, a note or a revision counter changes),
custom-field edits, deletions of anything but tickets, undeletes.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .clock import US
from .generator import CLOSED_STATUSES, KIND_OPP, KIND_PROJECT, KIND_TASK, KIND_TICKET

if TYPE_CHECKING:
    from .backend import TenantBackend

KINDS = {
    "update_tickets", "add_tickets", "add_actions", "delete_tickets", "close_tickets", "update_projects",
    "update_opportunities", "update_clients", "update_sites", "update_users", "update_assets",
    "update_contracts", "update_invoices", "update_items", "update_quotes",
}  # fmt: skip


class Mutator:
    def __init__(self, backend: TenantBackend) -> None:
        self.backend = backend
        self.calls = 0

    def apply(self, spec: dict) -> dict:
        unknown = set(spec) - KINDS - {"seed"}
        if unknown:
            raise ValueError(f"unknown mutation keys: {sorted(unknown)}; known: {sorted(KINDS)}")
        seed = spec.get("seed", self.backend.options.seed * 1000 + self.calls)
        self.calls += 1
        rng = random.Random(seed)
        result: dict[str, list[int]] = {}
        for kind in sorted(KINDS):  # fixed order: same spec, same result
            n = int(spec.get(kind, 0) or 0)
            if n > 0:
                result[kind] = getattr(self, kind)(rng, n)
        return result

    # ------------------------------------------------------------ helpers

    @property
    def ds(self):
        return self.backend.ds

    def _stamp(self) -> int:
        return self.backend.clock.stamp()

    def _pool(self, kinds: set[int], open_only: bool = False) -> list[int]:
        f = self.ds.faults.cols
        kind, deleted, status = f["kind"], f["deleted"], f["status_id"]
        return [
            i
            for i in range(len(self.ds.faults))
            if kind[i] in kinds and not deleted[i] and not (open_only and status[i] in CLOSED_STATUSES)
        ]

    def _pick_faults(self, rng: random.Random, n: int, kinds: set[int], open_only: bool = False) -> list[int]:
        pool = self._pool(kinds, open_only)
        return sorted(rng.sample(pool, min(n, len(pool))))

    def _pick(self, rng: random.Random, size: int, n: int) -> list[int]:
        return sorted(rng.sample(range(size), min(n, size)))

    def _touch_fault(self, i: int, status: int | None = None) -> None:
        f = self.ds.faults.cols
        if status is not None:
            f["status_id"][i] = status
        f["last_update"][i] = self._stamp()

    # ------------------------------------------------------------ tickets and actions

    def update_tickets(self, rng: random.Random, n: int) -> list[int]:
        """Moves open tickets to another open status (closed ones only get a last_update bump)."""
        f = self.ds.faults.cols
        out = []
        for i in self._pick_faults(rng, n, {KIND_TICKET, KIND_TASK}):
            st = f["status_id"][i]
            self._touch_fault(
                i, st if st in CLOSED_STATUSES else rng.choice([s for s in (2, 3, 4, 7) if s != st])
            )
            out.append(i + 1)
        return out

    def update_projects(self, rng: random.Random, n: int) -> list[int]:
        picked = self._pick_faults(rng, n, {KIND_PROJECT})
        for i in picked:
            self._touch_fault(i)
        return [i + 1 for i in picked]

    def update_opportunities(self, rng: random.Random, n: int) -> list[int]:
        picked = self._pick_faults(rng, n, {KIND_OPP})
        for i in picked:
            self._touch_fault(i)
        return [i + 1 for i in picked]

    def close_tickets(self, rng: random.Random, n: int) -> list[int]:
        """Adds a "Closed" action and moves the ticket to Closed (9)."""
        out = []
        for i in self._pick_faults(rng, n, {KIND_TICKET, KIND_TASK}, open_only=True):
            self._add_action(i, rng, outcome=8, new_status=9)
            f = self.ds.faults.cols
            f["dateclosed"][i] = f["lastactiondate"][i]
            self._touch_fault(i, 9)
            out.append(i + 1)
        return out

    def add_tickets(self, rng: random.Random, n: int) -> list[int]:
        """New tickets (id = next id) with a first "Ticket Logged" action, dated now."""
        ds = self.ds
        f = ds.faults.cols
        plain = [i for i in range(len(ds.faults)) if f["kind"][i] == KIND_TICKET]
        out = []
        for _ in range(n):
            src = rng.choice(plain)
            stamp = self._stamp()
            ds.action_start.append(len(ds.actions))
            fi = ds.faults.add(
                kind=KIND_TICKET, tickettype_id=rng.choice((1, 2)), client_id=f["client_id"][src],
                site_id=f["site_id"][src], user_id=f["user_id"][src], agent_id=1, team_id=1, status_id=1,
                priority_id=rng.choice((2, 3, 4)), sla_id=f["sla_id"][src], category=f["category"][src],
                summary=f["summary"][src], dateoccurred=stamp - stamp % US, dateclosed=0, last_update=stamp,
                lastactiondate=stamp - stamp % US, parent_id=0, milestone_id=0, deleted=0, timetaken=0.0,
                action_count=1,
            )  # fmt: skip
            j = ds.actions.add(
                ticket_id=fi + 1, num=1, datetime=stamp - stamp % US, last_updated=stamp, who_agent=0,
                outcome_id=9, note=14, minutes=0, new_status=0,
            )  # fmt: skip
            self.backend.index_action(j)
            out.append(fi + 1)
        return out

    def add_actions(self, rng: random.Random, n: int) -> list[int]:
        """One agent note per picked ticket; the ticket's last_update and lastactiondate follow."""
        out = []
        pool = self._pool({KIND_TICKET, KIND_TASK})
        for i in [rng.choice(pool) for _ in range(n)] if pool else []:
            self._add_action(i, rng, outcome=1, new_status=0)
            self._touch_fault(i)
            out.append(i + 1)
        return out

    def _add_action(self, i: int, rng: random.Random, outcome: int, new_status: int) -> None:
        ds = self.ds
        f = ds.faults.cols
        tid = i + 1
        num = f["action_count"][i] + len(ds.extra_actions.get(tid, [])) + 1
        stamp = self._stamp()
        agent = f["agent_id"][i] if f["agent_id"][i] != 1 else 2
        minutes = rng.choice((5, 10, 15, 30))
        j = ds.actions.add(
            ticket_id=tid, num=num, datetime=stamp - stamp % US, last_updated=stamp, who_agent=agent,
            outcome_id=outcome, note=rng.randrange(14), minutes=minutes, new_status=new_status,
        )  # fmt: skip
        ds.extra_actions.setdefault(tid, []).append(j)
        self.backend.index_action(j)
        f["lastactiondate"][i] = stamp - stamp % US
        f["timetaken"][i] += minutes / 60

    def delete_tickets(self, rng: random.Random, n: int) -> list[int]:
        """Soft delete: the ticket leaves /Tickets and appears in /Tickets?deleted=true with a new last_update."""
        f = self.ds.faults.cols
        out = []
        for i in self._pick_faults(rng, n, {KIND_TICKET}):
            f["deleted"][i] = 1
            self._touch_fault(i)
            out.append(i + 1)
        return out

    # ------------------------------------------------------------ customers, assets, finance

    def _bump(
        self, rng: random.Random, n: int, table, stamp_col: str, rev_col: str | None = "rev"
    ) -> list[int]:
        picked = self._pick(rng, len(table), n)
        for i in picked:
            if rev_col:
                table[rev_col][i] += 1
            table[stamp_col][i] = self._stamp()
        return [i + 1 for i in picked]

    def update_clients(self, rng: random.Random, n: int) -> list[int]:
        return self._bump(rng, n, self.ds.clients, "alastupdate")

    def update_sites(self, rng: random.Random, n: int) -> list[int]:
        return self._bump(rng, n, self.ds.sites, "slastupdate")

    def update_users(self, rng: random.Random, n: int) -> list[int]:
        return self._bump(rng, n, self.ds.users, "ulastupdate")

    def update_assets(self, rng: random.Random, n: int) -> list[int]:
        return self._bump(rng, n, self.ds.assets, "dlastupdate")

    def update_invoices(self, rng: random.Random, n: int) -> list[int]:
        return self._bump(rng, n, self.ds.invoices, "last_modified")

    def update_contracts(self, rng: random.Random, n: int) -> list[int]:
        ids = self._bump(rng, n, self.ds.contracts, "last_modified", None)
        for cid in ids:
            doc = self.ds.contracts["doc"][cid - 1]
            doc["note"] = doc["note"].split(" (revision")[0] + f" (revision {self.calls})"
        return ids

    def update_quotes(self, rng: random.Random, n: int) -> list[int]:
        ids = self._bump(rng, n, self.ds.quotes, "last_update_time", None)
        for qid in ids:
            self.ds.quotes["doc"][qid - 1]["note"] = f"Revised (revision {self.calls})"
        return ids

    def update_items(self, rng: random.Random, n: int) -> list[int]:
        picked = self._pick(rng, len(self.ds.items), n)
        for i in picked:
            doc = self.ds.items["doc"][i]
            doc["lastmodified"] = self._stamp()
            doc["baseprice"] = round(doc["baseprice"] * 1.05, 2)
        return [i + 1 for i in picked]
