"""Worlds: one switch per fact about Halo's API that public evidence leaves open, one reading per value.

`World()` is the reading the simulator has always served, except where the swagger documents a filter the
simulator once ignored (`includechildren`); every other value is a reading the public record makes plausible (halopsa-api.md, cited per switch in SWITCHES). A world changes only HTTP answers:
`TenantBackend.read_all` and `TenantBackend.count` are the ground truth (what the tenant holds) and ignore
the world.

    SimulatorOptions(scale="tiny", **WORLDS["crmnote_client_id_required"])
    SimulatorOptions(scale="tiny", **combine("order_ignored", "count_ignored"))

WORLDS maps a name to SimulatorOptions overrides (JSON-able: "world" holds World fields as a dict).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

UNPAGED_DEFAULT_ROWS = 50  # Halo's default page for an agent (halopsa-api.md §9, Servosity)


@dataclass(frozen=True)
class World:
    """Switches; each default is the simulator's original reading or, for a documented filter, honouring it."""

    crmnote_client_id: str = "optional"  # "optional" | "required"
    crmnote_envelope: str = "bare"  # "bare" | "actions" | "notes"
    unpaged_record_count: str = "total"  # "total" | "short"
    page_size_ignored: frozenset[str] = field(default_factory=frozenset)  # paged resources, e.g. {"asset"}
    unpaged_count: str = "honoured"  # "honoured" | "ignored"
    order: str = "honoured"  # "honoured" | "ignored"
    list_custom_fields: str = "honoured"  # "honoured" | "ignored"
    project_list_milestones: str = "present"  # "present" | "absent" | "null" | "empty"
    project_tasks_in_tickets: str = "always"  # "always" | "includeprojects"
    crm_list_lastupdate: str = "absent"  # "absent" | "present"
    crm_list_change_filter: str = "honoured"  # "honoured" | "ignored"
    ticketids: str = "honoured"  # "honoured" | "ignored" | "any_kind"
    includechildren: str = "honoured"  # "honoured" | "ignored"
    tokens: str = "independent"  # "independent" | "newest_only"

    def __post_init__(self) -> None:
        object.__setattr__(self, "page_size_ignored", frozenset(self.page_size_ignored))
        for f in fields(self):
            allowed = SWITCHES[f.name]["readings"]
            value = getattr(self, f.name)
            if f.name == "page_size_ignored":
                unknown = value - PAGED_RESOURCES
                if unknown:
                    raise ValueError(f"page_size_ignored: not paged resources {sorted(unknown)}")
            elif value not in allowed:
                raise ValueError(f"{f.name} must be one of {sorted(allowed)}, got {value!r}")

    @classmethod
    def of(cls, value: World | dict | None) -> World:
        if value is None:
            return cls()
        if isinstance(value, World):
            return value
        unknown = set(value) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown world switches: {sorted(unknown)}")
        return cls(**value)


# Paged resources (backend.LISTINGS keys) plus /Agent's paged form.
PAGED_RESOURCES = frozenset(
    {"tickets", "projects", "opportunities", "client", "site", "users", "asset", "invoice", "recurringinvoice",
     "clientcontract", "item", "quotation", "appointment", "supplier", "agent"}
)  # fmt: skip

