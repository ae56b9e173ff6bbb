"""Failed attempts per client address, in this process: past a limit, the address waits.

Sign-in (salesops.web.signin) and the shared token (salesops.web.login) count failures
here by the request's address, so one machine cannot go on guessing, nor keep other
people's names locked by guessing at them (accounts count failures per name as well).
"""

from __future__ import annotations

import time
from collections import deque

ADDRESS_LIMIT = 30  # failures per address
WINDOW_SECONDS = 15 * 60
MAX_ADDRESSES = 10_000  # beyond this many, the oldest addresses are forgotten


class FailureLimit:
    """At most `limit` failures per key within `window` seconds."""

    def __init__(self, limit: int = ADDRESS_LIMIT, window: float = WINDOW_SECONDS):
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` may try again (0: it may now)."""
        now = time.monotonic() if now is None else now
        times = self._failures.get(key)
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times or len(times) < self.limit:
            return 0.0
        return times[0] + self.window - now

    def fail(self, key: str, now: float | None = None) -> None:
        """Count one failure for `key`."""
        times = self._failures.pop(key, None) or deque()
        times.append(time.monotonic() if now is None else now)
        while len(times) > self.limit:
            times.popleft()
        self._failures[key] = times  # re-inserted: the dict stays oldest-first
        while len(self._failures) > MAX_ADDRESSES:
            self._failures.pop(next(iter(self._failures)))
