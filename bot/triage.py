"""Red-flag triage: runs on every message before any FAQ matching.

CONTRACT: LEXICON_VERSION, EMERGENCY, PROVIDER, Escalation(tier, category, matched),
Triage(extra).check(text) -> Escalation | None

The lexicon is data (``bot/data/redflags.yaml``), not code, so that clinicians can read what fires
and why.  This module compiles it and runs the checks; two helpers do the rest:

1. *Normalise* the message the way patients actually type: case, accents, curly quotes, zero-width
   characters, glued words ("SuicideRecently", "iwanttodie"), repeated letters ("soooo"),
   leetspeak ("k1ll"), missing apostrophes ("dont", "im"), common chat spellings ("wanna", "u")
   and typos in long red-flag words ("suicidel"), which are corrected with rapidfuzz
   (:mod:`bot.triage_text`).
2. *Match* the rules of the lexicon: whole-word phrases and bounded regexes (no unbounded gaps, so
   no catastrophic backtracking).  At start-up every pattern is analysed for the words it can
   start with; patterns sharing a first word are joined into one regex, tried only where that word
   stands in the message (:mod:`bot.triage_index`).  A 5,000-character message therefore costs
   about a millisecond.
3. *Guard*: a rule may name guards (idioms, negation, informational questions, stories about the
   past) that veto a hit in the clause where it occurs.

Emergency rules are tried before provider rules, so emergency always wins.  Clinic phrases from
``faq.yaml`` (``red_flags:``) are added as extra whole-phrase rules without guards: they can add to
the floor, never remove or weaken it.  ``check`` never raises: a failure inside the engine returns
an emergency escalation ("when in doubt, escalate") rather than silence.
"""
from __future__ import annotations

import bisect
import heapq
import logging
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Mapping

import yaml

from .triage_index import HeadIndex, LazyPattern, find_at_word_starts, load_known_heads, write_heads_table
from .triage_model import TriageModel
from .triage_text import MAX_CHARS, Normaliser

__all__ = ["EMERGENCY", "LEXICON_VERSION", "MAX_CHARS", "PROVIDER", "TIERS", "Escalation",
           "LexiconError", "Triage"]

log = logging.getLogger(__name__)

EMERGENCY = "emergency"
PROVIDER = "provider"
TIERS = (EMERGENCY, PROVIDER)


@dataclass(frozen=True)
class Escalation:
    tier: str  # "emergency" | "provider"
    category: str  # e.g. "suicide", "overdose", "bladder"
    matched: str  # the rule id or phrase that fired, shown to staff

    def to_json(self) -> dict:
        return {"tier": self.tier, "category": self.category, "matched": self.matched}


class LexiconError(ValueError):
    """The built-in lexicon is malformed (a packaging bug, caught by the tests)."""


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------

_INTERROGATIVE = re.compile(
    r"^(?:what|whats|how|hows|why|when|where|which|who|can|could|does|do|did|is|isnt|are|will|"
    r"would|should|has|have|was|were|may|might)\b")


@dataclass(frozen=True)
class _Guard:
    id: str
    before: LazyPattern | None
    after: LazyPattern | None
    clause: LazyPattern | None
    inside: LazyPattern | None
    question: bool
    unless: LazyPattern | None
    always: bool = False  # a lexical guard ("5 kms", "overdosed on caffeine"): danger_now cannot lift it

    def vetoes(self, clause: str, before: str, span: str, after: str, is_question: bool) -> bool:
        if self.question and not is_question:
            return False
        if self.before is not None and not self.before.search(before):
            return False
        if self.after is not None and not self.after.search(after):
            return False
        if self.inside is not None and not self.inside.search(span):
            return False
        if self.clause is not None and not self.clause.search(clause):
            return False
        if self.unless is not None and self.unless.search(clause):
            return False
        return True


@dataclass(frozen=True)
class _Rule:
    id: str
    tier: str
    category: str
    patterns: tuple[LazyPattern, ...]  # each must start at the start of a word; compiled on use
    guards: tuple[_Guard, ...]


_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


