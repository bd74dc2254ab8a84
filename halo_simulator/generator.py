"""Seeded data for one tenant: one function per entity, one shared `random.Random(seed)`.

Deterministic for a given seed and counts (byte-identical rows every run). Every generated date lies between
2023-01-01 and 2026-06-30 UTC, fixed rather than relative to now. Big tables are stored as columns (store.py)
and filler fields are derived from ids at serve time (render.py), which keeps the large scale (200k tickets,
~1M actions) to a few hundred MB and about a minute of generation.

Not modelled: ticket/asset/contract history tables, attachments, approvals, workflows, SLA timers,
multi-currency, stock movements, knowledge base, sales/purchase orders.
"""

from __future__ import annotations

import random
import uuid

from . import corpus as C
from .clock import DAY_US, HISTORY_END, HISTORY_START, US
from .store import Dataset

KIND_TICKET, KIND_PROJECT, KIND_TASK, KIND_OPP = 0, 1, 2, 3
CLOSED_STATUSES = frozenset({9, 10})
HOLD_STATUSES = frozenset({4, 5, 6})
TT_PROJECT, TT_TASK, TT_OPP = 5, 6, 7
CHARGE_LOOKUP_ID = 17
STATUS_NAMES = {
    1: "New", 2: "In Progress", 3: "Action Required", 4: "Waiting on Customer", 5: "Waiting on Supplier",
    6: "On Hold", 7: "Scheduled", 8: "Resolved - Pending Closure", 9: "Closed", 10: "Cancelled",
}  # fmt: skip
PRIORITY_NAMES = {1: "Critical", 2: "High", 3: "Medium", 4: "Low"}
# (id, name, use, itilrequesttype, active)
TICKET_TYPES = (
    (1, "Incident", "ticket", 1, True), (2, "Service Request", "ticket", 3, True), (3, "Problem", "ticket", 4, True),
    (4, "Change Request", "ticket", 2, True), (5, "Project", "project", 0, True), (6, "Task", "ticket", 0, True),
    (7, "Opportunity", "opportunity", 0, True), (8, "Alert", "ticket", 1, True),
    (9, "Legacy Support", "ticket", 1, False), (10, "Onboarding (old)", "ticket", 3, False),
)  # fmt: skip
# (id, outcome, agent action?, hidden from user)
OUTCOMES = (
    (1, "Note", True, False), (2, "Email User", True, False), (3, "Phone Call", True, False),
    (4, "Remote Session", True, False), (5, "Onsite Visit", True, False), (6, "Private Note", True, True),
    (7, "Status Change", True, False), (8, "Closed", True, False), (9, "Ticket Logged", False, False),
    (10, "Email Received", False, False), (11, "Supplier Update", True, False), (12, "Legacy Outcome", True, False),
)  # fmt: skip
AGENT_OUTCOMES = (1, 1, 2, 2, 3, 4, 4, 5, 6, 7, 11)
ASSET_GROUPS = ((1, "Workstations"), (2, "Network"), (3, "Servers"), (4, "Printers"), (5, "Mobile"))
# (id, name, group, tag prefix, model indexes in corpus.ASSET_MODELS)
ASSET_TYPES = (
    (1, "Laptop", 1, "LT", (0, 2, 3, 4, 5)), (2, "Desktop", 1, "PC", (1,)), (3, "Server", 3, "SRV", (11,)),
    (4, "Switch", 2, "SW", (8,)), (5, "Firewall", 2, "FW", (10,)), (6, "Access Point", 2, "AP", (9,)),
    (7, "Printer", 4, "PRN", (6, 7)), (8, "Mobile Phone", 5, "MOB", (14,)), (9, "NAS", 3, "NAS", (12,)),
    (10, "Desk Phone", 5, "TEL", (13,)),
)  # fmt: skip
ASSET_TYPE_WEIGHTS = (40, 18, 3, 3, 2, 4, 6, 12, 2, 10)
CHARGE_TYPES = ((1, "Standard", 95.0), (2, "Out of Hours", 142.5), (3, "Travel", 45.0), (4, "Project", 110.0),
                (5, "Remote", 85.0))  # fmt: skip
CONTRACT_TYPES = ((1, "Managed Services", 1), (2, "Block Hours", 4), (3, "Break Fix", 1))
TEAM_NAMES = ("1st Line Support", "2nd Line Support", "Projects", "Sales", "Field Services", "NOC",
              "Escalations", "Security", "Procurement", "Onboarding", "Billing", "Legacy Team")  # fmt: skip
DEPARTMENTS = ((1, "Service Delivery"), (2, "Sales"), (3, "Projects"))
SLAS = ((1, "Standard SLA", 1.0), (2, "Premium 24x7", 0.5), (3, "Bronze", 2.0))
# custom field definitions: (id, name, label, type, usage, select values)
# usage (simulator convention): 1 ticket, 2 client, 3 site, 4 user, 5 asset, 6 action, 7 contract, 8 invoice,
# 9 item, 10 quote. type: 0 text, 2 single select, 3 multi select, 4 date, 6 checkbox (djpsa's codes).
CUSTOM_FIELDS = (
    (101, "CFBillingCode", "Billing code", 0, 1, ()),
    (102, "CFRootCause", "Root cause", 2, 1, ("Hardware fault", "User error", "Config change", "Third party", "Unknown")),
    (103, "CFTags", "Tags", 3, 1, ("Urgent", "VIP", "Billing", "Hardware", "Security")),
    (104, "CFAccountTier", "Account tier", 2, 2, ("Gold", "Silver", "Bronze")),
    (105, "CFContractRenewal", "Contract renewal", 4, 2, ()),
    (106, "CFSiteAccessCode", "Site access code", 0, 3, ()),
    (107, "CFDepartment", "Department", 0, 4, ()),
    (108, "CFKeyContact", "Key contact", 6, 4, ()),
    (109, "CFPurchaseOrder", "Purchase order", 0, 5, ()),
    (110, "CFManagedByRMM", "Managed by RMM", 6, 5, ()),
    (111, "CFBillableReason", "Billable reason", 2, 6, ("Project", "Out of scope", "Warranty", "Goodwill")),
    (112, "CFPONumber", "PO number", 0, 7, ()),
    (113, "CFExportBatch", "Export batch", 0, 8, ()),
    (114, "CFLicenceSku", "Licence SKU", 0, 9, ()),
    (115, "CFProjectCode", "Project code", 0, 10, ()),
)  # fmt: skip
CF_LOOKUP_BASE = 1000  # lookupid of a select field = CF_LOOKUP_BASE + field id


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _colour(rng: random.Random) -> str:
    return f"#{rng.getrandbits(24):06x}"


