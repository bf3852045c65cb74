"""The one decision every front end asks for: triage first, then the FAQ.

``faqbot chat``, ``faqbot ask``, ``faqbot eval`` and the Telegram handlers all call
:meth:`Assistant.decide`, so what staff test in the console is what patients get.
"""
from __future__ import annotations

import logging
import os
import threading
import unicodedata
from dataclasses import dataclass, field

from . import semantic
from .faq import Faq, FaqError, Problem, load_faq
from .matching import Candidate, Matcher
from .triage import EMERGENCY, LEXICON_VERSION, PROVIDER, Escalation, Triage

log = logging.getLogger(__name__)

ANSWER, SUGGEST, FALLBACK, ESCALATE = "answer", "suggest", "fallback", "escalate"

# Matching looks at the start of a very long message (speed, and the question is rarely at the
# end of an essay); triage reads all of it, because a red flag can be anywhere.
MATCH_CHARS = 1000
TRIAGE_CHARS = 20000


@dataclass(frozen=True)
class Decision:
    text: str
    kind: str  # answer | suggest | fallback | escalate
    faq_id: str | None
    score: float
    candidates: tuple[Candidate, ...]
    escalation: Escalation | None
    reply: str
    # (id, question) pairs the front end may offer as buttons
    suggestions: tuple[tuple[str, str], ...] = ()
    follow_ups: tuple[tuple[str, str], ...] = ()
    # True when staff should see the text in /unanswered
    unanswered: bool = False

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind,
            "faq_id": self.faq_id,
            "score": round(self.score, 2),
            "candidates": [{"id": c.id, "score": round(c.score, 2)} for c in self.candidates[:5]],
            "escalation": self.escalation.to_json() if self.escalation else None,
            "reply": self.reply,
        }


def has_words(text: str) -> bool:
    """Letters or digits in any script; emoji, punctuation and symbols alone are not a question."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


@dataclass(frozen=True)
class _State:
    faq: Faq
    matcher: Matcher
    triage: Triage


class Assistant:
    """Holds the current FAQ, its index and the triage rules; swapped whole on reload."""

    def __init__(self, faq: Faq):
        self._state = self._build(faq)
        self._lock = threading.Lock()

    @staticmethod
    def _build(faq: Faq) -> _State:
        return _State(faq, Matcher(faq), Triage(faq.red_flags))

    @classmethod
    def from_path(cls, path: str | os.PathLike, *, check_similar: bool = True
                  ) -> tuple["Assistant", list[Problem]]:
        """``check_similar=False``: skip the 'entries so alike' advice, which ranks every phrasing
        with the matcher (0.4 s for 533 phrasings); the bot gives it after start-up instead."""
        semantic.shared()  # starts loading the sentence model while the FAQ is read
        faq, warnings = load_faq(path, check_similar=check_similar)
        return cls(faq), warnings

    @property
    def faq(self) -> Faq:
        return self._state.faq

    def reload(self, path: str | os.PathLike | None = None) -> list[Problem]:
        """Load the file again; on FaqError the current FAQ stays in service."""
        faq, warnings = load_faq(path or self._state.faq.path)
        state = self._build(faq)
        with self._lock:
            self._state = state
        log.info("faq reloaded: %d entries, %d warnings", len(faq.entries), len(warnings))
        return warnings

    # ---- the pipeline -------------------------------------------------------------------
    def red_flag(self, text: str) -> Escalation | None:
        """Triage alone (a fraction of a millisecond): whether ``decide`` would escalate, for a
        front end that must store a red flag before the message waits for its turn."""
        return self._state.triage.check((text or "")[:TRIAGE_CHARS])

    def decide(self, text: str) -> Decision:
        st = self._state  # one consistent snapshot even if a reload happens meanwhile
        text = text or ""
        escalation = st.triage.check(text[:TRIAGE_CHARS])
        if not has_words(text):
            if escalation:  # cannot happen with a word lexicon, but safety never depends on it
                return self._escalate(st, text, escalation, ())
            log.info("decision kind=%s reason=no-words", FALLBACK)
            return Decision(text, FALLBACK, None, 0.0, (), None, st.faq.render(st.faq.texts.no_words))
        if escalation:  # the matcher is not even asked: nothing it does can lose a red flag
            return self._escalate(st, text, escalation, ())
        try:
            result = st.matcher.match(text[:MATCH_CHARS])
        except Exception:  # a bug in matching must cost an answer, never the reply
            log.exception("matcher failed; falling back")
            return Decision(text, FALLBACK, None, 0.0, (), None,
                            st.faq.render(st.faq.texts.fallback), unanswered=True)
        cands = result.candidates
        best = result.best
        if result.kind == ANSWER and best is not None:
            entry = st.faq.get(best.id)
            follow = tuple((f, st.faq.get(f).question) for f in entry.follow_ups if st.faq.get(f))
            log.info("decision kind=answer faq_id=%s score=%.1f", best.id, best.score)
            return Decision(text, ANSWER, best.id, best.score, cands, None, entry.answer,
                            follow_ups=follow)
        if result.kind == SUGGEST and result.suggested:
            sugg = tuple((c.id, st.faq.get(c.id).question) for c in result.suggested)
            lines = "\n".join(f"{i}. {q}" for i, (_, q) in enumerate(sugg, 1))
            reply = f"I'm not sure I understood. Did you mean:\n{lines}"
            log.info("decision kind=suggest ids=%s score=%.1f", ",".join(i for i, _ in sugg),
                     best.score if best else 0.0)
            return Decision(text, SUGGEST, None, best.score if best else 0.0, cands, None, reply,
                            suggestions=sugg)
        log.info("decision kind=fallback score=%.1f", best.score if best else 0.0)
        return Decision(text, FALLBACK, None, best.score if best else 0.0, cands, None,
                        st.faq.render(st.faq.texts.fallback), unanswered=True)

    def _escalate(self, st: _State, text: str, esc: Escalation, cands) -> Decision:
        template = st.faq.texts.emergency if esc.tier == EMERGENCY else st.faq.texts.provider
        log.warning("decision kind=escalate tier=%s category=%s lexicon=%s",
                    esc.tier, esc.category, LEXICON_VERSION)
        return Decision(text, ESCALATE, None, cands[0].score if cands else 0.0, tuple(cands), esc,
                        st.faq.render(template))

    def request_help(self, tier: str, text: str = "") -> Decision:
        """A patient asked for a person themselves (button or command): escalate without triage."""
        if tier not in (EMERGENCY, PROVIDER):
            raise ValueError(tier)
        esc = Escalation(tier, "patient-request", "patient asked for help" if tier == EMERGENCY
                         else "patient asked to talk to the clinic")
        return self._escalate(self._state, text, esc, ())

    def answer_for(self, faq_id: str) -> Decision | None:
        """The answer to an entry picked from a button (suggestion, topic, follow-up)."""
        st = self._state
        entry = st.faq.get(faq_id)
        if entry is None:
            return None
        follow = tuple((f, st.faq.get(f).question) for f in entry.follow_ups if st.faq.get(f))
        return Decision(entry.question, ANSWER, entry.id, 100.0, (Candidate(entry.id, 100.0),), None,
                        entry.answer, follow_ups=follow)
