"""Patients driving the real bot over HTTP against the fake Telegram Bot API.

Expected replies are computed with the same core (``Assistant.decide``) from the real faq.yaml,
so these tests prove the Telegram side (routing, buttons, alerts, storage) whatever the matcher's
exact scores; which texts are used is chosen from the FAQ at run time.
"""
from __future__ import annotations

import asyncio

import pytest

from bot.pipeline import ANSWER, ESCALATE, FALLBACK, SUGGEST
from bot.store import Store
from bot.triage import EMERGENCY, PROVIDER
from conftest import OTHER_GROUP, STAFF_CHAT, STAFF_MEMBER
from fakebotapi import parse_html
from handlers.common import MAX_CALLBACK_DATA, faq_ref, resolve_faq_ref, split_text, tg_len

PATIENT = 1001

EMERGENCY_TEXTS = ["I want to kill myself tonight", "i'm going to kill myself", "I am thinking about suicide"]
PROVIDER_TEXTS = ["there is blood in my pee since the session", "I have blood in my urine",
                  "it burns when I pee and there is blood in my urine"]
OUT_OF_SCOPE = ["How much does parking cost near the clinic on weekends?",
                "Do you validate parking tickets for the garage?",
                "is there a vending machine in the lobby", "what time does the pharmacy close"]


def pick(assistant, kind, texts, tier=None):
    for t in texts:
        d = assistant.decide(t)
        if d.kind == kind and (tier is None or (d.escalation and d.escalation.tier == tier)):
            return t, d
    raise AssertionError(f"none of {texts!r} is decided as {kind} {tier or ''} by the core")


def answerable(assistant):
    """An entry whose own question the core answers with that entry (true of any usable FAQ)."""
    for e in assistant.faq.entries:
        d = assistant.decide(e.question)
        if d.kind == ANSWER and d.faq_id == e.id:
            return e, d
    raise AssertionError("the core answers none of the FAQ's own questions")


def suggestible(assistant):
    """A vague message the core answers with "did you mean" (topic words, question fragments)."""
    faq = assistant.faq
    texts = [w for t in faq.topics() for w in t.lower().split() if len(w) > 3]
    texts += [" ".join(e.question.split()[-2:]) for e in faq.entries]
    texts += [" ".join(e.question.split()[:3]) for e in faq.entries]
    texts += [f"{a.question.split()[-1]} {b.question.split()[-1]}" for a, b in zip(faq.entries, faq.entries[1:])]
    for t in texts:
        d = assistant.decide(t)
        if d.kind == SUGGEST and len(d.suggestions) >= 2:
            return t, d
    raise AssertionError("no vague message gives a suggestion")


async def say(api, user, text, **kw):
    mark = api.mark()
    api.send_text(user, text, **kw)
    return await api.wait_for(lambda c: c.chat_id == user.id, since=mark)


async def test_start_welcomes_with_crisis_line_and_privacy_note(app, api, assistant):
    ann = api.user(PATIENT, "Ann", username="ann")
    mark = api.mark()
    api.send_command(ann, "/start")
    call = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    welcome = assistant.faq.render(assistant.faq.texts.welcome)
    assert call.plain_text == welcome
    assert assistant.faq.clinic.crisis_line in call.plain_text
    assert "privacy" in call.plain_text.lower()


async def test_with_the_rate_limiter_on_questions_and_alerts_still_flow(start_bot, api, settings, assistant):
    app = await start_bot(settings.replace(rate_limit=True))
    assert app.bot.rate_limiter is not None
    entry, _ = answerable(assistant)
    flag, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    call = await say(api, api.user(PATIENT, "Ann"), entry.question)
    assert call.plain_text.startswith(entry.answer)
    mark = api.mark()
    api.send_text(api.user(PATIENT + 1, "Ben"), flag)
    assert flag in (await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)).plain_text


async def test_answered_question_gets_answer_feedback_and_follow_up_buttons(app, api, assistant, settings):
    entry, decision = answerable(assistant)
    call = await say(api, api.user(PATIENT, "Ann"), entry.question)
    assert call.plain_text.startswith(entry.answer)
    ref = faq_ref(entry.id)
    assert f"fb:up:{ref}" in call.callback_data and f"fb:dn:{ref}" in call.callback_data
    for fid, _ in decision.follow_ups:
        assert f"faq:{faq_ref(fid)}" in call.callback_data
    await api.settle()
    with Store(settings.db_path) as store:
        assert store.stats(0).answered == 1