# For COVERAGE.md: each switch, what each reading does on the wire, and why it is plausible.
SWITCHES: dict[str, dict] = {
    "crmnote_client_id": {
        "readings": {
            "optional": "`GET /CRMNote` without `client_id` lists every note.",
            "required": "without `client_id` the answer is empty (no rows, `record_count` 0).",
        },
        "evidence": "§9 `/CRMNote`: HaloAPI's `Get-HaloCRMNote`, written against a real tenant, marks `client_id` "
        "Mandatory; the 2024 swagger lists it as an ordinary optional filter.",
    },
    "crmnote_envelope": {
        "readings": {
            "bare": "a bare JSON array; `count`, `page_no`, `page_size` are ignored like on every bare array.",
            "actions": '`{"record_count", "actions": [...]}`; `count` follows `unpaged_count`.',
            "notes": '`{"record_count", "notes": [...]}`; `count` follows `unpaged_count`.',
        },
        "evidence": "§2.3 CRM table and Open questions: no source shows the body (SWAGGER-2025 documents none); "
        "HaloAPI falls back to the key `actions`, pyhalopsa guesses another; halocli saw page 1 for every "
        "`page_no` (peers-and-lessons §4.2).",
    },
    "unpaged_record_count": {
        "readings": {
            "total": "`record_count` of an unpaged answer (a list without `pageinate=true`, `/Actions`, an "
            "enveloped `/CRMNote`) is the number of matches.",
            "short": "it equals the number of rows in that answer.",
        },
        "evidence": "§9 first row (Servosity/msp-skills #203, #211, #213): without `pageinate` and `page_no`, "
        "`record_count` equals the short count; §3 says it is the total (paged answers).",
    },
    "page_size_ignored": {
        "readings": {
            "frozenset()": "every paged resource honours `page_size` up to options.page_cap.",
            "{resources}": "the listed resources serve 50 rows a page whatever `page_size` asks, page `page_no` by "
            "that size, report `record_count` = total and echo the requested `page_size` in the envelope.",
        },
        "evidence": "§9 `/Asset` (Servosity/msp-skills PR #209): one self-hosted tenant returned 50 rows whatever "
        "`page_size` asked. The echo is not evidenced; echoing the request is the reading that breaks clients "
        "that trust it.",
    },
    "unpaged_count": {
        "readings": {
            "honoured": "`count` is honoured: lists without `pageinate` return the first `count` rows (default "
            "options.unpaged_default_count = 50); `/Actions` windows the first `count` (default 50, at most "
            "1000); `/Actions?ticket_id=` every action unless `count` is given; enveloped `/CRMNote` the first "
            "`count` (default 50), bare `/CRMNote` every note.",
            "ignored": "`count` is ignored and every answer that has a `count` parameter stops at 50 rows: lists "
            "without `pageinate`, `/Actions` (windows and `ticket_id`), `/CRMNote` (any envelope). "
            "`/TimesheetEvent` has no `count` parameter in the swagger and is unaffected; paged answers are "
            "unaffected.",
        },
        "evidence": '§3 (swagger: `count` = "When not using pagination, the number of results to return"; '
        "pip-halopsa: `/Client` returns 50 without it) against §9 (Servosity: without paging Halo returns the "
        "agent's default page of 50). `/Actions` and `/CRMNote` document `count` in the 2024 swagger; "
        "`/TimesheetEvent` documents only `agent_id`, `agents`, `start_date`, `end_date`, `utcoffset`.",
    },
    "order": {
        "readings": {
            "honoured": "`order`/`orderdesc` sort paged lists (known columns); `orderdesc=true` reverses `/Actions`.",
            "ignored": "every list ignores `order` and `orderdesc`: rows by id ascending, `/Actions` by datetime, "
            "ticket_id, id.",
        },
        "evidence": "§3 Ordering: `order`/`orderdesc` come from the swagger only (HaloAPI uses other names on "
        "some cmdlets); no public client shows them working; unknown or unsupported parameters are ignored "
        "silently (§8.5).",
    },
    "list_custom_fields": {
        "readings": {
            "honoured": "/Tickets, /Projects, /Opportunities list rows carry every custom field when "
            "`include_custom_fields` is absent, and only the listed FieldInfo ids when it is given.",
            "ignored": "those list rows carry `customfields: []` whatever is asked; `GET /Tickets/{id}` still has "
            "them.",
        },
        "evidence": "§5 shape-changing parameters (djpsa asks `include_custom_fields` to get them) and Open "
        "questions: whether list rows carry `customfields` at all is unknown.",
    },
    "project_list_milestones": {
        "readings": {
            "present": "/Projects list rows (and project rows on /Tickets) carry `milestones`.",
            "absent": "list rows carry no `milestones`; only `GET /Projects/{id}` (and `/Tickets/{id}`) has them.",
            "null": 'list rows carry `"milestones": null` (a serializer that writes every property of `Faults`); '
            "only the single GETs fill it.",
            "empty": 'list rows carry `"milestones": []` whatever the project has (a list initialised empty and '
            "filled only for a single GET).",
        },
        "evidence": "§2.3 Projects: `milestones` is a property of the full `Faults` object in SWAGGER-2024, not "
        "of `Faults_List`; djpsa reads project details from `GET /Tickets/{id}`.",
    },
    "project_tasks_in_tickets": {
        "readings": {
            "always": "/Tickets lists plain tickets and project tasks; project headers only with "
            "`includeprojects=true`.",
            "includeprojects": "`includeprojects` is the swagger's filter: a comma list, 0 = neither project nor "
            "opportunity, 1 = opportunities, 2 = projects (headers and their tasks); absent or `false` = 0, "
            "`true` = 0,2. So /Tickets lists project tasks only when `includeprojects` contains 2 (or is `true`).",
        },
        "evidence": 'halo-swagger-2024.json, /Tickets `includeprojects`: "(array of int) Filter on projects in '
        'the array - 1 = Opportunities not Projects - 2 = Projects not Opportunities - 0 = Neither."',
    },
    "crm_list_lastupdate": {
        "readings": {
            "absent": "/Client, /Site, /Users, /Asset list rows have no last-update field (single GETs do).",
            "present": "list rows carry `alastupdate`, `slastupdate`, `ulastupdate`, `dlastupdate` respectively.",
        },
        "evidence": "§4.2: these fields are only on the full objects in SWAGGER-2024 (`Area_List` unread, "
        "`Device_List` 2025 adds other change fields); Open questions lists it as unknown.",
    },
    "crm_list_change_filter": {
        "readings": {
            "honoured": "`lastupdatefromdate`/`lastupdatetodate` on /Client, /Site, /Users, /Asset list only the "
            "rows whose hidden last-update time lies in the window.",
            "ignored": "those endpoints ignore both parameters and list every row.",
        },
        "evidence": "§4.2: the 2024 swagger documents both filters on the four lists, but no public client is "
        "seen using them, and unknown or unsupported parameters are ignored silently (§8.5).",
    },
    "ticketids": {
        "readings": {
            "honoured": "`ticketids` (a comma list) keeps only those ids of what the endpoint lists (/Projects: "
            "projects).",
            "ignored": "`ticketids` is ignored: the endpoint lists what it would without it.",
            "any_kind": "`ticketids` lists those ids whatever their kind: /Projects then returns tickets and "
            "tasks among them too.",
        },
        "evidence": "§2.3: /Projects takes the same 190 parameters as /Tickets (2024 swagger), `ticketids` among "
        "them, with no description; no public client is seen using it, and unknown parameters are ignored "
        "silently (§8.5).",
    },
    "includechildren": {
        "readings": {
            "honoured": "`includechildren` on /Tickets, /Projects and /Opportunities (a comma list) keeps the rows "
            "of the listed kinds: 0 = has no children and is not a child, 1 = has children, 2 = is a child "
            "(`parent_id` set). Anything else, or absent, filters nothing.",
            "ignored": "`includechildren` is ignored: every row the other filters allow is listed.",
        },
        "evidence": 'halo-swagger-2024.json, /Tickets `includechildren`: "(array of int) Filter on child tickets in '
        'the array. 0 = No children and not a child - 1 = Has children - 2 = is a child"; no public client is '
        "seen sending it, and unknown parameters are ignored silently (§8.5).",
    },
    "tokens": {
        "readings": {
            "independent": "each token stays valid until it expires (options.token_ttl_seconds) or is revoked.",
            "newest_only": "issuing a token revokes every older one.",
        },
        "evidence": "§1.4: djpsa warns a new token may invalidate earlier ones and serialises token fetches.",
    },
}

