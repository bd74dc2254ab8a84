"""reference/halo-swagger-2024-slice.json, the in-repo extract of Halo's swagger the tests read.

The full document (../shared/reference/halo-swagger-2024.json) is not in the repo, so that the slice
is exactly what the tool makes of it is checked where the full document is, not in the suite (which
must run, without skips, in any clone): `python tools/extract_swagger.py <full swagger> --check`.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SLICE = REPO_ROOT / "reference" / "halo-swagger-2024-slice.json"
FULL = REPO_ROOT.parent / "shared" / "reference" / "halo-swagger-2024.json"
EXTRACTOR = REPO_ROOT / "tools" / "extract_swagger.py"


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_slice_names_its_source_and_holds_every_path_and_schema_the_tools_read():
    data = json.loads(SLICE.read_text(encoding="utf-8"))
    source = data["_source"]
    assert source["file"] == "halo-swagger-2024.json"
    assert "covenanttechnologysolutions/halopsa-rest" in source["origin"] and "2024-09-13" in source["origin"]
    assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"])
    assert source["regenerate"].startswith("python tools/extract_swagger.py")
    extractor = _tool("extract_swagger")
    assert sorted(data["paths"]) == sorted(extractor.PATHS)
    assert all(set(entry) == {"get"} for entry in data["paths"].values())
    assert extractor.full_schema_names(data["components"]["schemas"]) <= set(data["components"]["schemas"])
    assert SLICE.read_text(encoding="utf-8") == extractor.render(data) + "\n"  # as the tool writes it
