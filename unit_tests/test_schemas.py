"""The stream JSON Schemas in source_halopsa/schemas/ and the generator that writes them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

REPO_ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO_ROOT / "source_halopsa" / "schemas"
GENERATOR = REPO_ROOT / "tools" / "generate_schemas.py"
# The in-repo extract of Halo's swagger (tools/extract_swagger.py): the generator gives the same files
# from it as from the full ../shared/reference/halo-swagger-2024.json (test_swagger_slice.py).
SWAGGER = REPO_ROOT / "reference" / "halo-swagger-2024-slice.json"

NULLABLE_INT = ["null", "integer"]
DATE_TIME = {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"}
CUSTOMFIELDS = {
    "type": ["null", "array"],
    "items": {
        "type": ["null", "object"],
        "additionalProperties": True,
        "properties": {
            "id": {"type": ["null", "integer"]},
            "name": {"type": ["null", "string"]},
            "label": {"type": ["null", "string"]},
            "type": {"type": ["null", "integer"]},
            "value": {},
            "display": {"type": ["null", "string"]},
        },
    },
}

# stream -> (primary key, cursor field or None); the pk types are checked in test_primary_keys.
STREAMS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "tickets": (("id",), "last_update"),
    "deleted_tickets": (("id",), "synced_through"),
    "actions": (("ticket_id", "id"), "datetime"),
    "teams": (("id",), "synced_through"),
    "agents": (("id",), "synced_through"),
    "statuses": (("id",), "synced_through"),
    "ticket_types": (("id",), "synced_through"),
    "priorities": (("id",), "synced_through"),
    "slas": (("id",), "synced_through"),
    "clients": (("id",), "synced_through"),
    "sites": (("id",), "synced_through"),
    "users": (("id",), "synced_through"),
    "crm_notes": (("id",), "synced_through"),
    "opportunities": (("id",), "last_update"),
    "assets": (("id",), "synced_through"),
    "asset_types": (("id",), "synced_through"),
    "field_info": (("id",), "synced_through"),
    "projects": (("id",), "last_update"),
    "project_tasks": (("id",), "synced_through"),
    "project_milestones": (("id",), None),
    "invoices": (("id",), "synced_through"),
    "invoice_lines": (("id",), "synced_through"),
    "recurring_invoices": (("id",), "synced_through"),
    "contracts": (("id",), "synced_through"),
    "charge_rates": (("id",), "synced_through"),
    "items": (("id",), "synced_through"),
    "quotes": (("id",), "synced_through"),
    "appointments": (("id",), "synced_through"),
    "timesheet_events": (("id",), None),
}

# Fields halopsa-api.md names for each entity (§6.2, §6.3, §2.3 "Ticket SLA data" and Projects),
# transcribed independently of the generator.
_TICKET_FIELDS = """
id dateoccurred summary details status_id status_name tickettype_id tickettype_name sla_id sla_name priority_id
client_id client_name site_id site_name user_id user_name team agent_id agent_name category_1 category_2 category_3
category_4 categoryid_1 categoryid_2 categoryid_3 categoryid_4 estimate estimatedays timetaken chargehours
nonchargehours parent_id child_count child_count_open attachment_count flagged read onhold excludefromsla
enduserstatus slaresponsestate slastate respondbydate responsedate responsestartdate fixbydate slaholdtime
slaactiondate slapercused slatimeleft currentelapsedhours lastactiondate last_update lastincomingemail dateclosed
dateassigned targetdate startdate deadlinedate organisation_id department_id reportedby user_email emailtolist
emailcclist release_id workflow_id workflow_step impact urgency itil_requesttype_id ticket_tags customfields deleted
"""
REFERENCE_FIELDS: dict[str, str] = {
    "tickets": _TICKET_FIELDS,
    "deleted_tickets": _TICKET_FIELDS,
    "opportunities": _TICKET_FIELDS,
    "project_tasks": _TICKET_FIELDS
    + "milestone_id milestone_name milestone_sequence milestone_status milestone_startdate milestone_enddate",
    "projects": _TICKET_FIELDS
    + "projecttimebudget projecttimeactual projectmoneybudget projectmoneyactual projecttimepercentage milestones"
    + " task_count child_ticket_ids",
    "actions": """ticket_id id outcome outcome_id who who_type who_agentid actionby_agent_id datetime last_updated
        note note_html emailbody emailsubject emailfrom emailto timetaken timetakendays timetakenadjusted nonbilltime
        traveltime chargerate actisbillable hiddenfromuser important attachment_count actionchargehours
        actionchargeamount actionnonchargehours actionnonchargeamount project_id new_status customfields
        actiondatecreated actionarrivaldate actioncompletiondate actionresponsedate""",
    "clients": """id name toplevel_id toplevel_name inactive colour is_vip notes main_site_id main_site_name
        main_phonenumber accountsid datecreated alastupdate customfields""",
    "sites": """id name client_id client_name clientsite_name inactive sla_id phonenumber colour timezone notes use
        delivery_address_line1 delivery_address_line2 delivery_address_line3 delivery_address_line4
        delivery_address_line5 maincontact_id ref customfields""",
    "users": """id name firstname surname initials title emailaddress site_id site_id_int site_name client_id
        client_name phonenumber mobilenumber mobilenumber2 homenumber telpref login inactive isimportantcontact
        neversendemails isserviceaccount linked_agent_id organisation_id sitetimezone customfields""",
    "agents": """id name firstname surname initials email isdisabled team teams departments colour jobtitle
        lastlogindate is_agent isapiagent role_list licence_type""",
    "teams": """id guid name sequence forrequests foropps forprojects ticket_count department_id department_name
        inactive agents last_modified use""",
    "statuses": "id name shortname type sequence colour slaaction ticket_count showonquickchange",
    "ticket_types": """id name use sequence default_sla group_id group_name ticket_count cancreate agentscanselect
        itilrequesttype default_priority default_team default_agent workflow_name description active colour""",
    "priorities": """id priorityid slaid name fixtime fixunits responsetime responseunits ishidden colour
        startofday startofdaytime""",
    "slas": """id guid name workday_id workday_name hoursaretechslocaltime responsereset response_reset_approval
        trackslaresponsetime trackslafixbytime autoreleaseoption autoreleaselimit statusafterautorelease priorities
        workdays""",
    "assets": """id inventory_number key_field key_field2 key_field3 client_id client_name site_id site_name
        username assettype_id assettype_name status_id status_name inactive warranty_start warranty_end parent_id
        child_id contract_id contract_ref supplier_id supplier_name item_id device_number third_party_id fields
        customfields ninjarmm_id automate_id syncroid intune_id""",
    "asset_types": """id name assetgroup_id assetgroup_name keyfield_id keyfield_name keyfield2_id keyfield2_name
        keyfield3_id keyfield3_name fields field_list icon tagprefix""",
    "contracts": """id client_id client_name ref refextra start_date end_date started expired numberofunitsfree
        billingperiod billingdescription status site_id sla_id periodicinvoicenextdate next_invoice_date
        periodchargeamount note contracttype contracttype_name active last_modified customfields createdby_id""",
    "invoices": """id invoicenumber thirdpartyinvoicenumber client_id client_name sitenumber site_name posted
        invoice_date duedate dateposted datesent datepaid paymentstatus amountpaid amountdue total tax_total revenue
        currency currency_code contract_id contract_ref ticket_id salesorder_id is_recurring_invoice
        recurring_invoice_id last_modified last_synced lines customfields currency_code_name pdftemplate_name
        payments note_count""",
    "invoice_lines": """id ihid item_code item_shortdescription item_longdescription _itemid qty_order unit_price
        unit_cost net_amount tax_amount tax_rate tax_code nominal_code asset_id contract_id ticket_id actioncode
        recurring_invoice_id recurring_invoice_line_id lineactiondate customfields""",
    "items": """id name description baseprice costprice recurringprice isrecurringitem assetgroup_id assettype_id
        supplier_id quantity_in_stock taxcode nominalcode internalreference externalreference inactive status
        datecreated lastmodified customfields""",
    "quotes": """id title ticket_id status date expiry_date client_id site_id user_id agent_id revenue tax_total
        total approvalstate lines last_update_time customfields""",
    "charge_rates": """id area contract_id charge_id rate startdate expirydate minimum increment oohmultiplier
        holidaymultiplier weekendmultiplier current current_rate""",
    "crm_notes": """id client_id supplier_id site_id user_id quote_id invoice_id datetime who_agentid note detail
        timetaken nextcalldate ticketid customfields""",
    "appointments": """id agent_id start_date end_date allday ticket_id subject client_id site_id user_id
        appointment_type_name complete_status is_private is_task exchangelastmodifieddate""",
    "field_info": "id name label type inputtype usage values lookup characterlimit searchable",
    "project_milestones": """id ticket_id name sequence start_date target_date milestone_value processed_date
        invoicenumber""",
    "timesheet_events": "id agent_id ticket_id start_date end_date",
}
REFERENCE_FIELDS["recurring_invoices"] = REFERENCE_FIELDS["invoices"]


def load(stream: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{stream}.json").read_text(encoding="utf-8"))


def walk(schema: dict, path: str = ""):
    """Yield (dotted path, property schema) for every property, array items included."""
    for name, prop in schema.get("properties", {}).items():
        here = f"{path}.{name}" if path else name
        yield here, prop
        yield from walk(prop, here)
        if isinstance(prop.get("items"), dict):
            yield from walk(prop["items"], f"{here}[]")


def types_of(prop: dict) -> list[str]:
    t = prop.get("type", [])
    return [t] if isinstance(t, str) else t


def test_every_stream_has_exactly_one_schema_file():
    assert sorted(p.stem for p in SCHEMA_DIR.glob("*.json")) == sorted(STREAMS)


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_schema_is_valid_draft7_with_open_top_level(stream):
    schema = load(stream)
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is True


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_primary_keys_and_cursor(stream):
    primary_key, cursor = STREAMS[stream]
    properties = load(stream)["properties"]
    for name in primary_key:
        expected = ["string"] if stream == "priorities" else ["integer"]
        assert properties[name] == {"type": expected}, name
    if cursor:
        assert properties[cursor] == DATE_TIME


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_only_primary_key_fields_are_non_nullable(stream):
    primary_key, _ = STREAMS[stream]
    for name, prop in load(stream)["properties"].items():
        if name not in primary_key:
            assert not prop.get("type") or "null" in types_of(prop), name


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_date_time_fields_carry_the_airbyte_type(stream):
    schema = load(stream)
    dated = [
        (path, prop) for path, prop in walk(schema) if "date-time" in (prop.get("format"), prop.get("type"))
    ]
    for path, prop in dated:
        assert prop == DATE_TIME, path
    for path, prop in walk(schema):
        if "airbyte_type" in prop:
            assert prop == DATE_TIME, path


def test_customfields_have_one_shape_everywhere():
    found = {
        f"{stream}:{path}": prop
        for stream in STREAMS
        for path, prop in walk(load(stream))
        if path.rsplit(".", 1)[-1] == "customfields"
    }
    # nested too: invoice and quote lines carry their own customfields
    assert {"tickets:customfields", "invoices:lines[].customfields", "quotes:lines[].customfields"} <= set(
        found
    )
    for where, prop in found.items():
        assert prop == CUSTOMFIELDS, where


@pytest.mark.parametrize("stream", sorted(REFERENCE_FIELDS))
def test_fields_named_by_the_reference_are_present(stream):
    properties = load(stream)["properties"]
    missing = [name for name in REFERENCE_FIELDS[stream].split() if name not in properties]
    assert not missing


def test_halo_quirks_are_typed_as_the_connector_emits_them():
    priorities = load("priorities")["properties"]
    assert priorities["priorityid"]["type"] == NULLABLE_INT
    assert priorities["slaid"]["type"] == NULLABLE_INT
    # decimal ids in Halo (§6.3), integers after normalisation; money named like an id stays a number
    assert load("sites")["properties"]["client_id"]["type"] == NULLABLE_INT
    assert load("users")["properties"]["site_id"]["type"] == NULLABLE_INT
    assert load("invoices")["properties"]["amountpaid"]["type"] == ["null", "number"]
    assert load("invoice_lines")["properties"]["ihid"]["type"] == NULLABLE_INT
    assert load("project_milestones")["properties"]["ticket_id"]["type"] == NULLABLE_INT
    for stream in ("tickets", "opportunities", "projects", "project_tasks"):
        assert load(stream)["properties"]["deleted"]["type"] == ["null", "boolean"]
        assert load(stream)["properties"]["team"]["type"] == ["null", "string"]  # team is a name


@pytest.mark.parametrize(
    ("stream", "field", "item_stream"),
    [
        ("slas", "priorities", "priorities"),
        ("projects", "milestones", "project_milestones"),
        ("invoices", "lines", "invoice_lines"),
        ("recurring_invoices", "lines", "invoice_lines"),
    ],
)
def test_nested_arrays_reuse_the_stream_shape(stream, field, item_stream):
    prop = load(stream)["properties"][field]
    assert prop["type"] == ["null", "array"]
    items = prop["items"]
    assert items["type"] == ["null", "object"]
    assert items["additionalProperties"] is True
    # The stream's own records also carry the connector's incremental stamp; copies nested in a row do not.
    own = {k: v for k, v in load(item_stream)["properties"].items() if k != "synced_through"}
    assert items["properties"] == own


def test_deeper_references_are_open_objects():
    milestone_items = load("projects")["properties"]["milestones"]["items"]["properties"]
    assert milestone_items["tickets"]["items"] == {"type": ["null", "object"], "additionalProperties": True}
    assert load("actions")["properties"]["assets"]["items"] == {
        "type": ["null", "object"],
        "additionalProperties": True,
    }


def test_normalised_records_validate():
    ticket = {
        "id": 101,
        "summary": "Printer on fire",
        "client_id": 12,
        "last_update": "2026-02-10T09:30:00Z",
        "dateclosed": None,
        "slatimeleft": -3.5,
        "deleted": False,
        "undocumented_extra": {"anything": [1, 2]},
        "customfields": [
            {"id": 152, "name": "CFRef", "value": "ABC"},
            {"id": 153, "name": "CFMulti", "type": 3, "value": [{"id": 1}], "display": "One"},
            {"id": 154, "name": "CFNum", "value": 4.5, "label": None},
        ],
    }
    Draft7Validator(load("tickets")).validate(ticket)
    Draft7Validator(load("priorities")).validate(
        {"id": "6f1c2b7e-6c8c-4f0e-9d5e-2d9f6f0a1b2c", "priorityid": 1, "slaid": 2, "fixtime": 4.0}
    )
    Draft7Validator(load("actions")).validate({"ticket_id": 101, "id": 1, "datetime": "2026-02-10T09:30:00Z"})
    bad = dict(ticket, id=None)
    assert list(Draft7Validator(load("tickets")).iter_errors(bad))


def test_regenerating_gives_byte_identical_files(tmp_path):
    subprocess.run(
        [sys.executable, str(GENERATOR), "--swagger", str(SWAGGER), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    generated = {p.name: p.read_bytes() for p in tmp_path.glob("*.json")}
    committed = {p.name: p.read_bytes() for p in SCHEMA_DIR.glob("*.json")}
    assert generated.keys() == committed.keys()
    assert [name for name in generated if generated[name] != committed[name]] == []
    assert all(text.endswith(b"}\n") for text in generated.values())
    check = subprocess.run(
        [sys.executable, str(GENERATOR), "--swagger", str(SWAGGER), "--check"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
