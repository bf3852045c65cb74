"""Red-flag triage, step 2: where in a message each rule pattern can start.

Every rule pattern starts at the start of a word.  Each pattern is analysed (with Python's own
regex parser; the answers are kept in ``bot/data/redflags_heads.json``) for the words it can start
with; patterns sharing a first word are joined into one regex, tried only where that word stands
in the message.  A 5,000-character message therefore costs a few dictionary look-ups per word
instead of a scan per pattern (about a millisecond).  Patterns whose start cannot be enumerated
are searched for in the whole text with :func:`find_at_word_starts`.  No rules and no priorities here: :mod:`bot.triage` decides what a
hit means.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from functools import lru_cache
from importlib import resources
from itertools import repeat
from typing import Iterable, Mapping

try:  # the regex parser, used once at start-up to find the words a pattern can start with
    from re import _constants as _sre_c, _parser as _sre_parse  # Python >= 3.11
except ImportError:  # pragma: no cover
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]


log = logging.getLogger(__name__)

HEADS_FILE = "data/redflags_heads.json"


class _Unknown(Exception):
    pass


class LazyPattern:
    """A regex compiled the first time it is used.

    Most of the lexicon's ~500 patterns are only ever tried through the joined per-word regexes
    (:class:`HeadIndex`), and each one alone only after its word matched; compiling all of them at
    start-up cost about a fifth of a second for nothing.  Syntax is still checked: every pattern
    passes :func:`pattern_heads` (at start-up, or when the table of known heads was written from
    the same text; see :func:`heads_of`).  Racing threads may both compile: harmless."""

    __slots__ = ("pattern", "_rx")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._rx: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        rx = self._rx
        if rx is None:
            rx = self._rx = re.compile(self.pattern)
        return rx

    def match(self, string: str, pos: int = 0) -> re.Match | None:
        return self.compiled().match(string, pos)

    def search(self, string: str, pos: int = 0) -> re.Match | None:
        return self.compiled().search(string, pos)


_HEAD_LIMIT = 3000


@lru_cache(maxsize=None)
def pattern_heads(pattern: str) -> frozenset[str] | None:
    """The first words a match of ``pattern`` can start with ("word", or "pre*" for a prefix).

    Every rule pattern starts at a word start, so a message only needs the pattern tried where one
    of these words stands: a 5,000-character message costs a few dictionary look-ups per word
    instead of a scan per pattern.  None when the pattern's start cannot be enumerated (it is
    then searched for in the whole text)."""
    try:
        parsed = _sre_parse.parse(pattern)  # raises re.error on a malformed pattern
    except RecursionError:
        return None
    try:
        out = _first_words(list(parsed.data), "", 0)
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


def pattern_key(pattern: str) -> str:
    """The key of a pattern in the table of known heads (a hash: the table stays small)."""
    return hashlib.blake2b(pattern.encode("utf-8"), digest_size=10).hexdigest()


def heads_of(pattern: str, known: Mapping[str, list[str] | None]) -> frozenset[str] | None:
    """:func:`pattern_heads`, read from ``known`` when the very same pattern is there.

    Parsing the lexicon's ~940 patterns took a quarter of a second of every start-up, always with
    the same answer; the table (``bot/data/redflags_heads.json``, written by ``python -m
    bot.triage --write-heads``) holds the answer per pattern.  A pattern edited since is not in it
    and is parsed here, so a stale table costs time, never a wrong index, and every pattern still
    passes the parser once: here, or when the table was written from the very same text."""
    key = pattern_key(pattern)
    if key in known:
        heads = known[key]
        return None if heads is None else frozenset(heads)
    return pattern_heads(pattern)


def load_known_heads() -> dict:
    """The table of each pattern's first words (see :func:`heads_of`); empty when missing or
    unreadable, which only makes start-up slower."""
    try:
        table = json.loads(resources.files("bot").joinpath(HEADS_FILE).read_text(encoding="utf-8"))
        heads = table["heads"]
        return heads if isinstance(heads, dict) else {}
    except Exception:  # noqa: BLE001 - an optimisation: without it every pattern is parsed
        log.warning("%s unreadable; parsing every red-flag pattern at start-up", HEADS_FILE)
        return {}


def fresh_heads(patterns: Iterable[str]) -> dict[str, list[str] | None]:
    """The table's entries for these patterns, every one parsed afresh (what the file should hold)."""
    out = {}
    for p in patterns:
        h = pattern_heads(p)
        out[pattern_key(p)] = None if h is None else sorted(h)
    return out


def write_heads_table(patterns: Iterable[str], version: str) -> str:
    """Rewrite ``bot/data/redflags_heads.json`` for these patterns (``python -m bot.triage
    --write-heads`` after editing redflags.yaml; a test says when)."""
    heads = fresh_heads(patterns)
    path = str(resources.files("bot").joinpath(HEADS_FILE))
    lines = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(heads.items())]
    with open(path, "w", encoding="utf-8") as f:  # one pattern per line: readable diffs
        f.write('{"lexicon": %s,\n "heads": {\n' % json.dumps(version))
        f.write(",\n".join(lines) + "\n}}\n")
    return path


class HeadIndex:
    """Where each pattern may start, and one combined regex per first word.

    All patterns that can start with the same word ("i", "my", "suicid*") are joined into one
    alternation with a named group per pattern, so a message costs one ``match`` per occurrence of
    such a word rather than one per pattern.  Built once per Triage."""

    def __init__(self, patterns: list[tuple[int, "re.Pattern | LazyPattern"]],
                 known: Mapping[str, list[str] | None] | None = None):
        by_key: dict[str, list[int]] = {}
        known = known or {}
        self.scan: list[int] = []  # patterns whose heads are unknown: searched in the whole text
        self.pattern = dict(patterns)
        for pid, rx in patterns:
            heads = heads_of(rx.pattern, known)
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
        compiled: dict[tuple[int, ...], LazyPattern] = {}
        self.combined: dict[str, tuple[tuple[re.Pattern | LazyPattern, int | None], ...]] = {}
        for k, pids in self.members.items():
            small = tuple(p for p in pids if n_heads[p] <= _JOIN_MAX_HEADS)
            tries: list[tuple[re.Pattern | LazyPattern, int | None]] = []
            if len(small) == 1:
                tries.append((self.pattern[small[0]], small[0]))
            elif small:
                if small not in compiled:
                    compiled[small] = LazyPattern("|".join(  # compiled on the word's first hit
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


def find_at_word_starts(patterns: Iterable[re.Pattern], text: str):
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
