"""Fit the matcher's answer confidence (bot.confidence.CONFIDENCE) and choose its threshold.

Run by hand from the repository root (numpy needed, from the dev extra):

    .venv/bin/python benchmarks/fit_confidence.py            # cross-fit report + constants
    .venv/bin/python benchmarks/fit_confidence.py --quick    # ranking figures only
    .venv/bin/python benchmarks/fit_confidence.py --write    # ... and put the constants in bot/confidence.py

For every message the matcher ranks, the label is "its best entry is a right one" (out-of-scope
messages are always 0: any answer to them is wrong).  The features are bot.confidence.features: generic
properties of a ranking (score, lead, agreement of the independent views, share of the message
explained, exact-word share, unknown words, length, and whether what the message asks for -- cost,
duration, when, where, why, how often -- is something the best entry's phrasings ever ask), nothing
about one clinic's words.

A logistic regression (L2, standardised features, Newton steps) is fitted on every labelled
clinic set pooled (dev and the other_clinic .. eighth_clinic folders); the threshold is the lowest
one (most answers) that keeps wrong answers <= MAX_WRONG on EACH of them, counted over all of its
messages, out-of-scope ones included.  Why pooled: fitted on dev alone (sessions 1-2) it answered
more, but on the two clinics written later it got 3.6% (sleep) and 5.6% (fertility) of messages
wrong.  The report first fits on all clinics but one and scores the one left out, the honest
estimate for a clinic nobody here has seen.
CovidFAQ is only reported, never fitted on.
"""
from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from bench_matcher import datasets  # noqa: E402

from bot.matching import Matcher  # noqa: E402

MAX_WRONG = 0.03
L2 = 1.0
FEATURES = ["best", "margin", "best_x_margin", "ratio", "char_agrees", "char_lead", "bm25_agrees",
            "answer_agrees", "explained", "unknown_share", "content_words", "coord", "qtype_mismatch",
            "sem_agrees", "sem_lead", "sem_cos", "sem_glead", "ans_cos", "ans_lead"]


def collect(faq, msgs):
    """Per message: features (or None), label, can-answer flag; plus top-1 and MRR."""
    m = Matcher(faq)
    rows = []
    p1 = mrr = 0.0
    n_in = sum(1 for _, g in msgs if g) or 1
    for text, gold in msgs:
        cands, feats, decided = m._ranked(text, None)
        if gold:
            for i, c in enumerate(cands, 1):
                if c.id in gold:
                    mrr += 1.0 / i
                    p1 += i == 1
                    break
        # answerable: the order the decision reads (decided) passes the lead guard and puts first
        # the entry shown first (Matcher.match)
        runner = decided[1].score if len(decided) > 1 else 0.0
        ok = (bool(decided) and feats is not None and decided[0].id == cands[0].id
              and decided[0].score >= Matcher.ANSWER_AT
              and decided[0].score - runner >= max(Matcher.MIN_LEAD, Matcher.MIN_REL_LEAD * decided[0].score))
        x = [feats[k] for k in FEATURES] if feats else [0.0] * len(FEATURES)
        rows.append((x, int(bool(cands) and cands[0].id in gold), ok, bool(gold)))
    X = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=float)
    can = np.array([r[2] for r in rows], dtype=bool)
    ins = np.array([r[3] for r in rows], dtype=bool)
    return dict(X=X, y=y, can=can, ins=ins, top1=p1 / n_in, mrr=mrr / n_in)


# The sign each weight must have (0: either): more evidence must never lower the confidence.
# Pooled over clinics whose scores sit on different scales, an unconstrained fit gave the raw
# score and the margin negative weights (they only corrected collinear features), so a clearer
# match could get a lower confidence; such features are dropped one at a time and refitted.
SIGNS = {"best": 1, "margin": 1, "best_x_margin": 1, "ratio": -1, "char_agrees": 1,
         "char_lead": 1, "bm25_agrees": 1, "answer_agrees": 1, "explained": 1,
         "unknown_share": -1, "content_words": 0, "coord": 1, "qtype_mismatch": -1,
         "sem_agrees": 1, "sem_lead": 1, "sem_cos": 1, "sem_glead": 1, "ans_cos": 1, "ans_lead": 1}


def fit(parts):
    """Sign-constrained logistic regression: (bias, weights over FEATURES, 0 for dropped ones)."""
    keep = list(range(len(FEATURES)))
    while True:
        bias, coef = _fit([{**p, "X": p["X"][:, keep]} for p in parts])
        wrong = [(SIGNS[FEATURES[j]] * c, j) for j, c in zip(keep, coef) if SIGNS[FEATURES[j]] * c < 0]
        if not wrong:
            full = np.zeros(len(FEATURES))
            full[keep] = coef
            return bias, full
        keep.remove(min(wrong)[1])