@pytest.mark.parametrize("vote,helpful", [("up", True), ("dn", False)])
async def test_feedback_button_is_recorded_once_and_removed(app, api, assistant, settings, vote, helpful):
    ann = api.user(PATIENT, "Ann")
    entry, _ = answerable(assistant)
    answer = await say(api, ann, entry.question)
    mark = api.mark()
    api.press_button(ann, answer, f"fb:{vote}:{faq_ref(entry.id)}")
    edit = await api.wait_for(lambda c: c.method == "editMessageReplyMarkup", since=mark)
    assert not any(d.startswith("fb:") for d in edit.callback_data)
    if not helpful:  # "Not helpful" offers a person
        offer = await api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == PATIENT, since=mark)
        assert "help:clinic" in offer.callback_data
    await api.settle()
    with Store(settings.db_path) as store:
        s = store.stats(0)
        assert (s.helpful, s.not_helpful) == ((1, 0) if helpful else (0, 1))


async def test_not_helpful_then_talk_to_the_clinic_alerts_staff_at_provider_tier(app, api, assistant):
    ann = api.user(PATIENT, "Ann", username="ann")
    entry, _ = answerable(assistant)
    answer = await say(api, ann, entry.question)
    mark = api.mark()
    api.press_button(ann, answer, f"fb:dn:{faq_ref(entry.id)}")
    offer = await api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == PATIENT, since=mark)
    mark = api.mark()
    api.press_button(ann, offer, "help:clinic")
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    assert "PROVIDER" in alert.plain_text and "patient-request" in alert.plain_text
    reply = await api.wait_for(lambda c: c.chat_id == PATIENT and c.method == "sendMessage", since=mark)
    assert reply.plain_text == assistant.request_help(PROVIDER).reply


async def test_suggestion_tapped_gets_that_answer(app, api, assistant):
    ann = api.user(PATIENT, "Ann")
    text, decision = suggestible(assistant)
    call = await say(api, ann, text)
    assert call.plain_text == decision.reply
    fid, _ = decision.suggestions[1]
    mark = api.mark()
    api.press_button(ann, call, f"faq:{faq_ref(fid)}")
    answer = await api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == PATIENT, since=mark)
    assert answer.plain_text.startswith(assistant.faq.get(fid).answer)


async def test_fallback_gives_clinic_contact_and_keeps_the_question_for_staff(app, api, assistant, settings):
    text, decision = pick(assistant, FALLBACK, OUT_OF_SCOPE)
    call = await say(api, api.user(PATIENT, "Ann"), text)
    assert call.plain_text == decision.reply
    assert "help:clinic" in call.callback_data
    await api.settle()
    with Store(settings.db_path) as store:
        assert [u.text for u in store.unanswered(0)] == [text]


async def test_topics_browse_topic_then_question_then_answer(app, api, assistant):
    ann = api.user(PATIENT, "Ann")
    mark = api.mark()
    api.send_command(ann, "/topics")
    menu = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    topics = assistant.faq.topics()
    assert len(menu.callback_data) == len(topics)
    mark = api.mark()
    api.press_button(ann, menu, menu.callback_data[-1])
    listing = await api.wait_for(lambda c: c.method == "editMessageText", since=mark)
    last_topic = list(topics)[-1]
    assert listing.plain_text.startswith(last_topic)
    first = topics[last_topic][0]
    mark = api.mark()
    api.press_button(ann, (PATIENT, listing.message_id), f"faq:{faq_ref(first.id)}")
    answer = await api.wait_for(lambda c: c.method == "sendMessage", since=mark)
    assert answer.plain_text.startswith(first.answer)


async def test_help_offers_both_ways_to_reach_a_person(app, api):
    mark = api.mark()
    api.send_command(api.user(PATIENT, "Ann"), "/help")
    call = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    assert {"help:now", "help:clinic"} <= set(call.callback_data)


