"""Which FAQ entry answers a message.

CONTRACT: Candidate(id, score 0..100), MatchResult(kind, candidates, suggested),
Matcher(faq).rank(text, limit) -> list[Candidate], Matcher(faq).match(text) -> MatchResult.

Why not a bare rapidfuzz ``extractOne``: a fuzzy ratio over whole strings counts "is", "it" and
"my" as much as "bladder", so it happily matches a question about parking to one about driving.
Here every FAQ question and alternate is a small document of *terms* (normalised, stemmed words,
see bot.text).  A term is worth its inverse document frequency over this FAQ's own entries and
answers (its own when the questions use it, its synonym group's otherwise), so words that appear
everywhere count for little and rare, meaningful ones decide.
A message's words meet the FAQ through three doors, each worth a little less than the last: the
same term, a synonym (built-in vocabulary in bot.vocab plus the clinic's ``synonyms:``), or a
typo-corrected term (rapidfuzz OSA distance over the FAQ's own vocabulary).

An entry's score asks of its best-matching phrasing how much of the *message* it explains (words
the FAQ never mentions, like "parking" or "price", pull this down: that is what protects against
confident wrong answers), with a small say for how much of the phrasing the message covered and
for how many of the message's distinct words it matched (one rare word alone is weak evidence).
A share comes from the entry as a whole (words spread over several alternates; a word no question
uses but the answer does, like a drug name) and from rapidfuzz's token-sort ratio against the
entry's phrasings for the top entries.

The top entries then get second opinions from rankers that share none of the word model's doors
(no synonyms, no typo correction), each over the entry as ONE document (bot.entry_views): a
character 3-5-gram TF-IDF cosine against all its phrasings, BM25 against its phrasings, and BM25
against its answer.  They are fused into the score with small weights: they mostly break
near-ties the word model gets wrong.  A last opinion reads meaning rather than words: the cosine
of a small sentence model's vectors for the message and the entry's closest phrasing
(bot.semantic), which knows that "blank out" is about memory when no FAQ phrasing says so.
That model also brings its own nearest entries into the re-ranked set (MEANING_POOL), so an entry
sharing no word with the message can still be offered as "did you mean" (never answered outright).
Measured effect of each part: benchmarks/README.md.

The decision is deliberately cautious: ``answer`` only when a small logistic model over generic
properties of the ranking (bot.confidence) gives the best entry a high probability of being right;
``suggest`` (2-3 "did you mean" entries) when it is plausible but unsure; ``fallback`` otherwise.
Precision over coverage: a wrong confident answer is the worst thing the assistant can do.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from . import confidence, semantic
from . import text as tx
from .confidence import Evidence, question_types
from .entry_views import EntryViews
from .faq import Faq
from .vocab import DOMAIN_SYNONYMS, Lexicon

log = logging.getLogger(__name__)


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


# --- scoring constants (chosen on tests/data/dev.jsonl; see benchmarks/README.md) ---------------
SYNONYM_CREDIT = 0.85  # a synonym match is worth this share of the word itself
TYPO_CREDIT = 0.8  # a typo-corrected word, likewise
ANSWER_CREDIT = 0.3  # a word no question/alternate uses, found in the entry's answer
STOP_FACTOR = 0.15  # weight of "is / it / my" relative to their IDF
LIGHT_FACTOR = 1.0  # weight of "why / how / can / tomorrow" (bot.text.LIGHT_WORDS)
UNKNOWN_FACTOR = 0.7  # a word the FAQ never uses, relative to the rarest FAQ word
MESSAGE_FLOOR = 0.6  # a message weighs at least this many rarest words ("thank you so much")
QUERY_SHARE = 0.95  # exponent of "share of the message explained" (the rest: of the phrasing)
COORD = 0.3  # exponent of "share of the message's distinct words matched"
ENTRY_SHARE = 0.3  # share of the whole-entry coverage in an entry's score
FUZZ_SHARE = 0.1  # share of rapidfuzz token_sort_ratio in the final score
RERANK_TOP = 8  # entries re-scored with rapidfuzz
# Second opinions, fused into the word score of the top RERANK_TOP entries (see _rerank):
CHAR_SHARE = 0.1  # cosine of character 3-5-gram TF-IDF vectors (message vs all of an entry's phrasings)
BM25_SHARE = 0.05  # plain BM25 over each entry's phrasings as one document, relative to the best
ANSWER_SHARE = 0.1  # BM25 of the message against the entry's answer, relative to the best
MEANING_SHARE = 0.5  # sentence-model cosine, message vs the entry's closest phrasing (bot.semantic)
MEANING_POOL = 3  # entries the sentence model alone ranks highest, re-ranked with the word top
MEANING_POOL_MIN = 0.3  # ... when their closest phrasing's cosine reaches this
# Sentence-model cosine, message vs the entry's answer: orders the candidates shown (session 11);
# the answer decision reads the order without it (see _ranked)
ANSWER_MEANING_SHARE = 0.2
OWN_IDF = 1.0  # share of a word's own IDF (vs its synonym group's) when the questions use it

@dataclass(frozen=True)
class _QueryTerm:
    term: str
    weight: float
    credit: float  # 1.0, or TYPO_CREDIT when the word was corrected
    groups: frozenset[int]
    stop: bool


class Matcher:
    ANSWER_AT = 20.0  # the best entry must reach this to be answered outright ...
    ANSWER_CONFIDENCE = confidence.ANSWER_CONFIDENCE  # ... and the confidence model give it this
    MIN_LEAD = 5.0  # ... and it must lead the runner-up by this many points and by this share
    MIN_REL_LEAD = 0.1  # of its score: a near tie is a question the patient should choose on
    SUGGEST_AT = 20.0  # below this nothing fits: fallback
    SUGGEST_WITHIN = 15.0  # "did you mean" lists entries within this of the best

    def __init__(self, faq: Faq):
        self.faq = faq
        self.lex = Lexicon(DOMAIN_SYNONYMS, faq.synonyms)
        self.ids: list[str] = [e.id for e in faq.entries]
        # One small document per question or alternate ("variant").
        self.var_entry: list[int] = []
        self.var_terms: list[frozenset[str]] = []
        self.var_text: list[str] = []
        self.var_raw: list[str] = []  # as staff wrote it: what the sentence model reads
        self.entry_vars: list[list[int]] = [[] for _ in self.ids]
        self.postings: dict[str, list[int]] = {}
        self.group_postings: dict[int, list[int]] = {}
        self.term_entries: dict[str, set[int]] = {}
        self.group_entries: dict[int, set[int]] = {}
        self.answer_postings: dict[str, set[int]] = {}
        self.answer_group_postings: dict[int, set[int]] = {}
        self.surface: dict[str, str] = dict(self.lex.surface)  # known word -> stem
        self.faq_words: set[str] = set()
        self._exact: dict[str, set[int]] = {}  # a phrasing's words -> the entries that use it
        self.entry_qtypes: list[set[str]] = [set() for _ in self.ids]  # what its phrasings ask
        seen: set[tuple[int, str]] = set()
        answer_words: dict[str, list[str]] = {}  # big FAQs repeat answers ("see entry X")
        for e in faq.entries:
            if e.answer not in answer_words:
                answer_words[e.answer] = tx.words(e.answer)
        for ei, e in enumerate(faq.entries):
            for phrasing in (e.question, *e.alternates):
                ws = tx.words(phrasing)
                text = " ".join(ws)
                if not ws or (ei, text) in seen:
                    continue
                seen.add((ei, text))
                self._exact.setdefault(text, set()).add(ei)
                self.entry_qtypes[ei] |= question_types(ws)
                for w in ws:
                    self.surface.setdefault(w, tx.stem(w))
                    self.faq_words.add(w)
                terms = frozenset(self.lex.terms([tx.stem(w) for w in ws], keep_words=True))
                vi = len(self.var_entry)
                self.var_entry.append(ei)
                self.var_terms.append(terms)
                self.var_text.append(text)
                self.var_raw.append(phrasing)
                self.entry_vars[ei].append(vi)
                for t in terms:
                    self.postings.setdefault(t, []).append(vi)
                    self.term_entries.setdefault(t, set()).add(ei)
                for g in {g for t in terms for g in self.lex.groups(t)}:
                    self.group_postings.setdefault(g, []).append(vi)
                    self.group_entries.setdefault(g, set()).add(ei)
            for t in set(self.lex.terms([tx.stem(w) for w in answer_words[e.answer]])):
                self.answer_postings.setdefault(t, set()).add(ei)
                for g in self.lex.groups(t):
                    self.answer_group_postings.setdefault(g, set()).add(ei)
        self._weights: dict[str, float] = {}
        self._typos: dict[str, str | None] = {}
        self._by_initial: dict[str, list[str]] = {}
        for w in self.surface:
            if len(w) >= 4:
                self._by_initial.setdefault(w[0], []).append(w)
        self._max_idf = self._idf(1)
        self.var_weight = [sum(self._weight(t) for t in terms) or 1.0 for terms in self.var_terms]
        self._build_second_rankers([answer_words[e.answer] for e in faq.entries])
        self.meaning = semantic.shared() if MEANING_SHARE else None
        self.var_vec = None
        self.ans_vec = None  # one row per entry: its answer's vector
        # each entry's phrasings are one run of rows (built entry by entry above): an entry's
        # closest phrasing is one reduceat over the runs of the entries that have phrasings
        self._vec_entries = [e for e, vs in enumerate(self.entry_vars) if vs]
        self._vec_starts = [self.entry_vars[e][0] for e in self._vec_entries]
        if self.meaning is not None:
            try:
                self.var_vec = self.meaning.phrasings(self.var_raw)
                self.ans_vec = self.meaning.phrasings([e.answer for e in faq.entries])
            except semantic.Unavailable:
                log.warning("sentence model failed to load; matching on words alone", exc_info=True)

    def _build_second_rankers(self, a_words: list[list[str]]) -> None:
        q_words: list[list[str]] = [[] for _ in self.ids]
        for v, ei in enumerate(self.var_entry):
            q_words[ei].extend(self.var_text[v].split())
        self.views = EntryViews(q_words, a_words)

    # ---- weights ------------------------------------------------------------------------------
    def _idf(self, df: int) -> float:
        n = max(len(self.ids), 1)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _weight(self, term: str) -> float:
        """IDF over questions and answers: of the word itself when the FAQ's questions use it
        (a synonym group's IDF made "cause" as cheap as "why"), else of its meaning (entries
        using it or a synonym)."""
        w = self._weights.get(term)
        if w is not None:
            return w
        groups = self.lex.groups(term)
        in_questions = set(self.term_entries.get(term, ()))
        anywhere = in_questions | self.answer_postings.get(term, set())
        for g in groups:
            in_questions |= self.group_entries.get(g, set())
            anywhere |= self.group_entries.get(g, set()) | self.answer_group_postings.get(g, set())
        if OWN_IDF and term in self.term_entries:
            own = self.term_entries[term] | self.answer_postings.get(term, set())
            w = OWN_IDF * self._idf(len(own)) + (1 - OWN_IDF) * self._idf(len(anywhere))
        else:
            w = self._idf(len(anywhere)) if in_questions else self._max_idf * UNKNOWN_FACTOR
        if term in tx.STOP_STEMS or term.isdigit() or (len(term) == 1 and not groups):
            w *= STOP_FACTOR
        elif term in tx.LIGHT_STEMS:
            w *= LIGHT_FACTOR
        if len(self._weights) > 50000:  # patients' unknown words must not grow it forever
            self._weights.clear()
        self._weights[term] = w
        return w

    def _known(self, stem: str) -> bool:
        return stem in self.postings or bool(self.lex.groups(stem))

    def _typo(self, word: str) -> str | None:
        """The FAQ vocabulary's stem(s) for a word it does not know, if it is plainly a typo."""
        if word in self._typos:
            return self._typos[word]
        found = None
        n = len(word)
        if n >= 6 and not word.isdigit():
            # One edit (two for long words), first letter kept: "memroy", "usualy", "diffrence".
            # Stricter than it could be because a real word the FAQ never uses ("letter",
            # "weather") must not be "corrected" into one it does ("better", "water").
            best = process.extractOne(word, self._by_initial.get(word[0], ()),
                                      scorer=OSA.distance, score_cutoff=1 if n < 9 else 2)
            if best is not None:
                found = self.surface[best[0]]
            else:  # run-together words: "brainfog", "nightbefore"
                for i in range(3, n - 2):
                    a, b = word[:i], word[i:]
                    if a in self.surface and b in self.surface:
                        found = self.surface[a] + " " + self.surface[b]
                        break
        if len(self._typos) > 50000:
            self._typos.clear()
        self._typos[word] = found
        return found

    # ---- the message ----------------------------------------------------------------------------
    def _join_compounds(self, ws: list[str]) -> list[str]:
        """'after care' -> 'aftercare', 'ear plugs' -> 'earplugs' when the FAQ writes them as one."""
        out: list[str] = []
        i = 0
        while i < len(ws):
            if (i + 1 < len(ws) and ws[i] + ws[i + 1] in self.faq_words
                    and tx.stem(ws[i]) not in tx.STOP_STEMS and tx.stem(ws[i + 1]) not in tx.STOP_STEMS):
                out.append(ws[i] + ws[i + 1])
                i += 2
            else:
                out.append(ws[i])
                i += 1
        return out

    def _analyse(self, words: list[str]) -> tuple[list[_QueryTerm], str]:
        ws = self._join_compounds(words)
        stems: list[str] = []
        corrected: set[str] = set()
        for w in ws:
            s = tx.stem(w)
            if self._known(s) or s in tx.STOP_STEMS or s.isdigit() or w in self.surface:
                stems.append(s)
                continue
            fixed = self._typo(w)
            if fixed is None:
                stems.append(s)
            else:
                stems.extend(fixed.split())
                corrected.update(fixed.split())
        out: list[_QueryTerm] = []
        for t in dict.fromkeys(self.lex.terms(stems)):
            groups = self.lex.groups(t)
            stop = t in tx.STOP_STEMS or (len(t) == 1 and not groups)
            out.append(_QueryTerm(t, self._weight(t), TYPO_CREDIT if t in corrected else 1.0,
                                  groups, stop))
        return out, " ".join(ws)

    # ---- scoring --------------------------------------------------------------------------------
    def _scores(self, words: list[str], text: str = ""
                ) -> tuple[dict[int, float], dict[int, float], Evidence | None]:
        """Scores without and with the answers' meaning (see _ranked), and the evidence.
        ``text``: the message as written, for the sentence model (``words`` for the rest)."""
        qterms, qtext = self._analyse(words)
        wq = sum(q.weight for q in qterms)
        if wq <= 0:
            return {}, {}, None
        wq = max(wq, MESSAGE_FLOOR * self._max_idf)
        acc_v: dict[int, float] = {}  # variant -> matched message weight
        cnt_v: dict[int, int] = {}  # variant -> matched distinct content terms
        acc_e: dict[int, float] = {}  # entry (all its variants + answer rescue) -> matched weight
        cnt_e: dict[int, int] = {}
        n_content = 0
        unknown = 0.0  # message weight of content words the FAQ never uses anywhere
        content_hit = False  # "thank you so much" meets the FAQ only in small words: no match
        stops = []
        for q in qterms:
            if q.stop:
                stops.append(q)
                continue
            n_content += 1
            hits: dict[int, float] = {v: q.credit for v in self.postings.get(q.term, ())}
            syn = q.credit * SYNONYM_CREDIT
            for g in q.groups:
                for v in self.group_postings.get(g, ()):
                    if hits.get(v, 0.0) < syn:
                        hits[v] = syn
            ent: dict[int, float] = {}
            for v, c in hits.items():
                acc_v[v] = acc_v.get(v, 0.0) + q.weight * c
                cnt_v[v] = cnt_v.get(v, 0) + 1
                e = self.var_entry[v]
                if ent.get(e, 0.0) < c:
                    ent[e] = c
            if not hits:
                # no question or alternate uses the word ("bdnf", a drug name): the answers may
                a_ents = set(self.answer_postings.get(q.term, ()))
                for g in q.groups:
                    a_ents |= self.answer_group_postings.get(g, set())
                if a_ents and ANSWER_CREDIT:
                    c = ANSWER_CREDIT * q.credit * self._idf(len(a_ents)) / self._max_idf
                    ent = dict.fromkeys(a_ents, c)
                elif not a_ents:
                    unknown += q.weight
            for e, c in ent.items():
                acc_e[e] = acc_e.get(e, 0.0) + q.weight * c
                cnt_e[e] = cnt_e.get(e, 0) + 1
            if ent and q.term not in tx.LIGHT_STEMS:
                content_hit = True
        if not content_hit:
            return {}, {}, None
        wq_raw = sum(q.weight for q in qterms if not q.stop) or 1.0
        ev = Evidence(acc_e, cnt_e, n_content, wq, unknown / wq_raw)
        for q in stops:  # cheap: only the documents the content words already reached
            for v in acc_v.keys() & self.postings.get(q.term, ()):
                acc_v[v] += q.weight
            for e in acc_e.keys() & self.term_entries.get(q.term, set()):
                acc_e[e] += q.weight
        best_v: dict[int, float] = {}
        for v, a in acc_v.items():
            s = (min(1.0, a / wq) ** QUERY_SHARE * min(1.0, a / self.var_weight[v]) ** (1 - QUERY_SHARE)
                 * (cnt_v.get(v, 0) / n_content) ** COORD)
            e = self.var_entry[v]
            if s > best_v.get(e, 0.0):
                best_v[e] = s
        scores = {e: (1 - ENTRY_SHARE) * best_v.get(e, 0.0)
                  + ENTRY_SHARE * min(1.0, a / wq) * (cnt_e.get(e, 0) / n_content) ** COORD
                  for e, a in acc_e.items()}
        return self._rerank(scores, words, qtext, ev, text)

    def _rerank(self, scores: dict[int, float], words: list[str], qtext: str,
                ev: Evidence, text: str) -> tuple[dict[int, float], dict[int, float], Evidence]:
        """Fuse second opinions into the word score of the top entries.  Entries below the top
        get the same scaling with nothing added, so the order between the two groups holds.
        Also returns the entry the character view alone puts first among them (see match)."""
        top = sorted(scores, key=scores.__getitem__, reverse=True)[:RERANK_TOP]
        wtop = list(top)  # the evidence features read these only (as fitted)
        closest, answers = self._closest(text)
        ev.ans = answers
        if closest is not None:
            ev.sem_entry = closest
            i1 = int(closest.argmax())  # and the runner-up's value (ties: equal to the best)
            second = float(closest[closest.argpartition(-2)[-2]]) if len(closest) > 1 else 0.0
            ev.sem_best = (i1, float(closest[i1]), second)
            if MEANING_POOL:
                for e in self._meaning_pool(closest, set(top)):
                    scores.setdefault(e, 0.0)
                    top.append(e)
        total = 1.0 + CHAR_SHARE + BM25_SHARE + ANSWER_SHARE
        extra: dict[int, float] = {}
        char = self.views.char(words, top)
        ev.char_top = max(wtop, key=lambda e: (char[e], scores[e]), default=None)
        ev.char = {e: char[e] for e in wtop}
        if CHAR_SHARE:
            for e in top:
                extra[e] = CHAR_SHARE * char[e]
        qs = {tx.stem(w) for w in qtext.split()} - tx.STOP_STEMS
        if BM25_SHARE:
            bm = self.views.phrasings_bm25(qs, top)
            best = max(bm.values(), default=0.0)
            ev.bm25_top = max(wtop, key=lambda e: (bm[e], scores[e]), default=None) if best > 0 else None
            if best > 0:
                for e in top:
                    extra[e] = extra.get(e, 0.0) + BM25_SHARE * bm[e] / best
        if ANSWER_SHARE:
            bm = self.views.answer_bm25(qs, top)
            best = self.views.bm25_ceiling(qs)
            if max((bm[e] for e in wtop), default=0.0) > 0:
                ev.answer_top = max(wtop, key=lambda e: (bm[e], scores[e]))
            if best > 0:
                for e in top:
                    extra[e] = extra.get(e, 0.0) + ANSWER_SHARE * min(1.0, bm[e] / best)
        meaning = {e: float(closest[e]) for e in top} if closest is not None else {}
        if meaning:
            ev.sem = {e: meaning[e] for e in wtop}
            ev.sem_top = max(wtop, key=lambda e: (meaning[e], scores[e]))
        out, shown = {}, {}
        for e, s in scores.items():
            s = (s + extra.get(e, 0.0)) / total
            if FUZZ_SHARE:
                f = 0.0
                if e in extra or e in top:
                    f = max((fuzz.token_sort_ratio(qtext, self.var_text[v]) for v in self.entry_vars[e]),
                            default=0.0) / 100.0
                s = (1 - FUZZ_SHARE) * s + FUZZ_SHARE * f
            if meaning:
                s = (s + MEANING_SHARE * meaning.get(e, 0.0)) / (1 + MEANING_SHARE)
            out[e] = s
            if meaning and ANSWER_MEANING_SHARE:
                s = (s + ANSWER_MEANING_SHARE * (float(answers[e]) if e in meaning else 0.0)
                     ) / (1 + ANSWER_MEANING_SHARE)
            shown[e] = s
        return out, shown, ev

    def _closest(self, text: str):
        """Each entry's cosine with the message: its closest phrasing's, and its answer's; negative
        read as 0 (one vector per message: ~9 ms; the products and the per-entry maxima ~0.3 ms at
        4,000 variants), or (None, None) when the sentence model cannot run."""
        if self.var_vec is None or not text.strip():
            return None, None
        try:
            vec = self.meaning.message(text)
        except semantic.Unavailable:  # every phrasing came from the cache, then the load failed
            return None, None
        import numpy as np  # present whenever var_vec is
        cos = self.var_vec @ vec
        closest = np.zeros(len(self.ids), dtype=np.float32)
        if self._vec_starts:
            closest[self._vec_entries] = np.maximum.reduceat(cos, self._vec_starts)
        return np.maximum(closest, 0.0, out=closest), np.maximum(self.ans_vec @ vec, 0.0)

    def _meaning_pool(self, closest, have: set[int]) -> list[int]:
        """The MEANING_POOL entries not in ``have`` whose closest phrasing is closest to the
        message in meaning.  The word model never brings an entry it shares no word with ("is a
        follow up shorter than the initial" vs "how long is an appointment"), nor one it ranks
        below RERANK_TOP, to the second opinions; these join the re-ranking so that they can be
        offered as "did you mean", while the answer decision keeps reading the word top's
        evidence only, as it was fitted (session 10: on the eight labelled clinics no answer
        changed; 18 messages moved their right entry into the top 5, none down)."""
        best = (-closest).argsort(kind="stable")[:len(have) + MEANING_POOL]
        pool = [int(e) for e in best if e not in have and closest[e] >= MEANING_POOL_MIN]
        return pool[:MEANING_POOL]

    # ---- public API -------------------------------------------------------------------------------
    def _ranked(self, text: str, limit: int | None, words: list[str] | None = None
                ) -> tuple[list[Candidate], dict[str, float] | None, list[Candidate]]:
        """The candidates as shown (ordered with the answers' meaning), the confidence features
        and the best two of the order the answer decision reads (the same without the answers'
        meaning: the confidence and the lead guard were fitted on it, and read in the answers'
        favour they answered a bare "side effects" that fits two entries).
        ``words``: the message's ``tx.words``, when the caller has them already."""
        words = tx.words(text or "") if words is None else words
        scores, shown, ev = self._scores(words, text or "")
        order = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        feats = confidence.features(order, ev) if order and ev is not None and order[0][1] > 0 else None
        if feats is not None:
            asks = question_types(words)
            feats["qtype_mismatch"] = float(bool(asks) and not asks & self.entry_qtypes[order[0][0]])
        decided = [Candidate(self.ids[e], round(100.0 * s, 2)) for e, s in order[:2] if s > 0]
        order = sorted(shown.items(), key=lambda kv: (-kv[1], kv[0]))
        if limit is not None:
            order = order[:limit]
        cands = [Candidate(self.ids[e], round(100.0 * s, 2)) for e, s in order if s > 0]
        return cands, feats, decided

    def rank(self, text: str, limit: int | None = 5) -> list[Candidate]:
        """Entries that share anything with the message, best first, scores 0..100."""
        return self._ranked(text, limit)[0]

    def confidence(self, text: str) -> float:
        """How likely the best entry of the answer decision's order answers the message, 0..1."""
        return confidence.probability(self._ranked(text, 2)[1])

    def _answerable(self, decided: list[Candidate], feats: dict[str, float] | None) -> bool:
        """The lead guard and the confidence bar, on the order the decision reads."""
        best = decided[0].score
        runner = decided[1].score if len(decided) > 1 else 0.0
        lead = best - runner >= max(self.MIN_LEAD, self.MIN_REL_LEAD * best)
        return (best >= self.ANSWER_AT and lead
                and confidence.probability(feats) >= self.ANSWER_CONFIDENCE)

    def match(self, text: str) -> MatchResult:
        words = tx.words(text or "")
        ranked, feats, decided = self._ranked(text, 5, words)
        cands = tuple(ranked)
        if not cands:
            return MatchResult("fallback", ())
        best = cands[0].score
        # A message that IS one of the FAQ's phrasings (staff wrote it for that entry, and no
        # other entry uses it) is answered by that entry, whatever the other views say.
        exact = self._exact.get(" ".join(words))
        if exact is not None and len(exact) == 1 and self.ids[next(iter(exact))] == cands[0].id:
            return MatchResult("answer", cands)
        # Answer outright only when the confidence model says the best entry is very likely
        # right (it weighs score, lead, agreement of the independent views, how much of the
        # message the entry explains and through which doors; fitted on labelled sets), and the
        # order it read puts first the entry shown first.
        if decided and decided[0].id == cands[0].id and self._answerable(decided, feats):
            return MatchResult("answer", cands)
        if best >= self.SUGGEST_AT:
            close = [c for c in cands[:3] if c.score >= best - self.SUGGEST_WITHIN]
            if len(close) < 2 and len(cands) > 1:
                close = list(cands[:2])
            return MatchResult("suggest", cands, tuple(close))
        return MatchResult("fallback", cands)
