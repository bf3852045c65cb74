"""What staff read in /stats and /unanswered, built from what the store returns.

The store only runs SQL; the decisions about what to report live here: which events count as a
patient's message, and which unanswered questions are "the same question" with a ready-to-paste
``faq.yaml`` snippet for each, so staff can teach the bot in a minute.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping

from rapidfuzz import fuzz, utils

if TYPE_CHECKING:
    from .faq import Faq
    from .store import Unanswered

STATS_DAYS = 7  # the window /stats reports on

# Two questions belong to one group at this token_set_ratio or above.
GROUP_SIMILARITY = 70.0
# The nearest entry is offered as "add an alternate" at this match score or above, else a new entry.
ALTERNATE_AT = 45.0


# ---- /stats -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stats:
    since: float
    messages: int = 0
    answered: int = 0
    suggested: int = 0
    fallback: int = 0
    not_text: int = 0
    picked: int = 0  # answers chosen from a button (suggestion, topic, follow-up)
    escalations: dict[str, int] = field(default_factory=dict)  # tier -> count
    helpful: int = 0
    not_helpful: int = 0


def summarise(since: float, events: Mapping[tuple[str, str], int], escalations: Mapping[object, int],
              feedback: Mapping[int, int]) -> Stats:
    """Stats from event counts per (kind, source), escalations per tier and feedback per helpful (1/0).

    A patient's message is anything they sent (text or media); button taps and edits are not.
    """
    return Stats(
        since=since,
        messages=sum(n for (k, s), n in events.items() if s in ("message", "media")),
        answered=events.get(("answer", "message"), 0),
        suggested=events.get(("suggest", "message"), 0),
        fallback=events.get(("fallback", "message"), 0),
        not_text=events.get(("not_text", "media"), 0) + events.get(("not_text", "message"), 0),
        picked=events.get(("picked", "button"), 0),
        escalations={str(k): v for k, v in escalations.items()},
        helpful=feedback.get(1, 0),
        not_helpful=feedback.get(0, 0),
    )


# ---- /unanswered: what the FAQ could not answer, grouped so staff can teach it in a minute ------
@dataclass(frozen=True)
class UnansweredGroup:
    texts: tuple[str, ...]  # distinct phrasings, most frequent first
    count: int  # how many times it was asked
    nearest_id: str | None  # nearest FAQ entry in the current FAQ
    nearest_score: float
    snippet: str  # ready-to-paste YAML: an ``alternates`` line or a new entry


def group_unanswered(items: Iterable["Unanswered"], faq: "Faq", limit: int = 10) -> list[UnansweredGroup]:
    """Greedy single-pass clustering with rapidfuzz; largest groups first."""
    from .matching import Matcher  # noqa: PLC0415 (the store imports this module; keep it light)

    groups: list[dict] = []
    for item in items:
        key = utils.default_process(item.text)
        if not key:
            continue
        for g in groups:
            if fuzz.token_set_ratio(key, g["key"], processor=None) >= GROUP_SIMILARITY:
                g["texts"][item.text] = g["texts"].get(item.text, 0) + 1
                break
        else:
            groups.append({"key": key, "texts": {item.text: 1}})
    groups.sort(key=lambda g: -sum(g["texts"].values()))
    matcher = Matcher(faq)
    out = []
    for n, g in enumerate(groups[:limit], 1):
        texts = tuple(t for t, _ in sorted(g["texts"].items(), key=lambda kv: -kv[1]))
        ranked = matcher.rank(texts[0], 1)
        best = ranked[0] if ranked else None
        if best is not None and best.score >= ALTERNATE_AT:
            lines = [f"# add to the alternates of: {best.id}"] + [f"      - {_yaml_str(t)}" for t in texts[:5]]
        else:
            lines = [f"  - id: new-question-{n}", "    topic: General", f"    question: {_yaml_str(texts[0])}",
                     "    alternates:"] + [f"      - {_yaml_str(t)}" for t in texts[1:5] or texts[:1]] + [
                     "    answer: |", "      WRITE THE ANSWER HERE"]
        out.append(UnansweredGroup(texts, sum(g["texts"].values()), best.id if best else None,
                                   best.score if best else 0.0, "\n".join(lines)))
    return out


def _yaml_str(text: str, max_chars: int = 200) -> str:
    """A one-line double-quoted YAML scalar (JSON strings are valid YAML)."""
    one_line = " ".join(text.split())[:max_chars]
    return json.dumps(one_line, ensure_ascii=False)
