"""Build full Halo row dicts from stored columns, using the swagger's property names and types.

Filler fields (SLA dates, flags, custom-field values, GUIDs) are derived from ids with a seeded integer mix,
so they cost no memory and stay identical between runs. Dates are serialised Halo-style (clock.halo_dt).

Not modelled: `includecolumns`/`columns_id` column profiles, `includeslatimer` (slapercused/slatimeleft),
`includedetails` extras, attachments, QuotationDetail fields beyond a derived subset, asset `fields`
beyond two synthetic ones.
"""

from __future__ import annotations

import uuid

from . import corpus as C
from .clock import DAY_US, HISTORY_END, US, halo_dt
from .generator import ASSET_TYPES, CLOSED_STATUSES, HOLD_STATUSES, KIND_OPP, KIND_PROJECT, KIND_TASK
from .store import Dataset

M64 = (1 << 64) - 1
USE_BY_KIND = {0: "ticket", KIND_PROJECT: "project", KIND_TASK: "ticket", KIND_OPP: "opportunity"}
SOURCES = (0, 1, 2, 3)
ASSET_STATUS = ((1, "In Use"), (2, "In Stock"), (3, "Retired"))
OS_NAMES = ("Windows 11 Pro", "Windows 10 Pro", "macOS 14", "")  # an asset update (rev) moves to the next one


def mix(seed: int, a: int, b: int = 0) -> int:
    x = (a * 0x9E3779B97F4A7C15 + b * 0xC2B2AE3D27D4EB4F + seed * 0x165667B19E3779F9 + 1) & M64
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & M64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & M64
    return x ^ (x >> 33)


def _dates(doc: dict, keys: tuple[str, ...], frac_keys: tuple[str, ...] = ()) -> dict:
    out = {k: v for k, v in doc.items() if k[0] != "_"}
    for k in keys:
        if k in out:
            out[k] = halo_dt(out[k])
    for k in frac_keys:
        if k in out:
            out[k] = halo_dt(out[k], frac=True)
    return out


