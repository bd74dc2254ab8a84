#!/usr/bin/env python3
"""Extract from Halo's OpenAPI document the part the tests and tools read, into the repo.

Halo's swagger (``halo-swagger-2024.json``, 3.6 MB) lives beside the project in
``../shared/reference/``, not in it. This script writes ``reference/halo-swagger-2024-slice.json``,
which holds only:

* ``paths``: for every GET path in ``PATHS`` (the endpoints the connector requests), its tags and
  its parameters as ``{"query": {name: type}, "path": {name: type}}``, names spelled as the swagger
  spells them;
* ``components.schemas``: the schemas ``tools/generate_schemas.py`` derives the stream schemas from,
  plus ``SIMULATOR_SCHEMAS`` (read by ``halo_simulator/tests/test_sim_shapes.py``), with each
  property reduced to ``type``/``format``/``$ref``/``items``; schemas those only reference keep just
  their ``type``/``format``/``items`` (the generator reads no more of them);
* ``_source``: where the full document came from and its sha256.

The output is deterministic (sorted keys, one property or parameter per line, trailing newline):

    python tools/extract_swagger.py                          # ../shared/reference/halo-swagger-2024.json
    python tools/extract_swagger.py path/to/swagger.json --check   # exit 1 if the slice is stale

Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SWAGGER = REPO_ROOT.parent / "shared" / "reference" / "halo-swagger-2024.json"
SLICE = REPO_ROOT / "reference" / "halo-swagger-2024-slice.json"

SOURCE = {
    "file": "halo-swagger-2024.json",
    "origin": (
        "covenanttechnologysolutions/halopsa-rest generator/spec/swagger.json, commit of 2024-09-13 "
        '(SWAGGER-2024 in halopsa-api.md): Halo\'s own OpenAPI 3.0.1 document "Halo API" v2'
    ),
    "regenerate": "python tools/extract_swagger.py ../shared/reference/halo-swagger-2024.json",
    "contents": (
        "GET paths the connector requests, with their parameter names and types; the component schemas "
        "tools/generate_schemas.py and the simulator shape tests read, properties reduced to "
        "type/format/$ref/items; schemas only referenced from those, reduced to type/format/items."
    ),
}

# Every GET path the connector requests: the manifest's streams, check.py's probes, read_context.py's
# look-ups and auth.py's authinfo. unit_tests/test_swagger_parameters.py fails on a request outside it.
PATHS = (
    "/Actions",
    "/Agent",
    "/Appointment",
    "/Asset",
    "/AssetType",
    "/AuthInfo",
    "/ChargeRate",
    "/Client",
    "/ClientContract",
    "/CRMNote",
    "/FieldInfo",
    "/Invoice",
    "/Invoice/{id}",
    "/Item",
    "/Opportunities",
    "/Opportunities/{id}",
    "/Priority",
    "/Projects",
    "/Projects/{id}",
    "/Quotation",
    "/RecurringInvoice",
    "/Site",
    "/SLA",
    "/Status",
    "/Team",
    "/TicketType",
    "/Tickets",
    "/Tickets/{id}",
    "/TimesheetEvent",
    "/Users",
)

# Schemas the simulator's shape tests compare rows with, beyond those the generator reads.
SIMULATOR_SCHEMAS = (
    "Company",
    "CustomField",
    "Device",
    "FaultBudget",
    "Faults",
    "Field",
    "FieldHelper",
    "Lookup",
    "QuotationDetail",
    "Site",
    "TOutcome",
    "TypeInfo",
    "UnameDepartment",
    "UnameSection",
    "Users",
)

PROPERTY_KEYS = ("type", "format", "$ref", "items")
SHAPE_KEYS = ("type", "format", "items")


def _generator_tables():
    spec = importlib.util.spec_from_file_location(
        "generate_schemas", Path(__file__).with_name("generate_schemas.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _prune(prop: dict, keys: tuple[str, ...] = PROPERTY_KEYS) -> dict:
    pruned = {key: prop[key] for key in keys if key in prop}
    if isinstance(pruned.get("items"), dict):
        pruned["items"] = _prune(pruned["items"], PROPERTY_KEYS)
    return pruned


def _refs(node: dict) -> set[str]:
    """Schema names referenced by a pruned property or schema, at any depth."""
    found = {_ref_name(node["$ref"])} if "$ref" in node else set()
    for key in ("items",):
        if isinstance(node.get(key), dict):
            found |= _refs(node[key])
    for prop in node.get("properties", {}).values():
        found |= _refs(prop)
    return found


def full_schema_names(components: dict) -> set[str]:
    """Schemas kept with their properties: what the generator and the simulator tests read."""
    gen = _generator_tables()
    names = set(SIMULATOR_SCHEMAS)
    for name in gen.SOURCES.values():
        names.add(name if name in components else gen.FALLBACK_SOURCES[name])
    names |= {target for target in gen.NESTED_ITEMS.values() if target not in gen.SOURCES}
    for fields in gen.EXTRA_FIELDS.values():
        for prop in fields.values():
            names |= _refs(prop)
    return names


def extract(swagger: dict, sha256: str) -> dict:
    components = swagger["components"]["schemas"]
    paths: dict[str, dict] = {}
    for path in PATHS:
        get = swagger["paths"][path]["get"]
        params: dict[str, dict[str, str]] = {}
        for param in get.get("parameters", []):
            params.setdefault(param["in"], {})[param["name"]] = param.get("schema", {}).get("type", "")
        paths[path] = {"get": {"tags": get.get("tags", []), "parameters": params}}

    schemas: dict[str, dict] = {}
    for name in sorted(full_schema_names(components)):
        schema = components[name]
        schemas[name] = {
            **_prune(schema, ("type", "format")),
            "properties": {key: _prune(prop) for key, prop in schema.get("properties", {}).items()},
        }
    pending = set().union(*(_refs(schema) for schema in schemas.values())) - schemas.keys()
    while pending:  # referenced only: the generator reads their type (an open object or a scalar enum)
        name = pending.pop()
        schemas[name] = _prune(components[name], SHAPE_KEYS)
        pending |= _refs(schemas[name]) - schemas.keys()

    return {
        "_source": {**SOURCE, "sha256": sha256},
        "openapi": swagger["openapi"],
        "info": swagger["info"],
        "paths": paths,
        "components": {"schemas": schemas},
    }


# Sections always written one member per line, so a diff shows one parameter or property per line.
_BLOCKS = {"components", "parameters", "path", "paths", "properties", "query", "schemas"}


def render(node, key: str = "", indent: int = 0) -> str:
    """Sorted JSON; small leaves (a property, a parameter's tags) on one line."""
    inline = json.dumps(node, sort_keys=True, ensure_ascii=False)
    if not isinstance(node, dict) or not node or (key not in _BLOCKS and indent and len(inline) <= 100):
        return inline
    pad = " " * (indent + 1)
    members = [f"{pad}{json.dumps(name)}: {render(node[name], name, indent + 1)}" for name in sorted(node)]
    return "{\n" + ",\n".join(members) + "\n" + " " * indent + "}"


def slice_text(swagger_bytes: bytes) -> str:
    swagger = json.loads(swagger_bytes)
    return render(extract(swagger, hashlib.sha256(swagger_bytes).hexdigest())) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "swagger", nargs="?", type=Path, default=DEFAULT_SWAGGER, help="the full halo-swagger-2024.json"
    )
    parser.add_argument(
        "--out", type=Path, default=SLICE, help=f"output file (default: {SLICE.relative_to(REPO_ROOT)})"
    )
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the slice is stale")
    args = parser.parse_args(argv)

    text = slice_text(args.swagger.read_bytes())
    current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
    if args.check:
        if current != text:
            print(f"stale: {args.out} (run: {SOURCE['regenerate']})", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8", newline="\n")
    print(f"{args.out}: {len(text.encode())} bytes ({'written' if current != text else 'unchanged'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
