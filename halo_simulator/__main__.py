"""python -m halo_simulator --scale demo --seed 42 --port 0 [--config-out secrets/simulator.json]

Once it serves, prints a connector config as one JSON line ({"instance_url", "client_id", "client_secret"}
and, for hosted Halo, "tenant"), writes the same to --config-out if given, and serves until killed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from dataclasses import replace

from .options import SCALES, SimulatorOptions
from .server import HaloSimulator
from .worlds import WORLDS


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m halo_simulator", description=__doc__)
    ap.add_argument("--scale", choices=sorted(SCALES), default="tiny")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tenant", default="acme")
    ap.add_argument("--on-prem", action="store_true", help="no tenant on the token request")
    ap.add_argument("--rate-limit", metavar="N/SECONDS", help="e.g. 300/300 for Halo hosted's limit")
    ap.add_argument("--page-cap", type=int, default=100)
    ap.add_argument("--world", choices=sorted(WORLDS), default="default", help="see COVERAGE.md, Worlds")
    ap.add_argument("--actions-max-window-days", type=float)
    ap.add_argument("--config-out", metavar="PATH", help="also write the config there (once serving)")
    args = ap.parse_args(argv)
    rate = None
    if args.rate_limit:
        n, _, w = args.rate_limit.partition("/")
        rate = (int(n), float(w))
    opts = SimulatorOptions(
        seed=args.seed, scale=args.scale, tenant=args.tenant, hosted=not args.on_prem, port=args.port,
        rate_limit=rate, page_cap=args.page_cap, actions_max_window_days=args.actions_max_window_days,
    )  # fmt: skip
    opts = replace(opts, **WORLDS[args.world])
    sim = HaloSimulator(opts).start()
    line = json.dumps(sim.config())  # as the connector takes it: --config accepts this file as is
    if args.config_out:
        _write_atomically(args.config_out, line + "\n")
    print(line, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.2):  # a timed wait lets the SIGTERM handler run promptly
            pass
    except KeyboardInterrupt:
        pass
    sim.stop()
    return 0


def _write_atomically(path: str, text: str) -> None:
    """Whoever waits for the file to exist never reads half of it."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    partial = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.partial")
    with open(partial, "w") as f:
        f.write(text)
    os.replace(partial, path)


if __name__ == "__main__":
    sys.exit(main())