def _sec(us: int) -> int:
    return us - us % US


def _when(rng: random.Random, start: int = HISTORY_START, end: int = HISTORY_END, growth: bool = True) -> int:
    """A business-hours-biased second between start and end; with growth, later days are busier."""
    days = max(1, (end - start) // DAY_US)
    day = int(days * (rng.random() ** 0.5 if growth else rng.random()))
    weekday = (day + 6) % 7  # 2023-01-01 was a Sunday; 0 = Monday
    if weekday >= 5 and rng.random() < 0.8:
        day = max(0, day - (weekday - 4))
    sec = rng.randint(8 * 3600, 18 * 3600) if rng.random() < 0.85 else rng.randrange(86400)
    return min(end, start + day * DAY_US + sec * US)


def generate(seed: int, counts: dict[str, int]) -> Dataset:
    rng = random.Random(seed)
    ds = Dataset(seed=seed)
    gen_statuses(ds, rng)
    gen_ticket_types(ds, rng)
    gen_slas(ds, rng)
    gen_teams(ds, rng, counts["teams"])
    gen_agents(ds, rng, counts["agents"])
    gen_outcomes(ds, rng)
    gen_field_info(ds, rng)
    gen_lookups(ds)
    gen_asset_types(ds, rng)
    gen_suppliers(ds, rng, counts["suppliers"])
    gen_items(ds, rng, counts["items"])
    gen_clients(ds, rng, counts["clients"])
    gen_sites(ds, rng, counts["sites"])
    gen_users(ds, rng, counts["users"])
    gen_contracts(ds, rng, counts["contracts"])
    gen_charge_rates(ds, rng)
    gen_assets(ds, rng, counts["assets"])
    gen_faults(ds, rng, counts)
    gen_invoices(ds, rng, counts["invoices"])
    gen_recurring_invoices(ds, rng)
    gen_quotes(ds, rng, counts["quotes"])
    gen_crm_notes(ds, rng, counts["crm_notes"])
    gen_appointments(ds, rng, counts["appointments"])
    gen_timesheet_events(ds, rng, counts["timesheet_events"])
    return ds


# ---------------------------------------------------------------- reference data


def gen_statuses(ds: Dataset, rng: random.Random) -> None:
    for sid, name in STATUS_NAMES.items():
        ds.statuses.append(
            {
                "id": sid, "guid": _guid(rng), "name": name, "shortname": name[:4].upper(),
                "type": 1 if sid in CLOSED_STATUSES else 0, "sequence": sid * 10, "colour": _colour(rng),
                "slaaction": "H" if sid in HOLD_STATUSES else "N", "showonquickchange": sid not in (1, 10),
                "ticket_count": 0,
            }
        )  # fmt: skip


def gen_ticket_types(ds: Dataset, rng: random.Random) -> None:
    for tid, name, use, itil, active in TICKET_TYPES:
        ds.ticket_types.append(
            {
                "id": tid, "guid": _guid(rng), "name": name, "use": use, "sequence": tid * 10,
                "default_sla": 1, "group_id": 1 if use == "ticket" else 2,
                "group_name": "Service Desk" if use == "ticket" else "Commercial", "ticket_count": 0,
                "cancreate": active, "agentscanselect": active, "enduserscanselect": tid in (1, 2),
                "itilrequesttype": itil, "default_priority": 3, "default_team": "1st Line Support",
                "default_agent": 0, "default_agent_name": "", "workflow_name": "",
                "allowattachments": True, "active": active, "colour": _colour(rng),
                "description": f"{name} tickets",
            }
        )  # fmt: skip


def gen_slas(ds: Dataset, rng: random.Random) -> None:
    for sla_id, name, factor in SLAS:
        sla_guid = _guid(rng)
        ds.slas.append(
            {
                "id": sla_id, "guid": sla_guid, "name": name, "workday_id": 1 if sla_id != 2 else 2,
                "workday_name": "Office Hours" if sla_id != 2 else "24x7", "hoursaretechslocaltime": False,
                "responsereset": sla_id == 2, "response_reset_approval": False, "trackslaresponsetime": True,
                "trackslafixbytime": True, "autoreleaseoption": False, "autoreleaselimit": 0,
                "statusafterautorelease": 0, "statusafterautorelease_name": "",
                "workdays": {
                    "id": 2 if sla_id == 2 else 1, "name": "24x7" if sla_id == 2 else "Office Hours",
                    "timezone": "GMT Standard Time", "start": "00:00:00" if sla_id == 2 else "09:00:00",
                    "end": "23:59:59" if sla_id == 2 else "17:30:00", "incmonday": True, "inctuesday": True,
                    "incwednesday": True, "incthursday": True, "incfriday": True, "incsaturday": sla_id == 2,
                    "incsunday": sla_id == 2, "alldayssame": True,
                },
            }
        )  # fmt: skip
        for pid, pname in PRIORITY_NAMES.items():
            fix = {1: 4, 2: 8, 3: 24, 4: 72}[pid] * factor
            ds.policies.append(
                {
                    "id": _guid(rng), "slaid": sla_id, "sla_guid": sla_guid, "priorityid": pid, "name": pname,
                    "fixtime": float(fix), "fixunits": "h", "responsetime": float(fix / 4), "responseunits": "h",
                    "ishidden": False, "fixendofday": False, "responseendofday": False, "colour": _colour(rng),
                    "startofday": False, "startofdaytime": "09:00:00", "enterslaexcuse": pid == 1,
                    "workdaysoverride": 0,
                }
            )  # fmt: skip


def gen_teams(ds: Dataset, rng: random.Random, n: int) -> None:
    for i in range(n):
        name = TEAM_NAMES[i % len(TEAM_NAMES)] + (
            "" if i < len(TEAM_NAMES) else f" {i // len(TEAM_NAMES) + 1}"
        )
        dep = DEPARTMENTS[2] if "Project" in name else DEPARTMENTS[1] if name == "Sales" else DEPARTMENTS[0]
        ds.teams.append(
            {
                "id": i + 1, "guid": _guid(rng), "name": name, "sequence": (i + 1) * 10,
                "forrequests": name not in ("Sales",), "foropps": name == "Sales", "forprojects": name == "Projects",
                "ticket_count": 0, "department_id": dep[0], "department_name": dep[1],
                "inactive": n >= 4 and i == n - 1, "use": "team",
                "last_modified": _when(rng, growth=False) + rng.randrange(US),
            }
        )  # fmt: skip


def gen_agents(ds: Dataset, rng: random.Random, n: int) -> None:
    """Agent 1 is Halo's system "Unassigned" agent; the last one is an API-only agent."""
    active_teams = [t for t in ds.teams if not t["inactive"]]
    rows = [("Unassigned", "", "", False, False, None)]
    for i in range(n):
        first, last = rng.choice(C.FIRST_NAMES), rng.choice(C.SURNAMES)
        rows.append((f"{first} {last}", first, last, n >= 6 and i % 7 == 6, False, rng.choice(active_teams)))
    rows.append(("API Integration", "API", "Integration", False, True, active_teams[0]))
    for idx, (name, first, last, disabled, api, team) in enumerate(rows):
        aid = idx + 1
        team = team or active_teams[0]
        ds.agents.append(
            {
                "id": aid, "name": name, "firstname": first, "surname": last,
                "initials": (first[:1] + last[:1]).upper(),
                "email": "" if aid == 1 else f"{(first or 'api').lower()}.{(last or 'agent').lower()}{aid}@msp.example",
                "isdisabled": disabled, "team": team["name"],
                "teams": [{"id": aid * 10, "agent_id": aid, "agent_name": name, "team_id": team["id"],
                           "team_name": team["name"], "department_id": team["department_id"]}],
                "departments": [{"id": aid * 10, "agent_id": aid, "department_id": team["department_id"],
                                 "department_name": team["department_name"]}],
                "colour": _colour(rng), "jobtitle": "" if aid == 1 else rng.choice(C.AGENT_TITLES),
                "lastlogindate": _when(rng), "is_agent": aid != 1, "isapiagent": api,
                "role_list": "API" if api else ("" if aid == 1 else rng.choice(("Agent", "Agent, Administrator"))),
                "licence_type": 0 if api or aid == 1 else 1, "use": "agent",
            }
        )  # fmt: skip


def gen_outcomes(ds: Dataset, rng: random.Random) -> None:
    for oid, name, by_agent, hidden in OUTCOMES:
        ds.outcomes.append(
            {
                "id": oid, "guid": _guid(rng), "outcome": name, "buttonname": name, "labellong": name,
                "colour": _colour(rng), "sequence": oid * 10, "hidden": oid == 12, "systemid": 0 if by_agent else oid,
                "hidefromuser": hidden, "newstatus": 9 if oid == 8 else 0, "chargerate": 1 if by_agent else 0,
                "defaultmanhrs": 0.0,
            }
        )  # fmt: skip


def gen_field_info(ds: Dataset, rng: random.Random) -> None:
    for fid, name, label, ftype, usage, values in CUSTOM_FIELDS:
        row = {
            "id": fid, "guid": _guid(rng), "name": name, "label": label, "summary": label, "type": ftype,
            "usage": usage, "custom": 1, "inputtype": 0, "characterlimit": 0 if ftype else 100,
            "characterlimittype": 0, "searchable": ftype in (0, 2), "copytochild": False, "readonly": False,
            "lookup": CF_LOOKUP_BASE + fid if values else 0, "seq": fid - 100, "visibility": 0,
        }  # fmt: skip
        if values:
            row["values"] = [
                {"lookupid": CF_LOOKUP_BASE + fid, "id": k + 1, "name": v} for k, v in enumerate(values)
            ]
        ds.field_info.append(row)


def gen_lookups(ds: Dataset) -> None:
    for cid, name, _rate in CHARGE_TYPES:
        ds.lookups.append(
            {"lookupid": CHARGE_LOOKUP_ID, "id": cid, "name": name, "sequence": cid, "inactive": False}
        )
    for fid, _n, _l, _t, _u, values in CUSTOM_FIELDS:
        for k, v in enumerate(values):
            ds.lookups.append(
                {
                    "lookupid": CF_LOOKUP_BASE + fid,
                    "id": k + 1,
                    "name": v,
                    "sequence": k + 1,
                    "inactive": False,
                }
            )


def gen_asset_types(ds: Dataset, rng: random.Random) -> None:
    ds.asset_groups.extend({"id": gid, "name": name} for gid, name in ASSET_GROUPS)
    groups = dict(ASSET_GROUPS)
    for tid, name, gid, prefix, _models in ASSET_TYPES:
        ds.asset_types.append(
            {
                "id": tid, "guid": _guid(rng), "name": name, "assetgroup_id": gid, "assetgroup_name": groups[gid],
                "keyfield_id": 1, "keyfield_name": "Hostname", "keyfield2_id": 2, "keyfield2_name": "Serial Number",
                "keyfield3_id": 3, "keyfield3_name": "Model", "icon": f"fa-{name.lower().replace(' ', '-')}",
                "tagprefix": prefix, "show_to_users": True, "defaultsequence": tid,
                "fields": [
                    {"typeinfo_id": float(tid * 10 + k), "id": float(tid * 10 + k), "field_id": float(k), "field_name": fname,
                     "sequence": k, "keyfield_id": str(k) if k <= 3 else ""}
                    for k, fname in enumerate(("Hostname", "Serial Number", "Model", "Operating System"), 1)
                ],
                "field_list": [{"id": k, "name": fname, "sequence": k} for k, fname in
                               enumerate(("Hostname", "Serial Number", "Model", "Operating System"), 1)],
            }
        )  # fmt: skip


def gen_suppliers(ds: Dataset, rng: random.Random, n: int) -> None:
    for i in range(n):
        name = C.SUPPLIER_NAMES[i % len(C.SUPPLIER_NAMES)] + ("" if i < len(C.SUPPLIER_NAMES) else f" {i}")
        inactive = n >= 5 and i == n - 1
        slug = name.lower().replace(" ", "")
        ds.suppliers.add(
            inactive=inactive,
            doc={
                "id": i + 1, "name": name, "toplevel_id": 0, "contact_name": f"{rng.choice(C.FIRST_NAMES)} Accounts",
                "email_address": f"orders@{slug}.example", "phone_number": f"0800 {rng.randint(100000, 999999)}",
                "inactive": inactive, "notes": "", "website": f"https://{slug}.example", "datecreated": _when(rng),
                "last_modified": 0, "is_supplier": True, "use": "supplier",
            },
        )  # fmt: skip


def gen_items(ds: Dataset, rng: random.Random, n: int) -> None:
    nsup = len(ds.suppliers)
    for i in range(n):
        name, price, cost, recurring = C.ITEM_NAMES[i % len(C.ITEM_NAMES)]
        if i >= len(C.ITEM_NAMES):
            name = f"{name} ({i // len(C.ITEM_NAMES) + 1})"
        sup = ds.suppliers["doc"][rng.randrange(nsup)] if nsup else {"id": 0, "name": ""}
        atype = ds.asset_types[0] if "Latitude" in name else None
        created = _when(rng, end=HISTORY_START + 400 * DAY_US, growth=False)
        inactive = n >= 10 and i % 9 == 8
        ds.items.add(
            inactive=inactive,
            doc={
                "id": i + 1, "name": name, "description": f"{name} - standard SKU", "baseprice": price,
                "costprice": cost, "recurringprice": price if recurring else 0.0, "isrecurringitem": recurring,
                "assetgroup_id": atype["assetgroup_id"] if atype else 0,
                "assetgroup_name": atype["assetgroup_name"] if atype else "",
                "assettype_id": atype["id"] if atype else 0, "assettype_name": atype["name"] if atype else "",
                "supplier_id": sup["id"], "supplier_name": sup["name"],
                "quantity_in_stock": float(0 if recurring else rng.randint(0, 40)), "taxcode": 1,
                "taxcode_name": "Standard 20%", "nominalcode": "4000" if recurring else "4100",
                "internalreference": f"SKU-{1000 + i}", "externalreference": f"EXT{rng.randint(10000, 99999)}",
                "status": 1 if inactive else 0, "datecreated": created,
                "lastmodified": _when(rng, start=created, growth=False) + rng.randrange(US), "use": "item",
            },
        )  # fmt: skip


# ---------------------------------------------------------------- customers


def gen_clients(ds: Dataset, rng: random.Random, n: int) -> None:
    """Client 1 is Halo's general/unassigned client (djpsa); about 12% of the others are inactive."""
    used: set[str] = set()
    agents = [a for a in ds.agents if a["is_agent"] and not a["isapiagent"]]
    for i in range(n):
        if i == 0:
            name = "General"
        else:
            name = f"{rng.choice(C.COMPANY_A)} {rng.choice(C.COMPANY_B)}"
            while name in used:
                name = f"{name} {rng.choice(C.CITIES)}"
        used.add(name)
        created = _when(rng, end=HISTORY_START + 300 * DAY_US, growth=False)
        inactive = i > 0 and (i % 12 == 7 or rng.random() < 0.04)
        pri = rng.choice(agents)
        acc = rng.choice(agents)
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
        ds.clients.add(
            inactive=inactive,
            alastupdate=_when(rng, start=created) + rng.randrange(US),
            name=name,
            doc={
                "id": i + 1, "name": name, "toplevel_id": 3 if i == 0 else (1 if rng.random() < 0.8 else 2),
                "toplevel_name": "Internal" if i == 0 else "", "inactive": inactive, "colour": _colour(rng),
                "is_vip": rng.random() < 0.1, "notes": "", "main_site_id": 0, "main_site_name": "",
                "main_phonenumber": f"0{rng.randint(1000000000, 1999999999)}",
                "accountsid": "" if i == 0 else f"C{10000 + i}", "datecreated": created,
                "website": f"https://www.{slug}.example", "pritech": pri["id"], "pritech_name": pri["name"],
                "accountmanagertech": acc["id"], "accountmanagertech_name": acc["name"],
                "customertype_new": "Managed" if rng.random() < 0.7 else "Ad-hoc",
                "_sla": 2 if rng.random() < 0.15 else (3 if rng.random() < 0.2 else 1), "_domain": f"{slug}.example",
            },
        )  # fmt: skip
    for doc in ds.clients["doc"]:
        doc["toplevel_name"] = {1: "Managed Clients", 2: "Ad-hoc Clients", 3: "Internal"}[doc["toplevel_id"]]


def gen_sites(ds: Dataset, rng: random.Random, n: int) -> None:
    """Every client gets one main site; the rest are spread over clients. ~25% of fourth-and-later extra sites and ~4% of the rest are inactive."""
    nclients = len(ds.clients)
    owners = list(range(nclients)) + [
        rng.randrange(1, nclients) if nclients > 1 else 0 for _ in range(n - nclients)
    ]
    owners.sort()
    per_client: dict[int, int] = {}
    for ci in owners:
        k = per_client.get(ci, 0)
        per_client[ci] = k + 1
        doc = ds.clients["doc"][ci]
        name = (
            "Main"
            if ci == 0
            else (C.SITE_NAMES[0] if k == 0 else f"{rng.choice(C.CITIES)} {C.SITE_NAMES[k % 8]}")
        )
        created = doc["datecreated"] + rng.randrange(0, 200) * DAY_US
        sid = ds.sites.add(
            client_id=ci + 1, inactive=k > 0 and (k % 4 == 3 or rng.random() < 0.04), datecreated=created,
            slastupdate=_when(rng, start=min(created, HISTORY_END - DAY_US)) + rng.randrange(US), name=name,
        )  # fmt: skip
        if k == 0:
            doc["main_site_id"], doc["main_site_name"] = sid + 1, name
    ds.sites_by_client = _group(ds.sites["client_id"])


def _group(col) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for i, key in enumerate(col):
        out.setdefault(key, []).append(i + 1)
    return out


def gen_users(ds: Dataset, rng: random.Random, n: int) -> None:
    """Client 1 holds one user per agent (linked_agent_id set); other users are spread over active sites."""
    agents = [a for a in ds.agents if a["is_agent"] and not a["isapiagent"]]
    nsites = len(ds.sites)
    weights = [0.0] + [rng.paretovariate(1.5) for _ in range(nsites - 1)]
    chosen = [0] * len(agents) + rng.choices(range(nsites), weights=weights, k=max(0, n - len(agents)))
    chosen.sort()
    fn_index = {name: i for i, name in enumerate(C.FIRST_NAMES)}
    sn_index = {name: i for i, name in enumerate(C.SURNAMES)}
    for k, si in enumerate(chosen):
        linked = agents[k] if k < len(agents) else None
        if linked:
            first, last = fn_index[linked["firstname"]], sn_index[linked["surname"]]
        else:
            first, last = rng.randrange(len(C.FIRST_NAMES)), rng.randrange(len(C.SURNAMES))
        created = ds.sites["datecreated"][si] + rng.randrange(0, 400) * DAY_US
        created = min(created, HISTORY_END - DAY_US)
        ds.users.add(
            site_id=si + 1, client_id=ds.sites["client_id"][si], first=first, last=last,
            inactive=linked is None and rng.random() < 0.07, datecreated=created,
            ulastupdate=_when(rng, start=created) + rng.randrange(US), linked_agent=linked["id"] if linked else 0,
        )  # fmt: skip
    ds.users_by_site = _group(ds.users["site_id"])


def gen_contracts(ds: Dataset, rng: random.Random, n: int) -> None:
    nclients = len(ds.clients)
    owners = sorted(rng.randrange(1, nclients) if nclients > 1 else 0 for _ in range(n))
    agents = [a for a in ds.agents if a["is_agent"] and not a["isapiagent"]]
    for i, ci in enumerate(owners):
        cdoc = ds.clients["doc"][ci]
        ctype, cname, period = CONTRACT_TYPES[0 if rng.random() < 0.6 else rng.randrange(1, 3)]
        start = _sec(_when(rng, end=HISTORY_END - 60 * DAY_US, growth=False))
        start -= (start - HISTORY_START) % DAY_US
        end = start + rng.choice((365, 730, 1095)) * DAY_US - US
        expired = end < HISTORY_END
        nxt = min(end, HISTORY_END + 1 * DAY_US)
        by = rng.choice(agents)
        ds.contracts.add(
            client_id=ci + 1,
            last_modified=_when(rng, start=start) + rng.randrange(US),
            doc={
                "id": i + 1, "client_id": ci + 1, "client_name": cdoc["name"], "ref": f"{cname.split()[0][:3].upper()}-{1000 + i}",
                "refextra": "", "start_date": start, "end_date": end, "started": True, "expired": expired,
                "numberofunitsfree": float(rng.choice((0, 10, 20, 40))) if ctype == 2 else 0.0,
                "billingperiod": period, "billingdescription": period, "subtype": 0, "status": 2 if expired else 1,
                "contract_status": "Expired" if expired else "Active", "site_id": cdoc["main_site_id"],
                "site_name": cdoc["main_site_name"], "user_id": 0, "user_name": "", "sla_id": cdoc["_sla"],
                "periodicinvoicenextdate": 0 if expired else nxt, "next_invoice_date": 0 if expired else nxt,
                "periodchargeamount": float(rng.randrange(300, 6000, 50)), "note": f"{cname} agreement",
                "contracttype": ctype, "contracttype_name": cname, "active": not expired,
                "createdby_id": by["id"], "createdby_name": by["name"], "use": "contract",
            },
        )  # fmt: skip
    ds.contracts_by_client = _group(ds.contracts["client_id"])


def gen_charge_rates(ds: Dataset, rng: random.Random) -> None:
    """Global rates (area 0) for each charge type plus overrides for about a third of the contracts."""
    for cid, _name, rate in CHARGE_TYPES:
        ds.charge_rates.append(_charge_rate(len(ds.charge_rates) + 1, 0, 0, cid, rate, HISTORY_START))
    for k, doc in enumerate(ds.contracts["doc"]):
        if k % 3 == 0:
            rate = round(CHARGE_TYPES[0][2] * rng.uniform(0.8, 1.1), 2)
            ds.charge_rates.append(
                _charge_rate(
                    len(ds.charge_rates) + 1, doc["client_id"], doc["id"], 1, rate, doc["start_date"]
                )
            )


def _charge_rate(rid: int, area: int, contract_id: int, charge_id: int, rate: float, start: int) -> dict:
    return {
        "id": rid, "area": area, "contract_id": contract_id, "charge_id": charge_id, "startdate": start,
        "expirydate": 0, "rate": rate, "org": 0, "minimum": 0.25, "increment": 0.25, "oohmultiplier": 1.5,
        "holidaymultiplier": 2.0, "weekendmultiplier": 1.5, "surcharge": False, "round": 0, "current": True,
        "current_rate": rate, "use_for_travel": charge_id == 3, "use_for_mileage": False,
    }  # fmt: skip


def gen_assets(ds: Dataset, rng: random.Random, n: int) -> None:
    nusers = len(ds.users)
    for _ in range(n):
        ui = rng.randrange(nusers)
        si = ds.users["site_id"][ui] - 1
        ci = ds.sites["client_id"][si] - 1
        atype = rng.choices(range(len(ASSET_TYPES)), weights=ASSET_TYPE_WEIGHTS)[0] + 1
        contracts = ds.contracts_by_client.get(ci + 1, [])
        ws = _sec(_when(rng, end=HISTORY_END - 30 * DAY_US))
        ds.assets.add(
            client_id=ci + 1, site_id=si + 1, user_id=ui + 1 if atype in (1, 2, 8, 10) else 0, assettype_id=atype,
            inactive=rng.random() < 0.09, dlastupdate=_when(rng, start=ws) + rng.randrange(US), warranty_start=ws,
            contract_id=contracts[0] if contracts and rng.random() < 0.7 else 0,
        )  # fmt: skip


# ---------------------------------------------------------------- service desk


def gen_faults(ds: Dataset, rng: random.Random, counts: dict[str, int]) -> None:
    """Tickets, project headers, project tasks and opportunities share one id space ordered by creation.

    Each gets its actions generated right after it (contiguous rows); closed ones end with a "Closed" action.
    """
    n_proj, n_opp = counts["projects"], counts["opportunities"]
    n_tasks = min(n_proj * 6, counts["tickets"] // 5) if n_proj else 0
    specs: list[tuple[int, int, int]] = []  # (dateoccurred, kind, parent spec index)
    for _ in range(n_proj):
        specs.append((_when(rng, end=HISTORY_END - 120 * DAY_US), KIND_PROJECT, -1))
    for _ in range(n_tasks):
        p = rng.randrange(n_proj)
        specs.append((min(HISTORY_END - DAY_US, specs[p][0] + rng.randint(1, 100) * DAY_US), KIND_TASK, p))
    for _ in range(counts["tickets"] - n_tasks):
        specs.append((_when(rng), KIND_TICKET, -1))
    for _ in range(n_opp):
        specs.append((_when(rng), KIND_OPP, -1))
    order = sorted(range(len(specs)), key=lambda k: specs[k][0])
    id_of = [0] * len(specs)
    for new_index, k in enumerate(order):
        id_of[k] = new_index + 1

    clients_w = [0.2] + [rng.paretovariate(1.2) for _ in range(len(ds.clients) - 1)]
    client_cum = []
    total = 0.0
    for w in clients_w:
        total += w
        client_cum.append(total)
    agents = [a for a in ds.agents if a["is_agent"] and not a["isapiagent"]]
    team_of = {t["name"]: t["id"] for t in ds.teams}
    mean_actions = max(1.0, counts["actions"] / max(1, len(specs)))
    f = ds.faults.cols
    a = ds.actions.cols
    a_tid, a_num, a_dt, a_lu = (
        a["ticket_id"].append,
        a["num"].append,
        a["datetime"].append,
        a["last_updated"].append,
    )
    a_who, a_out, a_note, a_min, a_ns = (
        a[c].append for c in ("who_agent", "outcome_id", "note", "minutes", "new_status")
    )
    nsum = len(C.TICKET_SUMMARIES)
    proj_ids = [id_of[k] for k in range(n_proj)]
    for fid_minus, k in enumerate(order):
        fid = fid_minus + 1
        occurred, kind, parent = specs[k]
        occurred = _sec(occurred)
        if kind == KIND_TASK:
            pid = id_of[parent]
            ci = f["client_id"][pid - 1] - 1
        else:
            pid = 0
            ci = _pick_cum(rng, client_cum, total)
        sites = ds.sites_by_client[ci + 1]
        site = sites[0] if rng.random() < 0.7 else rng.choice(sites)
        users = ds.users_by_site.get(site) or [0]
        user = rng.choice(users)
        agent = rng.choice(agents)
        if kind == KIND_TICKET:
            tt = rng.choices((1, 2, 3, 4, 8, 9, 10), weights=(45, 33, 4, 6, 7, 3, 2))[0]
            if tt in (9, 10) and occurred > HISTORY_START + 365 * DAY_US:
                tt = 1
        else:
            tt = {KIND_PROJECT: TT_PROJECT, KIND_TASK: TT_TASK, KIND_OPP: TT_OPP}[kind]
        age = HISTORY_END - occurred
        p_closed = 0.97 if age > 45 * DAY_US else 0.3 + 0.6 * age / (45 * DAY_US)
        if kind == KIND_PROJECT:
            p_closed = 0.9 if age > 200 * DAY_US else 0.2
        closing = rng.random() < p_closed
        n_act = 1 + min(60, int(rng.expovariate(1.0 / max(0.01, mean_actions - 1.0)) + 0.5))
        if kind == KIND_OPP:
            n_act = max(1, n_act // 2)
        # actions
        ds.action_start.append(len(ds.actions))
        t = occurred
        minutes_total = 0
        last_t = occurred
        status = 0
        made = 0
        for num in range(1, n_act + 1):
            last = num == n_act
            if num > 1:
                t = _sec(t + int(rng.expovariate(1.0 / (6 * 3600)) + 300) * US)
                if t >= HISTORY_END:
                    closing = False
                    break
            if num == 1:
                who, out, note, mins, ns = 0, 9, 14, 0, 0
            elif last and closing:
                who, out, note, mins, ns = (
                    agent["id"],
                    8,
                    15,
                    rng.choice((0, 5, 10)),
                    9 if rng.random() < 0.95 else 10,
                )
                status = ns
            elif rng.random() < 0.22:
                who, out, note, mins, ns = 0, 10, rng.choice((8, 12, 13)), 0, 0
            else:
                out = rng.choice(AGENT_OUTCOMES)
                who = agent["id"] if rng.random() < 0.85 else rng.choice(agents)["id"]
                note, mins = rng.randrange(14), rng.choice((0, 5, 10, 15, 15, 30, 30, 45, 60, 90, 120))
                ns = rng.choice((2, 3, 4, 5, 7)) if out == 7 else 0
            a_tid(fid)
            a_num(num)
            a_dt(t)
            a_lu(t + rng.randrange(0, 120 * US))
            a_who(who)
            a_out(out)
            a_note(note)
            a_min(mins)
            a_ns(ns)
            minutes_total += mins
            last_t = t
            made += 1
        if not closing or status == 0:
            closing = False
            status = rng.choices((1, 2, 3, 4, 5, 6, 7, 8), weights=(12, 30, 8, 18, 6, 8, 8, 10))[0]
        last_update = last_t + rng.randrange(1, 600 * US)
        if rng.random() < 0.1:
            last_update += rng.randrange(20 * DAY_US)
        last_update = min(last_update, HISTORY_END + 999_999)
        prio = rng.choices((1, 2, 3, 4), weights=(4, 18, 52, 26))[0]
        summary = rng.randrange(nsum) if kind != KIND_PROJECT else rng.randrange(len(C.PROJECT_NAMES))
        ds.faults.add(
            kind=kind, tickettype_id=tt, client_id=ci + 1, site_id=site, user_id=user,
            agent_id=1 if (not closing and rng.random() < 0.08) else agent["id"],
            team_id=team_of.get(agent["team"], 1), status_id=status, priority_id=prio,
            sla_id=ds.clients["doc"][ci]["_sla"], category=summary % len(C.CATEGORIES), summary=summary,
            dateoccurred=occurred, dateclosed=last_t if closing else 0, last_update=last_update,
            lastactiondate=last_t, parent_id=pid, milestone_id=0, deleted=0, timetaken=minutes_total / 60.0,
            action_count=made,
        )  # fmt: skip
        if kind == KIND_TASK:
            ds.children.setdefault(pid, []).append(fid)
    _gen_milestones(ds, rng, proj_ids)
    _gen_deletions(ds, rng)


def _pick_cum(rng: random.Random, cum: list[float], total: float) -> int:
    from bisect import bisect_right

    return min(len(cum) - 1, bisect_right(cum, rng.random() * total))


def _gen_milestones(ds: Dataset, rng: random.Random, proj_ids: list[int]) -> None:
    f = ds.faults.cols
    mid = 0
    for pid in sorted(proj_ids):
        start = f["dateoccurred"][pid - 1]
        rows = []
        for seq in range(1, rng.randint(3, 5) + 1):
            mid += 1
            s = start + (seq - 1) * 21 * DAY_US
            done = f["dateclosed"][pid - 1] != 0 or s + 21 * DAY_US < HISTORY_END - 60 * DAY_US
            rows.append(
                {
                    "id": mid, "ticket_id": pid, "name": C.MILESTONE_NAMES[(seq - 1) % len(C.MILESTONE_NAMES)],
                    "sequence": seq, "start_date": s, "target_date": s + 21 * DAY_US - US,
                    "milestone_value": float(rng.randrange(0, 5000, 250)),
                    "processed_date": s + 22 * DAY_US if done and rng.random() < 0.5 else 0,
                    "invoicenumber": "", "start_days": (seq - 1) * 21, "target_days": seq * 21,
                }
            )  # fmt: skip
        ds.milestones[pid] = rows
        hours = float(rng.randrange(20, 400, 10))
        ds.project_budget[pid] = (hours, 110.0, hours * 110.0)
        for tid in ds.children.get(pid, []):
            f["milestone_id"][tid - 1] = rng.choice(rows)["id"]


def _gen_deletions(ds: Dataset, rng: random.Random) -> None:
    """About 2% of plain tickets are soft-deleted; the deletion bumps last_update."""
    f = ds.faults.cols
    for i in range(len(ds.faults)):
        if f["kind"][i] == KIND_TICKET and rng.random() < 0.02:
            f["deleted"][i] = 1
            f["last_update"][i] = min(
                HISTORY_END + 999_999, f["last_update"][i] + rng.randrange(1, 30 * DAY_US)
            )


# ---------------------------------------------------------------- finance and the rest


def gen_invoices(ds: Dataset, rng: random.Random, n: int) -> None:
    """Monthly-dated invoices for clients, 1-5 lines each; contract clients are favoured."""
    contract_clients = sorted(ds.contracts_by_client) or [1]
    nclients = len(ds.clients)
    dates = sorted(_sec(_when(rng, end=HISTORY_END - DAY_US)) for _ in range(n))
    items = ds.items["doc"]
    lines = ds.invoice_lines
    for i, d in enumerate(dates):
        ci = rng.choice(contract_clients) - 1 if rng.random() < 0.8 else rng.randrange(nclients)
        contracts = ds.contracts_by_client.get(ci + 1, [])
        first = len(lines)
        net = 0.0
        for _ in range(rng.randint(1, 5)):
            item = items[rng.randrange(len(items))] if items else {"id": 0, "baseprice": 95.0}
            qty = float(rng.choice((1, 1, 1, 2, 3, 5, 10, 25)))
            price = item["baseprice"]
            net += round(qty * price, 2)
            lines.add(ihid=i + 1, item_id=item["id"], qty=qty, unit_price=price, ticket_id=0, date=d)
        ds.invoices.add(
            client_id=ci + 1, site_id=ds.clients["doc"][ci]["main_site_id"],
            contract_id=contracts[0] if contracts and rng.random() < 0.8 else 0, invoice_date=d,
            last_modified=min(HISTORY_END, d + rng.randrange(1, 20 * DAY_US)), first_line=first,
            line_count=len(lines) - first, net=round(net, 2), tax=round(net * 0.2, 2),
            paid=1 if d < HISTORY_END - 45 * DAY_US or rng.random() < 0.4 else 0,
        )  # fmt: skip


def gen_recurring_invoices(ds: Dataset, rng: random.Random) -> None:
    """One recurring invoice per active managed-services contract."""
    for doc in ds.contracts["doc"]:
        if not doc["active"] or doc["contracttype"] != 1:
            continue
        rid = len(ds.recurring_invoices) + 1
        cdoc = ds.clients["doc"][doc["client_id"] - 1]
        net = doc["periodchargeamount"]
        ds.recurring_invoices.add(
            client_id=doc["client_id"],
            doc={
                "id": rid, "client_id": doc["client_id"], "client_name": cdoc["name"],
                "sitenumber": cdoc["main_site_id"], "site_name": cdoc["main_site_name"], "invoicenumber": "",
                "is_recurring_invoice": True, "contract_id": doc["id"], "contract_ref": doc["ref"], "period": 1,
                "periodname": "Monthly", "lastcreated": HISTORY_END - 30 * DAY_US - HISTORY_END % DAY_US,
                "nextcreationdate": doc["next_invoice_date"], "revenue": net, "tax_total": round(net * 0.2, 2),
                "total": round(net * 1.2, 2), "currency": "GBP", "currency_code": 1, "posted": False,
                "disabled": False, "invoice_date": doc["start_date"],
                "last_modified": doc["start_date"] + rng.randrange(1, 5 * DAY_US), "use": "recurringinvoice",
            },
        )  # fmt: skip


def gen_quotes(ds: Dataset, rng: random.Random, n: int) -> None:
    f = ds.faults.cols
    nf = len(ds.faults)
    for i in range(n):
        fi = rng.randrange(nf)
        ci = f["client_id"][fi] - 1
        d = _sec(_when(rng, start=f["dateoccurred"][fi], end=HISTORY_END - DAY_US))
        net = float(rng.randrange(200, 25000, 10))
        state = rng.choice((0, 1, 1, 2, 3))
        agent = f["agent_id"][fi]
        ds.quotes.add(
            client_id=ci + 1,
            last_update_time=min(HISTORY_END, d + rng.randrange(1, 10 * DAY_US)),
            doc={
                "id": i + 1, "title": rng.choice(C.QUOTE_TITLES), "ticket_id": fi + 1, "status": state,
                "date": d, "expiry_date": d + 30 * DAY_US, "client_id": ci + 1, "site_id": f["site_id"][fi],
                "user_id": f["user_id"][fi], "agent_id": agent, "assigned_agent": agent, "revenue": net,
                "tax_total": round(net * 0.2, 2), "total": round(net * 1.2, 2), "approvalstate": state,
                "note": "", "po_ref": "", "currency": "GBP", "currency_code": 1, "use": "quote",
            },
        )  # fmt: skip


def gen_crm_notes(ds: Dataset, rng: random.Random, n: int) -> None:
    nclients = len(ds.clients)
    rows = sorted((_sec(_when(rng)), rng.randrange(nclients)) for _ in range(n))
    agents = [a for a in ds.agents if a["is_agent"] and not a["isapiagent"]]
    for i, (d, ci) in enumerate(rows):
        doc = ds.clients["doc"][ci]
        users = ds.users_by_site.get(doc["main_site_id"], [0])
        ds.crm_notes.add(
            client_id=ci + 1,
            doc={
                "id": i + 1, "client_id": ci + 1, "supplier_id": 0, "site_id": doc["main_site_id"],
                "user_id": rng.choice(users), "quote_id": 0, "invoice_id": 0, "datetime": d,
                "who_agentid": rng.choice(agents)["id"], "note": rng.choice(C.CRM_NOTES),
                "detail": "Summary sent to the client afterwards.", "timetaken": rng.choice((0.25, 0.5, 1.0)),
                "nextcalldate": d + 90 * DAY_US if rng.random() < 0.3 else 0, "ticketid": 0, "satisfaction": "",
            },
        )  # fmt: skip


def gen_appointments(ds: Dataset, rng: random.Random, n: int) -> None:
    f = ds.faults.cols
    nf = len(ds.faults)
    rows = []
    for _ in range(n):
        fi = rng.randrange(nf)
        start = _sec(_when(rng, start=f["dateoccurred"][fi], end=HISTORY_END - DAY_US))
        start -= start % (15 * 60 * US)
        rows.append((start, fi))
    rows.sort()
    types = ("Onsite visit", "Remote session", "Meeting", "Site survey")
    for i, (start, fi) in enumerate(rows):
        dur = rng.choice((30, 60, 60, 120, 240)) * 60 * US
        ds.appointments.add(
            start=start, ticket_id=fi + 1,
            doc={
                "id": i + 1, "agent_id": f["agent_id"][fi] if f["agent_id"][fi] != 1 else 2, "start_date": start,
                "end_date": start + dur, "allday": False, "ticket_id": fi + 1,
                "subject": f"{types[i % 4]}: ticket {fi + 1}", "client_id": f["client_id"][fi],
                "site_id": f["site_id"][fi], "user_id": f["user_id"][fi], "appointment_type_name": types[i % 4],
                "complete_status": 1 if start < HISTORY_END - 7 * DAY_US else 0, "is_private": False,
                "is_task": False, "colour": "", "type": 0,
                "exchangelastmodifieddate": start - rng.randrange(1, 5 * DAY_US),
            },
        )  # fmt: skip


def gen_timesheet_events(ds: Dataset, rng: random.Random, n: int) -> None:
    """Ticket-work events point at generated agent actions with time; ~10% are breaks (no ticket)."""
    a = ds.actions.cols
    candidates = [j for j in range(len(ds.actions)) if a["minutes"][j] and a["who_agent"][j] > 1]
    picked = sorted(rng.sample(candidates, min(len(candidates), int(n * 0.9))))
    events = [(a["datetime"][j], 0, j, a["who_agent"][j], a["minutes"][j]) for j in picked]
    agents = [x["id"] for x in ds.agents if x["is_agent"] and not x["isapiagent"]]
    for _ in range(n - len(events)):
        start = _sec(_when(rng))
        events.append((start - start % (15 * 60 * US), 1, -1, rng.choice(agents), 30))
    events.sort()
    for start, etype, j, agent, minutes in events:
        ds.timesheet_events.add(action_row=j, agent_id=agent, start=start, minutes=minutes, event_type=etype)
