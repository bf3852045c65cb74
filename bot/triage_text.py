"""Red-flag triage, step 1: the message as the rules see it.

Patients type fast and upset: capitals, accents, curly quotes, zero-width characters, glued words
("SuicideRecently", "iwanttodie"), repeated letters ("soooo"), leetspeak ("k1ll"), missing
apostrophes ("dont", "im"), chat spellings ("wanna", "u") and typos in long red-flag words
("suicidel").  :class:`Normaliser` turns all of that into space-separated lowercase tokens, with
'.' and '?' kept as clause-end tokens so that guards can read one clause at a time.  Its tables
(spellings, phrases, glued words, fuzzy targets) come from ``bot/data/redflags.yaml``; typos are
corrected with rapidfuzz.  No rules here: :mod:`bot.triage` builds the tables and matches.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

# Triage reads at most this much of a message (the pipeline already cuts at 20,000 characters).
MAX_CHARS = 20000

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
# Self-censored words ("d*e", "k*ll", "su*cide"): a masked token is read as the one crisis word it
# fits, each "*" standing for one or two letters.  Only these words: "f*ck" stays as it is.
_MASKED = re.compile(r"(?<![\w*])[a-z]*\*+[a-z*]*(?![\w*])")
_MASK_TARGETS = ("die", "died", "dying", "dead", "death", "kill", "killed", "killing", "kms",
                 "suicide", "suicidal", "overdose", "overdosed", "unalive", "cut", "cutting",
                 "hang", "harm", "pills")


def _unmask(m: re.Match) -> str:
    tok = m.group(0)
    if len(tok) > 12 or sum(c.isalpha() for c in tok) < 2:
        return tok
    rx = re.compile(re.sub(r"\*+", lambda s: "[a-z]{1,%d}" % (2 * len(s.group(0))),
                           re.escape(tok).replace("\\*", "*")) + "$")
    for word in _MASK_TARGETS:
        if rx.match(word):
            return word
    return tok


_NUMBER_WITH_UNIT = re.compile(r"^\d+(?:[.,]\d+)?[a-z]{0,5}$")
_RUN3 = re.compile(r"([^\W\d])\1{2,}")  # letters only: "soooo" -> "so", but 6000 stays 6000
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # "6,000" -> "6000"


class Normaliser:
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
        if "*" in text:
            text = _MASKED.sub(_unmask, text)
        if ".." in text:
            text = _ELLIPSIS.sub(" ", text)
        if "," in text:
            text = _THOUSANDS.sub("", text)
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