class Renderer:
    """Row builders for one dataset. Reference lookups are rebuilt by `refresh()` after reference changes."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.seed = ds.seed
        self.refresh()

    def refresh(self) -> None:
        ds = self.ds
        self.status = {s["id"]: s for s in ds.statuses}
        self.ttype = {t["id"]: t for t in ds.ticket_types}
        self.sla = {s["id"]: s for s in ds.slas}
        self.policy = {(p["slaid"], p["priorityid"]): p for p in ds.policies}
        self.team = {t["id"]: t for t in ds.teams}
        self.agent = {a["id"]: a for a in ds.agents}
        self.outcome = {o["id"]: o for o in ds.outcomes}
        self.atype = {t["id"]: t for t in ds.asset_types}
        self.cf_by_usage: dict[int, list[dict]] = {}
        for d in ds.field_info:
            self.cf_by_usage.setdefault(d["usage"], []).append(d)

    # ------------------------------------------------------------ shared pieces

    def guid(self, kind: int, ident: int) -> str:
        return str(
            uuid.UUID(int=(mix(self.seed, ident, kind) << 64) | mix(self.seed, kind, ident), version=4)
        )

    def customfields(self, usage: int, ident: int) -> list[dict]:
        out = []
        for d in self.cf_by_usage.get(usage, ()):
            h = mix(self.seed, ident, d["id"])
            t = d["type"]
            values = d.get("values", ())
            if t == 0:
                value = "" if h % 5 == 0 else f"{d['name'][2:5].upper()}-{h % 100000:05d}"
                display = value
            elif t == 2:
                v = values[h % len(values)]
                value, display = v["id"], v["name"]
            elif t == 3:
                chosen = [v for k, v in enumerate(values) if (h >> (k + 8)) & 3 == 0]
                value = [{"id": v["id"], "name": v["name"]} for v in chosen]
                display = ", ".join(v["name"] for v in chosen)
            elif t == 4:
                us = 1_672_531_200 * US + (h % 1276) * DAY_US  # 2023-01-01 .. 2026-06-30
                value, display = halo_dt(us), halo_dt(us)[:10]
            else:
                value = h % 3 == 0
                display = "Yes" if value else "No"
            out.append(
                {
                    "id": d["id"], "name": d["name"], "label": d["label"], "summary": d["summary"], "type": t,
                    "value": value, "display": display, "characterlimit": d["characterlimit"],
                    "characterlimittype": 0, "inputtype": d["inputtype"], "copytochild": False,
                    "searchable": d["searchable"], "ordervalues": False, "usage": d["usage"],
                }
            )  # fmt: skip
        return out

    def client_name(self, cid: int) -> str:
        return self.ds.clients["name"][cid - 1] if cid else ""

    def site_name(self, sid: int) -> str:
        return self.ds.sites["name"][sid - 1] if sid else ""

    def user_name(self, uid: int) -> str:
        if not uid:
            return ""
        u = self.ds.users.cols
        return f"{C.FIRST_NAMES[u['first'][uid - 1]]} {C.SURNAMES[u['last'][uid - 1]]}"

    def user_email(self, uid: int) -> str:
        if not uid:
            return ""
        u = self.ds.users.cols
        cdoc = self.ds.clients["doc"][u["client_id"][uid - 1] - 1]
        first, last = C.FIRST_NAMES[u["first"][uid - 1]], C.SURNAMES[u["last"][uid - 1]]
        return f"{first.lower()}.{last.lower()}@{cdoc['_domain']}"

    def agent_name(self, aid: int) -> str:
        a = self.agent.get(aid)
        return a["name"] if a else ""

    # ------------------------------------------------------------ service desk

    def ticket(self, i: int, full: bool = False) -> dict:
        f = self.ds.faults.cols
        fid = i + 1
        kind = f["kind"][i]
        h = mix(self.seed, fid, 1)
        occurred = f["dateoccurred"][i]
        status_id, prio, sla_id = f["status_id"][i], f["priority_id"][i], f["sla_id"][i]
        closed = f["dateclosed"][i]
        policy = self.policy.get((sla_id, prio))
        respond_by = occurred + int((policy["responsetime"] if policy else 2) * 3600) * US
        fix_by = occurred + int((policy["fixtime"] if policy else 8) * 3600) * US
        responded = occurred + (5 + h % 240) * 60 * US
        client_id, site_id, user_id, agent_id = (
            f["client_id"][i],
            f["site_id"][i],
            f["user_id"][i],
            f["agent_id"][i],
        )
        cdoc = self.ds.clients["doc"][client_id - 1]
        team = self.team.get(f["team_id"][i])
        tt = self.ttype[f["tickettype_id"][i]]
        timetaken = round(f["timetaken"][i], 4)
        charge = round(timetaken * (0.5 + (h % 6) / 10), 2) if timetaken else 0.0
        if kind == KIND_PROJECT:
            summary = f"{C.PROJECT_NAMES[f['summary'][i] % len(C.PROJECT_NAMES)]} - {cdoc['name']}"
        elif kind == KIND_OPP:
            summary = f"{C.OPP_TYPES[h % 4]}: {C.QUOTE_TITLES[f['summary'][i] % len(C.QUOTE_TITLES)]}"
        else:
            summary = C.TICKET_SUMMARIES[f["summary"][i]]
        row = {
            "id": fid, "dateoccurred": halo_dt(occurred), "summary": summary,
            "details": C.TICKET_DETAILS[h % len(C.TICKET_DETAILS)], "status_id": status_id,
            "status_name": self.status[status_id]["name"], "tickettype_id": tt["id"], "tickettype_name": tt["name"],
            "sla_id": sla_id, "sla_name": self.sla[sla_id]["name"], "priority_id": prio,
            "priority_name": policy["name"] if policy else "", "client_id": client_id, "client_name": cdoc["name"],
            "site_id": site_id, "site_name": self.site_name(site_id), "user_id": user_id,
            "user_name": self.user_name(user_id), "user_email": self.user_email(user_id),
            "team": team["name"] if team else "", "agent_id": agent_id, "agent_name": self.agent_name(agent_id),
            "category_1": C.CATEGORIES[f["category"][i]], "categoryid_1": f["category"][i] + 1, "category_2": "",
            "categoryid_2": 0, "category_3": "", "categoryid_3": 0, "category_4": "", "categoryid_4": 0, "estimate": float((0, 0.5, 1, 2, 4)[h % 5]), "estimatedays": 0.0,
            "timetaken": timetaken, "chargehours": charge, "nonchargehours": round(timetaken - charge, 4),
            "travelhours": 0.0, "parent_id": f["parent_id"][i], "child_count": 0, "child_count_open": 0,
            "attachment_count": 1 if h % 4 == 0 else 0, "flagged": h % 17 == 0, "read": bool(closed) or h % 3 != 0,
            "enduserstatus": 0, "onhold": status_id in HOLD_STATUSES, "respondbydate": halo_dt(respond_by),
            "responsedate": halo_dt(responded), "responsestartdate": halo_dt(occurred),
            "slaresponsestate": "I" if responded <= respond_by else "O",
            "slastate": ("I" if closed <= fix_by else "O") if closed else "", "fixbydate": halo_dt(fix_by),
            "dateclosed": halo_dt(closed), "dateassigned": halo_dt(occurred + (1 + h % 30) * 60 * US),
            "excludefromsla": kind in (KIND_PROJECT, KIND_OPP), "slaholdtime": 0.0,
            "currentelapsedhours": round(((closed or HISTORY_END) - occurred) / 3_600_000_000, 2),
            "lastactiondate": halo_dt(f["lastactiondate"][i]), "last_update": halo_dt(f["last_update"][i], frac=True),
            "lastincomingemail": halo_dt(occurred if h % 3 == 0 else 0), "organisation_id": 0,
            "department_id": team["department_id"] if team else 0, "reportedby": self.user_name(user_id),
            "emailtolist": "", "emailcclist": "", "impact": min(3, prio), "urgency": min(3, 1 + h % 3),
            "startdate": halo_dt(occurred if kind == KIND_PROJECT else 0), "targetdate": halo_dt(0),
            "deadlinedate": halo_dt(0), "inactive": False, "hasbeenclosed": bool(closed),
            "itil_requesttype_id": tt["itilrequesttype"], "ticket_tags": "vip" if cdoc["is_vip"] else "",
            "source": SOURCES[h % 4], "is_vip": cdoc["is_vip"], "isimportantcontact": False, "workflow_id": 0,
            "workflow_step": 0, "release_id": 0, "site_timezone": "GMT Standard Time",
            "guid": self.guid(1, fid), "use": USE_BY_KIND[kind], "customfields": self.customfields(1, fid),
        }  # fmt: skip
        if kind == KIND_TASK:
            self._task_fields(row, f["parent_id"][i], f["milestone_id"][i])
        elif kind == KIND_PROJECT:
            self._project_fields(row, fid, timetaken)
        elif kind == KIND_OPP:
            self._opp_fields(row, fid, h, cdoc, closed, status_id)
        if full:
            row["datecreated"] = row["dateoccurred"]
            row["deleted"] = bool(f["deleted"][i])
            row["milestones"] = self.milestones(fid)
            row["budgets"] = self.budgets(fid, timetaken)
        return row

    def _task_fields(self, row: dict, pid: int, mid: int) -> None:
        m = next((m for m in self.ds.milestones.get(pid, ()) if m["id"] == mid), None)
        row.update(
            {
                "milestone_id": mid, "milestone_name": m["name"] if m else "",
                "milestone_sequence": m["sequence"] if m else 0, "milestone_status": 1 if m and m["processed_date"] else 0,
                "milestone_startdate": halo_dt(m["start_date"] if m else 0),
                "milestone_enddate": halo_dt(m["target_date"] if m else 0),
            }
        )  # fmt: skip

    def project_actual_hours(self, pid: int, own: float) -> float:
        f = self.ds.faults.cols
        return round(own + sum(f["timetaken"][c - 1] for c in self.ds.children.get(pid, ())), 4)

    def _project_fields(self, row: dict, pid: int, own_time: float) -> None:
        hours, rate, money = self.ds.project_budget.get(pid, (0.0, 0.0, 0.0))
        actual = self.project_actual_hours(pid, own_time)
        f = self.ds.faults.cols
        kids = self.ds.children.get(pid, [])
        row.update(
            {
                "child_count": len(kids),
                "child_count_open": sum(1 for c in kids if f["status_id"][c - 1] not in CLOSED_STATUSES),
                "projecttimebudget": hours, "projectmoneybudget": money, "projecttimeactual": actual,
                "projectmoneyactual": round(actual * rate, 2),
                "projecttimepercentage": round(actual / hours * 100, 1) if hours else 0.0,
                "milestones": self.milestones(pid),
            }
        )  # fmt: skip

    def _opp_fields(self, row: dict, fid: int, h: int, cdoc: dict, closed: int, status_id: int) -> None:
        value = float(1000 + h % 40 * 500)
        prob = float((10, 25, 50, 75, 90)[h % 5])
        won = bool(closed) and status_id == 9 and h % 2 == 0
        row.update(
            {
                "oppcontactname": row["user_name"], "oppcompanyname": cdoc["name"],
                "oppemailaddress": row["user_email"], "opptel": cdoc["main_phonenumber"],
                "opptype": C.OPP_TYPES[h % 4], "oppvalue": value, "oppconversionprobability": prob,
                "oppvalueadjusted": round(value * prob / 100, 2), "oppprofit": round(value * 0.3, 2),
                "oppclosurecategory": (1 if won else 2) if closed else 0,
                "oppconverteddate": row["dateclosed"] if won else halo_dt(0),
            }
        )  # fmt: skip

    def milestones(self, pid: int) -> list[dict]:
        out = []
        for m in self.ds.milestones.get(pid, ()):
            row = _dates(m, ("start_date", "target_date", "processed_date"))
            row["tickets"] = []
            out.append(row)
        return out

    def budgets(self, pid: int, own_time: float) -> list[dict]:
        if pid not in self.ds.project_budget:
            return []
        hours, rate, money = self.ds.project_budget[pid]
        actual = self.project_actual_hours(pid, own_time)
        return [
            {
                "id": pid, "ticket_id": pid, "budgettype_id": 1, "budgettype_name": "Labour", "hours": hours,
                "days": round(hours / 7.5, 2), "rate": rate, "money": money, "estimated_hours": hours,
                "estimated_money": money, "actual_hours": actual, "actual_money": round(actual * rate, 2),
                "scheduled_hours": 0.0, "scheduled_value": 0.0, "remaining_hours": round(hours - actual, 4),
                "remaining_value": round((hours - actual) * rate, 2),
            }
        ]  # fmt: skip

    def action(self, j: int) -> dict:
        a = self.ds.actions.cols
        tid, num, who, out, mins = (
            a["ticket_id"][j],
            a["num"][j],
            a["who_agent"][j],
            a["outcome_id"][j],
            a["minutes"][j],
        )
        f = self.ds.faults.cols
        i = tid - 1
        dt = halo_dt(a["datetime"][j])
        h = mix(self.seed, tid, num)
        user_id = f["user_id"][i]
        agent = self.agent.get(who)
        hours = mins / 60
        billable = mins > 0 and h % 4 != 0
        kind = f["kind"][i]
        project_id = tid if kind == KIND_PROJECT else (f["parent_id"][i] if kind == KIND_TASK else 0)
        email = out in (2, 9, 10)
        ns = a["new_status"][j]
        return {
            "ticket_id": tid, "id": num, "outcome": self.outcome[out]["outcome"], "outcome_id": out,
            "who": agent["name"] if agent else self.user_name(user_id), "who_type": 1 if agent else 2,
            "who_agentid": who, "actionby_agent_id": who, "actionby_user_id": 0 if agent else user_id,
            "datetime": dt, "last_updated": halo_dt(a["last_updated"][j], frac=True), "actiondatecreated": dt,
            "actionarrivaldate": dt, "actioncompletiondate": dt, "note": C.ACTION_NOTES[a["note"][j]],
            "note_html": f"<p>{C.ACTION_NOTES[a['note'][j]]}</p>",
            "emailbody": C.ACTION_NOTES[a["note"][j]] if email else "",
            "emailsubject": f"RE: [Ticket #{tid}]" if email else "",
            "emailfrom": (agent["email"] if agent else self.user_email(user_id)) if email else "",
            "emailto": (self.user_email(user_id) if agent else "support@msp.example") if email else "",
            "timetaken": hours, "timetakendays": 0.0, "timetakenadjusted": hours, "nonbilltime": 0.0 if billable else hours,
            "traveltime": 0.5 if out == 5 else 0.0, "chargerate": 1 if agent else 0, "actisbillable": billable,
            "hiddenfromuser": self.outcome[out]["hidefromuser"], "important": h % 29 == 0,
            "attachment_count": 1 if h % 11 == 0 else 0, "actionchargehours": hours if billable else 0.0,
            "actionchargeamount": round(hours * 95.0, 2) if billable else 0.0,
            "actionnonchargehours": 0.0 if billable else hours, "actionnonchargeamount": 0.0,
            "project_id": project_id, "new_status": ns, "new_status_name": self.status[ns]["name"] if ns else "",
            "colour": "", "unread": 0, "customfields": self.customfields(6, tid * 4096 + num),
        }  # fmt: skip

    # ------------------------------------------------------------ customers

    def client(self, i: int, full: bool = False) -> dict:
        c = self.ds.clients.cols
        row = _dates(c["doc"][i], ("datecreated",))
        rev = c["rev"][i]
        row["inactive"] = bool(c["inactive"][i])
        row["notes"] = f"Account notes (revision {rev})" if rev else ""
        row["customfields"] = self.customfields(2, i + 1)
        if full:
            row["alastupdate"] = halo_dt(c["alastupdate"][i], frac=True)
        return row

    def site(self, i: int, full: bool = False) -> dict:
        s = self.ds.sites.cols
        sid = i + 1
        cid = s["client_id"][i]
        cdoc = self.ds.clients["doc"][cid - 1]
        h = mix(self.seed, sid, 3)
        users = self.ds.users_by_site.get(sid, [0])
        rev = s["rev"][i]
        row = {
            "id": sid, "name": s["name"][i], "client_id": float(cid), "client_name": cdoc["name"],
            "clientsite_name": f"{cdoc['name']}/{s['name'][i]}", "inactive": bool(s["inactive"][i]),
            "sla_id": cdoc["_sla"], "phonenumber": f"0{1000000000 + h % 999999999}", "colour": "",
            "timezone": "GMT Standard Time", "invoice_address_isdelivery": True,
            "notes": f"Site notes (revision {rev})" if rev else "", "isstocklocation": False, "use": "site",
            "delivery_address_line1": f"{1 + h % 200} {C.STREETS[h % len(C.STREETS)]}",
            "delivery_address_line2": "", "delivery_address_line3": C.CITIES[(h >> 8) % len(C.CITIES)],
            "delivery_address_line4": "", "delivery_address_line5": f"AB{h % 90 + 10} {h % 9}CD",
            "maincontact_id": users[0], "ref": f"S{sid:05d}", "customfields": self.customfields(3, sid),
        }  # fmt: skip
        if full:
            row["slastupdate"] = halo_dt(s["slastupdate"][i], frac=True)
            row["datecreated"] = halo_dt(s["datecreated"][i])
        return row

    def user(self, i: int, full: bool = False) -> dict:
        u = self.ds.users.cols
        uid = i + 1
        site_id, cid = u["site_id"][i], u["client_id"][i]
        first, last = C.FIRST_NAMES[u["first"][i]], C.SURNAMES[u["last"][i]]
        h = mix(self.seed, uid, 4)
        rev = u["rev"][i]
        linked = u["linked_agent"][i]
        row = {
            "id": uid, "name": f"{first} {last}", "site_id": float(site_id), "site_id_int": site_id,
            "site_name": self.site_name(site_id), "client_id": cid, "client_name": self.client_name(cid),
            "firstname": first, "surname": last, "initials": f"{first[0]}{last[0]}",
            "title": C.JOB_TITLES[h % len(C.JOB_TITLES)], "emailaddress": self.user_email(uid),
            "phonenumber": f"0{1100000000 + h % 99999999}", "mobilenumber": f"07{700000000 + h % 99999999}",
            "mobilenumber2": "", "homenumber": "", "telpref": 0, "login": f"{first[0].lower()}{last.lower()}",
            "inactive": bool(u["inactive"][i]), "colour": "", "isimportantcontact": h % 13 == 0,
            "neversendemails": False, "isserviceaccount": h % 50 == 0 and not linked, "linked_agent_id": linked,
            "organisation_id": 0, "priority_id": 0, "sitetimezone": "GMT Standard Time",
            "notes": f"Contact notes (revision {rev})" if rev else "", "use": "user",
            "customfields": self.customfields(4, uid),
        }  # fmt: skip
        if full:
            row["ulastupdate"] = halo_dt(u["ulastupdate"][i], frac=True)
            row["datecreated"] = halo_dt(u["datecreated"][i])
        return row

    def asset(self, i: int, full: bool = False) -> dict:
        d = self.ds.assets.cols
        aid = i + 1
        h = mix(self.seed, aid, 5)
        at = self.atype[d["assettype_id"][i]]
        models = ASSET_TYPES[at["id"] - 1][4]
        make, model = C.ASSET_MODELS[models[h % len(models)]]
        cid, sid, uid = d["client_id"][i], d["site_id"][i], d["user_id"][i]
        cdoc = self.ds.clients["doc"][cid - 1]
        contract_id = d["contract_id"][i]
        ws = d["warranty_start"][i]
        inactive = bool(d["inactive"][i])
        status = ASSET_STATUS[2] if inactive else ASSET_STATUS[0 if uid or h % 5 else 1]
        row = {
            "id": aid, "inventory_number": f"{at['tagprefix']}-{aid:05d}",
            "key_field": f"{cdoc['_domain'][:4].upper()}-{at['tagprefix']}{aid:04d}",
            "key_field2": f"SN{h % 10**10:010d}", "key_field3": f"{make} {model}", "client_id": cid,
            "client_name": cdoc["name"], "site_id": sid, "site_name": self.site_name(sid),
            "username": self.user_name(uid), "assettype_id": at["id"], "assettype_name": at["name"],
            "status_id": status[0], "status_name": status[1], "inactive": inactive,
            "warranty_start": halo_dt(ws), "warranty_end": halo_dt(ws + 3 * 365 * DAY_US), "parent_id": 0,
            "child_id": 0, "contract_id": contract_id,
            "contract_ref": self.ds.contracts["doc"][contract_id - 1]["ref"] if contract_id else "",
            "supplier_id": 0, "supplier_name": "", "item_id": 0, "device_number": aid, "third_party_id": 0,
            "colour": "", "icon": at["icon"], "use": "asset", "business_owner_id": 0, "technical_owner_id": 0,
            "criticality": h % 3, "sla_id": cdoc["_sla"], "priority_id": 0, "stock_date": halo_dt(0),
            "ninjarmm_id": h % 90000 + 10000 if h % 2 else 0, "automate_id": 0, "syncroid": 0, "intune_id": "",
            "fields": [
                {"id": 1, "name": "Operating System", "value": OS_NAMES[(h + d["rev"][i]) % 4]},
                {"id": 2, "name": "IP Address", "value": f"10.{h % 250}.{(h >> 8) % 250}.{(h >> 16) % 250}"},
            ],
            "customfields": self.customfields(5, aid),
        }  # fmt: skip
        if full:
            row["dlastupdate"] = halo_dt(d["dlastupdate"][i], frac=True)
            row["last_modified"] = row["dlastupdate"]
        return row

    def crm_note(self, i: int) -> dict:
        row = _dates(self.ds.crm_notes["doc"][i], ("datetime", "nextcalldate"))
        row["customfields"] = []
        return row

    def supplier(self, i: int) -> dict:
        row = _dates(self.ds.suppliers["doc"][i], ("datecreated",), ("last_modified",))
        row["customfields"] = []
        return row

    # ------------------------------------------------------------ finance

    def contract(self, i: int) -> dict:
        row = _dates(
            self.ds.contracts["doc"][i],
            ("start_date", "end_date", "periodicinvoicenextdate", "next_invoice_date"),
        )
        row["last_modified"] = halo_dt(self.ds.contracts["last_modified"][i], frac=True)
        row["customfields"] = self.customfields(7, i + 1)
        return row

    def invoice(self, i: int, lines: bool = False) -> dict:
        v = self.ds.invoices.cols
        iid = i + 1
        h = mix(self.seed, iid, 8)
        cid, sid, contract_id = v["client_id"][i], v["site_id"][i], v["contract_id"][i]
        d = v["invoice_date"][i]
        net, tax = v["net"][i], v["tax"][i]
        total = round(net + tax, 2)
        paid = bool(v["paid"][i])
        posted = paid or d < HISTORY_END - 10 * DAY_US
        row = {
            "id": iid, "invoicenumber": f"INV-{10000 + iid}", "thirdpartyinvoicenumber": f"X{20000 + iid}" if posted else "",
            "client_id": cid, "client_name": self.client_name(cid), "sitenumber": sid, "site_name": self.site_name(sid),
            "posted": posted, "invoice_date": halo_dt(d), "duedate": halo_dt(d + 30 * DAY_US),
            "dateposted": halo_dt(d + 3600 * US + h % 1000 * 1000, frac=True) if posted else halo_dt(0),
            "datesent": halo_dt(d + DAY_US) if posted else halo_dt(0),
            "datepaid": halo_dt(d + (5 + h % 40) * DAY_US) if paid else halo_dt(0),
            "paymentstatus": 2 if paid else 0, "amountpaid": total if paid else 0.0,
            "amountdue": 0.0 if paid else total, "total": total, "tax_total": tax, "revenue": net,
            "currency": "GBP", "currency_code": 1, "contract_id": contract_id,
            "contract_ref": self.ds.contracts["doc"][contract_id - 1]["ref"] if contract_id else "",
            "ticket_id": 0, "salesorder_id": 0, "is_recurring_invoice": False, "recurring_invoice_id": 0,
            "last_modified": halo_dt(v["last_modified"][i], frac=True),
            "last_synced": halo_dt(v["last_modified"][i] + 60 * US, frac=True) if posted else halo_dt(0),
            "disabled": False, "use": "invoice", "customfields": self.customfields(8, iid),
        }  # fmt: skip
        if v["rev"][i]:
            row["internal_note"] = f"Revision {v['rev'][i]}"
        if lines:
            first = v["first_line"][i]
            row["lines"] = [self.invoice_line(k) for k in range(first, first + v["line_count"][i])]
        return row

    def invoice_line(self, k: int) -> dict:
        li = self.ds.invoice_lines.cols
        item = self.ds.items["doc"][li["item_id"][k] - 1] if li["item_id"][k] else None
        qty, price = li["qty"][k], li["unit_price"][k]
        net = round(qty * price, 2)
        return {
            "id": k + 1, "ihid": li["ihid"][k], "item_code": item["internalreference"] if item else "",
            "item_shortdescription": item["name"] if item else "Labour",
            "item_longdescription": item["description"] if item else "", "_itemid": li["item_id"][k],
            "qty_order": qty, "unit_price": price, "unit_cost": item["costprice"] if item else 0.0,
            "net_amount": net, "tax_amount": round(net * 0.2, 2), "tax_rate": 20.0, "tax_code": "1",
            "nominal_code": item["nominalcode"] if item else "4100", "asset_id": 0, "contract_id": 0,
            "ticket_id": li["ticket_id"][k], "actioncode": 0, "recurring_invoice_id": 0,
            "recurring_invoice_line_id": 0, "lineactiondate": halo_dt(li["date"][k]), "customfields": [],
        }  # fmt: skip

    def recurring_invoice(self, i: int, lines: bool = False) -> dict:
        doc = self.ds.recurring_invoices["doc"][i]
        row = _dates(doc, ("lastcreated", "nextcreationdate", "invoice_date"), ("last_modified",))
        row["customfields"] = self.customfields(8, 1_000_000 + i)
        if lines:
            net = doc["revenue"]
            row["lines"] = [
                {
                    "id": 1, "ihid": doc["id"], "item_code": "MSP", "item_shortdescription": "Managed services - monthly",
                    "qty_order": 1.0, "unit_price": net, "net_amount": net, "tax_amount": doc["tax_total"],
                    "tax_rate": 20.0, "contract_id": doc["contract_id"], "recurring_invoice_id": doc["id"],
                    "customfields": [],
                }
            ]  # fmt: skip
        return row

    def item(self, i: int) -> dict:
        row = _dates(self.ds.items["doc"][i], ("datecreated",), ("lastmodified",))
        row["customfields"] = self.customfields(9, i + 1)
        return row

    def quote(self, i: int, lines: bool = False) -> dict:
        doc = self.ds.quotes["doc"][i]
        row = _dates(doc, ("date", "expiry_date"))
        row.update(
            {
                "client_name": self.client_name(doc["client_id"]), "site_name": self.site_name(doc["site_id"]),
                "user_name": self.user_name(doc["user_id"]), "assigned_agent_name": self.agent_name(doc["agent_id"]),
                "last_update_time": halo_dt(self.ds.quotes["last_update_time"][i], frac=True),
                "customfields": self.customfields(10, i + 1),
            }
        )  # fmt: skip
        if lines:
            row["lines"] = self.quote_lines(doc)
        return row

    def quote_lines(self, doc: dict) -> list[dict]:
        """1-3 QuotationDetail lines derived from the quote id; their net prices add up to `revenue`."""
        items = self.ds.items["doc"]
        n = 1 + mix(self.seed, doc["id"], 10) % 3
        out = []
        for k in range(n):
            item = items[mix(self.seed, doc["id"], 11 + k) % len(items)] if items else None
            price = (
                round(doc["revenue"] / n, 2)
                if k < n - 1
                else round(doc["revenue"] - round(doc["revenue"] / n, 2) * (n - 1), 2)
            )
            out.append(
                {
                    "id": doc["id"] * 10 + k + 1, "qhid": doc["id"], "sort_seq": k + 1,
                    "item_id": item["id"] if item else 0, "name": item["name"] if item else "Services",
                    "description": item["description"] if item else "", "productcode": item["internalreference"] if item else "",
                    "costprice": item["costprice"] if item else 0.0, "total_net_total_yearone": price,
                    "item_recurring": item["isrecurringitem"] if item else False, "optional": False,
                }
            )  # fmt: skip
        return out

    def appointment(self, i: int) -> dict:
        doc = self.ds.appointments["doc"][i]
        row = _dates(doc, ("start_date", "end_date", "exchangelastmodifieddate"))
        row["agent_name"] = self.agent_name(doc["agent_id"])
        row["client_name"] = self.client_name(doc["client_id"])
        row["site_name"] = self.site_name(doc["site_id"])
        row["user_name"] = self.user_name(doc["user_id"])
        return row

    def timesheet_event(self, i: int) -> dict:
        t = self.ds.timesheet_events.cols
        start, minutes, j = t["start"][i], t["minutes"][i], t["action_row"][i]
        row = {
            "id": i + 1, "event_type": t["event_type"][i], "subject": "Break", "start_date": halo_dt(start),
            "end_date": halo_dt(start + minutes * 60 * US), "timetaken": minutes / 60, "agent_id": t["agent_id"][i],
            "break_type": 1 if j < 0 else 0, "ticket_id": 0, "action_number": 0, "note": "", "customer": "",
            "site_id": 0, "user_name": "", "charge_rate": 0, "client_id": 0, "tickettype_id": 0, "category1": "",
            "contract_id": 0, "traveltime": 0.0, "mileage": 0, "holiday_id": 0, "lognewticket": False,
        }  # fmt: skip
        if j >= 0:
            a, f = self.ds.actions.cols, self.ds.faults.cols
            tid = a["ticket_id"][j]
            fi = tid - 1
            row.update(
                {
                    "subject": f"Ticket #{tid}", "ticket_id": tid, "action_number": a["num"][j],
                    "note": C.ACTION_NOTES[a["note"][j]], "customer": self.client_name(f["client_id"][fi]),
                    "site_id": f["site_id"][fi], "user_name": self.user_name(f["user_id"][fi]), "charge_rate": 1,
                    "client_id": f["client_id"][fi], "tickettype_id": f["tickettype_id"][fi],
                    "category1": C.CATEGORIES[f["category"][fi]],
                }
            )  # fmt: skip
        return row

    # ------------------------------------------------------------ reference data

    def agent_row(self, doc: dict) -> dict:
        return _dates(doc, ("lastlogindate",))

    def team_row(self, doc: dict, count: int) -> dict:
        row = _dates(doc, (), ("last_modified",))
        row["ticket_count"] = count
        row["agents"] = [
            {
                "id": a["id"],
                "name": a["name"],
                "email": a["email"],
                "isdisabled": a["isdisabled"],
                "team": a["team"],
            }
            for a in self.ds.agents
            if a["team"] == doc["name"] and a["is_agent"]
        ]
        return row

    def charge_rate(self, doc: dict) -> dict:
        return _dates(doc, ("startdate", "expirydate"))
