"""The simulator in its own process, so the server never shares a GIL with the benchmark's reader.

    python -m bench.simserver '{"scale": "tiny", "counts": {...}, "rate_limit": [30, 10]}'

Prints one JSON line {"url", "config", "info"} when it serves, then serves until stdin closes or SIGTERM.
On top of `halo_simulator` (unchanged) it adds, under /_bench/ (never counted, limited or faulted):

GET  /_bench/info       expected records per stream (integration_tests.oracle), rows the ticket streams'
                        /Tickets queries list, resolved counts, earliest ticket
GET  /_bench/responses  per answered GET: path, query, status, record_count, whether its row list was empty
POST /_bench/responses/reset
POST /_bench/cache      {"on": bool}: serve repeated GETs from a body cache (see below); clears it

The body cache stands in for a server that answers instantly, as in the reference measurement of a bare
loop against the CDK (airbyte-cdk.md §6: "the mock served pre-serialized pages"). The throughput phase
needs it: otherwise the simulator's own rendering, on the same 2 cores, caps both readers and hides their
difference. Keys are path and query with every date parameter later than one day before now replaced by
"recent" (the connector freezes "now" into lastupdatetodate/enddate, so each run asks for a different
second); that is exact while no data is newer than a day, i.e. between mutations, and the cache is dropped
whenever the data changes. Authorisation is still checked on every hit; rate limiting and faults bypass it.
"""

from __future__ import annotations

import json
import re
import signal
import sys
import threading
import time
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

from halo_simulator import HaloSimulator, SimulatorOptions
from halo_simulator.backend import TRUTH
from halo_simulator.routes import Response, json_response
from integration_tests.oracle import expected_counts

DATE_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?")
RECORD_COUNT = re.compile(rb'"record_count":(\d+)')


def _recent_cutoff() -> str:
    return (datetime.utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")


class BenchSimulator(HaloSimulator):
    def __init__(self, options: SimulatorOptions) -> None:
        super().__init__(options)
        self.info: dict = {}
        self._responses: list[dict] = []
        self._responses_lock = threading.Lock()
        self._cache_on = False
        self._cache: dict[tuple, Response] = {}
        self._cache_version = -1

    # ---------------------------------------------------------------- /_bench/ control plane

    def serve(self, handler, method: str) -> None:
        path = urlsplit(handler.path).path
        if not path.lower().startswith("/_bench/"):
            super().serve(handler, method)
            return
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        handler.send(self._control(method, path.rstrip("/").lower(), body))

    def _control(self, method: str, path: str, body: bytes) -> Response:
        if (method, path) == ("GET", "/_bench/info"):
            return json_response(self.info)
        if (method, path) == ("GET", "/_bench/responses"):
            with self._responses_lock:
                return json_response(list(self._responses))
        if (method, path) == ("POST", "/_bench/responses/reset"):
            with self._responses_lock:
                self._responses.clear()
            return json_response({"status": "reset"})
        if (method, path) == ("POST", "/_bench/cache"):
            payload = json.loads(body or b"{}")
            with self.backend.lock:
                self._cache_on = bool(payload.get("on"))
                self._cache.clear()
            return json_response({"cache": self._cache_on})
        return json_response({"error": f"no bench endpoint {method} {path}"}, 404)

    # ---------------------------------------------------------------- request pipeline

    def _serve_api(self, handler, method, path, query, body):  # noqa: ANN001 - the simulator's signature
        key = None
        if (
            self._cache_on
            and method == "GET"
            and path.lower().startswith("/api/")
            and self.ratelimit is None
            and not self.faults.active
            and self.tokens.valid(handler.headers.get("Authorization"))
        ):
            key = (path.lower(), _normalized(query))
            if self._cache_version != self.backend.version:
                self._cache.clear()
                self._cache_version = self.backend.version
            hit = self._cache.get(key)
            if hit is not None:
                self._note(path, query, hit)
                return hit
        resp = super()._serve_api(handler, method, path, query, body)
        if isinstance(resp, Response):
            if key is not None and resp.status == 200:
                self._cache[key] = resp
            if method == "GET":
                self._note(path, query, resp)
        return resp

    def _note(self, path: str, query: str, resp: Response) -> None:
        """Cheap facts about an answer: no JSON parsing, only its first and last bytes."""
        body = resp.body
        match = RECORD_COUNT.search(body, 0, 200) if resp.status == 200 else None
        empty = resp.status == 200 and (body == b"[]" or body.endswith(b":[]}"))
        entry = {
            "path": path,
            "query": query,
            "status": resp.status,
            "record_count": int(match.group(1)) if match else None,
            "empty": empty,
        }
        with self._responses_lock:
            self._responses.append(entry)


def _normalized(query: str) -> str:
    cutoff = _recent_cutoff()
    pairs = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        if DATE_VALUE.match(value) and value[:19] >= cutoff:
            value = "recent"
        pairs.append((name.lower(), value))
    return urlencode(sorted(pairs))


def _info(sim: BenchSimulator) -> dict:
    expected = expected_counts(sim)
    first = sim.backend.page(
        "tickets", {"order": "dateoccurred", "pageinate": "true", "page_size": "1"}, world=TRUTH
    )
    backend = sim.backend
    return {
        "expected": expected,
        "expected_total": sum(expected.values()),
        # Rows the ticket streams' /Tickets queries list (includeprojects=true adds the project headers,
        # which tickets drops; project_tasks keeps only tasks): the pages Halo serves for them.
        "endpoint_rows": {
            stream: backend.count("tickets", params)
            for stream, params in (
                ("tickets", {"includeprojects": "true"}),
                ("project_tasks", {"includechildren": "2", "includeprojects": "true"}),
            )
        },
        "counts": sim.options.resolved_counts(),
        "earliest_ticket": first.rows[0]["dateoccurred"] if first.rows else None,
        "rate_limit": sim.options.rate_limit,
    }


def main() -> int:
    spec = json.loads(sys.argv[1])
    if spec.get("rate_limit"):
        spec["rate_limit"] = tuple(spec["rate_limit"])
    started = time.monotonic()
    sim = BenchSimulator(SimulatorOptions(**spec))
    generated = time.monotonic()
    sim.info = _info(sim)
    sim.info["generate_seconds"] = round(generated - started, 2)
    sim.info["expected_seconds"] = round(time.monotonic() - generated, 2)
    sim.start()
    print(json.dumps({"url": sim.url, "config": sim.config(), "info": sim.info}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # The benchmark holds our stdin: when it dies, stdin closes and this process ends too.
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    try:
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
