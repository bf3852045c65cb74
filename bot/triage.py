"""Red-flag triage: runs on every message before any FAQ matching.

CONTRACT: LEXICON_VERSION, EMERGENCY, PROVIDER, Escalation(tier, category, matched),
Triage(extra).check(text) -> Escalation | None

The lexicon is data (``bot/data/redflags.yaml``), not code, so that clinicians can read what fires
and why.  This module is the small engine that runs it:

1. *Normalise* the message the way patients actually type: case, accents, curly quotes, zero-width
   characters, glued words ("SuicideRecently", "iwanttodie"), repeated letters ("soooo"),
   leetspeak ("k1ll"), missing apostrophes ("dont", "im"), common chat spellings ("wanna", "u")
   and typos in long red-flag words ("suicidel"), which are corrected with rapidfuzz.
2. *Match* the rules of the lexicon: whole-word phrases and bounded regexes (no unbounded gaps, so
   no catastrophic backtracking).  At start-up every pattern is analysed for the words it can
   start with; patterns sharing a first word are joined into one regex, tried only where that word
   stands in the message.  A 5,000-character message therefore costs about a millisecond.
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
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from importlib import resources
from typing import Iterable, Mapping

import yaml
from rapidfuzz import process

from rapidfuzz.distance import OSA

try:  # the regex parser, used once at start-up to find the words a pattern can start with
    from re import _constants as _sre_c, _parser as _sre_parse  # Python >= 3.11
except ImportError:  # pragma: no cover
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

log = logging.getLogger(__name__)

EMERGENCY = "emergency"
PROVIDER = "provider"
TIERS = (EMERGENCY, PROVIDER)

# Triage reads at most this much of a message (the pipeline already cuts at 20,000 characters).
MAX_CHARS = 20000


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
# Normalisation
# ---------------------------------------------------------------------------------------------

_ZERO_WIDTH = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2026": " ",
    "\u00df": "ss", "\u00e6": "ae", "\u0153": "oe", "\u00f8": "o", "\u0142": "l",
    "\U0001f602": " lol ", "\U0001f923": " lol ", "\U0001f480": " lol ",
})
_OD = re.compile(r"(?<![a-z])(?:o\.?d'e?d|o\.d\.?|oded)(?!\w)")  # "od'd", "OD'ed", "o.d." (not "odd")
_ELLIPSIS = re.compile(r"\.{2,}")
_NON_WORD = re.compile(r"[^\w?. ]+|_+")
_SIGILS = re.compile(r"(?<=[a-z])[@$]|[@$](?=[a-z])")  # "$uicide", "k@ms"
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "9": "g"})
# ASCII punctuation -> space, sentence ends -> ".", in one C-speed pass
_PUNCT = str.maketrans({**{c: " " for c in "!\"#$%&'()*+,-/<=>@[\\]^_`{|}~\t\x0b\x0c"},
                        **{c: "." for c in "!;:\n\r"}})
_NUMBER_WITH_UNIT = re.compile(r"^\d+(?:[.,]\d+)?[a-z]{0,5}$")
_RUN3 = re.compile(r"(\w)\1{2,}")


class _Normaliser:
    """Text -> space-separated lowercase tokens; '.' and '?' kept as clause-end tokens."""

    def __init__(self, spellings: Mapping[str, str], phrases: Mapping[str, str],
                 vocabulary: set[str], fuzzy: Iterable[str], fuzzy_exclude: Iterable[str],
                 glued: Mapping[str, str]):
        self.spellings = dict(spellings)
        self.vocabulary = set(vocabulary)
        self.fuzzy_exclude = set(fuzzy_exclude)
        self._fuzzy_by_letter: dict[str, list[str]] = {}
        for w in sorted(set(fuzzy)):
            self._fuzzy_by_letter.setdefault(w[0], []).append(w)
        # multi-word spellings ("can not" -> "cant"), longest first
        keys = sorted(phrases, key=len, reverse=True)
        self._phrases = dict(phrases)
        self._phrase_rx = re.compile("(?:" + "|".join(re.escape(k) for k in keys) + r")\b") \
            if keys else None
        gkeys = sorted(glued, key=len, reverse=True)
        self._glued = dict(glued)
        self._glued_rx = re.compile("|".join(re.escape(k) for k in gkeys)) if gkeys else None
        self._cache: dict[str, str] = {}

    def _token(self, tok: str) -> str:
        out = self._fix(tok)
        if len(self._cache) < 200000:  # bounded: a flood of random words cannot exhaust memory
            self._cache[tok] = out
        return out

    def _leet(self, tok: str) -> str:
        if _NUMBER_WITH_UNIT.match(tok) or sum(c.isalpha() for c in tok) < 2:
            return tok  # "3am", "5mg", "2nd" stay as they are
        return tok.translate(_LEET)

    def _fix(self, tok: str) -> str:
        """One token: chat spelling, letter runs, typo correction (cached, the same words recur)."""
        if tok in self.spellings:
            return self.spellings[tok]
        if not tok.isalpha() and any(c.isdigit() for c in tok):
            tok = self._leet(tok)  # "k1ll", "su1c1de", "d13"
            if tok in self.spellings:
                return self.spellings[tok]
        if _RUN3.search(tok):
            two = _RUN3.sub(r"\1\1", tok)
            one = _RUN3.sub(r"\1", tok)
            for cand in (two, one):
                if cand in self.spellings:
                    return self.spellings[cand]
                if cand in self.vocabulary:
                    return cand
            tok = two
        if len(tok) >= 8 and self._glued_rx is not None and tok not in self.vocabulary:
            m = self._glued_rx.search(tok)
            if m:  # "iwanttodie" -> "i want to die": keep what surrounds the glued phrase
                pre, post = tok[:m.start()], tok[m.end():]
                pre = self.spellings.get(pre, pre)
                post = self.spellings.get(post, post)
                return " ".join(p for p in (pre, self._glued[m.group(0)], post) if p)
        if len(tok) >= 6 and tok not in self.vocabulary and tok not in self.fuzzy_exclude:
            choices = self._fuzzy_by_letter.get(tok[0])
            if choices and tok.isalpha():
                # one edit; two only in long words ("halucinatons"): "overrated" must not
                # become "overdosed", nor "consulting" "convulsing"
                best = process.extractOne(tok, choices, scorer=OSA.distance,
                                          score_cutoff=1 if len(tok) <= 10 else 2)
                if best is not None:
                    return best[0]
        return tok

    def __call__(self, text: str) -> str:
        text = text[:MAX_CHARS]
        if not text.isascii():
            text = _ZERO_WIDTH.sub("", text)
            text = text.translate(_QUOTES)
        if not text.isprintable():
            text = _CONTROL.sub(" ", text)
        if not text.islower():
            text = _CAMEL.sub(r"\1 \2", text)  # "SuicideRecently" -> "Suicide Recently"
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text)
            text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.casefold()
        if "od" in text or "o.d" in text:
            text = _OD.sub(" overdosed ", text)
        text = text.replace("'", "")  # "don't" -> "dont", "I'm" -> "im"
        if "@" in text or "$" in text:
            text = _SIGILS.sub(lambda m: "a" if m.group(0) == "@" else "s", text)
        if ".." in text:
            text = _ELLIPSIS.sub(" ", text)
        text = text.translate(_PUNCT)
        if not text.isascii():
            text = _NON_WORD.sub(" ", text)
        text = text.replace("?", " ? ").replace(".", " . ")
        cache, token = self._cache, self._token
        tokens = [cache[t] if t in cache else token(t) for t in text.split()]
        text = " ".join(tokens)
        if self._phrase_rx is not None:
            text = self._phrase_rx.sub(self._phrase_sub, text)
        return text

    def _phrase_sub(self, m: re.Match) -> str:
        s = m.start()
        if s and m.string[s - 1] != " ":
            return m.group(0)
        return self._phrases[m.group(0)]


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------

_INTERROGATIVE = re.compile(
    r"^(?:what|whats|how|hows|why|when|where|which|who|can|could|does|do|did|is|isnt|are|will|"
    r"would|should|has|have|was|were|may|might)\b")


@dataclass(frozen=True)
class _Guard:
    id: str
    before: re.Pattern | None
    after: re.Pattern | None
    clause: re.Pattern | None
    inside: re.Pattern | None
    question: bool
    unless: re.Pattern | None

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
    patterns: tuple[re.Pattern, ...]  # each must start at the start of a word
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

    No leading \\b: patterns are only tried at the start of a word (see ``_HeadIndex``)."""
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

    def __init__(self, data: Mapping):
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
        self.normalise = _Normaliser(spellings, phrases, vocabulary, fuzzy, fuzzy_exclude, glued)

        self.guards: dict[str, _Guard] = {}
        for gid, g in (data.get("guards") or {}).items():
            where = f"guard {gid}"

            def opt(key: str, g=g, where=where) -> re.Pattern | None:
                src = g.get(key)
                return _compile(_expand(str(src), macros, where), where) if src else None

            self.guards[str(gid)] = _Guard(str(gid), opt("before"), opt("after"), opt("clause"),
                                           opt("inside"), bool(g.get("question")), opt("unless"))

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
                                    tuple(_compile(x, where) for x in parts),
                                    tuple(guards)))
        self.rules.sort(key=lambda rule: TIERS.index(rule.tier))  # emergency first
        self.patterns = [(rule, rx) for rule in self.rules for rx in rule.patterns]
        self.index = _HeadIndex(list(enumerate(rx for _, rx in self.patterns)))


