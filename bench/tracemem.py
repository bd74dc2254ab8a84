"""The connector under tracemalloc: what its memory holds at the peak and at the end of a sync.

    python -m bench.tracemem OUT.json read --config ... --catalog ...

Runs the same entry point as the `source-halopsa` console script (source_halopsa.run), keeping the source
object alive until the sync has ended. A thread looks at the traced total every second and, whenever it
passes its previous high by 5%, takes a snapshot (the GIL is held while it does). OUT.json gets the
largest allocation sites (one frame each) at the highest snapshot and at the end, and tracemalloc's peak.
Several times slower than a plain sync: the benchmark runs it apart from the timed syncs.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent) + "/"
TOP = 15


def main() -> int:
    out, args = sys.argv[1], sys.argv[2:]
    tracemalloc.start(1)
    from airbyte_cdk.entrypoint import launch

    from source_halopsa import run as console

    peak: dict = {"mb": 0.0, "top": [], "at_seconds": None}
    done = threading.Event()
    started = time.monotonic()

    def watch() -> None:
        while not done.wait(1.0):
            current = tracemalloc.get_traced_memory()[0] / 2**20
            if current > peak["mb"] * 1.05 and current > 50:
                peak.update(mb=round(current, 1), top=_top(tracemalloc.take_snapshot()),
                            at_seconds=round(time.monotonic() - started, 1))  # fmt: skip

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    sys.argv = ["source-halopsa", *args]
    source = console._source(args)  # as run() builds it; kept referenced past the sync
    launch(source, args)
    sys.stdout.flush()
    done.set()
    watcher.join()
    current, highest = tracemalloc.get_traced_memory()
    end = _top(tracemalloc.take_snapshot())
    tracemalloc.stop()
    result = {
        "current_mb": round(current / 2**20, 1),
        "peak_mb": round(highest / 2**20, 1),
        "top": end,
        "peak_snapshot": peak,
    }
    with open(out, "w") as file:
        json.dump(result, file)
    del source
    return 0


def _top(snapshot: tracemalloc.Snapshot) -> list[dict]:
    return [
        {
            "where": f"{_short(s.traceback[0].filename)}:{s.traceback[0].lineno}",
            "mb": round(s.size / 2**20, 1),
            "blocks": s.count,
        }
        for s in snapshot.statistics("lineno")[:TOP]
    ]


def _short(path: str) -> str:
    for marker in ("site-packages/", "/lib/python3.11/", ROOT):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


if __name__ == "__main__":
    sys.exit(main())