def _expand(src: str, macros: Mapping[str, str], where: str) -> str:
    for _ in range(10):  # macros may use macros
        new = _MACRO.sub(lambda m: macros[m.group(1)] if m.group(1) in macros else m.group(0), src)
        if new == src:
            break
        src = new
    left = _MACRO.search(src)
    if left:
        raise LexiconError(f"{where}: unknown macro {{{left.group(1)}}}")
    return src


def _phrase_regex(phrase: str) -> str:
    """A normalised phrase as a whole-word regex; a trailing '*' allows any word ending.

    No leading \\b: patterns are only tried at the start of a word (see :class:`bot.triage_index.HeadIndex`)."""
    star = phrase.endswith("*")
    words = phrase.rstrip("*").split()
    body = r" ".join(re.escape(w) for w in words)
    return body + (r"\w*" if star else r"\b")


def _compile(src: str, where: str) -> re.Pattern:
    try:
        return re.compile(src)
    except re.error as exc:
        raise LexiconError(f"{where}: bad regex: {exc}") from None


class _Lexicon:
    """The parsed, compiled built-in lexicon (done once per process)."""

    def __init__(self, data: Mapping, known_heads: Mapping | None = None):
        if not isinstance(data, Mapping) or "rules" not in data:
            raise LexiconError("redflags.yaml: needs 'version' and 'rules'")
        self.version = str(data.get("version", "0"))
        norm = data.get("normalise") or {}
        macros = {str(k): str(v) for k, v in (data.get("define") or {}).items()}
        spellings = {str(k): str(v) for k, v in (norm.get("spellings") or {}).items()}
        phrases = {str(k): str(v) for k, v in (norm.get("phrases") or {}).items()}
        fuzzy = [str(w) for w in norm.get("fuzzy") or ()]
        fuzzy_exclude = [str(w) for w in norm.get("fuzzy_exclude") or ()]

        raw_rules = data["rules"]
        vocabulary: set[str] = set(fuzzy) | set(spellings.values())
        glued: dict[str, str] = {}
        for r in raw_rules:
            for p in r.get("phrases") or ():
                p = str(p).rstrip("*")
                vocabulary.update(p.split())
                if r.get("glue", True) and len(p.replace(" ", "")) >= 7:
                    glued[p.replace(" ", "")] = p
        for v in spellings.values():
            vocabulary.update(v.split())
        for r in raw_rules:  # whole words written in the regexes ("die", "pills")
            for x in ([r["regex"]] if isinstance(r.get("regex"), str) else r.get("regex") or ()):
                vocabulary.update(re.findall(r"(?<![a-z\\])[a-z]{3,}(?![a-z])",
                                             _expand(str(x), macros, "vocabulary")))
        vocabulary.update(str(w) for w in norm.get("vocabulary") or ())
        for p in norm.get("glued") or ():
            glued[str(p).replace(" ", "")] = str(p)
        self.normalise = Normaliser(spellings, phrases, vocabulary, fuzzy, fuzzy_exclude, glued)

        self.guards: dict[str, _Guard] = {}
        for gid, g in (data.get("guards") or {}).items():
            where = f"guard {gid}"

            def opt(key: str, g=g, where=where) -> LazyPattern | None:
                src = g.get(key)  # compiled on first use, like the rules (see compile_all)
                return LazyPattern(_expand(str(src), macros, where)) if src else None

            self.guards[str(gid)] = _Guard(str(gid), opt("before"), opt("after"), opt("clause"),
                                           opt("inside"), bool(g.get("question")), opt("unless"),
                                           bool(g.get("always")))
        # Words that say someone is in danger now, anywhere in the message ("i just took 20",
        # "my chest is crushing", "she's not breathing"): where they stand, a contextual guard (a
        # question, a story, a "lol") cannot veto a hit, since the context is about something else.
        now = [_expand(str(x), macros, "danger_now") for x in data.get("danger_now") or ()]
        self.danger_now = LazyPattern("|".join(f"(?:{x})" for x in now)) if now else None
        # Whole messages that are routine news ("took my lozenge at 9"): no rule speaks for them,
        # and the model, which learned "took" from overdoses, must not either.
        routine = [_expand(str(x), macros, "routine") for x in data.get("routine") or ()]
        self.routine = LazyPattern("(?:" + "|".join(f"(?:{x})" for x in routine) + r")(?: [.?])*$") \
            if routine else None

        self.rules: list[_Rule] = []
        seen: set[str] = set()
        for r in raw_rules:
            rid = str(r.get("id") or "")
            where = f"rule {rid or '?'}"
            if not rid or rid in seen:
                raise LexiconError(f"{where}: every rule needs a unique id")
            seen.add(rid)
            tier = r.get("tier")
            if tier not in TIERS:
                raise LexiconError(f"{where}: tier must be one of {TIERS}")
            phrase_rx = [_phrase_regex(str(p)) for p in r.get("phrases") or ()]
            regexes = r.get("regex") or ()
            if isinstance(regexes, str):
                regexes = [regexes]
            parts = ["(?:" + "|".join(phrase_rx) + ")"] if phrase_rx else []
            parts += ["(?:" + _expand(str(x), macros, where) + r")\b" for x in regexes]
            if not parts:
                raise LexiconError(f"{where}: needs phrases or regex")
            guards = []
            for gid in r.get("unless") or ():
                if gid not in self.guards:
                    raise LexiconError(f"{where}: unknown guard {gid}")
                guards.append(self.guards[gid])
            self.rules.append(_Rule(rid, tier, str(r.get("category") or tier),
                                    tuple(LazyPattern(x) for x in parts),
                                    tuple(guards)))
        self.rules.sort(key=lambda rule: TIERS.index(rule.tier))  # emergency first
        self.patterns = [(rule, rx) for rule in self.rules for rx in rule.patterns]
        try:  # parses every pattern (the syntax check); compiling waits for first use
            self.index = HeadIndex(list(enumerate(rx for _, rx in self.patterns)), known_heads)
        except re.error:
            for rule, rx in self.patterns:  # name the rule: the first that fails raises
                _compile(rx.pattern, f"rule {rule.id}")
            raise

    def compile_all(self) -> None:
        """Compile every pattern now (tests, ``faqbot check``): errors the parser lets through."""
        for rule, rx in self.patterns:
            _compile(rx.pattern, f"rule {rule.id}")
        for tries in self.index.combined.values():
            for rx, _ in tries:
                _compile(rx.pattern, "joined patterns")
        for rx, where in ((self.danger_now, "danger_now"), (self.routine, "routine")):
            if rx is not None:
                _compile(rx.pattern, where)
        for g in self.guards.values():
            for rx in (g.before, g.after, g.clause, g.inside, g.unless):
                if rx is not None:
                    _compile(rx.pattern, f"guard {g.id}")


