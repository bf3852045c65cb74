"""Red-flag triage benchmark: recall, false alarms and speed, printed as figures.

Run:  .venv/bin/python benchmarks/bench_redflags.py  [--misses] [--open-only] [--no-suicidewatch]

--open-only skips the SEALED sets: every run that prints a sealed set's figures is a look at it, so
day-to-day checks use --open-only and a sealed set is scored when a change is final.

1. tests/data/redflags.jsonl (hand-written red flags and look-alikes) and
   tests/data/redflags_holdout.jsonl and redflags_holdout2.jsonl (each written blind to the code;
   holdout2 was measured blind on lexicon 2026.11.25-9 -- emergency 53/65, provider 28/45, false
   alarms 5/60 -- and its misses were then fixed, so its figure is no longer blind): recall per tier (a message
   counts as caught only when the tier is right; an emergency reported as provider is a miss) and
   false positives on the look-alikes.  Also the FAQ development sets, which hold no red flags, as
   extra look-alikes.
2. ../shared/benchmarks/suicidewatch (skipped when absent): Reddit posts labelled crisis / none by
   subreddit.  Recall, false-positive rate and precision for this detector (emergency tier, and any
   tier) against the 30-phrase keyword baseline described in that folder's SOURCE.md, plus the share
   of crisis posts of at most 280 characters (closest to chat messages) caught.  The posts are read
   in place for evaluation only; no text from them is printed or stored.
3. Speed: microseconds per message on short messages, on the benchmark posts and on 5,000-character
   messages.

``main(argv)`` returns a dict of the figures so another script can call it.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bot.triage import EMERGENCY, LEXICON_VERSION, PROVIDER, Triage  # noqa: E402

REDFLAGS = os.path.join(ROOT, "tests", "data", "redflags.jsonl")
# Written blind to the triage code by a colleague: measures how the lexicon generalises.
HOLDOUT = os.path.join(ROOT, "tests", "data", "redflags_holdout.jsonl")
HOLDOUT2 = os.path.join(ROOT, "tests", "data", "redflags_holdout2.jsonl")
NO_FLAG_SETS = [os.path.join(ROOT, "tests", "data", "dev.jsonl")] + [
    os.path.join(ROOT, "tests", "data", f"{n}_clinic", "messages.jsonl")
    for n in ("other", "third", "fourth", "fifth", "sixth", "seventh", "eighth")]
# Sealed sets: nobody reads their lines, so --misses never prints them (only their figures count).
# holdout8 is look-alike heavy (240 none, 60 red flags): the false-alarm check.
# holdout13 and 14 were opened in session 8 after two blind scores each; holdout16 was written then,
# holdout17 in session 12.
SEALED = {4, 5, 6, 8, 11, 15, 16, 17}
# Open sets written while running the detector, to break it (not blind).
RED_TEAM = [("redteam", "written to trip the guards; on lexicon -19: emergency 159/267"),
            ("redteam2", "provider signs and look-alikes written against lexicon -21/-22: "
                         "provider 158/300, look-alike alarms 67/451"),
            ("redteam3", "long, sideways and described emergencies written against lexicon -25: "
                         "emergency 182/250, look-alike alarms 2/42"),
            ("redteam4", "very short messages written against lexicon -28: emergency 162/249, "
                         "provider 39/47, look-alike alarms 4/94")]
SUICIDEWATCH = os.path.join(ROOT, "..", "shared", "benchmarks", "suicidewatch", "messages.jsonl")

# The keyword baseline exactly as ../shared/benchmarks/suicidewatch/SOURCE.md describes it.
BASELINE_PHRASES = [
    "kill myself", "killing myself", "kms", "suicide", "suicidal",
    "want to die", "wanna die", "wish i was dead", "wish i were dead", "better off dead",
    "end my life", "ending my life", "end it all", "take my own life", "take my life",
    "don't want to live", "dont want to live", "no reason to live", "not worth living",
    "no point in living", "self harm", "self-harm", "cut myself", "cutting myself",
    "overdose", "hang myself", "slit my wrists", "jump off a bridge", "unalive",
    "not be here anymore",
]
_BASELINE = re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in BASELINE_PHRASES) + r")(?!\w)")


def baseline_hit(text: str) -> bool:
    return bool(_BASELINE.search(text.lower().replace("\u2019", "'").replace("\u2018", "'")))


def _read(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score_redflags(triage: Triage, rows: list[dict], show_misses: bool = False,
                   name: str = "tests/data/redflags.jsonl") -> dict:
    by_tier: dict[str | None, list[int]] = {EMERGENCY: [0, 0], PROVIDER: [0, 0], None: [0, 0]}
    provider_any = 0  # provider messages escalated at either tier (what `faqbot eval` counts)
    misses = []
    for r in rows:
        want = r.get("tier")
        got = triage.check(r["text"])
        tier = got.tier if got else None
        provider_any += want == PROVIDER and tier is not None
        ok = tier is None if want is None else tier == want
        by_tier.setdefault(want, [0, 0])
        by_tier[want][0] += ok
        by_tier[want][1] += 1
        if not ok:
            misses.append((want, tier, r["text"], got.matched if got else ""))
    out = {
        "emergency_recall": by_tier[EMERGENCY][0] / max(1, by_tier[EMERGENCY][1]),
        "provider_recall": by_tier[PROVIDER][0] / max(1, by_tier[PROVIDER][1]),
        "provider_any_tier": provider_any / max(1, by_tier[PROVIDER][1]),
        "lookalike_fp": 1 - by_tier[None][0] / max(1, by_tier[None][1]),
        "n": {str(k): v[1] for k, v in by_tier.items()},
    }
    print(f"{name}  ({len(rows)} messages: {by_tier[EMERGENCY][1]} emergency, "
          f"{by_tier[PROVIDER][1]} provider, {by_tier[None][1]} look-alikes)")
    print(f"  emergency recall   {out['emergency_recall']:.3f}  "
          f"({by_tier[EMERGENCY][0]}/{by_tier[EMERGENCY][1]})")
    print(f"  provider recall    {out['provider_recall']:.3f}  "
          f"({by_tier[PROVIDER][0]}/{by_tier[PROVIDER][1]}; escalated at either tier "
          f"{out['provider_any_tier']:.3f}, as faqbot eval counts)")
    print(f"  look-alike FP      {out['lookalike_fp']:.3f}  "
          f"({by_tier[None][1] - by_tier[None][0]}/{by_tier[None][1]})")
    if show_misses:
        for want, got, text, matched in misses:
            print(f"    MISS want={want} got={got} {matched!s:40.40} | {text}")
    return out


def score_no_flags(triage: Triage, path: str) -> dict:
    rows = _read(path)
    fired = [r["text"] for r in rows if triage.check(r["text"])]
    name = os.path.relpath(path, ROOT)
    print(f"{name}: {len(fired)}/{len(rows)} FAQ questions escalated (should be 0)")
    return {"path": name, "fired": len(fired), "n": len(rows)}


def score_suicidewatch(triage: Triage) -> dict | None:
    if not os.path.exists(SUICIDEWATCH):
        print("suicidewatch: ../shared/benchmarks/suicidewatch absent, skipped")
        return None
    rows = _read(SUICIDEWATCH)
    n = Counter(r["label"] for r in rows)
    results = {}
    detectors = {
        "keyword baseline (30)": lambda t: baseline_hit(t),
        "triage, emergency tier": lambda t: (e := triage.check(t)) is not None and e.tier == EMERGENCY,
        "triage, any tier": lambda t: triage.check(t) is not None,
    }
    print(f"\nsuicidewatch ({len(rows)} posts: {n['crisis']} crisis, {n['none']} none; "
          "labels = subreddit, see its SOURCE.md)")
    print("| detector               | recall | FPR   | precision | TP   | FP  | recall <=280 chars |")
    print("|------------------------|--------|-------|-----------|------|-----|--------------------|")
    short = [r for r in rows if r["label"] == "crisis" and len(r["text"]) <= 280]
    for name, fn in detectors.items():
        tp = fp = tp_short = 0
        for r in rows:
            hit = fn(r["text"])
            if hit and r["label"] == "crisis":
                tp += 1
                tp_short += len(r["text"]) <= 280
            elif hit:
                fp += 1
        recall, fpr = tp / n["crisis"], fp / n["none"]
        prec = tp / (tp + fp) if tp + fp else 0.0
        rs = tp_short / max(1, len(short))
        print(f"| {name:22s} | {recall:.3f}  | {fpr:.3f} | {prec:.3f}     | {tp:4d} | {fp:3d} | "
              f"{rs:.3f} ({tp_short}/{len(short)})    |")
        results[name] = {"recall": recall, "fpr": fpr, "precision": prec, "tp": tp, "fp": fp,
                         "recall_short": rs}
    # Which rules the "none" posts trip (rule ids and counts only, never the posts): most are
    # first-person statements such as "want to die" in r/teenagers, which SOURCE.md counts as
    # label noise for a red-flag purpose and which a clinic must escalate anyway.
    by_rule = Counter()
    for r in rows:
        if r["label"] == "none":
            e = triage.check(r["text"])
            if e:
                by_rule[e.matched.split(":", 1)[0]] += 1
    print("false alarms on 'none' posts by rule: "
          + ", ".join(f"{k} {v}" for k, v in by_rule.most_common()))
    results["fp_by_rule"] = dict(by_rule)
    return results


def timing(triage: Triage, texts: list[str], repeat: int = 5) -> float:
    """Mean microseconds per message, best of ``repeat`` passes (other processes share the CPU)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for t in texts:
            triage.check(t)
        best = min(best, time.perf_counter() - start)
    return best * 1e6 / len(texts)


