"""A small in-process token bucket per client address (for the public referral page)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """``rate`` requests per ``per`` seconds per key, with bursts up to ``rate``."""

    def __init__(
        self, rate: int, per: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity = float(rate)
        self.refill = rate / per
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Take one token for ``key``; False when its bucket is empty."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.refill)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > 50_000:
                self._forget_full(now)
            return allowed

    def _forget_full(self, now: float) -> None:
        full = [
            key
            for key, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.refill >= self.capacity
        ]
        for key in full:
            del self._buckets[key]
