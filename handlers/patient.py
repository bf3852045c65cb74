"""Patients in private chats: /start, /help, /topics, questions, buttons and non-text messages.

Every message goes through ``Assistant.decide`` (triage first); these handlers only turn the
decision into Telegram messages and buttons and record what happened.
"""
from __future__ import annotations

import logging

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes

from bot.pipeline import ANSWER, ESCALATE, FALLBACK, SUGGEST, Decision
from bot.triage import EMERGENCY, PROVIDER

from .alerts import raise_alert, send_unstored_alert
from .common import (Deps, answer_query, button, esc, faq_ref, get_deps, keyboard, resolve_faq_ref,
                     send_html, send_text, topic_ref)

log = logging.getLogger(__name__)

FAQ_PATTERN = r"^faq:(.{1,60})$"
FEEDBACK_PATTERN = r"^fb:(up|dn):(.{1,58})$"
TOPIC_PATTERN = r"^top:(all|[0-9a-f]{10})$"
HELP_PATTERN = r"^help:(now|clinic)$"

HELP_TEXT = (
    "I answer common questions about ketamine sessions, memory and recall, and safety, "
    "from answers written by the {clinic_name} team.\n\n"
    "• Type your question in your own words.\n"
    "• /topics lets you browse all questions.\n"
    "• If you want a person, tap a button below: \"I need help now\" alerts the team as an emergency, "
    "\"Talk to the clinic\" asks them to contact you.\n\n"
    "In an emergency call {emergency_number}, or call or text {crisis_line}.\n"
    "Contact: {contact}"
)
FLOOD_TEXT = ("You're sending messages faster than I can answer. Please wait a moment, then send "
              "your question again. If this is urgent, call {emergency_number} or call or text {crisis_line}.")
ERROR_TEXT = ("Sorry, something went wrong on my side. Please try again in a moment. If this is urgent, "
              "call {emergency_number} or call or text {crisis_line}, or contact {contact}.")


def record(write, *args, **kwargs) -> None:
    """Counters and feedback are worth less than the reply: a store failure never blocks it."""
    try:
        write(*args, **kwargs)
    except Exception:
        log.exception("store write %s failed", getattr(write, "__name__", write))


def _render(deps: Deps, template: str) -> str:
    return deps.faq.render(template)


def help_keyboard():
    return keyboard([[button("🆘 I need help now", "help:now")],
                     [button("💬 Talk to the clinic", "help:clinic")],
                     [button("📚 Browse topics", "top:all")]])


def answer_keyboard(decision: Decision):
    ref = faq_ref(decision.faq_id)
    rows = [[button("👍 Helpful", f"fb:up:{ref}"), button("👎 Not helpful", f"fb:dn:{ref}")]]
    rows += [[button(f"➡️ {q}", f"faq:{faq_ref(i)}")] for i, q in decision.follow_ups]
    return keyboard(rows)


def suggest_keyboard(decision: Decision):
    rows = [[button(q, f"faq:{faq_ref(i)}")] for i, q in decision.suggestions]
    rows.append([button("📚 Browse topics", "top:all"), button("💬 Talk to the clinic", "help:clinic")])
    return keyboard(rows)


def fallback_keyboard():
    return keyboard([[button("📚 Browse topics", "top:all"), button("💬 Talk to the clinic", "help:clinic")]])


def answer_text(decision: Decision) -> str:
    return decision.reply + "\n\nDid this help?"


# ---- commands ---------------------------------------------------------------------------------------
# The patient commands: their own word is the bot's ("/help" alone is not a cry for help); any
# other command word is the patient's own ("/kms"), so it is read with the rest.
PATIENT_COMMANDS = ("start", "help", "topics")


def patient_words(message: Message) -> str:
    """What triage reads of a message: its text or caption, without a patient command's word."""
    text = message.text or ""
    if not text:
        return message.caption or ""
    for entity, word in message.parse_entities([MessageEntity.BOT_COMMAND]).items():
        if entity.offset == 0 and word[1:].split("@", 1)[0].lower() in PATIENT_COMMANDS:
            return text[len(word):]
    return text


