"""Where the connector's time goes: a py-spy profile of one sync, folded into a few categories.

py-spy is optional (`.venv/bin/pip install py-spy`); without it the report says so and has no profile.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

# Categories named by an enclosing frame anywhere in the stack (checked first, in order).
ENCLOSING: list[tuple[str, tuple[str, ...]]] = [
    (
        "start-up: imports, building the source from the manifest",
        ("_find_and_load", "_source (source_halopsa/run.py"),
    ),
    (
        "error-handler predicates: stdlib json re-decode of each page (http_response_filter.py)",
        ("http_response_filter.py",),
    ),
    ("paginator: orjson re-decode of each page (components.py _page_counts)", ("_page_counts",)),
    ("ESTIMATE messages (progress.py)", ("progress.py",)),
]
# Otherwise the innermost frame that matches a rule names the category.
RULES: list[tuple[str, tuple[str, ...]]] = [
    (
        "HTTP send/receive (requests, urllib3, http.client, socket; requests' isdir per send)",
        (
            "requests/",
            "urllib3/",
            "http/client.py",
            "socket.py",
            "selectors.py",
            "ssl.py",
            "email/",
            "genericpath",
        ),
    ),
    ("request budget (call_rate.py, pyrate_limiter)", ("call_rate.py", "pyrate_limiter", "budget.py")),
    (
        "JSON decode and row extraction (orjson in components.py extract_records, records.py page_rows)",
        (
            "extract_records",
            "page_rows",
            "json/decoder.py",
            "dpath/",
        ),
    ),
    ("record normalisation (records.py, transformations)", ("records.py", "transformations/")),
    (
        "record to AirbyteMessage to JSON (serpyco, orjson.dumps)",
        (
            "serpyco",
            "airbyte_protocol_serializers",
            "stream_data_to_airbyte_message",
            "airbyte_message_to_string",
            "json/encoder.py",
        ),
    ),
    ("stdout writes (PrintBuffer)", ("print_buffer",)),
    (
        "request options and Jinja interpolation",
        ("jinja2/", "interpolation/", "request_option", "requester.py", "paginator"),
    ),
    (
        "CDK concurrency: queues, locks, threads",
        (
            "concurrent_read_processor",
            "queue.py",
            "threading.py",
            "thread_pool_manager",
            "concurrent_source",
            "partition_enqueuer",
        ),
    ),
    ("CDK record pipeline (retriever, selector, cursor, state)", ("airbyte_cdk/",)),
    ("connector code (source_halopsa, other)", ("source_halopsa/",)),
]


def py_spy() -> str | None:
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


def argv(spy: str, raw: Path, command: list[str]) -> list[str]:
    return [
        spy,
        "record",
        "--format",
        "raw",
        "--rate",
        "100",
        "--nonblocking",
        "--output",
        str(raw),
        "--",
        *command,
    ]


def summarize(raw: Path, top: int = 15) -> dict[str, Any]:
    categories: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    connector: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        total += n
        leaves[_short(frames[-1])] += n
        categories[_category(frames)] += n
        seen = set()
        for frame in frames:
            if "source_halopsa/" in frame:
                short = _short(frame, with_line=False)
                if short not in seen:
                    connector[short] += n
                    seen.add(short)
    started = time.perf_counter()
    for _ in range(2000):
        os.path.isdir(sys.executable)
    isdir_us = (time.perf_counter() - started) / 2000 * 1e6
    share = lambda n: round(100 * n / total, 1) if total else 0.0  # noqa: E731
    return {
        "samples": total,
        "isdir_microseconds": round(isdir_us, 1),
        "categories": [
            {"category": c, "samples": n, "percent": share(n)} for c, n in categories.most_common()
        ],
        "top_self": [{"frame": f, "percent": share(n)} for f, n in leaves.most_common(top)],
        "connector_inclusive": [{"frame": f, "percent": share(n)} for f, n in connector.most_common(top)],
    }


def _category(frames: list[str]) -> str:
    for category, needles in ENCLOSING:
        if any(needle in frame for frame in frames for needle in needles):
            return category
    for frame in reversed(frames):
        for category, needles in RULES:
            if any(needle in frame for needle in needles):
                return category
    return "other (interpreter, stdlib)"


def _short(frame: str, with_line: bool = True) -> str:
    match = FRAME.match(frame.strip())
    if not match:
        return frame[:120]
    path = match.group("file") or ""
    for marker in ("site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    if "source_halopsa/" in path:
        path = "source_halopsa/" + path.split("source_halopsa/", 1)[1]
    line = f":{match.group('line')}" if with_line and match.group("line") else ""
    return f"{match.group('func')} ({path}{line})"