# Readings that are plain SimulatorOptions fields rather than World switches.
OPTION_SWITCHES: dict[str, dict] = {
    "actions_max_window_days + actions_window_violation": {
        "readings": {
            "None": "(default) an `/Actions` date window may be any length.",
            'L + "clamp"': "a window longer than L days silently serves only its first L from `startdate` "
            "(`record_count` counts that part only); named worlds for L = 1 day, 6 hours, 1 hour.",
            'L + "error"': '400 `{"error": "Date range cannot exceed 1 day"}`.',
            'L + "empty"': '`{"record_count": 0, "actions": []}`.',
        },
        "evidence": '§4.1 `/Actions` and §9: pip-halopsa says "date range can be 1 day at most" (untested); one '
        "client uses week-long windows; an unfiltered call returns nothing.",
    },
    "token_ttl_seconds + fault_rules": {
        "readings": {
            "3600 + ()": "(default) tokens live an hour; no faults.",
            "token_churn": "tokens live 15 s; every 40th `/api` request revokes every token and answers 401; "
            "2 % of `/api` requests answer 503 and 1 % reset the connection (seeded, so repeatable).",
        },
        "evidence": "§1.4 (3600 s lifetime; clients re-request on 401 and retry once; djpsa's warning), §5 "
        "(401 on a bad or expired token).",
    },
}

