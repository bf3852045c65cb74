"""Holding a flood: a per-user token bucket that decides when someone sends faster than the bot
should answer.

It only withholds FAQ answers: the caller still triages every message, so a red flag sent in a
flood always reaches staff. In memory, bounded, no Telegram in it.
"""
from __future__ import annotations

import time
from collections import OrderedDict


class FloodGate:
    """Per-user token bucket: ``allow`` is False while someone sends faster than the limits.

    The caller still runs triage on every message; only the FAQ answer is withheld.
    """

    def __init__(self, burst: int, per_minute: float, max_users: int = 50000):
        self.burst, self.rate, self.max_users = float(burst), per_minute / 60.0, max_users
        self._buckets: OrderedDict[int, tuple[float, float]] = OrderedDict()

    def allow(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(user_id, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        ok = tokens >= 1.0
        self._buckets[user_id] = (tokens - 1.0 if ok else tokens, now)
        while len(self._buckets) > self.max_users:
            self._buckets.popitem(last=False)
        return ok