async def escalated_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A red flag typed after a command ("/start I want to die") is still a red flag: triage the
    message first, and when it escalates, the escalation reply replaces the command's.  An edited
    command comes here too, whatever its word."""
    deps = get_deps(context)
    text = update.effective_message.text or ""
    decision = deps.assistant.decide(patient_words(update.effective_message))
    if decision.kind != ESCALATE:
        return False
    try:
        await escalate(deps, context, update, decision, text, source="command")
    finally:
        deps.recent.add(update.effective_chat.id, text)
    return True


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await escalated_command(update, context):
        return
    deps = get_deps(context)
    await send_text(context.bot, update.effective_chat.id, _render(deps, deps.faq.texts.welcome),
                    settings=deps.settings, reply_markup=keyboard([[button("📚 Browse topics", "top:all")]]))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await escalated_command(update, context):
        return
    deps = get_deps(context)
    await send_text(context.bot, update.effective_chat.id, _render(deps, HELP_TEXT), settings=deps.settings,
                    reply_markup=help_keyboard())


def topics_markup(deps: Deps):
    return keyboard([[button(f"{t} ({len(es)})", f"top:{topic_ref(t)}")] for t, es in deps.faq.topics().items()])


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await escalated_command(update, context):
        return
    deps = get_deps(context)
    await send_html(context.bot, update.effective_chat.id, "<b>Topics</b>\nPick a topic to see its questions.",
                    settings=deps.settings, reply_markup=topics_markup(deps))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Also what a non-staff user gets for a staff command: no hint that it exists.  An edited
    command is only triaged, as every edit is (on_edited_text)."""
    if await escalated_command(update, context) or update.edited_message is not None:
        return
    deps = get_deps(context)
    await send_html(context.bot, update.effective_chat.id,
                    "I don't know that command. Type your question, or use /topics or /help.",
                    settings=deps.settings)


# ---- messages ---------------------------------------------------------------------------------------
def alert_on_receipt(deps: Deps, update: object) -> None:
    """Store a patient's red flag the moment its update arrives, before it waits for its chat's
    turn: Telegram counts an update delivered once the bot has fetched it, so a crash while it
    waits behind a slow reply would otherwise lose it.  ``escalate`` then finds it stored.  A
    command is read as its handler reads it (patient_words)."""
    if not isinstance(update, Update):
        return
    message, chat = update.message or update.edited_message, update.effective_chat
    if message is None or chat is None or chat.type != "private":
        return
    text = message.text or message.caption or ""
    words = patient_words(message)
    if not words.strip() or deps.assistant.red_flag(words) is None:
        return
    decision = deps.assistant.decide(words)
    if decision.kind != ESCALATE:
        return
    try:
        alert = raise_alert(deps, decision, update.effective_user, chat.id, text, deps.recent.get(chat.id))
    except Exception:  # the handler tries again, and sends it straight to staff if that fails too
        log.exception("alert for chat %s not stored on receipt", chat.id)
        return
    deps.stored_on_receipt[update.update_id] = alert.id


def receipt_done(deps: Deps, update: object) -> None:
    if isinstance(update, Update):
        deps.stored_on_receipt.pop(update.update_id, None)


async def escalate(deps: Deps, context, update: Update, decision: Decision, text: str,
                   source: str = "message") -> None:
    """Outbox first, then the patient's reply: the alert survives even if the reply cannot be sent."""
    chat_id = update.effective_chat.id
    recent = deps.recent.get(chat_id)
    stored = deps.stored_on_receipt.pop(update.update_id, None) is not None
    if not stored:
        try:
            raise_alert(deps, decision, update.effective_user, chat_id, text, recent)
            stored = True
        except Exception:
            log.critical("alert for chat %s NOT STORED", chat_id, exc_info=True)
    await send_text(context.bot, chat_id, decision.reply, settings=deps.settings, what="escalation reply")
    if not stored:
        await send_unstored_alert(deps, context.bot, decision, update.effective_user, chat_id, text, recent)
    record(deps.store.record_event, ESCALATE, source=source, tier=decision.escalation.tier,
           category=decision.escalation.category)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    message = update.effective_message
    chat_id = update.effective_chat.id
    text = message.text or ""
    try:
        decision = deps.assistant.decide(text)
    except Exception:
        log.exception("decide failed (chat %s); sending the safe error reply", chat_id)
        await send_text(context.bot, chat_id, _render(deps, ERROR_TEXT), settings=deps.settings)
        return
    try:
        await reply_to_decision(deps, context, update, decision, text)
    finally:
        deps.recent.add(chat_id, text)


async def reply_to_decision(deps: Deps, context, update: Update, decision: Decision, text: str,
                            source: str = "message") -> None:
    chat_id = update.effective_chat.id
    user = update.effective_user
    if decision.kind == ESCALATE:  # never throttled: a red flag always reaches staff
        await escalate(deps, context, update, decision, text)
        return
    if user is not None and not deps.flood.allow(user.id):
        record(deps.store.record_event, "flood", source=source)
        log.info("flood: short reply to chat %s", chat_id)
        await send_text(context.bot, chat_id, _render(deps, FLOOD_TEXT), settings=deps.settings)
        return
    if decision.kind == ANSWER:
        record(deps.store.record_event, ANSWER, source=source, faq_id=decision.faq_id, score=decision.score)
        await send_text(context.bot, chat_id, answer_text(decision), settings=deps.settings,
                        reply_markup=answer_keyboard(decision))
    elif decision.kind == SUGGEST:
        record(deps.store.record_event, SUGGEST, source=source, score=decision.score)
        await send_text(context.bot, chat_id, decision.reply, settings=deps.settings,
                        reply_markup=suggest_keyboard(decision))
    else:
        nearest = decision.candidates[0] if decision.candidates else None
        kind = FALLBACK if decision.unanswered else "not_text"
        record(deps.store.record_event, kind, source=source, faq_id=nearest.id if nearest else None,
               score=decision.score)
        if decision.unanswered:
            record(deps.store.add_unanswered, text, nearest.id if nearest else None,
                   nearest.score if nearest else None)
        await send_text(context.bot, chat_id, decision.reply, settings=deps.settings,
                        reply_markup=fallback_keyboard() if decision.unanswered else None)


