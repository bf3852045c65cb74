"""Second opinions on the matcher's top entries: each entry seen as ONE document.

All of an entry's phrasings together make one document, in two views that share none of the word
model's doors (no synonyms, no typo correction): a character 3-5-gram TF-IDF vector, which catches
word forms and misspellings without a dictionary, and a BM25 term vector; plus BM25 against the
entry's answer.  Where they agree with the word score the ranking is sturdier; bot.matching fuses
them in with small weights, and bot.confidence reads whether they agree.  Document frequencies
count an entry's answer too (like the word model's IDF), but only its phrasings are matched.
"""
from __future__ import annotations

import math
from collections import Counter

from . import text as tx

BM25_K1 = 1.2
BM25_B = 0.75


def _bm25_docs(tfs: list[dict[str, int]]) -> list[dict[str, float]]:
    avg = (sum(sum(tf.values()) for tf in tfs) / max(len(tfs), 1)) or 1.0
    out = []
    for tf in tfs:
        norm = BM25_K1 * (1 - BM25_B + BM25_B * sum(tf.values()) / avg)
        out.append({t: c * (BM25_K1 + 1) / (c + norm) for t, c in tf.items()})
    return out


def _content_tf(words: list[str]) -> dict[str, int]:
    tf: dict[str, int] = {}
    for w in words:
        t = tx.stem(w)
        if t not in tx.STOP_STEMS:
            tf[t] = tf.get(t, 0) + 1
    return tf


class EntryViews:
    def __init__(self, q_words: list[list[str]], a_words: list[list[str]]):
        """``q_words[e]``: the words of all entry e's phrasings; ``a_words[e]``: its answer's."""
        n = max(len(q_words), 1)
        grams = [tx.char_grams(ws) for ws in q_words]
        a_sets: dict[int, frozenset[str]] = {}  # id(words list) -> its gram set (answers repeat)
        df: Counter[str] = Counter()
        for ei, g in enumerate(grams):
            ws = a_words[ei]
            a_set = a_sets.get(id(ws))
            if a_set is None:
                a_set = a_sets[id(ws)] = frozenset(k for w in set(ws) for k in tx.word_grams(w))
            df.update(a_set.union(g))
        self._gram_idf = {k: math.log((1.0 + n) / (1.0 + c)) + 1.0 for k, c in df.items()}
        self._gram_idf_max = math.log(1.0 + n) + 1.0
        self.entry_grams = [self._gram_vector(g) for g in grams]
        # BM25: stems of the content words, phrasings as one document per entry
        tfs = [_content_tf(ws) for ws in q_words]
        bdf: dict[str, int] = {}
        for ei, tf in enumerate(tfs):
            for t in set(tf).union(tx.stem(w) for w in a_words[ei]):
                bdf[t] = bdf.get(t, 0) + 1
        self._bm25_idf = {t: math.log(1.0 + (n - c + 0.5) / (c + 0.5)) for t, c in bdf.items()}
        self.entry_bm25 = _bm25_docs(tfs)
        self.answer_bm25_docs = _bm25_docs([_content_tf(ws) for ws in a_words])

    def _gram_vector(self, grams: dict[str, int]) -> dict[str, float]:
        idf, unseen = self._gram_idf, self._gram_idf_max
        vec = {k: (1.0 if c == 1 else 1.0 + math.log(c)) * idf.get(k, unseen) for k, c in grams.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        return {k: x / norm for k, x in vec.items()}

    def char(self, words: list[str], entries: list[int]) -> dict[int, float]:
        """Cosine of the message's character n-grams with each entry's phrasings."""
        qv = self._gram_vector(tx.char_grams(words))
        return {e: sum(x * self.entry_grams[e].get(k, 0.0) for k, x in qv.items()) for e in entries}

    def _bm25(self, docs: list[dict[str, float]], stems: set[str], entries: list[int]) -> dict[int, float]:
        return {e: sum(self._bm25_idf.get(t, 0.0) * docs[e].get(t, 0.0) for t in stems) for e in entries}

    def phrasings_bm25(self, stems: set[str], entries: list[int]) -> dict[int, float]:
        return self._bm25(self.entry_bm25, stems, entries)

    def answer_bm25(self, stems: set[str], entries: list[int]) -> dict[int, float]:
        return self._bm25(self.answer_bm25_docs, stems, entries)

    def bm25_ceiling(self, stems: set[str]) -> float:
        """The most any document could score for these stems (for a 0..1 scale)."""
        return sum(self._bm25_idf.get(t, 0.0) for t in stems) * (BM25_K1 + 1)