def score_speed(triage: Triage, rows: list[dict]) -> dict:
    short = [r["text"] for r in rows]
    filler = ("my session went fine and I mostly wonder why I cannot remember much of it, "
              "is that normal after ketamine, and will it get better with the next dose? ")
    long_quiet = [(filler * 80)[:5000] + str(i) for i in range(20)]
    long_flag = [(filler * 40)[:2500] + " I want to end it all " + (filler * 40)[:2500] + str(i)
                 for i in range(20)]
    weird = [("a" * 5000), ("kms " * 1250), ("\u200b" * 5000), ("? " * 2500),
             ("i " * 2500), ("die " * 1250), ("1" * 5000), ("my wife " * 625)]
    out = {
        "chat_us": timing(triage, short),
        "long_5000_quiet_us": timing(triage, long_quiet),
        "long_5000_flag_us": timing(triage, long_flag),
        "pathological_5000_max_us": max(timing(triage, [w]) for w in weird),
    }
    if os.path.exists(SUICIDEWATCH):
        out["reddit_posts_us"] = timing(triage, [r["text"] for r in _read(SUICIDEWATCH)], 2)
    print("\nspeed (mean microseconds per message, best of 5 passes, one core)")
    for k, v in out.items():
        print(f"  {k:26s} {v:8.1f}")
    return out


