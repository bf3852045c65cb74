"""Load benchmark: the real bot, in-process, against the fake Telegram Bot API on loopback.

Run by hand from the repository root (never part of the test run):

    .venv/bin/python benchmarks/bench_load.py                 # 100 patients x 10 messages, both modes
    .venv/bin/python benchmarks/bench_load.py --mode unlimited --patients 20 --per-patient 5

What it does, once with PTB's AIORateLimiter at Telegram's limits (RATE_LIMIT=on, the default:
30 messages/s overall, 20/min per group) and once without (RATE_LIMIT=off):
  - builds the application with ``handlers.application.build_application(settings)`` (real
    faq.yaml copy, real SQLite file in a temporary DATA_DIR), long polling over HTTP;
  - queues 1,000 messages from 100 patients at once (FAQ questions and their alternates, vague
    and out-of-scope texts, emoji, and 1% red flags), interleaved as if from 100 phones;
  - waits until every message has its reply and every staff alert is delivered.

Figures:
  throughput     messages answered per second, first message queued -> last reply received;
  reply latency  message queued at the fake Telegram -> its reply received there (p50/p99): what
                 a patient waits, including Telegram's long-poll hand-off and any rate limiting;
  bot work       the update's handling started in the Application -> its reply received (p50/p99).
                 In the flood this includes sharing the event loop with ~100 other messages in
                 flight (and the limiter's waits in the rate-limited run);
  one at a time  before the flood, 200 messages sent one after another (each waits for its reply):
                 "bot work" there is the bot's own processing of one message (pipeline, SQLite,
                 building and sending the request) with nothing else competing;
  CPU            process CPU time during the flood per message (bot and fake together), which
                 other load on the machine does not inflate, unlike the wall-clock figures;
  pipeline       ``Assistant.decide`` alone on the same texts (p50/p99);
  over-limit     sends that broke Telegram's flood limits (the fake counts them; real Telegram
                 would have answered 429).

Replies are matched to messages per chat, in order (the bot keeps per-chat order).
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bot.pipeline import ESCALATE, Assistant  # noqa: E402
from bot.settings import Settings  # noqa: E402
from fakebotapi import FakeBotAPI  # noqa: E402

TOKEN = "424242:BENCH-token-not-real"
STAFF_CHAT = -1001000000001
FIRST_PATIENT = 700_000

RED_FLAGS = ["I want to kill myself tonight", "there is blood in my urine since the session",
             "I am thinking about suicide", "I can't breathe properly and my chest hurts"]
OTHER = ["hello", "thanks!", "ok 👍", "😀😀", "How much does parking cost near the clinic?",
         "what is the wifi password", "memory", "is it normal", "session",
         "my sister says ketamine is a horse tranquilliser, is that true?"]


def workload(assistant: Assistant, patients: int, per_patient: int) -> dict[int, list[str]]:
    faq = assistant.faq
    ordinary = [e.question for e in faq.entries]
    ordinary += [a for e in faq.entries for a in e.alternates]
    ordinary += OTHER
    flags = [t for t in RED_FLAGS if assistant.decide(t).kind == ESCALATE] or RED_FLAGS[:1]
    total = patients * per_patient
    every = max(1, total // max(1, total // 100))  # 1% red flags
    script: dict[int, list[str]] = {}
    n = 0
    for p in range(patients):
        texts = []
        for _ in range(per_patient):
            n += 1
            texts.append(flags[n % len(flags)] if n % every == 0 else ordinary[(n * 7919) % len(ordinary)])
        script[FIRST_PATIENT + p] = texts
    return script


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def ms(values: list[float]) -> str:
    return f"p50 {pct(values, 50) * 1000:8.1f} ms   p99 {pct(values, 99) * 1000:8.1f} ms"


async def run_once(rate_limit: bool, patients: int, per_patient: int, workdir: Path) -> dict:
    from telegram import Update
    from telegram.ext import TypeHandler

    from handlers.application import build_application, running

    faq = workdir / "faq.yaml"
    shutil.copyfile(ROOT / "faq.yaml", faq)
    assistant = Assistant.from_path(faq)[0]
    script = workload(assistant, patients, per_patient)
    decisions = {pid: [assistant.decide(t) for t in texts] for pid, texts in script.items()}
    alerts_wanted = sum(d.kind == ESCALATE for ds in decisions.values() for d in ds)

    api = FakeBotAPI(token=TOKEN, rate_limits="count")
    await api.start()
    api.group(STAFF_CHAT, "Clinic staff")
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "STAFF_CHAT_ID": str(STAFF_CHAT),
           "TELEGRAM_API_URL": api.base_url, "DATA_DIR": str(workdir / "data"),
           "RATE_LIMIT": "on" if rate_limit else "off"}
    settings = Settings.from_env(faq_path=faq, env=env, dotenv_path=None)
    app = build_application(settings)
    started: dict[int, float] = {}

    async def stamp(update: Update, context) -> None:
        started[update.update_id] = time.monotonic()

    app.add_handler(TypeHandler(Update, stamp), group=-100)
    try:
        async with running(app, poll_interval=0, timeout=10):
            solo_work, solo_rtt = [], []
            solo_texts = [t for ts in script.values() for t in ts][:200]
            solo_cpu = time.process_time()
            for n, text in enumerate(solo_texts):
                user = api.user(FIRST_PATIENT - 1 - n, "Solo")
                mark, before = api.mark(), len(api.updates)
                api.send_text(user, text)
                reply = await api.wait_for(lambda c: c.chat_id == user.id, since=mark, timeout=30)
                item = api.updates[before]
                solo_rtt.append(reply.monotonic - item.queued_at)
                solo_work.append(reply.monotonic - started[item.update_id])
            solo_cpu = (time.process_time() - solo_cpu) / len(solo_texts)
            await api.settle(quiet=0.3, timeout=60)
            alerts_before = sum(1 for c in api.sent if c.chat_id == STAFF_CHAT and c.method == "sendMessage")

            users = {pid: api.user(pid, f"Patient {pid}") for pid in script}
            hits_before = api.rate_limit_hits
            cpu_before = time.process_time()
            first_update = len(api.updates)
            for i in range(per_patient):
                for pid, texts in script.items():
                    api.send_text(users[pid], texts[i])
            queued = api.updates[first_update:]

            # counted incrementally: this check runs on every request the fake serves, in the
            # same event loop as the bot, so it must cost next to nothing
            seen = {"upto": len(api.sent), "replies": 0, "alerts": 0}

            def done() -> bool:
                for c in api.sent[seen["upto"]:]:
                    if c.method == "sendMessage":
                        if c.chat_id == STAFF_CHAT:
                            seen["alerts"] += 1
                        elif c.chat_id in script:
                            seen["replies"] += 1
                seen["upto"] = len(api.sent)
                return seen["alerts"] >= alerts_wanted and seen["replies"] >= len(script) * per_patient

            await api.wait_until(done, timeout=600, what="every reply and alert")
            cpu = time.process_time() - cpu_before
            await api.settle(quiet=0.5, timeout=60)
    finally:
        await api.stop()

    by_chat: dict[int, list] = {}
    for item in queued:
        by_chat.setdefault(item.update["message"]["chat"]["id"], []).append(item)
    latency, work, extra = [], [], 0
    for pid, items in by_chat.items():
        got = [c for c in api.sent if c.chat_id == pid and c.method == "sendMessage"]
        extra += len(got) - len(items)
        for item, reply in zip(items, got):
            latency.append(reply.monotonic - item.queued_at)
            work.append(reply.monotonic - started[item.update_id])
    t0 = min(i.queued_at for i in queued)
    last = max(c.monotonic for c in api.sent if c.method == "sendMessage" and c.chat_id != STAFF_CHAT)
    alerts = [c for c in api.sent if c.chat_id == STAFF_CHAT and c.method == "sendMessage"][alerts_before:]

    texts = [t for ts in script.values() for t in ts]
    pipeline = []
    for t in texts:
        s = time.perf_counter()
        assistant.decide(t)
        pipeline.append(time.perf_counter() - s)
    return {"solo_cpu": solo_cpu, "cpu": cpu, "solo_work": solo_work, "solo_rtt": solo_rtt, "messages": len(queued), "seconds": last - t0, "latency": latency, "work": work,
            "pipeline": pipeline, "alerts": len(alerts), "alerts_wanted": alerts_wanted,
            "extra_replies": extra, "refused": sum(1 for c in api.calls if not c.ok),
            "over_limit": api.rate_limit_hits - hits_before}


def report(name: str, r: dict) -> None:
    print(f"\n== {name} ==")
    print(f"one at a time   {len(r['solo_work'])} messages: bot work {ms(r['solo_work'])}   "
          f"round trip {ms(r['solo_rtt'])}   CPU {r['solo_cpu'] * 1000:.1f} ms per message")
    print(f"flood:")
    print(f"messages        {r['messages']} answered in {r['seconds']:.2f} s: "
          f"{r['messages'] / r['seconds']:.1f} messages/s")
    print(f"reply latency   {ms(r['latency'])}   (queued at Telegram -> reply received)")
    print(f"bot work        {ms(r['work'])}   (handling started -> reply received)")
    print(f"CPU             {r['cpu'] / r['messages'] * 1000:.1f} ms per message (bot and fake Telegram "
          f"together: they share this process)")
    print(f"pipeline        {ms(r['pipeline'])}   (Assistant.decide alone)")
    print(f"staff alerts    {r['alerts']} delivered of {r['alerts_wanted']} red flags")
    print(f"extra replies   {r['extra_replies']}   refused calls {r['refused']}   "
          f"sends over Telegram's limits {r['over_limit']}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--patients", type=int, default=100)
    p.add_argument("--per-patient", type=int, default=10)
    p.add_argument("--mode", choices=["both", "limited", "unlimited"], default="both")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    print(f"{args.patients} patients x {args.per_patient} messages, all queued at once; "
          f"Python {platform.python_version()}, {os.cpu_count()} CPU(s), "
          f"load average {os.getloadavg()[0]:.2f} before the run")
    modes = {"both": [False, True], "unlimited": [False], "limited": [True]}[args.mode]
    for limited in modes:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
            r = asyncio.run(run_once(limited, args.patients, args.per_patient, Path(tmp)))
        report("with AIORateLimiter (Telegram's limits)" if limited else "without rate limiter", r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
