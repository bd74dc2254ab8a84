"""Config-driven fault injection (LocalStack style): a list of rules, checked only when one is active.

A rule is a dict:
  path        regex searched in the request path (case-insensitive), e.g. "/api/tickets"
  method      optional, e.g. "GET"
  status      an HTTP status to answer with (429, 500, 502, 503, 504, 403, ...), optional `body`, `headers`
  kind        instead of status: "reset" (close the socket, no response), "delay" (sleep `seconds`, then
              serve normally), "timeout" (sleep `seconds`, then close, no response), "malformed" (200 with the
              real JSON body cut in half), "repeat_page" (serve page 1 whatever page_no), "page_cap" (at most
              `size` rows per page while the envelope still reports the requested page_size),
              "expire_token" (revoke every token, then 401)
  times       apply to the next N matching requests (default 1 when neither every nor probability is given)
  every       apply to every Nth matching request (forever)
  probability apply with this probability (seeded random, forever)
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass

KINDS = {"reset", "delay", "timeout", "malformed", "repeat_page", "page_cap", "expire_token"}


@dataclass
class FaultRule:
    path: re.Pattern
    method: str | None
    status: int | None
    kind: str | None
    times: int | None
    every: int | None
    probability: float | None
    seconds: float
    size: int
    body: str | None
    headers: dict
    seen: int = 0
    applied: int = 0

    @classmethod
    def parse(cls, spec: dict) -> FaultRule:
        unknown = set(spec) - {
            "path", "method", "status", "kind", "times", "every", "probability", "seconds", "size", "body", "headers"
        }  # fmt: skip
        if unknown:
            raise ValueError(f"unknown fault rule keys: {sorted(unknown)}")
        status, kind = spec.get("status"), spec.get("kind")
        if (status is None) == (kind is None):
            raise ValueError("a fault rule needs exactly one of 'status' or 'kind'")
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {sorted(KINDS)}")
        every, prob, times = spec.get("every"), spec.get("probability"), spec.get("times")
        if times is None and every is None and prob is None:
            times = 1
        return cls(
            path=re.compile(spec.get("path", ".*"), re.I),
            method=(spec.get("method") or "").upper() or None,
            status=int(status) if status is not None else None,
            kind=kind,
            times=times,
            every=every,
            probability=prob,
            seconds=float(spec.get("seconds", 1.0)),
            size=int(spec.get("size", 10)),
            body=spec.get("body"),
            headers=dict(spec.get("headers") or {}),
        )

    def describe(self) -> dict:
        out = {"path": self.path.pattern, "method": self.method, "status": self.status, "kind": self.kind,
               "times": self.times, "every": self.every, "probability": self.probability,
               "seen": self.seen, "applied": self.applied}  # fmt: skip
        return {k: v for k, v in out.items() if v is not None}


class FaultInjector:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._rules: list[FaultRule] = []
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.active = False

    def set_rules(self, specs: list[dict]) -> None:
        rules = [FaultRule.parse(s) for s in specs]
        with self._lock:
            self._rules = rules
            self._rng = random.Random(self._seed)
            self.active = bool(rules)

    def clear(self) -> None:
        self.set_rules([])

    def describe(self) -> list[dict]:
        with self._lock:
            return [r.describe() for r in self._rules]

    def match(self, method: str, path: str) -> FaultRule | None:
        """The first rule that fires for this request, updating rule counters. Cheap when none are active."""
        if not self.active:
            return None
        with self._lock:
            for rule in self._rules:
                if rule.method and rule.method != method:
                    continue
                if not rule.path.search(path):
                    continue
                if rule.times is not None and rule.applied >= rule.times:
                    continue
                rule.seen += 1
                if rule.every is not None and rule.seen % rule.every:
                    continue
                if rule.probability is not None and self._rng.random() >= rule.probability:
                    continue
                rule.applied += 1
                return rule
            return None
