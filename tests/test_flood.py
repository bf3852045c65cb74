"""The flood limit (bot.flood.FloodGate) and the per-chat alert context (bot.context.RecentMessages).

Time is passed in through ``now``, so refilling is decided by the numbers in the table.
"""
from __future__ import annotations

import pytest

from bot.context import RecentMessages
from bot.flood import FloodGate

ANN, BOB = 101, 202


def allowed(gate: FloodGate, user: int, times: list[float]) -> list[bool]:
    return [gate.allow(user, now=t) for t in times]


# ---- FloodGate ---------------------------------------------------------------------------------
@pytest.mark.parametrize("burst, per_minute, times, expected", [
    # a burst of `burst` messages goes through at once, the next one is held
    (3, 6, [0, 0, 0, 0], [True, True, True, False]),
    (1, 6, [0, 0], [True, False]),
    (5, 60, [0] * 7, [True] * 5 + [False] * 2),
    # 6 per minute = one token every 10 s
    (2, 6, [0, 0, 0, 9.9, 10.0, 10.1], [True, True, False, False, True, False]),
    # a held message costs nothing: the bucket still refills on time
    (1, 6, [0, 1, 2, 3, 10], [True, False, False, False, True]),
    # a long pause refills the bucket only up to the burst
    (2, 6, [0, 0, 3600, 3600, 3600], [True, True, True, True, False]),
    # a steady pace at the allowed rate is never held
    (1, 60, [0, 1, 2, 3, 4, 5], [True] * 6),
    # faster than the rate: every other message held
    (1, 60, [0, 0.5, 1, 1.5, 2, 2.5], [True, False, True, False, True, False]),
])
def test_burst_then_throttled_then_refilled(burst, per_minute, times, expected):
    assert allowed(FloodGate(burst, per_minute), ANN, times) == expected


def test_one_users_flood_does_not_hold_another():
    gate = FloodGate(burst=2, per_minute=6)
    assert allowed(gate, ANN, [0, 0, 0]) == [True, True, False]
    assert allowed(gate, BOB, [0, 0, 0]) == [True, True, False]
    assert gate.allow(ANN, now=1) is False


def test_memory_is_bounded_and_forgets_the_least_recent_user():
    gate = FloodGate(burst=1, per_minute=1, max_users=3)
    for user in (1, 2, 3, 4):
        assert gate.allow(user, now=0)
    assert len(gate._buckets) == 3
    assert gate.allow(1, now=0) is True  # forgotten: starts again with a full bucket
    assert gate.allow(4, now=0) is False  # remembered: still empty


def test_a_returning_user_counts_as_recent():
    gate = FloodGate(burst=1, per_minute=1, max_users=2)
    gate.allow(1, now=0)
    gate.allow(2, now=0)
    gate.allow(1, now=0)  # 1 is now the most recent
    gate.allow(3, now=0)  # evicts 2, not 1
    assert gate.allow(1, now=0) is False
    assert gate.allow(2, now=0) is True


def test_default_clock_is_used_without_now():
    gate = FloodGate(burst=1, per_minute=0.001)
    assert gate.allow(ANN) is True
    assert gate.allow(ANN) is False


# ---- RecentMessages ----------------------------------------------------------------------------
@pytest.mark.parametrize("per_chat, sent, kept", [
    (3, ["a", "b"], ("a", "b")),
    (3, ["a", "b", "c"], ("a", "b", "c")),
    (3, ["a", "b", "c", "d", "e"], ("c", "d", "e")),
    (1, ["a", "b"], ("b",)),
])
def test_keeps_the_last_messages_of_a_chat_in_order(per_chat, sent, kept):
    recent = RecentMessages(per_chat)
    for text in sent:
        recent.add(ANN, text)
    assert recent.get(ANN) == kept


@pytest.mark.parametrize("max_chars, text, kept", [
    (5, "hello world", "hello"),
    (5, "hello", "hello"),
    (500, "x" * 5000, "x" * 500),
    (3, "", ""),
])
def test_long_messages_are_clipped(max_chars, text, kept):
    recent = RecentMessages(per_chat=2, max_chars=max_chars)
    recent.add(ANN, text)
    assert recent.get(ANN) == (kept,)


def test_chats_are_kept_apart_and_an_unknown_chat_is_empty():
    recent = RecentMessages(per_chat=2)
    recent.add(ANN, "ann 1")
    recent.add(BOB, "bob 1")
    recent.add(ANN, "ann 2")
    assert recent.get(ANN) == ("ann 1", "ann 2")
    assert recent.get(BOB) == ("bob 1",)
    assert recent.get(999) == ()


def test_number_of_chats_is_bounded_and_the_least_recent_forgotten():
    recent = RecentMessages(per_chat=2, max_chats=2)
    recent.add(1, "one")
    recent.add(2, "two")
    recent.add(1, "one again")  # chat 1 is now the most recent
    recent.add(3, "three")  # evicts chat 2
    assert recent.get(2) == ()
    assert recent.get(1) == ("one", "one again")
    assert recent.get(3) == ("three",)


def test_get_returns_a_snapshot_not_the_live_memory():
    recent = RecentMessages(per_chat=3)
    recent.add(ANN, "first")
    snapshot = recent.get(ANN)
    recent.add(ANN, "second")
    assert snapshot == ("first",)
