"""Request accounting for tests and benchmarks (GET /_sim/stats). Control-plane calls are not counted."""

from __future__ import annotations

import threading
from collections import Counter


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.counts: Counter[str] = Counter()
            self.token_requests = 0
            self.throttled = 0
            self.log: list[dict] = []

    def record(self, method: str, path: str, query: str, status: int, token: bool) -> None:
        with self._lock:
            self.counts[f"{method} {path}"] += 1
            self.token_requests += token
            self.throttled += status == 429
            self.log.append({"method": method, "path": path, "query": query, "status": status})

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "requests": sum(self.counts.values()),
                "counts": dict(self.counts),
                "token_requests": self.token_requests,
                "throttled_429": self.throttled,
                "log": list(self.log),
            }
