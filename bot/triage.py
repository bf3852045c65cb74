"""Red-flag triage: runs on every message before any FAQ matching.

CONTRACT: LEXICON_VERSION, Escalation(tier, category, matched), Triage(extra).check(text) -> Escalation | None
(placeholder implementation, to be replaced)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

LEXICON_VERSION = "0"

EMERGENCY = "emergency"
PROVIDER = "provider"


@dataclass(frozen=True)
class Escalation:
    tier: str  # "emergency" | "provider"
    category: str  # e.g. "suicide", "overdose", "bladder"
    matched: str  # the rule id or phrase that fired, shown to staff

    def to_json(self) -> dict:
        return {"tier": self.tier, "category": self.category, "matched": self.matched}


class Triage:
    def __init__(self, extra: Mapping[str, Iterable[str]] | None = None):
        self._rules = [(EMERGENCY, "suicide", re.compile(r"\b(suicid\w*|kill myself|kms)\b", re.I)),
                       (PROVIDER, "bladder", re.compile(r"\bblood in (my )?(urine|pee)\b", re.I))]
        for tier, phrases in (extra or {}).items():
            for p in phrases:
                self._rules.append((tier, "clinic", re.compile(r"\b" + re.escape(p) + r"\b", re.I)))

    def check(self, text: str) -> Escalation | None:
        for tier, cat, rx in self._rules:
            m = rx.search(text)
            if m:
                return Escalation(tier, cat, m.group(0))
        return None
