"""Staff driving the real bot over HTTP: commands, who may use them, the live FAQ, and the
staff-facing formatting pieces."""
from __future__ import annotations

import asyncio
import json
import os
import time

import pytest

from bot.faq import load_faq
from bot.health import Health
from bot.pipeline import ESCALATE, FALLBACK
from bot.store import Store
from bot.triage import EMERGENCY
from conftest import OTHER_GROUP, STAFF_CHAT, STAFF_DM_USER, STAFF_MEMBER
from fakebotapi import parse_html
from handlers.alerts import alert_keyboard, format_alert
from handlers.common import tg_len
from test_e2e_patient import EMERGENCY_TEXTS, OUT_OF_SCOPE, PATIENT, answerable, pick

STRANGER = 7007
UNKNOWN_COMMAND = "I don't know that command. Type your question, or use /topics or /help."
STAFF_COMMANDS = ["/stats", "/reload", "/check", "/unanswered", "/alerts"]


async def command(api, user, text, chat=None):
    """Send a command or a message; return the bot's first reply in that chat."""
    mark = api.mark()
    api.send_text(user, text, chat=chat)
    where = chat if chat is not None else user.id
    return await api.wait_for(lambda c: c.chat_id == where and c.method == "sendMessage", since=mark)


@pytest.mark.parametrize("cmd", STAFF_COMMANDS)
async def test_stranger_gets_the_unknown_command_reply_for_staff_commands(app, api, cmd):
    reply = await command(api, api.user(STRANGER, "Eve"), cmd)
    assert reply.plain_text == UNKNOWN_COMMAND
    await api.settle()
    assert len(api.sent_to(STRANGER)) == 1 and not api.sent_to(STAFF_CHAT)


async def test_staff_commands_in_another_group_get_nothing(app, api):
    mark = api.mark()
    for cmd in STAFF_COMMANDS:
        api.send_command(api.user(STAFF_MEMBER, "Bob"), cmd, chat=OTHER_GROUP)
    await api.settle()
    assert api.sent[mark:] == []


async def test_stats_counts_the_last_seven_days_in_the_staff_chat(app, api, assistant):
    ann = api.user(PATIENT, "Ann")
    entry, _ = answerable(assistant)
    out, _ = pick(assistant, FALLBACK, OUT_OF_SCOPE)
    flag, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    for text in (entry.question, entry.question, out, flag):
        api.send_text(ann, text)
    api.send_photo(ann)
    await api.settle()
    answer = api.sent_to(PATIENT)[0]
    api.press_button(ann, answer, answer.callback_data[0])  # 👍
    await api.settle()
    stats = await command(api, api.user(STAFF_MEMBER, "Bob"), "/stats", chat=STAFF_CHAT)
    lines = stats.plain_text.splitlines()
    assert "Messages: 5" in lines
    assert "Answered: 2 · Suggested: 0 · Fallback: 1 · Not text: 1" in lines
    assert "Escalations: 1 (emergency 1)" in lines
    assert "Feedback: 👍 helpful 1 · 👎 not helpful 0" in lines


async def test_staff_user_ids_may_use_staff_commands_in_private(app, api):
    reply = await command(api, api.user(STAFF_DM_USER, "Dana"), "/stats")
    assert reply.plain_text.startswith("📊 Last 7 days")


async def test_reload_with_a_good_file_and_then_a_broken_one(app, api, assistant, faq_file):
    bob = api.user(STAFF_MEMBER, "Bob")
    entries = len(assistant.faq.entries)
    good = await command(api, bob, "/reload", chat=STAFF_CHAT)
    assert f"loaded: {entries} entries" in good.plain_text
    faq_file.write_text(faq_file.read_text() + "\n  - id: [broken\n", encoding="utf-8")
    bad = await command(api, bob, "/reload", chat=STAFF_CHAT)
    assert "was not loaded" in bad.plain_text and f"last good version ({entries} entries)" in bad.plain_text
    assert f"{faq_file}:" in bad.plain_text  # the problem names the file and line
    # patients are still answered from the last good FAQ
    entry, _ = answerable(assistant)
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), entry.question)
    answer = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    assert answer.plain_text.startswith(entry.answer)


