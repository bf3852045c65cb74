"""Which FAQ entry answers a message.

CONTRACT: Candidate(id, score 0..100), MatchResult(kind, candidates, suggested),
Matcher(faq).rank(text, limit) -> list[Candidate], Matcher(faq).match(text) -> MatchResult.

How it decides (why not a bare rapidfuzz ``extractOne``): a fuzzy ratio over whole strings counts
"is", "it" and "my" as much as "bladder", so it happily matches a question about parking to one
about driving.  Here every FAQ question and alternate is a small document of *terms* (normalised,
stemmed words, see bot.text); a term is worth its inverse document frequency over this FAQ's own
entries, so words that appear everywhere count for little and rare, meaningful ones decide.
A message's words meet the FAQ through three doors, each worth a little less than the last:
the same term, a synonym (built-in vocabulary in bot.vocab plus the clinic's ``synonyms:``), or a
typo-corrected term (rapidfuzz over the FAQ's own vocabulary).

An entry's score asks two questions of its best-matching phrasing: how much of the *message* does
it explain (words the FAQ never mentions, like "parking" or "price", pull this down and so protect
against confident wrong answers), and how much of the *phrasing* did the message cover (so "memory"
alone does not fully match "does ketamine affect long-term memory").  A small share comes from the
entry as a whole (words spread over several alternates) and from rapidfuzz's token-set ratio
against the best phrasings, which rescues run-together or oddly spelled messages.

The decision is deliberately cautious: ``answer`` only when the best entry scores high *and* is
clearly ahead of the next one; ``suggest`` (2-3 "did you mean" entries) when it is plausible but
close or middling; ``fallback`` otherwise.  Precision over coverage: a wrong confident answer is
the worst thing the assistant can do.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from . import text as tx
from .faq import Faq
from .vocab import DOMAIN_SYNONYMS


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


# --- scoring constants (why each value: see benchmarks/README.md) ------------------------------
SYNONYM_CREDIT = 0.85  # a synonym match is worth this share of the word itself
TYPO_CREDIT = 0.8  # a typo-corrected word, likewise
ANSWER_CREDIT = 0.3  # a message word found only in the entry's answer text
STOP_FACTOR = 0.15  # weight of "is / it / my" relative to their IDF
QUESTION_FACTOR = 0.5  # weight of "why / how / can"
UNKNOWN_FACTOR = 0.7  # a word the FAQ never uses, relative to the rarest FAQ word
QUERY_SHARE = 0.95  # exponent of "how much of the message is explained" in a phrasing's score
ENTRY_SHARE = 0.3  # share of the whole-entry coverage in an entry's score
FUZZ_SHARE = 0.1  # share of rapidfuzz token_set_ratio (on the top entries) in the final score
RERANK_TOP = 8  # entries re-scored with rapidfuzz
FUZZ_SCORER = fuzz.token_sort_ratio
IDF_POWER = 1.0
WQ_FLOOR = 0.6
DF_WITH_ANSWERS = 1.0
COORD = 0.3
PREFIX_MATCH = False
FUZZ_FORM = 'words'
KEEP_PHRASE_WORDS = 'doc'
ANSWER_SHARE = 0.0  # share of the answer text's coverage of the message


def _fuzz_form(ws: list[str]) -> str:
    if FUZZ_FORM == "content":
        ws = [w for w in ws if tx.stem(w) not in tx.STOP_STEMS] or ws
    elif FUZZ_FORM == "stems":
        ws = [tx.stem(w) for w in ws if tx.stem(w) not in tx.STOP_STEMS] or ws
    return " ".join(ws)


class _Lexicon:
    """Synonym groups, with single words and multi-word phrases, as stems."""

    def __init__(self, groups: Iterable[Sequence[str]]):
        self.single: dict[str, set[int]] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.phrase_groups: dict[str, set[int]] = {}
        self.surface: dict[str, str] = {}  # plain word -> stem, for typo correction
        for gid, group in enumerate(groups):
            for member in group:
                st = tuple(tx.stems(str(member)))
                if not st:
                    continue
                if len(st) == 1:
                    self.single.setdefault(st[0], set()).add(gid)
                    for w in tx.words(str(member)):
                        self.surface[w] = st[0]
                else:
                    name = "~" + "_".join(st)
                    self.phrase_groups.setdefault(name, set()).add(gid)
                    lst = self.phrases.setdefault(st[0], [])
                    if (st, name) not in lst:
                        lst.append((st, name))
        for lst in self.phrases.values():
            lst.sort(key=lambda p: -len(p[0]))

    def groups(self, term: str) -> frozenset[int]:
        if term.startswith("~"):
            return frozenset(self.phrase_groups.get(term, ()))
        return frozenset(self.single.get(term, ()))

    def terms(self, stems: list[str], keep_words: bool = False) -> list[str]:
        """Stems with multi-word synonym phrases replaced by one phrase term."""
        out: list[str] = []
        i, n = 0, len(stems)
        while i < n:
            for st, name in self.phrases.get(stems[i], ()):
                k = len(st)
                if tuple(stems[i:i + k]) == st:
                    out.append(name)
                    if keep_words:
                        out.extend(w for w in st if w not in tx.STOP_STEMS)
                    i += k
                    break
            else:
                out.append(stems[i])
                i += 1
        return out


@dataclass
class _QueryTerm:
    term: str
    weight: float
    alts: tuple[tuple[str, float], ...]  # (indexed term, credit)
    groups: frozenset[int]
    group_credit: float
    stop: bool


class Matcher:
    ANSWER_AT = 30.0  # the best entry must reach this to be answered outright ...
    ANSWER_MARGIN = 12.0  # ... and lead the runner-up by this much
    SUGGEST_AT = 20.0  # below this nothing fits: fallback
    SUGGEST_WITHIN = 15.0  # "did you mean" lists entries within this of the best

    def __init__(self, faq: Faq):
        self.faq = faq
        self.lex = _Lexicon(tuple(DOMAIN_SYNONYMS) + tuple(faq.synonyms))
        self.ids: list[str] = [e.id for e in faq.entries]
        self.n_entries = len(self.ids)
        # one document per question / alternate
        self.var_entry: list[int] = []
        self.var_terms: list[frozenset[str]] = []
        self.var_groups: list[frozenset[int]] = []
        self.var_norm: list[str] = []
        self.entry_vars: list[list[int]] = [[] for _ in self.ids]
        self.postings: dict[str, list[int]] = {}
        self.group_postings: dict[int, list[int]] = {}
        self.answer_postings: dict[str, set[int]] = {}
        self.answer_group_postings: dict[int, set[int]] = {}
        self.term_entries: dict[str, set[int]] = {}
        self.group_entries: dict[int, set[int]] = {}
        self.surface: dict[str, str] = dict(self.lex.surface)
        seen: set[tuple[int, str]] = set()
        faq_words: set[str] = set()
        for ei, e in enumerate(faq.entries):
            for phrasing in (e.question, *e.alternates):
                ws = tx.words(phrasing)
                norm = _fuzz_form(ws)
                if not ws or (ei, norm) in seen:
                    continue
                seen.add((ei, norm))
                for w in ws:
                    self.surface.setdefault(w, tx.stem(w))
                    faq_words.add(w)
                terms = frozenset(self.lex.terms([tx.stem(w) for w in ws], KEEP_PHRASE_WORDS in ('doc', 'both')))
                groups = frozenset(g for t in terms for g in self.lex.groups(t))
                vi = len(self.var_entry)
                self.var_entry.append(ei)
                self.var_terms.append(terms)
                self.var_groups.append(groups)
                self.var_norm.append(norm)
                self.entry_vars[ei].append(vi)
                for t in terms:
                    self.postings.setdefault(t, []).append(vi)
                    self.term_entries.setdefault(t, set()).add(ei)
                for g in groups:
                    self.group_postings.setdefault(g, []).append(vi)
                    self.group_entries.setdefault(g, set()).add(ei)
            a_terms = set(self.lex.terms(tx.stems(e.answer)))
            for t in a_terms:
                self.answer_postings.setdefault(t, set()).add(ei)
                for g in self.lex.groups(t):
                    self.answer_group_postings.setdefault(g, set()).add(ei)
        self._df_cache: dict[str, float] = {}
        self._typo_cache: dict[str, str | None] = {}
        self._surface_by_initial: dict[str, list[str]] = {}
        self._faq_words = faq_words
        for w in self.surface:
            if len(w) >= 4:
                self._surface_by_initial.setdefault(w[0], []).append(w)
        self._max_idf = self._idf(1) if self.n_entries else 1.0
        self.var_weight = [sum(self._weight(t) for t in terms) or 1.0 for terms in self.var_terms]

    # ---- weights ------------------------------------------------------------------------------
    def _idf(self, df: int) -> float:
        n = self.n_entries
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5)) ** IDF_POWER

    def _weight(self, term: str) -> float:
        w = self._df_cache.get(term)
        if w is not None:
            return w
        ents = set(self.term_entries.get(term, ()))
        for g in self.lex.groups(term):
            ents |= self.group_entries.get(g, set())
        if ents:
            if DF_WITH_ANSWERS:
                a = set(self.answer_postings.get(term, ()))
                for g in self.lex.groups(term):
                    a |= self.answer_group_postings.get(g, set())
                w = (1 - DF_WITH_ANSWERS) * self._idf(len(ents)) + DF_WITH_ANSWERS * self._idf(len(ents | a))
            else:
                w = self._idf(len(ents))
        else:
            w = self._max_idf * UNKNOWN_FACTOR
        if term in tx.STOP_STEMS or (len(term) == 1 and not self.lex.groups(term)):
            w *= STOP_FACTOR
        elif term in tx.QUESTION_STEMS:
            w *= QUESTION_FACTOR
        elif term.isdigit():
            w *= STOP_FACTOR
        self._df_cache[term] = w
        return w

    def _known(self, term: str) -> bool:
        return term in self.postings or bool(self.lex.groups(term))

    def _typo(self, word: str) -> str | None:
        """The FAQ vocabulary's term closest to an unknown word, if it is close enough."""
        if word in self._typo_cache:
            return self._typo_cache[word]
        found = None
        n = len(word)
        if n >= 5 and not word.isdigit():
            # One edit (two for long words), first letter kept: "memroy", "usualy", "diffrence".
            # Stricter than it could be because a real word the FAQ never uses ("letter",
            # "weather") must not be "corrected" into one it does ("better", "water").
            best = process.extractOne(word, self._surface_by_initial.get(word[0], ()),
                                      scorer=OSA.distance, score_cutoff=0 if n < 6 else 1 if n < 9 else 2)
            if best is not None:
                found = self.surface[best[0]]
            elif PREFIX_MATCH:  # a clipped word: "corona" for "coronavirus", "meds" is not here
                longer = [w for w in self._surface_by_initial.get(word[0], ()) if w.startswith(word)]
                if longer:
                    found = self.surface[min(longer, key=len)]
            if found is None:  # run-together words: "brainfog", "nightbefore"
                for i in range(3, n - 2):
                    a, b = word[:i], word[i:]
                    if a in self.surface and b in self.surface:
                        found = self.surface[a] + " " + self.surface[b]
                        break
        if len(self._typo_cache) > 50000:
            self._typo_cache.clear()
        self._typo_cache[word] = found
        return found

    # ---- query analysis -------------------------------------------------------------------------
    def _join_compounds(self, ws: list[str]) -> list[str]:
        """'after care' -> 'aftercare', 'ear plugs' -> 'earplugs' when the FAQ writes them as one."""
        if len(ws) < 2:
            return ws
        out: list[str] = []
        i = 0
        while i < len(ws):
            if i + 1 < len(ws) and (ws[i] + ws[i + 1]) in self._faq_words:
                out.append(ws[i] + ws[i + 1])
                i += 2
            else:
                out.append(ws[i])
                i += 1
        return out

    def _analyse(self, message: str) -> tuple[list[_QueryTerm], str]:
        ws = self._join_compounds(tx.words(message))
        stems: list[str] = []
        credit_of: dict[str, float] = {}
        for w in ws:
            s = tx.stem(w)
            if self._known(s) or s in tx.STOP_STEMS or s.isdigit() or w in self.surface:
                stems.append(s)
                continue
            fixed = self._typo(w)
            if fixed is None:
                stems.append(s)
            else:
                for f in fixed.split():
                    stems.append(f)
                    credit_of[f] = min(credit_of.get(f, 1.0), TYPO_CREDIT)
        terms = self.lex.terms(stems, KEEP_PHRASE_WORDS in ('query', 'both'))
        out: list[_QueryTerm] = []
        seen: set[str] = set()
        for t in terms:
            if t in seen:
                continue
            seen.add(t)
            c = credit_of.get(t, 1.0)
            groups = self.lex.groups(t)
            stop = t in tx.STOP_STEMS or (len(t) == 1 and not groups)
            out.append(_QueryTerm(t, self._weight(t), ((t, c),), groups, c * SYNONYM_CREDIT, stop))
        return out, _fuzz_form(ws)

    # ---- scoring --------------------------------------------------------------------------------
    def _scores(self, message: str) -> dict[int, float]:
        qterms, qnorm = self._analyse(message)
        wq = sum(q.weight for q in qterms)
        if not qterms or wq <= 0:
            return {}
        # "thank you so much" is all small words: matching two of them is not 100% of a question
        wq = max(wq, WQ_FLOOR * self._max_idf)
        acc_v: dict[int, float] = {}
        acc_e: dict[int, float] = {}
        acc_a: dict[int, float] = {}
        stops = []
        cnt_v: dict[int, int] = {}
        cnt_e: dict[int, int] = {}
        n_content = 0
        content_hit = False  # "thank you so much" meets the FAQ only in small words: no match
        for q in qterms:
            if q.stop:
                stops.append(q)
                continue
            hits: dict[int, float] = {}
            for t, c in q.alts:
                for v in self.postings.get(t, ()):
                    if hits.get(v, 0.0) < c:
                        hits[v] = c
            for g in q.groups:
                for v in self.group_postings.get(g, ()):
                    if hits.get(v, 0.0) < q.group_credit:
                        hits[v] = q.group_credit
            ent: dict[int, float] = {}
            n_content += 1
            for v, c in hits.items():
                acc_v[v] = acc_v.get(v, 0.0) + q.weight * c
                cnt_v[v] = cnt_v.get(v, 0) + 1
                e = self.var_entry[v]
                if ent.get(e, 0.0) < c:
                    ent[e] = c
            if not hits and ANSWER_CREDIT:
                # a word no question or alternate uses ("bdnf", a drug name): the answers may know it
                a_ents: set[int] = set()
                for t, _ in q.alts:
                    a_ents |= self.answer_postings.get(t, set())
                for g in q.groups:
                    a_ents |= self.answer_group_postings.get(g, set())
                if a_ents:
                    c = ANSWER_CREDIT * max(c for _, c in q.alts) * self._idf(len(a_ents)) / self._max_idf
                    for e in a_ents:
                        ent[e] = c
            for e, c in ent.items():
                acc_e[e] = acc_e.get(e, 0.0) + q.weight * c
                cnt_e[e] = cnt_e.get(e, 0) + 1
            if ent and q.term not in tx.QUESTION_STEMS:
                content_hit = True
            if ANSWER_SHARE:
                a_hit: dict[int, float] = {}
                for g in q.groups:
                    for e in self.answer_group_postings.get(g, ()):
                        a_hit[e] = q.group_credit
                for t, c in q.alts:
                    for e in self.answer_postings.get(t, ()):
                        a_hit[e] = c
                for e, c in a_hit.items():
                    acc_a[e] = acc_a.get(e, 0.0) + q.weight * c
        for e in acc_a:
            acc_e.setdefault(e, 0.0)
        if not acc_e or not content_hit:
            return {}
        for q in stops:  # cheap: only documents the content words already reached
            for v in acc_v:
                if q.term in self.var_terms[v]:
                    acc_v[v] += q.weight
            for e in acc_e:
                acc_e[e] += q.weight * any(q.term in self.var_terms[v] for v in self.entry_vars[e])
        best_v: dict[int, float] = {}
        for v, a in acc_v.items():
            qcov = min(1.0, a / wq)
            vcov = min(1.0, a / self.var_weight[v])
            s = qcov ** QUERY_SHARE * vcov ** (1.0 - QUERY_SHARE)
            if COORD:
                s *= (cnt_v.get(v, 0) / n_content) ** COORD
            e = self.var_entry[v]
            if s > best_v.get(e, 0.0):
                best_v[e] = s
        core = 1.0 - ANSWER_SHARE
        scores = {e: core * ((1.0 - ENTRY_SHARE) * best_v.get(e, 0.0) + ENTRY_SHARE * min(1.0, a / wq)
                             * ((cnt_e.get(e, 0) / n_content) ** COORD if COORD else 1.0))
                  + ANSWER_SHARE * min(1.0, acc_a.get(e, 0.0) / wq)
                  for e, a in acc_e.items()}
        fz: dict[int, float] = {}
        if FUZZ_SHARE and qnorm:
            top = sorted(scores, key=scores.__getitem__, reverse=True)[:RERANK_TOP]
            for e in top:
                f = max(FUZZ_SCORER(qnorm, self.var_norm[v]) for v in self.entry_vars[e]) \
                    if self.entry_vars[e] else 0.0
                fz[e] = f
                scores[e] = (1.0 - FUZZ_SHARE) * scores[e] + FUZZ_SHARE * f / 100.0
            for e in scores:
                if e not in top:
                    scores[e] *= (1.0 - FUZZ_SHARE)
        self._last = (best_v, {e: a / wq for e, a in acc_e.items()}, fz)
        return scores

    def rank(self, text: str, limit: int = 5) -> list[Candidate]:
        scores = self._scores(text or "")
        order = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if limit is not None:
            order = order[:limit]
        return [Candidate(self.ids[e], round(100.0 * s, 2)) for e, s in order if s > 0]

    def match(self, text: str) -> MatchResult:
        cands = tuple(self.rank(text, 5))
        if not cands:
            return MatchResult("fallback", ())
        best = cands[0].score
        runner = cands[1].score if len(cands) > 1 else 0.0
        if best >= self.ANSWER_AT and best - runner >= self.ANSWER_MARGIN:
            return MatchResult("answer", cands)
        if best >= self.SUGGEST_AT:
            close = [c for c in cands[:3] if c.score >= best - self.SUGGEST_WITHIN]
            if len(close) < 2 and len(cands) > 1:
                close = list(cands[:2])
            return MatchResult("suggest", cands, tuple(close))
        return MatchResult("fallback", cands)
