"""Accuracy of the pipeline on a labelled JSONL set (``faqbot eval``, tests, benchmarks).

Two label kinds may be mixed in one file:
  {"text": ..., "id": "<faq id>" | null}  (or "ids": [...]) -> FAQ matching figures
  {"text": ..., "tier": "emergency" | "provider" | null}   -> red-flag figures
The figures follow the issue's definitions so that the CLI, the tests and the benchmark agree.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field

from .pipeline import ANSWER, ESCALATE, FALLBACK, SUGGEST, Assistant
from .triage import EMERGENCY, PROVIDER


class EvalError(Exception):
    """The data file is missing or malformed."""


@dataclass
class Miss:
    line: int
    text: str
    expected: str
    got: str


@dataclass
class Report:
    path: str
    n_faq: int = 0
    n_in_scope: int = 0
    top1: int = 0
    rr_sum: float = 0.0
    answered_right: int = 0
    wrong_answers: int = 0
    suggested: int = 0
    suggested_with_gold: int = 0
    fallback: int = 0
    out_of_scope_held: int = 0  # out-of-scope messages not given an answer
    tiers: dict = field(default_factory=lambda: {EMERGENCY: [0, 0], PROVIDER: [0, 0]})  # hit, total
    n_benign: int = 0
    false_alarms: int = 0
    ms_per_message: float = 0.0
    misses: list = field(default_factory=list)

    def rate(self, a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    def to_json(self) -> dict:
        return {
            "file": self.path,
            "faq": {
                "messages": self.n_faq, "in_scope": self.n_in_scope,
                "top1": self.rate(self.top1, self.n_in_scope),
                "mrr": round(self.rr_sum / self.n_in_scope, 4) if self.n_in_scope else None,
                "answered_right": self.rate(self.answered_right, self.n_in_scope),
                "wrong_answer_rate": self.rate(self.wrong_answers, self.n_faq),
                "suggest_rate": self.rate(self.suggested, self.n_faq),
                "suggest_contains_gold": self.rate(self.suggested_with_gold, self.suggested),
                "fallback_rate": self.rate(self.fallback, self.n_faq),
                "out_of_scope_held": self.rate(self.out_of_scope_held, self.n_faq - self.n_in_scope),
            },
            "red_flags": {
                "emergency_recall": self.rate(*self.tiers[EMERGENCY]),
                "provider_recall": self.rate(*self.tiers[PROVIDER]),
                "look_alikes": self.n_benign,
                "false_positive_rate": self.rate(self.false_alarms, self.n_benign),
            },
            "ms_per_message": round(self.ms_per_message, 3),
        }


def read_jsonl(path: str) -> list[tuple[int, dict]]:
    if not os.path.exists(path):
        raise EvalError(f"{path}: no such file")
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise EvalError(f'{path}:{n}: each line needs {{"text": "...", "id" or "tier": ...}}')
            if not ({"id", "ids", "tier"} & row.keys()):
                raise EvalError(f'{path}:{n}: no label: add "id" (FAQ id or null) or "tier"')
            rows.append((n, row))
    return rows


def evaluate_rows(assistant: Assistant, rows: list[tuple[int, dict]], path: str = "") -> Report:
    r = Report(path)
    t0 = time.perf_counter()
    for n, row in rows:
        d = assistant.decide(row["text"])
        if "tier" in row:
            tier = row["tier"]
            got = d.escalation.tier if d.escalation else None
            if tier in (EMERGENCY, PROVIDER):
                r.tiers[tier][1] += 1
                # a provider-tier message escalated as an emergency is over-cautious, not a miss
                hit = got == EMERGENCY if tier == EMERGENCY else got is not None
                r.tiers[tier][0] += hit
                if not hit:
                    r.misses.append(Miss(n, row["text"], str(tier), str(got)))
            else:
                r.n_benign += 1
                if got is not None:
                    r.false_alarms += 1
                    r.misses.append(Miss(n, row["text"], "none", f"{got} ({d.escalation.matched})"))
            continue
        gold = set(row["ids"]) if "ids" in row else ({row["id"]} if row["id"] is not None else set())
        r.n_faq += 1
        ranked = [c.id for c in d.candidates]
        if gold:
            r.n_in_scope += 1
            if ranked and ranked[0] in gold:
                r.top1 += 1
            for i, cid in enumerate(ranked, 1):
                if cid in gold:
                    r.rr_sum += 1 / i
                    break
        if d.kind == ANSWER:
            if d.faq_id in gold:
                r.answered_right += 1
            else:
                r.wrong_answers += 1
        elif d.kind == SUGGEST:
            r.suggested += 1
            r.suggested_with_gold += any(i in gold for i, _ in d.suggestions)
        elif d.kind == FALLBACK:
            r.fallback += 1
        if not gold and d.kind != ANSWER:
            r.out_of_scope_held += 1
        if (d.kind == ANSWER and d.faq_id not in gold) or (gold and d.kind != ANSWER):
            got = d.faq_id if d.kind == ANSWER else f"{d.kind}:{','.join(ranked[:3])}"
            r.misses.append(Miss(n, row["text"], ",".join(sorted(gold)) or "none", got))
    total = len(rows)
    r.ms_per_message = (time.perf_counter() - t0) * 1000 / total if total else 0.0
    return r


def evaluate_file(assistant: Assistant, path: str) -> Report:
    return evaluate_rows(assistant, read_jsonl(path), path)


def format_report(r: Report, show_errors: bool = False) -> str:
    j = r.to_json()
    out = [f"{r.path}"]
    if r.n_faq:
        f = j["faq"]
        out += [
            f"  FAQ messages: {r.n_faq} ({r.n_in_scope} in scope)",
            f"  top-1 (in scope):        {f['top1']}",
            f"  MRR (in scope):          {f['mrr']}",
            f"  answered right:          {f['answered_right']}",
            f"  wrong answers (all):     {f['wrong_answer_rate']}",
            f"  suggested / with gold:   {f['suggest_rate']} / {f['suggest_contains_gold']}",
            f"  fallback:                {f['fallback_rate']}",
            f"  out of scope held back:  {f['out_of_scope_held']}",
        ]
    if r.n_benign or any(t[1] for t in r.tiers.values()):
        rf = j["red_flags"]
        out += [
            f"  emergency recall:        {rf['emergency_recall']} ({r.tiers[EMERGENCY][1]} messages)",
            f"  provider recall:         {rf['provider_recall']} ({r.tiers[PROVIDER][1]} messages)",
            f"  false alarms:            {rf['false_positive_rate']} ({r.n_benign} look-alikes)",
        ]
    out.append(f"  ms per message:          {j['ms_per_message']}")
    if show_errors and r.misses:
        out.append("  misses:")
        out += [f"    line {m.line}: expected {m.expected}, got {m.got}: {m.text[:80]!r}" for m in r.misses]
    return "\n".join(out)