# ---- escalation ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("tier,texts", [(EMERGENCY, EMERGENCY_TEXTS), (PROVIDER, PROVIDER_TEXTS)])
async def test_red_flag_replies_at_once_and_alerts_staff_who_take_and_resolve_it(
        app, api, assistant, settings, tier, texts):
    ann = api.user(PATIENT, "Ann <&> O'Neil", username="ann_o")
    text, decision = pick(assistant, ESCALATE, texts, tier)
    earlier = ["hello there", "my session was on <Monday> & it went ok"]
    for t in earlier:
        await say(api, ann, t)
    mark = api.mark()
    api.send_text(ann, text)
    reply = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    assert reply.plain_text == decision.reply
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    shown = alert.plain_text
    for must in (tier.upper(), decision.escalation.category, decision.escalation.matched, "Ann <&> O'Neil",
                 "@ann_o", text, *earlier, decision.reply[:60], "UTC"):
        assert must in shown, must
    assert f"tg://user?id={PATIENT}" in alert.text
    assert alert.callback_data == [c for c in alert.callback_data if c.startswith(("ack:", "res:"))]
    alert_id = int(alert.callback_data[0].split(":")[1])

    bob = api.user(STAFF_MEMBER, "Bob")
    mark = api.mark()
    api.press_button(bob, alert, f"ack:{alert_id}", )
    taken = await api.wait_for(lambda c: c.method == "editMessageText", since=mark)
    assert "Bob is on it" in taken.plain_text and f"res:{alert_id}" in taken.callback_data
    mark = api.mark()
    api.press_button(bob, (STAFF_CHAT, alert.message_id), f"res:{alert_id}")
    done = await api.wait_for(lambda c: c.method == "editMessageText", since=mark)
    assert "Resolved by Bob" in done.plain_text and not done.callback_data
    await api.settle()
    with Store(settings.db_path) as store:
        a = store.alert(alert_id)
        assert (a.status, a.acked_by, a.resolved_by, a.delivered) == ("resolved", "Bob", "Bob", True)
        assert [x.action for x in store.actions(alert_id)] == ["delivered", "acknowledged", "resolved"]
        assert store.stats(0).escalations == {tier: 1}
    assert len(api.sent_to(STAFF_CHAT)) == 1  # exactly one alert


@pytest.mark.parametrize("button,tier", [("help:now", EMERGENCY), ("help:clinic", PROVIDER)])
async def test_help_buttons_let_a_patient_ask_for_a_person(app, api, assistant, button, tier):
    ann = api.user(PATIENT, "Ann")
    mark = api.mark()
    api.send_command(ann, "/help")
    menu = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    mark = api.mark()
    api.press_button(ann, menu, button)
    reply = await api.wait_for(lambda c: c.chat_id == PATIENT and c.method == "sendMessage", since=mark)
    assert reply.plain_text == assistant.request_help(tier).reply
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    assert tier.upper() in alert.plain_text
    if tier == EMERGENCY:
        assert assistant.faq.clinic.crisis_line in reply.plain_text


async def test_unacknowledged_emergency_alert_is_repeated(start_bot, api, settings, assistant):
    await start_bot(settings.replace(alert_repeat_minutes=0.2 / 60))
    text, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), text)
    await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    repeat = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT and "REPEAT" in (c.plain_text or ""),
                                since=mark, timeout=10)
    assert text in repeat.plain_text and repeat.callback_data[0].startswith("ack:")
    first = api.sent_to(STAFF_CHAT, since=mark)[0]
    mark = api.mark()
    api.press_button(api.user(STAFF_MEMBER, "Bob"), repeat, repeat.callback_data[0])
    await api.wait_until(lambda: "Bob is on it" in (api.messages_to(STAFF_CHAT)[0].get("text") or ""),
                         what="the original alert updated too")
    assert first.message_id == api.messages_to(STAFF_CHAT)[0]["message_id"]


async def test_alert_reaches_staff_after_the_staff_chat_failed_several_times(app, api, assistant, settings):
    text, decision = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    api.fail("sendMessage", chat_id=STAFF_CHAT, times=2, status=500)
    api.fail_network(times=1, method="sendMessage", chat_id=STAFF_CHAT)
    api.fail("sendMessage", chat_id=STAFF_CHAT, times=1, status=429, retry_after=1)
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), text)
    reply = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    assert reply.plain_text == decision.reply  # the patient is not kept waiting by the outage
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark, timeout=10)
    assert text in alert.plain_text
    await api.settle()
    assert len(api.sent_to(STAFF_CHAT, since=mark)) == 1
    with Store(settings.db_path) as store:
        assert store.alert(1).delivered and store.alert(1).attempts == 5


async def test_red_flag_reaches_staff_even_when_the_database_refuses_writes(app, api, assistant):
    text, decision = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    app.bot_data["deps"].store.db.execute("PRAGMA query_only = ON")  # a real SQLite write failure
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), text)
    reply = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    assert reply.plain_text == decision.reply
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    assert text in alert.plain_text and not alert.callback_data
    app.bot_data["deps"].store.db.execute("PRAGMA query_only = OFF")


