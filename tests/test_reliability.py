"""Nothing lost: staff alerts survive a failing staff chat, a crash and a restart; patients are
answered through transient Telegram errors and a flood, one reply per message.

Faults are injected in the fake Bot API (HTTP errors, 429 with retry_after, dropped
connections), never in our code: the real Application, outbox and SQLite file do the recovering.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import defaultdict

import pytest

from bot.pipeline import ANSWER, ESCALATE, FALLBACK
from bot.store import Store
from conftest import ROOT, STAFF_CHAT, TOKEN

PATIENT = 1001
OTHER = 1002

EMERGENCY_TEXTS = ["I want to kill myself tonight", "i'm going to kill myself",
                   "I am thinking about suicide", "I want to end my life"]
PROVIDER_TEXTS = ["there is blood in my pee since the session", "I have blood in my urine",
                  "it burns when I pee and there is blood in my urine"]
OUT_OF_SCOPE = ["How much does parking cost near the clinic on weekends?",
                "Do you validate parking tickets for the garage?",
                "what is the wifi password in the waiting room"]


def red_flags(assistant) -> list[str]:
    found = [t for t in EMERGENCY_TEXTS + PROVIDER_TEXTS if assistant.decide(t).kind == ESCALATE]
    assert found, "the core escalates none of the red-flag texts"
    return found


def red_flag(assistant) -> str:
    return red_flags(assistant)[0]


def shown(assistant, text: str) -> str:
    """The reply a patient sees for ``text``, as the core decides it."""
    d = assistant.decide(text)
    return (d.reply + "\n\nDid this help?" if d.kind == ANSWER else d.reply).strip()


def staff_alerts(api, since: int = 0):
    return [c for c in api.sent[since:] if c.chat_id == STAFF_CHAT and c.method == "sendMessage"]


def staff_attempts(api):
    return [c for c in api.calls if c.chat_id == STAFF_CHAT and c.method == "sendMessage"]


# ---- the staff chat fails, then recovers -----------------------------------------------------------
STAFF_FAULTS = [
    pytest.param(lambda api: api.fail("sendMessage", chat_id=STAFF_CHAT, times=4, status=500),
                 id="500-four-times"),
    pytest.param(lambda api: api.fail("sendMessage", chat_id=STAFF_CHAT, times=3, status=502),
                 id="502-three-times"),
    pytest.param(lambda api: api.fail("sendMessage", chat_id=STAFF_CHAT, times=2, status=429,
                                      retry_after=1), id="429-retry-after"),
    pytest.param(lambda api: api.fail_network(times=3, method="sendMessage", chat_id=STAFF_CHAT),
                 id="connection-dropped"),
    pytest.param(lambda api: api.fail("sendMessage", chat_id=STAFF_CHAT, times=2, status=403,
                                      description="Forbidden: bot was kicked from the supergroup chat"),
                 id="bot-kicked-then-re-added"),
]


@pytest.mark.parametrize("inject", STAFF_FAULTS)
async def test_alert_arrives_once_the_failing_staff_chat_recovers(api, settings, start_bot,
                                                                  assistant, inject):
    text = red_flag(assistant)
    fault = inject(api)
    await start_bot(settings)
    api.send_text(api.user(PATIENT, "Ann", username="ann"), text)

    reply = await api.wait_for(lambda c: c.chat_id == PATIENT)
    assert reply.plain_text == shown(assistant, text), "the patient is answered at once"
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT and c.method == "sendMessage",
                               timeout=20)
    assert text in alert.plain_text and str(PATIENT) in alert.plain_text
    assert fault.exhausted and fault.hits >= 1
    await api.settle()
    assert len(staff_alerts(api)) == 1, "exactly one copy reaches staff"
    assert [c.ok for c in staff_attempts(api)] == [False] * fault.hits + [True]
    with Store(settings.db_path) as store:
        assert store.pending_summary()[0] == 0


async def test_429_retry_after_is_honoured_not_hammered(api, settings, start_bot, assistant):
    fault = api.fail("sendMessage", chat_id=STAFF_CHAT, times=1, status=429, retry_after=2)
    await start_bot(settings)
    api.send_text(api.user(PATIENT, "Ann"), red_flag(assistant))
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT and c.method == "sendMessage",
                               timeout=15)
    refused, = [c for c in staff_attempts(api) if not c.ok]
    assert fault.hits == 1
    # ordering of recorded clock readings, not a speed requirement
    assert alert.monotonic - refused.monotonic >= 2.0, "retried before Telegram's retry_after"


async def test_lost_confirmation_may_duplicate_an_alert_but_never_loses_it(api, settings, start_bot,
                                                                          assistant):
    api.fail_network(times=1, method="sendMessage", chat_id=STAFF_CHAT, after_delivery=True)
    await start_bot(settings)
    api.send_text(api.user(PATIENT, "Ann"), red_flag(assistant))
    await api.wait_until(lambda: len(staff_alerts(api)) >= 2, timeout=15,
                         what="the alert re-sent after its confirmation was lost")
    await api.settle()
    assert len(staff_alerts(api)) == 2
    with Store(settings.db_path) as store:
        assert store.pending_summary()[0] == 0


async def test_alerts_pending_too_long_are_logged_as_errors_and_delivered_on_recovery(
        api, settings, start_bot, assistant, privacy_log):
    fault = api.fail("sendMessage", chat_id=STAFF_CHAT, times=None, status=500)
    await start_bot(settings)
    text = red_flag(assistant)
    api.send_text(api.user(PATIENT, "Ann"), text)
    reply = await api.wait_for(lambda c: c.chat_id == PATIENT)
    assert reply.plain_text == shown(assistant, text)
    await api.wait_until(lambda: any(line.startswith("ERROR") and "UNDELIVERED" in line
                                     for line in privacy_log.lines),
                         timeout=10, what="an operator-visible error about undelivered alerts")
    assert staff_alerts(api) == []
    fault.clear()
    await api.wait_for(lambda c: c.chat_id == STAFF_CHAT and c.method == "sendMessage", timeout=15)


# ---- patients under faults ---------------------------------------------------------------------------
@pytest.mark.parametrize("inject", [
    pytest.param(lambda api: api.fail("sendMessage", chat_id=PATIENT, times=2, status=500), id="500"),
    pytest.param(lambda api: api.fail("sendMessage", chat_id=PATIENT, times=1, status=429,
                                      retry_after=1), id="429"),
    pytest.param(lambda api: api.fail_network(times=2, chat_id=PATIENT), id="dropped"),
])
async def test_patient_reply_survives_transient_send_failures(api, settings, start_bot, assistant,
                                                             inject):
    text = OUT_OF_SCOPE[0]
    fault = inject(api)
    await start_bot(settings)
    api.send_text(api.user(PATIENT, "Ann"), text)
    reply = await api.wait_for(lambda c: c.chat_id == PATIENT, timeout=10)
    assert reply.plain_text == shown(assistant, text)
    assert fault.exhausted
    await api.settle()
    assert len(api.sent_to(PATIENT)) == 1


async def test_undeliverable_patient_does_not_hold_up_others(api, settings, start_bot, assistant):
    # every attempt to reach the first patient hangs, then the connection drops
    stuck = api.fail_network(times=None, chat_id=PATIENT, delay=1.5)
    await start_bot(settings)
    api.send_text(api.user(PATIENT, "Ann"), OUT_OF_SCOPE[0])
    await api.wait_until(lambda: stuck.hits >= 1, what="the first reply attempt")
    api.send_text(api.user(OTHER, "Bob"), OUT_OF_SCOPE[1])
    reply = await api.wait_for(lambda c: c.chat_id == OTHER, timeout=10)
    assert reply.plain_text == shown(assistant, OUT_OF_SCOPE[1])
    assert stuck.hits < settings.reply_attempts, "Bob waited for Ann's retries to run out"
    stuck.clear()


async def test_patient_who_blocked_the_bot_still_raises_the_alert(api, settings, start_bot, assistant):
    api.block(PATIENT)
    await start_bot(settings)
    text = red_flag(assistant)
    api.send_text(api.user(PATIENT, "Ann"), text)
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT and c.method == "sendMessage")
    assert text in alert.plain_text
    api.send_text(api.user(OTHER, "Bob"), OUT_OF_SCOPE[0])
    await api.wait_for(lambda c: c.chat_id == OTHER)


# ---- a flood -------------------------------------------------------------------------------------------
def flood_script(assistant, patients: int, per_patient: int) -> dict[int, list[str]]:
    """Each patient sends a mix of FAQ questions, vague and out-of-scope texts; every fifth patient
    also sends one red flag in the middle."""
    faq = assistant.faq
    ordinary = [e.question for e in faq.entries] + OUT_OF_SCOPE + ["hello", "thanks!", "ok 👍"]
    flags = red_flags(assistant)
    script: dict[int, list[str]] = {}
    for p in range(patients):
        texts = [ordinary[(p * 7 + i) % len(ordinary)] for i in range(per_patient)]
        if p % 5 == 0:
            texts[per_patient // 2] = flags[p % len(flags)]
        script[2000 + p] = texts
    return script


async def test_400_messages_from_40_patients_at_once_get_one_right_reply_each(
        api, settings, start_bot, assistant, privacy_log):
    script = flood_script(assistant, patients=40, per_patient=10)
    expected = {pid: [assistant.decide(t) for t in texts] for pid, texts in script.items()}
    flags = sum(d.kind == ESCALATE for ds in expected.values() for d in ds)
    assert flags == 8 and sum(len(t) for t in script.values()) == 400
    # the production threshold for "alerts pending too long" (the fixture's is 0.5 s)
    await start_bot(settings.replace(alert_pending_error_seconds=120))

    users = {pid: api.user(pid, f"Patient {pid}", username=f"p{pid}") for pid in script}
    for i in range(10):  # interleaved, as they would arrive from 40 phones at once
        for pid, texts in script.items():
            api.send_text(users[pid], texts[i])

    def replies(pid):
        return [c for c in api.sent if c.chat_id == pid and c.method == "sendMessage"]

    await api.wait_until(lambda: all(len(replies(pid)) >= 10 for pid in script)
                         and len(staff_alerts(api)) >= flags,
                         timeout=60, what="a reply to all 400 messages and every alert")
    await api.settle()
    for pid, decisions in expected.items():
        got = replies(pid)
        assert len(got) == 10, f"patient {pid}: {len(got)} replies to 10 messages"
        for call, text, decision in zip(got, script[pid], decisions):  # per-chat order is kept
            assert call.plain_text == shown(assistant, text), (pid, decision.kind)
    alerted = defaultdict(int)
    for alert in staff_alerts(api):
        pid = next(pid for pid in script if f"id {pid}" in alert.plain_text)
        alerted[pid] += 1
    assert alerted == {pid: 1 for pid, ds in expected.items() if any(d.kind == ESCALATE for d in ds)}
    assert not [c for c in api.calls if not c.ok], "Telegram refused a call"
    assert not [line for line in privacy_log.lines if line.startswith(("ERROR", "CRITICAL"))]

    # still alive and answering
    mark = api.mark()
    api.send_text(api.user(OTHER, "Late"), OUT_OF_SCOPE[1])
    late = await api.wait_for(lambda c: c.chat_id == OTHER, since=mark)
    assert late.plain_text == shown(assistant, OUT_OF_SCOPE[1])
    assert {d.kind for ds in expected.values() for d in ds} >= {ANSWER, ESCALATE, FALLBACK}


async def test_spammer_is_slowed_but_a_red_flag_still_alerts(api, settings, start_bot, assistant):
    from handlers.patient import FLOOD_TEXT

    flood_reply = assistant.faq.render(FLOOD_TEXT).strip()
    flag = red_flag(assistant)
    spam = [OUT_OF_SCOPE[i % len(OUT_OF_SCOPE)] for i in range(settings.flood_burst + 10)] + [flag]
    await start_bot(settings)
    spammer = api.user(PATIENT, "Spam")
    for text in spam:
        api.send_text(spammer, text)
    await api.wait_until(lambda: len(api.sent_to(PATIENT)) >= len(spam), timeout=30,
                         what="a reply to every message")
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT and c.method == "sendMessage")
    assert flag in alert.plain_text
    await api.settle()
    replies = [c.plain_text for c in api.sent_to(PATIENT)]
    assert len(replies) == len(spam), "one reply per message, throttled or not"
    assert all(r in (shown(assistant, t), flood_reply) for r, t in zip(replies, spam))
    assert replies.count(flood_reply) >= 10, "the spammer is slowed down"
    assert replies[-1] == shown(assistant, flag), "the red flag gets the crisis reply, not the throttle"


# ---- a crash while an alert is pending -----------------------------------------------------------
async def start_faqbot(api, tmp_path, faq_file, token: str = TOKEN) -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "STAFF_CHAT_ID": str(STAFF_CHAT),
           "TELEGRAM_API_URL": api.base_url, "DATA_DIR": str(tmp_path / "data"),
           "FAQ_PATH": str(faq_file), "RATE_LIMIT": "off", "LOG_LEVEL": "INFO",
           "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}  # this checkout, not another install
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=str(tmp_path), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def finish(proc: asyncio.subprocess.Process, sig: int = signal.SIGTERM) -> tuple[int, str]:
    """Signal the bot (if still running) and collect everything it printed."""
    if proc.returncode is None and sig:
        proc.send_signal(sig)
    if not hasattr(proc, "output"):
        out, err = await asyncio.wait_for(proc.communicate(), 30)
        proc.output = (out + err).decode("utf-8", "replace")
    return proc.returncode, proc.output


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
async def test_alerts_pending_when_the_bot_dies_are_delivered_in_order_after_restart(
        api, tmp_path, faq_file, assistant, sig):
    flags = red_flags(assistant)
    patients = {PATIENT: flags[0], OTHER: flags[-1]}
    outage = api.fail("sendMessage", chat_id=STAFF_CHAT, times=None, status=500)
    first = await start_faqbot(api, tmp_path, faq_file)
    logs = []
    try:
        for pid, text in patients.items():  # one after the other: the alerts have an order
            api.send_text(api.user(pid, f"Patient {pid}"), text)
            reply = await api.wait_for(lambda c: c.chat_id == pid, timeout=30)
            assert reply.plain_text == shown(assistant, text)
        await api.wait_until(lambda: outage.hits >= 1, timeout=15,
                             what="a failed attempt to alert staff")
    except AssertionError as exc:
        exc.add_note("bot output:\n" + (await finish(first, signal.SIGKILL))[1][-3000:])
        raise
    finally:
        code, log = await finish(first, sig)
        logs.append(log)
    if sig == signal.SIGTERM:
        assert code == 0, log[-2000:]
    assert _pending(tmp_path) == 2, "both alerts must be waiting in the outbox"
    assert staff_alerts(api) == []

    outage.clear()  # the staff chat is back; so is the bot
    second = await start_faqbot(api, tmp_path, faq_file)
    try:
        await api.wait_until(lambda: len(staff_alerts(api)) >= 2, timeout=30,
                             what="both alerts delivered after the restart")
        await api.wait_until(lambda: _pending(tmp_path) == 0, timeout=10,
                             what="the alerts marked delivered")
    except AssertionError as exc:
        exc.add_note("bot output:\n" + (await finish(second, signal.SIGKILL))[1][-3000:])
        raise
    finally:
        _, log = await finish(second)
        logs.append(log)
    alerts = staff_alerts(api)
    assert 2 <= len(alerts) <= 4, "one copy each, or a duplicate after the crash; never none"
    order = [pid for a in alerts for pid in patients if f"id {pid}" in a.plain_text]
    assert order[:2] == [PATIENT, OTHER], "pending alerts go out oldest first"
    for pid, text in patients.items():
        assert any(text in a.plain_text for a in alerts if f"id {pid}" in a.plain_text)
    everything = "\n".join(logs)
    assert TOKEN.split(":")[1] not in everything, "the bot token reached the bot's output"
    for text in patients.values():
        assert text not in everything, "a patient's words reached the bot's log"


def _pending(tmp_path) -> int:
    with Store(tmp_path / "data" / "faqbot.sqlite3") as store:
        return store.pending_summary()[0]


async def test_sigterm_lets_the_reply_in_flight_finish(api, tmp_path, faq_file, assistant):
    text = OUT_OF_SCOPE[0]
    held = api.slow(2.0, chat_id=PATIENT)
    proc = await start_faqbot(api, tmp_path, faq_file)
    try:
        api.send_text(api.user(PATIENT, "Ann"), text)
        await api.wait_until(lambda: held.hits == 1, timeout=30, what="the reply in flight")
    except AssertionError as exc:
        exc.add_note("bot output:\n" + (await finish(proc, signal.SIGKILL))[1][-3000:])
        raise
    code, log = await finish(proc, signal.SIGTERM)
    assert code == 0, log[-2000:]
    assert [c.plain_text for c in api.sent_to(PATIENT)] == [shown(assistant, text)]


async def test_a_rejected_token_stops_the_bot_with_a_clear_message_and_never_prints_it(
        api, tmp_path, faq_file):
    wrong = "123456:WRONG-token-that-must-not-be-printed"
    proc = await start_faqbot(api, tmp_path, faq_file, token=wrong)
    code, output = await finish(proc, sig=0)  # it must stop by itself
    assert code not in (0, None)
    assert wrong.split(":")[1] not in output, "the rejected token was printed"
    assert "token" in output.lower(), "the message says what is wrong"