def _fit(parts):
    """Logistic regression on the answerable messages of the given sets; raw-scale weights."""
    X = np.vstack([p["X"][p["can"]] for p in parts])
    y = np.concatenate([p["y"][p["can"]] for p in parts])
    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0] = 1.0
    Z = np.hstack([np.ones((len(X), 1)), (X - mu) / sd])
    w = np.zeros(Z.shape[1])
    reg = np.full(Z.shape[1], L2)
    reg[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-Z @ w))
        g = Z.T @ (p - y) + reg * w
        H = (Z * (p * (1 - p))[:, None]).T @ Z + np.diag(reg)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    coef = w[1:] / sd
    bias = w[0] - float((w[1:] * mu / sd).sum())
    return bias, coef


def probs(part, model):
    bias, coef = model
    z = bias + part["X"] @ coef
    p = 1 / (1 + np.exp(-np.clip(z, -50, 50)))
    return np.where(part["can"], p, 0.0)


def outcome(part, p, th):
    ans = p >= th
    right = float((ans & (part["y"] == 1)).sum()) / max(part["ins"].sum(), 1)
    wrong = float((ans & (part["y"] == 0)).sum()) / len(part["y"])
    return right, wrong


def choose(parts, model):
    """Lowest threshold (most answers) with wrong <= MAX_WRONG on every given set."""
    ps = [probs(p, model) for p in parts]
    best = 0.99
    for th in np.arange(0.99, 0.05, -0.005):
        if all(outcome(p, q, th)[1] <= MAX_WRONG for p, q in zip(parts, ps)):
            best = th
        else:
            break
    return float(round(best, 3))


def main() -> int:
    sets = {name: collect(faq, msgs) for name, faq, msgs in datasets()}
    for name, d in sets.items():
        print(f"{name}: top-1 {d['top1']:.3f}  MRR {d['mrr']:.3f}")
    if "--quick" in sys.argv:
        return 0
    clinics = [n for n in sets if n != "covid"]
    print("\nleave one clinic out (fitted on the others, threshold: wrong <= 3% on each of them;"
          " the figures are for the clinic left out, as a clinic we have never seen would be)")
    print("| left out | threshold | answered-right | wrong | covid right / wrong |")
    print("|---|---|---|---|---|")
    mean_r = mean_w = 0.0
    for k in clinics:
        train = [sets[n] for n in clinics if n != k]
        model = fit(train)
        th = choose(train, model)
        r, w = outcome(sets[k], probs(sets[k], model), th)
        mean_r, mean_w = mean_r + r / len(clinics), mean_w + w / len(clinics)
        cov = ""
        if "covid" in sets:
            rc, wc = outcome(sets["covid"], probs(sets["covid"], model), th)
            cov = f"{rc:.3f} / {wc:.3f}"
        print(f"| {k} | {th} | {r:.3f} | {w:.3f} | {cov} |")
    print(f"| mean | | {mean_r:.3f} | {mean_w:.3f} | |")
    model = fit([sets[n] for n in clinics])
    th = choose([sets[n] for n in clinics], model)
    print("\nshipped (fitted on every clinic pooled; threshold: wrong <= 3% on each of them):")
    for name in sets:
        r, w = outcome(sets[name], probs(sets[name], model), th)
        print(f"  {name}: answered-right {r:.3f}, wrong {w:.3f}")
    print("CONFIDENCE: dict[str, float] = {")
    print(f'    "bias": {model[0]:.4f},')
    for k, c in zip(FEATURES, model[1]):
        if c != 0.0:
            print(f'    "{k}": {c:.4f},')
    print("}")
    print(f"ANSWER_CONFIDENCE = {th}")
    if "--write" in sys.argv:
        write_constants(model, th)
    return 0


def write_constants(model, th) -> None:
    """Put the fitted constants into bot/confidence.py (the CONFIDENCE block, ANSWER_CONFIDENCE)."""
    import re
    path = os.path.join(os.path.dirname(HERE), "bot", "confidence.py")
    with open(path, encoding="utf-8") as f:
        src = f.read()
    body = "".join(f'    "{k}": {c:.4f},\n' for k, c in zip(FEATURES, model[1]) if c != 0.0)
    block = f'CONFIDENCE: dict[str, float] = {{\n    "bias": {model[0]:.4f},\n{body}}}\n'
    src = re.sub(r"CONFIDENCE: dict\[str, float\] = \{.*?\}\n", lambda _: block, src, count=1, flags=re.S)
    src = re.sub(r"ANSWER_CONFIDENCE = [0-9.]+", f"ANSWER_CONFIDENCE = {th}", src, count=1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(src)
    print(f"written to {path}")


if __name__ == "__main__":
    sys.exit(main())