async def test_alert_telegram_refuses_to_parse_is_sent_unformatted_rather_than_stuck(app, api, assistant):
    text, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    api.fail("sendMessage", chat_id=STAFF_CHAT, times=1, status=400,
             description="Bad Request: can't parse entities: unsupported start tag")
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), text)
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    assert alert.parse_mode is None and text in alert.plain_text and alert.callback_data


async def test_pending_alert_is_sent_after_a_restart(start_bot, api, assistant, settings):
    text, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    outage = api.fail("sendMessage", chat_id=STAFF_CHAT, times=None, status=502)
    await start_bot(settings)
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), text)
    await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    await api.wait_until(lambda: outage.hits >= 1, what="a delivery attempt")
    await start_bot.stack.aclose()  # the bot stops with the alert undelivered
    with Store(settings.db_path) as store:
        assert store.pending_summary()[0] == 1
    outage.clear()
    mark = api.mark()
    await start_bot(settings)
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    assert text in alert.plain_text


async def test_patient_reply_is_retried_after_transient_errors(app, api, assistant):
    entry, _ = answerable(assistant)
    api.fail("sendMessage", chat_id=PATIENT, times=2, status=502)
    call = await say(api, api.user(PATIENT, "Ann"), entry.question)
    assert call.plain_text.startswith(entry.answer)


async def test_flooding_patient_gets_short_replies_but_a_red_flag_still_alerts(start_bot, api, assistant, settings):
    await start_bot(settings.replace(flood_burst=2, flood_per_minute=0.001))
    ann = api.user(PATIENT, "Ann")
    entry, _ = answerable(assistant)
    text, decision = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    mark = api.mark()
    for _ in range(5):
        api.send_text(ann, entry.question)
    api.send_text(ann, text)
    await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    await api.settle()
    replies = [c.plain_text for c in api.sent_to(PATIENT, since=mark)]
    assert len(replies) == 6  # one reply per message, in order
    assert [r.startswith(entry.answer) for r in replies[:2]] == [True, True]
    assert all("faster than I can answer" in r for r in replies[2:5])
    assert replies[5] == decision.reply


async def test_many_patients_at_once_each_get_exactly_one_reply_in_order(app, api, assistant):
    entries = [e for e in assistant.faq.entries if assistant.decide(e.question).faq_id == e.id][:5]
    users = [api.user(2000 + i, f"P{i}") for i in range(40)]
    mark = api.mark()
    for i in range(len(entries)):
        for u in users:
            api.send_text(u, entries[i].question)
    await api.settle(timeout=30)
    for u in users:
        got = [c.plain_text for c in api.sent_to(u.id, since=mark)]
        assert len(got) == len(entries)
        assert all(g.startswith(e.answer) for g, e in zip(got, entries)), "replies out of order"


# ---- bad input ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("send", ["send_photo", "send_voice", "send_sticker", "send_document", "send_location"])
async def test_non_text_message_gets_the_text_only_reply(app, api, assistant, send):
    mark = api.mark()
    getattr(api, send)(api.user(PATIENT, "Ann"))
    call = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    assert call.plain_text == assistant.faq.render(assistant.faq.texts.not_text)


async def test_photo_whose_caption_is_a_red_flag_alerts_staff(app, api, assistant):
    text, decision = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    mark = api.mark()
    api.send_photo(api.user(PATIENT, "Ann"), caption=text)
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    assert text in alert.plain_text
    reply = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    assert reply.plain_text == decision.reply


async def test_edited_message_that_adds_a_red_flag_alerts_staff(app, api, assistant):
    text, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    ann = api.user(PATIENT, "Ann")
    first = api.send_text(ann, "hello")
    await api.settle()
    mark = api.mark()
    api.edit_text(ann, first, text)
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    assert text in alert.plain_text


@pytest.mark.parametrize("text", ["😀😀😀", "👍", "?!...", "🙏 🙏"])
async def test_emoji_or_symbols_only_get_one_clear_reply(app, api, assistant, settings, text):
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), text)
    await api.settle()
    replies = api.sent_to(PATIENT, since=mark)
    assert [c.plain_text for c in replies] == [assistant.decide(text).reply]
    with Store(settings.db_path) as store:
        assert store.unanswered(0) == []