TOKEN_CHURN_FAULTS: tuple[dict, ...] = (
    {"kind": "expire_token", "path": "/api/", "every": 40},
    {"status": 503, "path": "/api/", "probability": 0.02},
    {"kind": "reset", "path": "/api/", "probability": 0.01},
)


def _w(**switches) -> dict:
    return {"world": switches}


def _clamp(days: float) -> dict:
    return {"actions_max_window_days": days, "actions_window_violation": "clamp"}


# name -> SimulatorOptions overrides. One entry per non-default reading, plus named profiles.
WORLDS: dict[str, dict] = {
    "default": {},
    "crmnote_client_id_required": _w(crmnote_client_id="required"),
    "crmnote_envelope_actions": _w(crmnote_envelope="actions"),
    "crmnote_envelope_notes": _w(crmnote_envelope="notes"),
    "record_count_short": _w(unpaged_record_count="short"),
    "page_size_ignored_asset": _w(page_size_ignored=["asset"]),
    "page_size_ignored_everywhere": _w(page_size_ignored=sorted(PAGED_RESOURCES)),
    "count_ignored": _w(unpaged_count="ignored"),
    "actions_clamp_1d": _clamp(1.0),
    "actions_clamp_6h": _clamp(0.25),
    "actions_clamp_1h": _clamp(1 / 24),
    "order_ignored": _w(order="ignored"),
    "custom_fields_ignored": _w(list_custom_fields="ignored"),
    "project_list_without_milestones": _w(project_list_milestones="absent"),
    "project_list_milestones_null": _w(project_list_milestones="null"),
    "project_list_milestones_empty": _w(project_list_milestones="empty"),
    "project_tasks_need_includeprojects": _w(project_tasks_in_tickets="includeprojects"),
    "crm_list_lastupdate": _w(crm_list_lastupdate="present"),
    "crm_list_change_filter_ignored": _w(crm_list_change_filter="ignored"),
    "ticketids_ignored": _w(ticketids="ignored"),
    "ticketids_any_kind": _w(ticketids="any_kind"),
    "includechildren_ignored": _w(includechildren="ignored"),
    "new_token_revokes_old": _w(tokens="newest_only"),
    # Profile: tokens live 15 s, every 40th /api request revokes them all (401), 2 % 503, 1 % resets.
    "token_churn": {"token_ttl_seconds": 15, "fault_rules": [dict(r) for r in TOKEN_CHURN_FAULTS]},
}


def combine(*names: str) -> dict:
    """The overrides of several worlds at once: world switches merged, fault rules concatenated."""
    out: dict = {}
    world: dict = {}
    rules: list[dict] = []
    for name in names:
        if name not in WORLDS:
            raise KeyError(f"unknown world {name!r}; known: {', '.join(WORLDS)}")
        for key, value in WORLDS[name].items():
            if key == "world":
                world.update(value)
            elif key == "fault_rules":
                rules += [dict(r) for r in value]
            else:
                out[key] = value
    if world:
        out["world"] = world
    if rules:
        out["fault_rules"] = rules
    return out


# Every data-shape reading that disagrees with the default at once (no faults, no actions clamp).
WORLDS["hostile"] = combine(
    "crmnote_client_id_required", "crmnote_envelope_actions", "record_count_short", "page_size_ignored_asset",
    "count_ignored", "order_ignored", "custom_fields_ignored", "project_list_without_milestones",
    "project_tasks_need_includeprojects", "crm_list_lastupdate", "crm_list_change_filter_ignored",
    "ticketids_any_kind", "includechildren_ignored", "new_token_revokes_old",
)  # fmt: skip