OPTIONS = {"--misses", "--open-only", "--no-suicidewatch"}


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    unknown = [a for a in argv if a not in OPTIONS]
    if unknown:  # e.g. --help: refuse rather than run, since a run can print the sealed sets
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        print(f"unknown option(s): {' '.join(unknown)}; known: {' '.join(sorted(OPTIONS))}",
              file=sys.stderr)
        raise SystemExit(2)
    show = "--misses" in argv
    open_only = "--open-only" in argv
    t0 = time.perf_counter()
    triage = Triage()
    build_ms = (time.perf_counter() - t0) * 1e3
    print(f"lexicon {LEXICON_VERSION}; Triage() built in {build_ms:.1f} ms\n")
    results: dict = {"lexicon": LEXICON_VERSION, "build_ms": build_ms}
    rows = _read(REDFLAGS) if os.path.exists(REDFLAGS) else []
    if rows:
        results["redflags"] = score_redflags(triage, rows, show)
    if os.path.exists(HOLDOUT):
        results["holdout"] = score_redflags(triage, _read(HOLDOUT), show,
                                            "tests/data/redflags_holdout.jsonl (blind)")
    if os.path.exists(HOLDOUT2):
        results["holdout2"] = score_redflags(
            triage, _read(HOLDOUT2), show,
            "tests/data/redflags_holdout2.jsonl (blind on 2026.11.25-9: emergency 53/65, "
            "provider 28/45, FP 5/60; fixed since)")
    for n in range(3, 20):
        path = os.path.join(ROOT, "tests", "data", f"redflags_holdout{n}.jsonl")
        if os.path.exists(path) and not (open_only and n in SEALED):
            name = f"tests/data/redflags_holdout{n}.jsonl" + (" (SEALED)" if n in SEALED else "")
            results[f"holdout{n}"] = score_redflags(triage, _read(path), show and n not in SEALED,
                                                    name)
    for key, note in RED_TEAM:
        path = os.path.join(ROOT, "tests", "data", f"redflags_{key}.jsonl")
        if os.path.exists(path):
            results[key] = score_redflags(triage, _read(path), show,
                                          f"tests/data/redflags_{key}.jsonl ({note})")
    for path in NO_FLAG_SETS:
        if os.path.exists(path):
            results.setdefault("no_flag_sets", []).append(score_no_flags(triage, path))
    if "--no-suicidewatch" not in argv:
        results["suicidewatch"] = score_suicidewatch(triage)
    results["speed"] = score_speed(triage, rows or [{"text": "is the fog permanent?"}])
    return results


if __name__ == "__main__":
    main()