async def on_edited_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edit can add a red flag, to a message's text or to a photo's or file's caption: triage
    it; anything else about edits is ignored."""
    deps = get_deps(context)
    message = update.effective_message
    text = message.text or message.caption or ""
    decision = deps.assistant.decide(text)
    if decision.kind == ESCALATE:
        await escalate(deps, context, update, decision, text, source="edit")


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, voice notes, stickers, documents, locations, video: a caption is still triaged."""
    deps = get_deps(context)
    message = update.effective_message
    caption = message.caption or ""
    if caption:
        decision = deps.assistant.decide(caption)
        if decision.kind == ESCALATE:
            await escalate(deps, context, update, decision, caption, source="media")
            deps.recent.add(update.effective_chat.id, caption)
            return
    record(deps.store.record_event, "not_text", source="media")
    await send_text(context.bot, update.effective_chat.id, _render(deps, deps.faq.texts.not_text),
                    settings=deps.settings)


# ---- buttons ----------------------------------------------------------------------------------------
async def on_faq_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await answer_query(query)
    deps = get_deps(context)
    faq_id = resolve_faq_ref(deps.faq, context.match.group(1))
    decision = deps.assistant.answer_for(faq_id) if faq_id else None
    if decision is None:  # the entry was removed by a FAQ edit since the button was sent
        await send_text(context.bot, update.effective_chat.id,
                        "That question is no longer in my list. Please type your question, or use /topics.",
                        settings=deps.settings)
        return
    record(deps.store.record_event, "picked", source="button", faq_id=decision.faq_id, score=decision.score)
    await send_text(context.bot, update.effective_chat.id, answer_text(decision), settings=deps.settings,
                    reply_markup=answer_keyboard(decision))


async def on_feedback_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    helpful = context.match.group(1) == "up"
    await answer_query(query, "Thank you for the feedback." if helpful else None)
    deps = get_deps(context)
    ref = context.match.group(2)
    faq_id = resolve_faq_ref(deps.faq, ref) or (None if ref.startswith("#") else ref)
    if faq_id:
        record(deps.store.record_feedback, faq_id, helpful)
    log.info("feedback helpful=%s faq_id=%s", helpful, faq_id)
    # drop the feedback row so one answer gets one vote; keep the follow-up buttons
    markup = query.message.reply_markup if query.message else None
    if markup is not None:
        rows = [r for r in markup.inline_keyboard
                if not any((b.callback_data or "").startswith("fb:") for b in r)]
        try:
            await query.edit_message_reply_markup(reply_markup=keyboard(rows))
        except Exception as exc:  # not essential: the vote is recorded
            log.info("feedback buttons not removed: %s", type(exc).__name__)
    if not helpful:
        await send_text(context.bot, update.effective_chat.id,
                        "Sorry that didn't help. You can browse the topics, or ask the clinic team to "
                        "contact you.", settings=deps.settings, reply_markup=fallback_keyboard())


async def on_topic_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await answer_query(query)
    deps = get_deps(context)
    ref = context.match.group(1)
    if ref == "all":
        text, markup = "<b>Topics</b>\nPick a topic to see its questions.", topics_markup(deps)
    else:
        entries = next((es for t, es in deps.faq.topics().items() if topic_ref(t) == ref), None)
        if entries is None:
            text, markup = "That topic is no longer available. Here are the current ones.", topics_markup(deps)
        else:
            text = f"<b>{esc(entries[0].topic)}</b>\nPick a question."
            markup = keyboard([[button(e.question, f"faq:{faq_ref(e.id)}")] for e in entries]
                              + [[button("« All topics", "top:all")]])
    try:
        await query.edit_message_text(text=text, reply_markup=markup)
    except Exception as exc:  # e.g. the message is too old to edit: send a new one instead
        log.info("topic message not edited (%s); sending a new one", type(exc).__name__)
        await send_html(context.bot, update.effective_chat.id, text, settings=deps.settings, reply_markup=markup)


async def on_help_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The patient asked for a person: no triage needed, the request itself is the signal."""
    query = update.callback_query
    await answer_query(query)
    deps = get_deps(context)
    tier = EMERGENCY if context.match.group(1) == "now" else PROVIDER
    label = "[tapped 'I need help now']" if tier == EMERGENCY else "[tapped 'Talk to the clinic']"
    decision = deps.assistant.request_help(tier, label)
    await escalate(deps, context, update, decision, label, source="button")