async def test_5000_character_message_gets_one_reply(app, api, assistant):
    text = ("I have a long question about my sessions and memory <b>&amp; more</b>. " * 80)[:5000]
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), text)
    await api.settle()
    replies = api.sent_to(PATIENT, since=mark)
    assert len(replies) == 1 and replies[0].plain_text.startswith(assistant.decide(text).reply[:100])


async def test_5000_character_message_ending_in_a_red_flag_alerts_with_a_message_that_fits(app, api, assistant):
    flag, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    text = ("so much has been going on <&> lately. " * 200)[: 5000 - len(flag) - 1] + " " + flag
    assert assistant.decide(text).kind == ESCALATE
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), text)
    alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    assert "shortened: 5000 characters" in alert.plain_text and tg_len(alert.text) <= 4096
    assert flag in alert.plain_text  # the passage with the red flag is shown, not only the start


async def test_messages_in_other_groups_are_ignored(app, api, assistant):
    ann = api.user(PATIENT, "Ann")
    entry, _ = answerable(assistant)
    flag, _ = pick(assistant, ESCALATE, EMERGENCY_TEXTS, EMERGENCY)
    mark = api.mark()
    api.send_command(ann, "/start", chat=OTHER_GROUP)
    api.send_text(ann, entry.question, chat=OTHER_GROUP)
    api.send_text(ann, flag, chat=OTHER_GROUP)
    api.send_photo(ann, chat=OTHER_GROUP)
    await api.settle()
    assert api.sent[mark:] == []


async def test_a_forged_or_stale_button_changes_nothing(app, api, settings):
    ann = api.user(PATIENT, "Ann")
    mark = api.mark()
    api.send_command(ann, "/help")
    menu = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    mark = api.mark()
    for data in ("faq:no-such-entry", "ack:1", "res:1", "junk"):
        api.press_button(ann, menu, data, check=False)
    await api.settle()
    assert {c.method for c in api.sent[mark:]} <= {"answerCallbackQuery", "sendMessage"}
    assert not api.sent_to(STAFF_CHAT, since=mark)


# ---- pieces -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["a" * 5000, "<&>" * 3000, "word " * 2000, "para\n\n" * 1500,
                                  "😀" * 5000, "x", "short <b>"])
def test_split_text_pieces_fit_one_message_and_lose_nothing(text):
    from handlers.common import esc
    pieces = split_text(text)
    assert all(0 < tg_len(esc(p)) <= 4096 for p in pieces)
    assert "".join(pieces).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
    for p in pieces:
        parse_html(esc(p))  # escaped pieces are valid Telegram HTML


@pytest.mark.parametrize("entry_id", ["memory-why-gaps", "x" * 58, "y" * 59, "z" * 300, "#odd"])
def test_faq_references_fit_callback_data_and_resolve_back(entry_id):
    from bot.faq import Entry, Faq
    faq = Faq((Entry(entry_id, "q?", "a."), Entry("other", "q2?", "b.")))
    ref = faq_ref(entry_id)
    for prefix in ("faq:", "fb:up:", "fb:dn:"):
        assert len((prefix + ref).encode()) <= MAX_CALLBACK_DATA
    assert resolve_faq_ref(faq, ref) == entry_id


@pytest.mark.parametrize("text", ["/start I want to kill myself tonight", "/help i'm going to kill myself",
                                  "/topics<kill myself", "/stats I want to kill myself tonight",
                                  "/whatever I want to kill myself tonight", "/kms"])
async def test_red_flag_typed_after_a_command_still_alerts_staff(app, api, assistant, text):
    """Hypothesis found '/start<kill myself' bypassing triage: commands are messages too.  An
    unknown command's own word ("/kms") is the patient's, so it is read as well."""
    d = assistant.decide(text)
    assert d.kind == ESCALATE
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), text)
    await api.wait_for(lambda c: c.chat_id == STAFF_CHAT, since=mark)
    reply = await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    assert reply.plain_text == d.reply
    await api.settle()
    assert len(api.sent_to(PATIENT, since=mark)) == 1


@pytest.mark.parametrize("text", ["/start", "/help", "/topics", "/help@faqbot"])
async def test_plain_commands_raise_no_alert(app, api, text):
    """The command word is the bot's, not the patient's: a message that is only "help" is a cry
    for help to the lexicon, "/help" is not."""
    mark = api.mark()
    api.send_text(api.user(PATIENT, "Ann"), text)
    await api.wait_for(lambda c: c.chat_id == PATIENT, since=mark)
    await api.settle()
    assert not api.sent_to(STAFF_CHAT, since=mark)
