"""Rows use the swagger's property names and types (reference/halo-swagger-2024-slice.json, the
in-repo extract of ../shared/reference/halo-swagger-2024.json made by tools/extract_swagger.py).

Extras outside the schema are allowed only where halopsa-api.md §6 names them from real clients.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from .conftest import ALL_ACTIONS

SWAGGER = Path(__file__).resolve().parents[2] / "reference" / "halo-swagger-2024-slice.json"

ALL = {"includeinactive": "true"}
FAULTS = "Faults_List+Faults"
# label -> (resource, query, schema): every resource the simulator lists, asking for every row
SCHEMA_OF = {
    "tickets": ("tickets", {}, FAULTS), "tickets?deleted": ("tickets", {"deleted": "true"}, FAULTS),
    "tickets?includeprojects": ("tickets", {"includeprojects": "true"}, FAULTS), "projects": ("projects", {}, FAULTS),
    "opportunities": ("opportunities", {}, FAULTS), "actions": ("actions", ALL_ACTIONS, "Actions"),
    "team": ("team", {"includedisabled": "true"}, "SectionDetail_List"),
    "agent": ("agent", {"includedisabled": "true", "includeunassigned": "true", "includeapiagents": "true"}, "Uname_List"),
    "status": ("status", {}, "TStatus"), "tickettype": ("tickettype", {"showinactive": "true"}, "RequestType_List"),
    "priority": ("priority", {}, "Policy"), "sla": ("sla", {"showpriorities": "true"}, "SlaHead"),
    "client": ("client", ALL, "Area"), "site": ("site", ALL, "Site_List"), "users": ("users", ALL, "Users_List"),
    "crmnote": ("crmnote", {}, "AreaNote"), "asset": ("asset", ALL, "Device_List"), "assettype": ("assettype", {}, "Xtype"),
    "fieldinfo": ("fieldinfo", {}, "FieldInfo"), "invoice": ("invoice", {}, "InvoiceHeader"),
    "invoice?includelines": ("invoice", {"includelines": "true"}, "InvoiceHeader"),
    "recurringinvoice": ("recurringinvoice", {}, "InvoiceHeader"), "clientcontract": ("clientcontract", {}, "ContractHeader_List"),
    "chargerate": ("chargerate", {}, "ChargeRate"), "item": ("item", ALL, "Item"), "quotation": ("quotation", {}, "QuotationHeader"),
    "appointment": ("appointment", {}, "Appointment_List"), "timesheetevent": ("timesheetevent", {}, "TimesheetEvent"),
}  # fmt: skip
# names from halopsa-api.md §6 that the 2024 swagger lacks on that schema
EXTRAS = {
    "Actions": {"who"},  # §6.3 Action
    "RequestType_List": {"active", "colour", "description"},  # §6.3 Ticket type: djpsa reads them
    "Users_List": {"organisation_id"},  # §6.3 User (on the full Users schema)
}
NESTED = {"customfields": "CustomField", "milestones": "MileStone", "budgets": "FaultBudget", "lines": "InvoiceDetail",
          "priorities": "Policy", "teams": "UnameSection", "departments": "UnameDepartment", "fields": "FieldHelper",
          "values": "Lookup", "agents": "Uname_List", "field_list": "Field"}  # fmt: skip


@lru_cache(maxsize=1)
def schemas() -> dict:
    return json.loads(SWAGGER.read_text())["components"]["schemas"]


def check(row: dict, schema: str, where: str) -> None:
    props: dict = {}
    for name in schema.split("+"):  # list rows may carry full-object fields (slastate, deleted)
        props = {**schemas()[name]["properties"], **props}
    for key, value in row.items():
        assert key in props or key in EXTRAS.get(schema, set()), f"{where}: {key!r} not in {schema}"
        if key not in props:
            continue
        p = props[key]
        typ = p.get("type")
        if value is None or typ is None:
            continue
        ok = {
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, float),
            "string": isinstance(value, str),
            "boolean": isinstance(value, bool),
            "array": isinstance(value, list),
        }.get(typ, True)
        assert ok, f"{where}: {key}={value!r} is not {typ}"
        if typ == "array" and key in NESTED:
            nested = "TypeInfo" if (schema, key) == ("Xtype", "fields") else NESTED[key]
            for item in value:
                check(item, nested, f"{where}.{key}[]")


@pytest.mark.parametrize("label", sorted(SCHEMA_OF))
def test_given_list_rows_when_compared_with_swagger_then_names_and_types_match(sim, label):
    resource, params, schema = SCHEMA_OF[label]
    rows = sim.backend.read_all(resource, params)
    assert rows, label
    for row in rows[:200]:
        check(row, schema, label)


def test_given_single_gets_when_compared_with_full_schemas_then_names_and_types_match(sim):
    b = sim.backend
    check(b.get("tickets", b.read_all("projects")[0]["id"], {}), "Faults_List+Faults", "GET /Projects/{id}")
    check(b.get("client", 1, {}), "Area", "GET /Client/{id}")
    check(b.get("site", 1, {}), "Site", "GET /Site/{id}")
    check(b.get("users", 1, {}), "Users", "GET /Users/{id}")
    check(b.get("asset", 1, {}), "Device", "GET /Asset/{id}")
    check(b.get("invoice", 1, {}), "InvoiceHeader", "GET /Invoice/{id}")
    quote = b.get("quotation", 1, {})
    for line in quote.pop("lines"):
        check(line, "QuotationDetail", "GET /Quotation/{id} lines")
    check(quote, "QuotationHeader", "GET /Quotation/{id}")
    for row in b.bare("outcome", {"showhidden": "true"}):
        check(row, "TOutcome", "Outcome")
    for row in b.bare("lookup", {}):
        check(row, "Lookup", "Lookup")
    for row in b.read_all("supplier", {"includeinactive": "true"}):
        check(row, "Company", "Supplier")


def test_given_quirky_fields_when_serialised_then_halo_style(sim):
    b = sim.backend
    site, user = (
        b.read_all("site", {"includeinactive": "true"})[0],
        b.read_all("users", {"includeinactive": "true"})[0],
    )
    assert isinstance(site["client_id"], float) and isinstance(user["site_id"], float)
    assert json.dumps(site["client_id"]).endswith(".0")
    ticket = next(t for t in b.read_all("tickets") if t["dateclosed"] == "1900-01-01T00:00:00")
    assert isinstance(ticket["team"], str) and ticket["team"]
    assert any(len(t["last_update"].partition(".")[2]) == 7 for t in b.read_all("tickets"))
    assert all(
        "." not in t["dateoccurred"] and not t["dateoccurred"].endswith("Z") for t in b.read_all("tickets")
    )
    assert any(u["linked_agent_id"] == 0 for u in b.read_all("users", {"includeinactive": "true"}))
    assert any(u["linked_agent_id"] > 0 for u in b.read_all("users", {"includeinactive": "true"}))
