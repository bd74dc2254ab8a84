"""Hosted Halo's limiter: N requests per rolling window over all requests (token and /api), real time.

Rejected requests do not count. Halo sends no Retry-After (halopsa-api.md §5), so neither does this.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class RollingWindow:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def allow(self) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._times and self._times[0] <= now - self.window:
                self._times.popleft()
            if len(self._times) >= self.limit:
                return False
            self._times.append(now)
            return True