async def test_alike_entries_are_reported_after_start_up(start_bot, settings, faq_file, api, privacy_log):
    """The bot starts without the slow 'entries so alike' check and runs it just after: the advice
    must still reach the operator's log, once, while patients are being answered."""
    first = load_faq(faq_file, check_similar=False)[0].entries[0]
    with faq_file.open("a", encoding="utf-8") as f:  # a second entry with the first one's question
        f.write(f"  - id: copy-of-first\n    question: {json.dumps(first.question)}\n"
                "    answer: A copy.\n")
    await start_bot(settings)
    reply = await command(api, api.user(PATIENT, "Ann"), "hello")
    assert reply.plain_text
    deadline = time.monotonic() + 20
    alike: list[str] = []
    while time.monotonic() < deadline and not alike:
        await asyncio.sleep(0.05)
        alike = [line for line in privacy_log.lines if "so alike" in line]
    await asyncio.sleep(0.2)  # and nothing more comes
    alike = [line for line in privacy_log.lines if "so alike" in line]
    assert len(alike) == 1 and first.id in alike[0] and "copy-of-first" in alike[0], alike


async def test_check_reports_a_valid_file(app, api, assistant):
    reply = await command(api, api.user(STAFF_MEMBER, "Bob"), "/check", chat=STAFF_CHAT)
    assert f"is valid: {len(assistant.faq.entries)} entries" in reply.plain_text


NEW_ENTRY = """
  - id: parking-e2e
    topic: Visiting
    question: Where can I park my bicycle at the clinic?
    alternates:
      - bicycle parking at the clinic
      - where do i leave my bike
      - is there a bike rack
    answer: There is a bicycle rack by the front door.
"""


async def test_live_reload_picks_up_an_edit_and_reports_a_broken_save_once(app, api, faq_file):
    ann = api.user(PATIENT, "Ann")
    original = faq_file.read_text(encoding="utf-8")
    mark = api.mark()
    faq_file.write_text(original.rstrip("\n") + "\n" + NEW_ENTRY, encoding="utf-8")
    loaded = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    assert "loaded" in loaded.plain_text
    reply = await command(api, ann, "Where can I park my bicycle at the clinic?")
    assert reply.plain_text.startswith("There is a bicycle rack by the front door.")

    mark = api.mark()
    faq_file.write_text(original + "\n  - id: [broken\n", encoding="utf-8")
    broken = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    assert "was not loaded" in broken.plain_text
    os.utime(faq_file, None)  # saved again, still broken: not reported twice
    await asyncio.sleep(0.5)
    await api.settle()
    assert len(api.sent_to(STAFF_CHAT, since=mark)) == 1
    reply = await command(api, ann, "Where can I park my bicycle at the clinic?")
    assert reply.plain_text.startswith("There is a bicycle rack")  # last good version still serves


async def test_unanswered_groups_similar_questions_with_a_paste_ready_snippet(app, api, assistant):
    ann = api.user(PATIENT, "Ann")
    other, _ = pick(assistant, FALLBACK, ["is there a vending machine in the lobby",
                                          "what time does the pharmacy close", "who won the football game"])
    asked = ["Do you validate parking tickets for the garage?", "do you validate parking tickets",
             "Do you validate parking tickets for the garage??", other]
    for t in asked:
        assert assistant.decide(t).kind == FALLBACK, t
        api.send_text(ann, t)
    await api.settle()
    reply = await command(api, api.user(STAFF_MEMBER, "Bob"), "/unanswered", chat=STAFF_CHAT)
    text = reply.plain_text
    assert "1. asked 3×" in text and "2. asked 1×" in text
    assert '"Do you validate parking tickets for the garage?"' in text
    assert "- " in text and ("alternates" in text)


