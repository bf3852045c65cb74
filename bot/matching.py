"""Which FAQ entry answers a message.

CONTRACT: Candidate(id, score 0..100), MatchResult(kind, candidates), Matcher(faq).rank(text, limit)
and Matcher(faq).match(text). (placeholder implementation, to be replaced)
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from .faq import Faq


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float  # 0..100, higher is better


@dataclass(frozen=True)
class MatchResult:
    kind: str  # "answer" | "suggest" | "fallback"
    candidates: tuple[Candidate, ...]  # up to 5, best first
    suggested: tuple[Candidate, ...] = ()  # the 2-3 "did you mean" entries when kind == "suggest"

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Matcher:
    ANSWER_AT = 80.0
    SUGGEST_AT = 60.0

    def __init__(self, faq: Faq):
        self.faq = faq
        self._choices: list[str] = []
        self._ids: list[str] = []
        for e in faq.entries:
            for q in (e.question, *e.alternates):
                self._choices.append(utils.default_process(q))
                self._ids.append(e.id)

    def rank(self, text: str, limit: int = 5) -> list[Candidate]:
        best: dict[str, float] = {}
        for _, score, idx in process.extract(utils.default_process(text), self._choices,
                                             scorer=fuzz.token_set_ratio, processor=None, limit=None):
            i = self._ids[idx]
            best[i] = max(best.get(i, 0.0), float(score))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:limit]
        return [Candidate(i, s) for i, s in ranked]

    def match(self, text: str) -> MatchResult:
        cands = tuple(self.rank(text, 5))
        if cands and cands[0].score >= self.ANSWER_AT:
            return MatchResult("answer", cands)
        if cands and cands[0].score >= self.SUGGEST_AT:
            return MatchResult("suggest", cands, cands[:3])
        return MatchResult("fallback", cands)