def _lexicon_text() -> str:
    return resources.files("bot").joinpath("data/redflags.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _builtin() -> _Lexicon:
    """Parsed on first use (about a tenth of a second; each regex compiles when first tried), then
    shared by every Triage."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _Lexicon(yaml.load(_lexicon_text(), Loader=loader), load_known_heads())


_CLAUSE_END = re.compile(r"(?:^| )[.?](?= |$)")


_VERSION_LINE = re.search(r'^version:\s*"?([^"\n]+?)"?\s*$', _lexicon_text(), re.M)
LEXICON_VERSION = _VERSION_LINE.group(1) if _VERSION_LINE else "0"


class Triage:
    """The built-in lexicon plus a clinic's extra phrases; build once, call ``check`` per message."""

    def __init__(self, extra: Mapping[str, Iterable[str]] | None = None, *, model: bool = True):
        lex = _builtin()  # compiled once per process; a reload only re-reads the clinic's phrases
        self._model = TriageModel.builtin() if model else None
        self.version = lex.version
        self._norm = lex.normalise
        self._patterns = lex.patterns
        self._index = lex.index
        self._danger_now = lex.danger_now
        self._routine = lex.routine
        self._scan = set(lex.index.scan)
        # first provider pattern: clinic emergency phrases are checked before it
        self._first_provider = next((i for i, (r, _) in enumerate(lex.patterns)
                                     if r.tier != EMERGENCY), len(lex.patterns))
        self._extra: dict[str, list[tuple[_Rule, re.Pattern]]] = {EMERGENCY: [], PROVIDER: []}
        for tier, phrases in _iter_extra(extra):
            for phrase in phrases:
                n = self._norm(phrase).replace(" . ", " ").replace(" ? ", " ").strip(" .?")
                if not n or not any(c.isalnum() for c in n):
                    continue  # an empty phrase would match every message
                rx = re.compile(r"(?<!\S)" + _phrase_regex(n))
                self._extra[tier].append((_Rule(f"clinic-{tier}", tier, "clinic", (rx,), ()), rx))

    def normalise(self, text: str) -> str:
        """The text the rules see (exposed for tests and for staff debugging)."""
        return self._norm(text if isinstance(text, str) else str(text or ""))

    def check(self, text: str) -> Escalation | None:
        try:
            return self._check(text)
        except Exception:  # never let a bug in triage silence a red flag or crash the bot
            log.exception("triage failed; escalating to be safe")
            return Escalation(EMERGENCY, "triage-error", "triage could not read the message")

    def _check(self, text: str) -> Escalation | None:
        norm = self._normalised(text)
        if not norm:
            return None
        esc, ask = self._ask_model(norm)
        if self._model is None or not ask:
            return esc
        # the learned second opinion, asked only when no rule even matched: it can add an
        # escalation, never change or remove one (see bot/triage_model.py).  Where a rule matched
        # and its guard vetoed the hit ("I used to want to die, now I don't", "if I don't wake up
        # in time for my appointment"), the guard has read those very words in context; a bag
        # of n-grams would only overrule it on the same words.
        m = self._model
        op = m.opinion(norm)
        tier = op.tier(m.any_at, m.emergency_at, m.gate, m.flagged_emergency_at)
        if tier is not None:
            p = op.p_emergency if tier == EMERGENCY else op.p_any
            words = ", ".join(f'"{w}"' for w in op.evidence) or "no single word"
            return Escalation(tier, "model", f"model: {p:.2f} on {words} (model {m.version})")
        return esc

    def check_rules_only(self, text: str) -> Escalation | None:
        """The lexicon's decision without the model (for the trainer and the benchmarks)."""
        norm = self._normalised(text)
        return self._rules(norm)[0] if norm else None

    def model_would_be_asked(self, text: str) -> bool:
        """True when no rule matched at all, not even one a guard vetoed (for the trainer)."""
        norm = self._normalised(text)
        return bool(norm) and self._ask_model(norm)[1]

    def _ask_model(self, norm: str) -> tuple[Escalation | None, bool]:
        """The rules' verdict, and whether the model may speak: only when no rule matched at all
        (a vetoed hit counts as matched) and the message is not routine dose news."""
        esc, vetoed = self._rules(norm)
        return esc, esc is None and not vetoed and not self._is_routine(norm)

    def _is_routine(self, norm: str) -> bool:
        return self._routine is not None and self._routine.match(norm) is not None

    def _normalised(self, text) -> str:
        if text is None:
            return ""
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "replace")
        elif not isinstance(text, str):
            text = str(text)
        if not text.strip():
            return ""
        return self._norm(text)

    def _rules(self, norm: str) -> tuple[Escalation | None, bool]:
        """The first rule hit no guard vetoes, and whether any guard vetoed a hit on the way."""
        ends: list[tuple[int, str]] | None = None
        vetoed = False
        # candidates in priority order: pattern id (emergency rules first), then position
        heap = self._index.hits(norm)
        for pid in self._scan:
            heap.extend((pid, m.start(), "") for m in find_at_word_starts((self._patterns[pid][1],), norm))
        heapq.heapify(heap)
        seen = set()
        extras_done = False
        danger: list[str | None] = []  # the danger-now words, looked for on the first veto only
        while True:
            if not extras_done and (not heap or heap[0][0] >= self._first_provider):
                extras_done = True  # the clinic's emergency phrases rank above any provider rule
                esc = self._check_extra(EMERGENCY, norm)
                if esc:
                    return esc, vetoed
            if not heap:
                break
            pid, off, key = heapq.heappop(heap)
            if (pid, off) in seen:
                continue
            seen.add((pid, off))
            rule, rx = self._patterns[pid]
            m = rx.match(norm, off)
            if m is None:  # cannot happen: the combined regex matched this alternative here
                continue
            lifted = None
            if rule.guards:
                if ends is None:
                    ends = [(m2.start(), m2.group(0).strip()) for m2 in _CLAUSE_END.finditer(norm)]
                veto, lifted = self._guarded(rule, norm, m, ends, danger, self._danger_now)
                if veto:
                    vetoed = True
                    if key:  # other patterns with the same first word may match here too
                        for other in self._index.members[key]:
                            if other > pid and (other, off) not in seen and \
                                    self._patterns[other][1].match(norm, off):
                                heapq.heappush(heap, (other, off, key))
                    continue
            span = m.group(0).strip()
            if len(span) > 60:
                span = span[:57] + "..."
            now = f'; in danger now: "{lifted}"' if lifted else ""  # why a guard did not hold
            matched = f'{rule.id}: "{span}" (lexicon {self.version}{now})'
            return Escalation(rule.tier, rule.category, matched), vetoed
        return self._check_extra(PROVIDER, norm), vetoed

    def _check_extra(self, tier: str, norm: str) -> Escalation | None:
        for rule, rx in self._extra[tier]:
            m = rx.search(norm)
            if m:
                return Escalation(tier, rule.category, f'{rule.id}: "{m.group(0).strip()}"')
        return None

    @staticmethod
    def _guarded(rule: _Rule, norm: str, m: re.Match, ends: list[tuple[int, str]],
                 danger: list[str | None], danger_now: LazyPattern | None
                 ) -> tuple[bool, str | None]:
        """(vetoed, lifted_by): whether a guard vetoes the hit ``m``.  A contextual guard's veto
        does not stand where the message says someone is in danger now (``danger_now``; those
        words are returned so staff see why); a lexical one's does."""
        starts = [p for p, _ in ends]
        k = bisect.bisect_left(starts, m.start())
        lo = ends[k - 1][0] + 2 if k > 0 else 0
        j = bisect.bisect_left(starts, m.end())
        hi = ends[j][0] if j < len(ends) else len(norm)
        is_q = j < len(ends) and ends[j][1] == "?"
        clause = norm[lo:hi].strip()
        before = norm[max(lo, m.start() - 80):m.start()].strip()
        before = before + " " if before else ""  # guards read "... word $"
        after = norm[m.end():min(hi, m.end() + 80)].strip()
        if not is_q and _INTERROGATIVE.match(clause):
            is_q = True
        span = m.group(0)
        vetoing = [g for g in rule.guards if g.vetoes(clause, before, span, after, is_q)]
        if not vetoing:
            return False, None
        if any(g.always for g in vetoing) or danger_now is None:
            return True, None
        if not danger:
            d = danger_now.search(norm)
            danger.append(d.group(0).strip() if d else None)
        return (False, danger[0]) if danger[0] else (True, None)


def _iter_extra(extra) -> Iterable[tuple[str, list[str]]]:
    """Clinic extras, tolerating odd shapes: unknown tiers are skipped (faq.py reports them)."""
    if not extra or not isinstance(extra, Mapping):
        return []
    out = []
    for tier, phrases in extra.items():
        tier = str(tier).strip().lower()
        if tier not in TIERS:
            log.warning("red_flags: ignoring unknown tier %r", tier)
            continue
        if phrases is None:
            continue
        if isinstance(phrases, (str, bytes)):
            phrases = [phrases]
        try:
            items = [p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p)
                     for p in phrases if p is not None]
        except TypeError:
            items = [str(phrases)]
        out.append((tier, items))
    return out


if __name__ == "__main__":  # python -m bot.triage --write-heads
    if sys.argv[1:] != ["--write-heads"]:
        sys.exit("usage: python -m bot.triage --write-heads")
    lexicon = _builtin()
    print("wrote", write_heads_table([rx.pattern for _, rx in lexicon.patterns], lexicon.version))