async def test_alerts_lists_open_alerts_until_resolved(app, api, assistant):
    flag, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann", username="ann"), flag)
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    bob = api.user(STAFF_MEMBER, "Bob")
    listing = await command(api, bob, "/alerts", chat=STAFF_CHAT)
    assert "Open alerts: 1" in listing.plain_text and "#1" in listing.plain_text and "Ann @ann" in listing.plain_text
    api.press_button(bob, alert, "res:1")
    await api.settle()
    listing = await command(api, bob, "/alerts", chat=STAFF_CHAT)
    assert listing.plain_text == "No open alerts. ✅"


async def test_a_stranger_cannot_acknowledge_an_alert(app, api, assistant, settings):
    flag, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), flag)
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    # a crafted button in a private chat: the callback comes from outside the staff chat
    eve = api.user(STRANGER, "Eve")
    menu = await command(api, eve, "/help")
    api.press_button(eve, menu, "ack:1", check=False)
    api.press_button(eve, menu, "res:1", check=False)
    await api.settle()
    with Store(settings.db_path) as store:
        assert store.alert(1).status == "open" and store.actions(1)[-1].action == "delivered"


async def test_health_endpoint_reports_pending_alerts_and_faq(start_bot, api, settings, assistant):
    app = await start_bot(settings.replace(health_port=0))
    port = app.bot_data["health_server"].port

    async def get(path="/health"):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        data = await reader.read()
        writer.close()
        head, _, body = data.partition(b"\r\n\r\n")
        return head.split(b" ")[1].decode(), json.loads(body)

    code, body = await get()
    assert code == "200" and body["status"] == "ok" and body["pending_alerts"] == 0
    assert body["faq_entries"] == len(assistant.faq.entries) and body["faq_loaded_at"]
    outage = api.fail("sendMessage", chat_id=STAFF_CHAT, times=None, status=500)
    flag, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    api.send_text(api.user(PATIENT, "Ann"), flag)
    await api.wait_until(lambda: outage.hits >= 2, what="failed deliveries")
    await asyncio.sleep(settings.alert_pending_error_seconds)
    code, body = await get()
    assert code == "503" and body["status"] == "degraded" and body["pending_alerts"] == 1
    assert body["last_update_at"] is not None
    assert (await get("/nope"))[0] == "404"
    outage.clear()


# ---- formatting pieces ----------------------------------------------------------------------------------
def make_alert(tmp_path, **kw):
    store = Store(tmp_path / "a.db").open()
    fields = dict(tier="emergency", category="suicide", matched="kill <myself>", lexicon_version="1",
                  chat_id=1, user_id=1, patient_name="A <b>&", username="a_b", text="hi <i>",
                  context=["<script>", "a & b"], reply="Call 988 & <now>")
    fields.update(kw)
    return store, store.add_alert(**fields)


@pytest.mark.parametrize("text", ["<b>not bold</b> & </i>", "x" * 5000, "<&>" * 2000, "😀" * 4000, "",
                                  "line\n" * 1000])
def test_alert_is_valid_html_that_fits_one_message_whatever_the_patient_wrote(tmp_path, text):
    store, alert = make_alert(tmp_path, text=text, context=["<" * 400, "&" * 400, "x"])
    html = format_alert(alert)
    plain, _ = parse_html(html)  # raises on markup Telegram would reject
    assert tg_len(html) <= 4096
    assert "A <b>&" in plain and "kill <myself>" in plain
    if len(text) < 1000:
        assert text.strip() in plain


