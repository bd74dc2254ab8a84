"""The bare client: `requests` + `json`, page by page, one Airbyte-shaped RECORD line per row on stdout.

    python -m bench.bare PLAN.json

PLAN.json holds the token request and the list of GET URLs the connector made (same endpoints, same
query strings; the project-id pages first), each with the stream it belongs to, or no stream for requests
whose rows the connector does not emit (its read-time probes, the /Actions windows it discards and splits,
a substream's re-read of its parent's pages), and a role: "project_ids" pages give the ids of projects,
whose rows "drop_projects" pages (tickets, deleted_tickets) leave out, as the connector does.
No retries, no concurrency, no normalisation: the floor any reader of these pages has to pay.
Prints its own timings as one JSON line on stderr.
"""

from __future__ import annotations

import json
import sys
import time

import requests


def main() -> int:
    started = time.perf_counter()
    with open(sys.argv[1]) as file:
        plan = json.load(file)
    session = requests.Session()
    token = session.post(plan["token_url"], params=plan["token_params"], data=plan["token_form"], timeout=30)
    token.raise_for_status()
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    out = sys.stdout
    dumps = json.dumps
    records = pages = 0
    projects: set = set()
    loop_started = time.perf_counter()
    for url, stream, *extra in plan["requests"]:
        role = extra[0] if extra else None
        response = session.get(url, headers=headers, timeout=60)
        response.raise_for_status()
        body = json.loads(response.content)
        pages += 1
        if role == "project_ids":
            projects.update(row.get("id") for row in _rows(body))
        if not stream:
            continue
        rows = _rows(body)
        if role == "drop_projects":
            rows = [row for row in rows if row.get("id") not in projects]
        emitted_at = int(time.time() * 1000)
        for row in rows:
            record = {"type": "RECORD", "record": {"stream": stream, "data": row, "emitted_at": emitted_at}}
            out.write(dumps(record, separators=(",", ":")) + "\n")
        records += len(rows)
    out.flush()
    ended = time.perf_counter()
    report = {
        "records": records,
        "requests": pages + 1,
        "loop_seconds": round(ended - loop_started, 3),
        "total_seconds": round(ended - started, 3),
    }
    print(json.dumps(report), file=sys.stderr)
    return 0


def _rows(body):
    return body if isinstance(body, list) else next((v for v in body.values() if isinstance(v, list)), [])


if __name__ == "__main__":
    sys.exit(main())