def _lexicon_text() -> str:
    return resources.files("bot").joinpath("data/redflags.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _builtin() -> _Lexicon:
    """Parsed and compiled on first use (about half a second), then shared by every Triage."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _Lexicon(yaml.load(_lexicon_text(), Loader=loader))




class _Unknown(Exception):
    pass


_HEAD_LIMIT = 3000


@lru_cache(maxsize=None)
def _heads(pattern: str) -> frozenset[str] | None:
    """The first words a match of ``pattern`` can start with ("word", or "pre*" for a prefix).

    Every rule pattern starts at a word start, so a message only needs the pattern tried where one
    of these words stands: a 5,000-character message costs a few dictionary look-ups per word
    instead of a scan per pattern.  None when the pattern's start cannot be enumerated (it is
    then searched for in the whole text)."""
    try:
        out = _first_words(list(_sre_parse.parse(pattern).data), "", 0)
    except (_Unknown, RecursionError):
        return None
    if not out or len(out) > _HEAD_LIMIT or any(w in ("", "*") for w in out):
        return None
    return frozenset(out)


def _first_words(seq: list, prefix: str, depth: int) -> set[str]:
    if depth > 60:
        raise _Unknown
    if not seq:
        if not prefix:
            raise _Unknown
        return {prefix + "*"}
    op, av = seq[0]
    rest = seq[1:]
    if op is _sre_c.LITERAL:
        c = chr(av)
        if c == " ":
            if not prefix:
                raise _Unknown
            return {prefix}
        return _first_words(rest, prefix + c, depth + 1)
    if op is _sre_c.AT:
        if prefix and av in (_sre_c.AT_BOUNDARY, _sre_c.AT_END):
            return {prefix}
        return _first_words(rest, prefix, depth + 1)
    if op is _sre_c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            out |= _first_words(list(alt) + rest, prefix, depth + 1)
            if len(out) > _HEAD_LIMIT:
                raise _Unknown
        return out
    if op is _sre_c.SUBPATTERN:
        return _first_words(list(av[-1]) + rest, prefix, depth + 1)
    if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT):
        lo, hi, item = av
        if hi == 1:
            out = _first_words(list(item) + rest, prefix, depth + 1)
            if lo == 0:
                out |= _first_words(rest, prefix, depth + 1)
            return out
    if prefix:  # a class, a repeat, anything else inside the first word: a prefix is enough
        return {prefix + "*"}
    if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] >= 1 and list(av[2]) == _DIGITS:
        return {_DIGIT_HEAD}  # "\\d+ days": any word starting with a digit
    raise _Unknown


_DIGITS = [(_sre_c.IN, [(_sre_c.CATEGORY, _sre_c.CATEGORY_DIGIT)])]
_DIGIT_HEAD = "#digit"


_JOIN_MAX_HEADS = 8


class _HeadIndex:
    """Where each pattern may start, and one combined regex per first word.

    All patterns that can start with the same word ("i", "my", "suicid*") are joined into one
    alternation with a named group per pattern, so a message costs one ``match`` per occurrence of
    such a word rather than one per pattern.  Built once per Triage."""

    def __init__(self, patterns: list[tuple[int, re.Pattern]]):
        by_key: dict[str, list[int]] = {}
        self.scan: list[int] = []  # patterns whose heads are unknown: searched in the whole text
        self.pattern = dict(patterns)
        for pid, rx in patterns:
            heads = _heads(rx.pattern)
            if heads is None:
                self.scan.append(pid)
                continue
            for h in heads:
                by_key.setdefault(h, []).append(pid)
        self.members = {k: tuple(sorted(set(v))) for k, v in by_key.items()}
        # Patterns with few first words are joined per word; one that can start with many words
        # (a long alternation) is tried on its own, so that it is compiled once, not per word.
        n_heads: dict[int, int] = {}
        for pids in self.members.values():
            for pid in pids:
                n_heads[pid] = n_heads.get(pid, 0) + 1
        compiled: dict[tuple[int, ...], re.Pattern] = {}
        self.combined: dict[str, tuple[tuple[re.Pattern, int | None], ...]] = {}
        for k, pids in self.members.items():
            small = tuple(p for p in pids if n_heads[p] <= _JOIN_MAX_HEADS)
            tries: list[tuple[re.Pattern, int | None]] = []
            if len(small) == 1:
                tries.append((self.pattern[small[0]], small[0]))
            elif small:
                if small not in compiled:
                    compiled[small] = re.compile("|".join(
                        f"(?P<p{pid}>{self.pattern[pid].pattern})" for pid in small))
                tries.append((compiled[small], None))
            tries += [(self.pattern[p], p) for p in pids if n_heads[p] > _JOIN_MAX_HEADS]
            self.combined[k] = tuple(tries)
        self.exact = {k for k in self.members if not k.endswith("*")}
        self.prefix = {k[:-1] for k in self.members if k.endswith("*")}
        self.prefix_lengths = sorted({len(p) for p in self.prefix})
        self._cache: dict[str, tuple[str, ...]] = {}

    def _keys_of(self, tok: str) -> tuple[str, ...]:
        """The head keys a word belongs to (cached: the same words recur)."""
        keys = [tok] if tok in self.exact else []
        if tok and tok[0].isdigit() and _DIGIT_HEAD in self.exact:
            keys.append(_DIGIT_HEAD)
        for n in self.prefix_lengths:
            if n > len(tok):
                break
            if tok[:n] in self.prefix:
                keys.append(tok[:n] + "*")
        out = tuple(keys)
        if len(self._cache) < 200000:
            self._cache[tok] = out
        return out

    def hits(self, norm: str) -> list[tuple[int, int, str]]:
        """(pattern id, start offset, head key) of every pattern that matches first at a word."""
        cache, keys_of = self._cache, self._keys_of
        words: dict[str, tuple[str, ...]] = {}
        for tok in set(norm.split(" ")):
            keys = cache[tok] if tok in cache else keys_of(tok)
            if keys:
                words[tok] = keys
        out: list[tuple[int, int, str]] = []
        if not words:
            return out
        padded = " " + norm + " "
        combined = self.combined
        for tok, keys in words.items():
            needle = " " + tok + " "
            offs = []
            i = padded.find(needle)
            while i != -1:
                offs.append(i)  # the token starts at i in norm (the padding shifts by one)
                i = padded.find(needle, i + len(needle) - 1)
            for key in keys:
                for rx, pid in combined[key]:
                    for m in map(rx.match, repeat(norm), offs):
                        if m is None:
                            continue
                        out.append((pid if pid is not None else int(m.lastgroup[1:]), m.start(),
                                    key))
        return out


def _find(patterns: Iterable[re.Pattern], text: str):
    """Matches of each pattern that start at the start of a word (tokens are space-separated)."""
    for rx in patterns:
        pos = 0
        while True:
            m = rx.search(text, pos)
            if m is None:
                break
            s = m.start()
            if s and text[s - 1] != " ":
                pos = s + 1
                continue
            yield m
            pos = max(m.end(), s + 1)


_CLAUSE_END = re.compile(r"(?:^| )[.?](?= |$)")


_VERSION_LINE = re.search(r'^version:\s*"?([^"\n]+?)"?\s*$', _lexicon_text(), re.M)
LEXICON_VERSION = _VERSION_LINE.group(1) if _VERSION_LINE else "0"


class Triage:
    """The built-in lexicon plus a clinic's extra phrases; build once, call ``check`` per message."""

    def __init__(self, extra: Mapping[str, Iterable[str]] | None = None):
        lex = _builtin()  # compiled once per process; a reload only re-reads the clinic's phrases
        self.version = lex.version
        self._norm = lex.normalise
        self._patterns = lex.patterns
        self._index = lex.index
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
        if text is None:
            return None
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "replace")
        elif not isinstance(text, str):
            text = str(text)
        if not text.strip():
            return None
        norm = self._norm(text)
        if not norm:
            return None
        ends: list[tuple[int, str]] | None = None
        # candidates in priority order: pattern id (emergency rules first), then position
        heap = self._index.hits(norm)
        for pid in self._scan:
            heap.extend((pid, m.start(), "") for m in _find((self._patterns[pid][1],), norm))
        heapq.heapify(heap)
        seen = set()
        extras_done = False
        while True:
            if not extras_done and (not heap or heap[0][0] >= self._first_provider):
                extras_done = True  # the clinic's emergency phrases rank above any provider rule
                esc = self._check_extra(EMERGENCY, norm)
                if esc:
                    return esc
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
            if rule.guards:
                if ends is None:
                    ends = [(m2.start(), m2.group(0).strip()) for m2 in _CLAUSE_END.finditer(norm)]
                if self._guarded(rule, norm, m, ends):
                    if key:  # other patterns with the same first word may match here too
                        for other in self._index.members[key]:
                            if other > pid and (other, off) not in seen and \
                                    self._patterns[other][1].match(norm, off):
                                heapq.heappush(heap, (other, off, key))
                    continue
            span = m.group(0).strip()
            if len(span) > 60:
                span = span[:57] + "..."
            matched = f'{rule.id}: "{span}" (lexicon {self.version})'
            return Escalation(rule.tier, rule.category, matched)
        return self._check_extra(PROVIDER, norm)

    def _check_extra(self, tier: str, norm: str) -> Escalation | None:
        for rule, rx in self._extra[tier]:
            m = rx.search(norm)
            if m:
                return Escalation(tier, rule.category, f'{rule.id}: "{m.group(0).strip()}"')
        return None

    @staticmethod
    def _guarded(rule: _Rule, norm: str, m: re.Match, ends: list[tuple[int, str]]) -> bool:
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
        return any(g.vetoes(clause, before, span, after, is_q) for g in rule.guards)


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