def test_alert_shows_who_took_and_resolved_it_and_drops_the_buttons(tmp_path):
    store, alert = make_alert(tmp_path)
    assert [b.callback_data for b in alert_keyboard(alert).inline_keyboard[0]] == ["ack:1", "res:1"]
    taken = store.act(1, "acknowledged", 9, "Bob <3")
    assert "Bob <3 is on it" in parse_html(format_alert(taken))[0]
    done = store.act(1, "resolved", 8, "Cy")
    assert "Resolved by Cy" in parse_html(format_alert(done))[0] and alert_keyboard(done) is None


def test_purged_alert_still_formats_without_patient_data(tmp_path):
    store, alert = make_alert(tmp_path)
    store.mark_delivered(1, 10, now=alert.created_at)
    store.purge(30, now=alert.created_at + 31 * 86400)
    plain = parse_html(format_alert(store.alert(1)))[0]
    assert "hi <i>" not in plain and "A <b>&" not in plain and "purged" in plain


def test_health_is_degraded_only_when_an_alert_waits_too_long():
    h = Health(pending_error_seconds=60)
    assert h.snapshot(0, None, 5)["status"] == "ok"
    assert h.snapshot(1, 59, 5)["status"] == "ok"
    assert h.snapshot(1, 61, 5)["status"] == "degraded"


@pytest.mark.parametrize("matched", ["end my life", 'suicide-intent: "end my life" (lexicon 3)', "rule-7"])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_excerpt_of_a_long_message_keeps_its_start_and_the_red_flag(where, matched):
    from handlers.alerts import excerpt
    filler = "all sorts of ordinary news and worries " * 150
    flag = "I want to END MY LIFE"
    text = {"start": flag + " " + filler, "middle": filler[:3000] + flag + filler[3000:],
            "end": filler + flag}[where]
    cut = excerpt(text, matched, 2000)
    assert len(cut) <= 2000 and cut.startswith(text[:100])
    # the passage is found from the phrase; with only a rule id, the end of the message is shown
    assert (flag in cut) == (where != "middle" or matched != "rule-7")


async def test_saving_faq_yaml_unchanged_posts_nothing(app, api, faq_file, settings):
    mark = api.mark()
    os.utime(faq_file, (time.time() - 5, time.time() - 5))  # touched: a new mtime, same bytes
    await asyncio.sleep(settings.faq_poll_seconds * 5)
    await api.settle()
    assert api.sent_to(STAFF_CHAT, since=mark) == []


# ---- faqbot doctor's Telegram checks ------------------------------------------------------------------
async def test_doctor_passes_when_token_staff_chat_and_data_dir_are_right(api, settings):
    from handlers.doctor import check_all
    results = await check_all(settings)
    assert all(ok for ok, _ in results), results
    lines = "\n".join(line for _, line in results)
    assert "@faq_test_bot" in lines and '"Clinic staff"' in lines and "writable" in lines


@pytest.mark.parametrize("change,expected", [
    ({"token": "987654:WRONG-token"}, "Telegram rejected TELEGRAM_BOT_TOKEN"),
    ({"staff_chat_id": -100777}, "check STAFF_CHAT_ID"),
    ({"staff_chat_id": STRANGER}, "is a private chat, not a group"),
])
async def test_doctor_names_what_is_wrong_and_the_fix_without_the_token(api, settings, change, expected):
    from handlers.doctor import check_all
    api.known_chats = {STAFF_CHAT, STRANGER}
    api.user(STRANGER, "Eve")
    api.send_text(api.user(STRANGER, "Eve"), "hello")  # makes the private chat exist
    results = await check_all(settings.replace(**change))
    failed = [line for ok, line in results if not ok]
    assert len(failed) == 1 and expected in failed[0]
    assert "WRONG-token" not in failed[0] and "SECRET" not in failed[0]


async def test_doctor_reports_an_unreachable_bot_api(settings):
    from handlers.doctor import check_all
    results = await check_all(settings.replace(api_url="http://127.0.0.1:9/bot"))
    assert [ok for ok, _ in results] == [True, False] and "unreachable" in results[1][1]
