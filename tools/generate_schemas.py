#!/usr/bin/env python3
"""Generate ``source_halopsa/schemas/<stream>.json`` from Halo's own OpenAPI document.

Each stream's JSON Schema is derived from one swagger row schema (``components.schemas``) plus a
few fields the 2024 swagger lacks but ``../shared/reference/halopsa-api.md`` documents. The output
is deterministic (sorted keys, 2-space indent, trailing newline), so re-running the script on the
same swagger gives byte-identical files.

    python tools/generate_schemas.py            # write the schemas
    python tools/generate_schemas.py --check    # exit 1 if the files on disk are stale

Input: ``--swagger``, else ``$HALO_SWAGGER``, else the full ``../shared/reference/halo-swagger-2024.json``
when it is beside the project, else the in-repo extract ``reference/halo-swagger-2024-slice.json``
(tools/extract_swagger.py), which holds every schema this script reads and gives the same output.

Conventions (the connector normalises records to match them):

* every property is nullable, except the primary-key fields;
* swagger ``date-time`` -> string with ``format: date-time`` and
  ``airbyte_type: timestamp_with_timezone`` (the connector emits UTC with a trailing ``Z``);
* number-typed ids (``id``, ``*_id``) -> integer (Halo sends some ids as decimals, e.g. ``12.0``);
* objects and ``$ref`` objects -> open objects; arrays of ``$ref`` objects -> arrays of open
  objects, except the arrays in ``NESTED_ITEMS``, whose items are resolved one level deep;
* ``customfields`` always has the single shape ``CUSTOMFIELDS``.

Standard library only.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FULL_SWAGGER = REPO_ROOT.parent / "shared" / "reference" / "halo-swagger-2024.json"
SWAGGER_SLICE = REPO_ROOT / "reference" / "halo-swagger-2024-slice.json"
DEFAULT_SWAGGER = FULL_SWAGGER if FULL_SWAGGER.is_file() else SWAGGER_SLICE
DEFAULT_OUT = REPO_ROOT / "source_halopsa" / "schemas"

JSON_SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#"

# stream -> swagger row schema (names from halopsa-api.md §2.1 / §6).
SOURCES: dict[str, str] = {
    # service desk
    "tickets": "Faults_List",
    "actions": "Actions",  # list rows are a subset of the full schema; use the full one
    "teams": "SectionDetail_List",
    "agents": "Uname_List",
    "statuses": "TStatus",
    "ticket_types": "RequestType_List",
    "priorities": "Policy",
    "slas": "SlaHead",
    # CRM
    "clients": "Area_List",  # absent from the 2024 swagger: falls back to "Area" (see FALLBACK_SOURCES)
    "sites": "Site_List",
    "users": "Users_List",
    "crm_notes": "AreaNote",
    "opportunities": "Faults_List",
    # assets
    "assets": "Device_List",
    "asset_types": "Xtype",
    "field_info": "FieldInfo",
    # projects
    "projects": "Faults_List",
    "project_tasks": "Faults_List",
    "deleted_tickets": "Faults_List",
    "project_milestones": "MileStone",
    # financial
    "invoices": "InvoiceHeader",
    "invoice_lines": "InvoiceDetail",
    "recurring_invoices": "InvoiceHeader",
    "contracts": "ContractHeader_List",
    "charge_rates": "ChargeRate",
    "items": "Item",
    "quotes": "QuotationHeader",
    # scheduling
    "appointments": "Appointment_List",
    "timesheet_events": "TimesheetEvent",
}

# Used when the preferred row schema is not in the swagger document.
FALLBACK_SOURCES: dict[str, str] = {"Area_List": "Area"}

# Primary-key fields: the only non-nullable properties. Default ("id",).
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    # action ids are unique only within a ticket (halopsa-api.md §6.3 Action)
    "actions": ("ticket_id", "id"),
}
DEFAULT_PRIMARY_KEY = ("id",)

# Array properties whose items are resolved one level deep (deeper refs become open objects).
# Value: a stream name (items reuse that stream's properties) or a swagger schema name.
NESTED_ITEMS: dict[tuple[str, str], str] = {
    ("invoices", "lines"): "invoice_lines",  # §2.3 Financial: includelines adds lines [InvoiceDetail]
    ("recurring_invoices", "lines"): "invoice_lines",
    ("projects", "milestones"): "project_milestones",  # §2.3 Projects: milestones [MileStone]
    ("slas", "priorities"): "priorities",  # §2.3: /SLA?showpriorities=true nests Policy rows
    ("quotes", "lines"): "QuotationDetail",  # §6.3 Quote: lines [QuotationDetail]
}

# The one shape of `customfields` (halopsa-api.md §6.1): `value` is any JSON value.
CUSTOMFIELDS: dict = {
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

OPEN_OBJECT: dict = {"type": ["null", "object"], "additionalProperties": True}
DATE_TIME: dict = {
    "type": ["null", "string"],
    "format": "date-time",
    "airbyte_type": "timestamp_with_timezone",
}

# Swagger-style fragments for the supplementary fields below.
_STRING = {"type": "string"}
_INTEGER = {"type": "integer"}
_BOOLEAN = {"type": "boolean"}
_DATE_TIME = {"type": "string", "format": "date-time"}


def _array_of(schema_name: str) -> dict:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{schema_name}"}}


# Fields every ticket-like row carries that Faults_List (2024) lacks.
_TICKET_EXTRAS = {
    "slastate": _STRING,  # §2.3 "Ticket SLA data" (e.g. "I"); only on the full Faults schema
    "deleted": _BOOLEAN,  # §4.2 Deletions: /Tickets?deleted=true returns deleted tickets
    "datecreated": _DATE_TIME,  # §4.2 Ticket "Other dates" (full object)
}

# Fields documented in halopsa-api.md but missing from the 2024 swagger row schema. A field the
# swagger already has keeps the swagger's type; these only fill gaps.
EXTRA_FIELDS: dict[str, dict[str, dict]] = {
    "tickets": _TICKET_EXTRAS,
    "opportunities": _TICKET_EXTRAS,
    "project_tasks": _TICKET_EXTRAS,
    "deleted_tickets": _TICKET_EXTRAS,
    "projects": {
        **_TICKET_EXTRAS,
        "task_count": _INTEGER,  # §2.3 Projects: project tasks
        "milestones": _array_of("MileStone"),  # §2.3 Projects: Milestones
    },
    "actions": {
        "who": _STRING,  # §6.3 Action
    },
    "users": {
        "organisation_id": _INTEGER,  # §6.3 User/contact
        "ulastupdate": _DATE_TIME,  # §4.2 User last-modified field
        "datecreated": _DATE_TIME,  # §4.2 User
        "lastlogindate": _DATE_TIME,  # §4.2 User
    },
    "sites": {
        "slastupdate": _DATE_TIME,  # §4.2 Site last-modified field
        "datecreated": _DATE_TIME,  # §4.2 Site
        "uptimestamp": _DATE_TIME,  # §4.2 Site
    },
    "agents": {
        "last_modified": _DATE_TIME,  # §4.2 Agent last-modified field
        "datecreated": _DATE_TIME,  # §4.2 Agent
    },
    "assets": {
        "dlastupdate": _DATE_TIME,  # §4.2 Asset last-modified fields
        "last_modified": _DATE_TIME,  # §4.2 Asset
        "changehistory_last_updated": _DATE_TIME,  # §4.2 Asset: Device_List (2025)
        "changehistory_created_date": _DATE_TIME,  # §4.2 Asset: Device_List (2025)
    },
    "ticket_types": {
        "description": _STRING,  # §6.3 Ticket type (read by djpsa)
        "active": _BOOLEAN,  # §6.3 Ticket type (read by djpsa)
        "colour": _STRING,  # §6.3 Ticket type (read by djpsa)
    },
    "invoices": {
        "note_count": _INTEGER,  # §6.3 Invoice (with includedetails)
    },
    "recurring_invoices": {
        "note_count": _INTEGER,  # §6.3 Invoice (with includedetails)
    },
    "items": {
        "inactive": _BOOLEAN,  # §6.3 Item: inactive/status
    },
    "appointments": {
        "last_modified": _DATE_TIME,  # §4.2 Appointment last-modified field (full object)
    },
    "project_milestones": {
        "project_last_update": _DATE_TIME,  # added by the connector: the project's last_update (cursor)
    },
}


# Streams whose records the connector stamps with the time up to which the read holds their changes: their
# incremental state (manifest.yaml, `stamp_synced_through` and `stamp_read_time`). Only on the stream's own
# records, never on copies nested in another stream's rows.
STAMP_FIELD = "synced_through"
STAMPED_STREAMS = frozenset(
    {"clients", "sites", "users", "assets", "crm_notes", "teams", "agents", "statuses", "ticket_types",
     "priorities", "slas", "appointments", "asset_types", "field_info", "invoices", "invoice_lines",
     "recurring_invoices", "contracts", "charge_rates", "items", "quotes", "deleted_tickets", "project_tasks"}
)  # fmt: skip


def nullable(json_type: str) -> dict:
    return {"type": ["null", json_type]}


def is_number_id(name: str | None) -> bool:
    """Ids that Halo types as number/double (site `client_id`, user `site_id`, §6.3)."""
    return name is not None and (name == "id" or name.endswith("_id"))


class Generator:
    def __init__(self, swagger: dict):
        self.components: dict = swagger["components"]["schemas"]
        self._stream_props: dict[str, dict] = {}

    def source_schema(self, stream: str) -> dict:
        name = SOURCES[stream]
        if name not in self.components:
            name = FALLBACK_SOURCES[name]
        return self.components[name]

    def ref_target(self, ref: str) -> dict:
        return self.components[ref.rsplit("/", 1)[-1]]

    def convert(self, name: str | None, prop: dict) -> dict:
        """One swagger property -> one JSON Schema property (nested refs stay open objects)."""
        if name == "customfields":
            return copy.deepcopy(CUSTOMFIELDS)
        if "$ref" in prop:
            target = self.ref_target(prop["$ref"])
            if target.get("type", "object") == "object":
                return dict(OPEN_OBJECT)
            # integer enums and other scalar components
            return self.convert(name, {k: v for k, v in target.items() if k != "enum"})
        swagger_type = prop.get("type")
        swagger_format = prop.get("format")
        if swagger_type == "date-time" or (swagger_type == "string" and swagger_format == "date-time"):
            return dict(DATE_TIME)
        if swagger_type == "array":
            return {"type": ["null", "array"], "items": self.convert(None, prop.get("items", {}))}
        if swagger_type == "object":
            return dict(OPEN_OBJECT)
        if swagger_type == "integer":
            return nullable("integer")
        if swagger_type == "number":
            return nullable("integer" if is_number_id(name) else "number")
        if swagger_type in ("boolean", "string"):
            return nullable(swagger_type)
        if swagger_type is None:
            return {}  # untyped in the swagger: any JSON value
        raise ValueError(f"unsupported swagger type {swagger_type!r} for property {name!r}")

    def object_properties(self, schema: dict) -> dict:
        return {name: self.convert(name, prop) for name, prop in schema.get("properties", {}).items()}

    def nested_items(self, target: str) -> dict:
        if target in SOURCES:
            properties = copy.deepcopy(self.stream_properties(target))
        else:
            properties = self.object_properties(self.components[target])
        return {"type": ["null", "object"], "additionalProperties": True, "properties": properties}

    def stream_properties(self, stream: str) -> dict:
        if stream in self._stream_props:
            return self._stream_props[stream]
        source = copy.deepcopy(self.source_schema(stream).get("properties", {}))
        for name, prop in EXTRA_FIELDS.get(stream, {}).items():
            source.setdefault(name, prop)
        properties = {name: self.convert(name, prop) for name, prop in source.items()}
        for (owner, name), target in NESTED_ITEMS.items():
            if owner == stream:
                properties[name]["items"] = self.nested_items(target)
        for name in PRIMARY_KEYS.get(stream, DEFAULT_PRIMARY_KEY):
            types = properties[name]["type"]
            properties[name]["type"] = [t for t in types if t != "null"]
        self._stream_props[stream] = properties
        return properties

    def stream_schema(self, stream: str) -> dict:
        properties = dict(self.stream_properties(stream))
        if stream in STAMPED_STREAMS:
            properties[STAMP_FIELD] = self.convert(STAMP_FIELD, _DATE_TIME)
        return {
            "$schema": JSON_SCHEMA_DRAFT,
            "type": "object",
            "additionalProperties": True,
            "properties": properties,
        }


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def generate(swagger: dict) -> dict[str, str]:
    """Return {file name: file text} for every stream."""
    generator = Generator(swagger)
    return {f"{stream}.json": render(generator.stream_schema(stream)) for stream in sorted(SOURCES)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--swagger",
        type=Path,
        default=Path(os.environ.get("HALO_SWAGGER", DEFAULT_SWAGGER)),
        help=(
            "Halo OpenAPI document (default: $HALO_SWAGGER, else ../shared/reference/halo-swagger-2024.json "
            "if present, else reference/halo-swagger-2024-slice.json)"
        ),
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--check", action="store_true", help="only report stale files; exit 1 if any")
    args = parser.parse_args(argv)

    files = generate(json.loads(args.swagger.read_text(encoding="utf-8")))
    existing = {path.name for path in args.out.glob("*.json")} if args.out.is_dir() else set()
    stale = sorted(
        name
        for name, text in files.items()
        if not (args.out / name).is_file() or (args.out / name).read_text(encoding="utf-8") != text
    )
    unexpected = sorted(existing - files.keys())
    if args.check:
        for name in stale:
            print(f"stale: {args.out / name}", file=sys.stderr)
        for name in unexpected:
            print(f"not generated: {args.out / name}", file=sys.stderr)
        return 1 if stale or unexpected else 0

    args.out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (args.out / name).write_text(files[name], encoding="utf-8", newline="\n")
    for name in unexpected:
        print(f"warning: {args.out / name} is not generated by this script", file=sys.stderr)
    print(f"{len(files)} schemas in {args.out} ({len(stale)} written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
