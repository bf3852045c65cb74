"""Staff alerts: raising one (outbox first), the message staff see, the sender that delivers the
outbox to the staff chat, repeats of unacknowledged emergencies, and the "I'm on it" / "Resolved"
buttons.
"""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timezone

from telegram import Update, User
from telegram.error import BadRequest, ChatMigrated, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.pipeline import Decision
from bot.store import ACKNOWLEDGED, OPEN, RESOLVED, Alert
from bot.triage import EMERGENCY, LEXICON_VERSION

from .common import (MAX_MESSAGE, Deps, answer_query, button, clip, display_name, esc, get_deps,
                     keyboard, retry_after_seconds, send_staff_html, tg_len)

log = logging.getLogger(__name__)

TIER_BADGE = {"emergency": "🚨 EMERGENCY", "provider": "🟠 PROVIDER"}
ACK_PATTERN = r"^(ack|res):(\d{1,18})$"


def hhmm(ts: float | None) -> str:
    if ts is None:
        return "?"
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _alert_fields(decision: Decision, user: User | None, chat_id: int, text: str,
                  context: tuple[str, ...]) -> dict:
    e = decision.escalation
    return dict(tier=e.tier, category=e.category, matched=e.matched, lexicon_version=LEXICON_VERSION,
                chat_id=chat_id, user_id=user.id if user else None,
                patient_name=user.full_name if user else None, username=user.username if user else None,
                text=text, context=context, reply=decision.reply)


def raise_alert(deps: Deps, decision: Decision, user: User | None, chat_id: int, text: str,
                context: tuple[str, ...] = ()) -> Alert:
    """Write the alert to the outbox (durable) and wake the sender. Nothing is sent here."""
    alert = deps.store.add_alert(**_alert_fields(decision, user, chat_id, text, context))
    log.warning("alert %d raised: tier=%s category=%s chat=%s", alert.id, alert.tier, alert.category, chat_id)
    if deps.outbox is not None:
        deps.outbox.wake()
    return alert


async def send_unstored_alert(deps: Deps, bot, decision: Decision, user: User | None, chat_id: int, text: str,
                              context: tuple[str, ...] = ()) -> None:
    """Last resort when the database refused the alert: send it straight to staff (no buttons,
    no retry after a restart), so the red flag still reaches a person."""
    now = time.time()
    alert = Alert(id=0, created_at=now, purged=False, delivered=False, delivered_at=None, staff_message_id=None,
                  attempts=0, next_attempt=now, last_error=None, status=OPEN, acked_by=None, acked_at=None,
                  resolved_by=None, resolved_at=None, last_sent_at=None, repeats=0,
                  **_alert_fields(decision, user, chat_id, text, tuple(context)))
    sent = await send_staff_html(deps, bot, format_alert(alert), what="unstored alert")
    log.critical("alert for chat %s could not be stored; sent directly to staff: %s", chat_id,
                 "delivered" if sent else "NOT DELIVERED")


# ---- the message staff see -------------------------------------------------------------------------
def status_line(alert: Alert) -> str:
    if alert.status == RESOLVED:
        s = f"✅ Resolved by {esc(alert.resolved_by or '?')} at {hhmm(alert.resolved_at)}"
        if alert.acked_by and alert.acked_at != alert.resolved_at:
            s += f" (taken by {esc(alert.acked_by)} at {hhmm(alert.acked_at)})"
        return s
    if alert.status == ACKNOWLEDGED:
        return f"🟡 {esc(alert.acked_by or '?')} is on it (since {hhmm(alert.acked_at)})"
    return "🔴 Open: nobody has taken this yet"


def format_alert(alert: Alert, *, repeat: bool = False, limit: int = MAX_MESSAGE) -> str:
    """The alert as HTML that always fits one Telegram message, whatever the patient wrote."""
    head = [f"<b>{TIER_BADGE.get(alert.tier, esc(alert.tier.upper()))} alert #{alert.id}</b>"
            + (f" (REPEAT {alert.repeats + 1}: not acknowledged yet)" if repeat else "")]
    head.append(f"Category: <b>{esc(alert.category)}</b> · rule: <code>{esc(alert.matched)}</code>"
                f" · lexicon v{esc(alert.lexicon_version)}")
    if alert.purged:
        who = "(patient details purged after the retention period)"
    else:
        name = esc(alert.patient_name or "unknown")
        who = f'<a href="tg://user?id={alert.user_id}">{name}</a>' if alert.user_id else name
        who += f" @{esc(alert.username)}" if alert.username else " (no @username)"
        if alert.user_id:
            who += f" · id <code>{alert.user_id}</code>"
    head.append(f"Patient: {who}")
    head.append(f"Time: {hhmm(alert.created_at)}")
    tail = [f"\n{status_line(alert)}"]

    if alert.purged or alert.text is None:
        return "\n".join(head + ["\n<i>Message text purged after the retention period.</i>"] + tail)

    context = [f"• {esc(clip(c, 300))}" for c in alert.context]
    reply = esc(clip(alert.reply or "", 600))
    fixed = "\n".join(head + tail) + "\n\n<b>Message:</b>\n<blockquote></blockquote>"
    if context:
        fixed += "\n<b>Previous messages:</b>\n" + "\n".join(context)
    fixed += f"\n<b>Bot replied:</b>\n<blockquote expandable>{reply}</blockquote>"
    room = limit - tg_len(fixed) - 80
    message = esc(alert.text)
    if tg_len(message) > room:
        budget = room
        while True:  # escaping can lengthen text: shrink until the escaped excerpt fits
            cut = excerpt(alert.text, alert.matched, budget)
            if tg_len(esc(cut)) <= room:
                break
            budget -= max(10, tg_len(esc(cut)) - room)
        message = esc(cut) + f"\n<i>[shortened: {len(alert.text)} characters in all]</i>"
    body = ["\n<b>Message:</b>", f"<blockquote>{message}</blockquote>"]
    if context:
        body += ["<b>Previous messages:</b>", *context]
    body += ["<b>Bot replied:</b>", f"<blockquote expandable>{reply}</blockquote>"]
    return "\n".join(head + body + tail)


def excerpt(text: str, needle: str, room: int) -> str:
    """At most ``room`` characters of a long message: its start, and the passage where the red
    flag fired when that lies beyond the start (a crisis is often at the end of a long message)."""
    if len(text) <= room:
        return text
    gap = " […] "
    lower = text.lower()
    # triage reports a phrase, or a rule id with the phrase in quotes: suicide-word: "kill myself"
    phrases = [p for p in [needle, *needle.split('"')[1::2]] if p.strip()]
    hits = [(lower.find(p.lower()), p) for p in phrases]
    at, needle = min(((i, p) for i, p in hits if i >= 0), default=(len(text), ""))
    if at + len(needle) <= room - len(gap):
        return text[: max(0, room - 1)] + "…"
    head = max(0, room // 3)
    window = max(0, room - head - 2 * len(gap))
    start = max(head, at - window // 2)
    end = min(len(text), start + window)
    start = max(head, end - window)
    return text[:head] + gap + text[start:end] + (gap if end < len(text) else "")


def alert_keyboard(alert: Alert):
    if alert.status == RESOLVED:
        return None
    first = "I'm on it" if alert.status == OPEN else f"I'm on it (taken by {alert.acked_by or '?'})"
    return keyboard([[button(first, f"ack:{alert.id}"), button("Resolved", f"res:{alert.id}")]])


# ---- the outbox sender ------------------------------------------------------------------------------
class Outbox:
    """Delivers undelivered alerts to the staff chat, oldest first, forever.

    An alert is marked delivered only after Telegram returned the sent message. Network errors,
    5xx and everything else are retried with exponential backoff (capped), 429 after the time
    Telegram asks for. Stopping leaves whatever is undelivered in the database; the next start
    sends it.
    """

    def __init__(self, bot, deps: Deps):
        """Sends to ``deps.staff_chat_id``, which follows the staff group if it becomes a
        supergroup (Deps.follow_staff_chat)."""
        self.bot, self.deps, self.store, self.settings = bot, deps, deps.store, deps.settings
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._last_error_log = 0.0

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="faqbot-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, seconds))
        except asyncio.TimeoutError:
            pass

    async def _run(self) -> None:
        while True:
            try:
                wait = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:  # the sender must outlive any surprise (a DB hiccup, a bug)
                log.exception("alert outbox: unexpected error; retrying")
                wait = self.settings.outbox_backoff_first
            try:
                self.check_overdue()
            except Exception:  # a failed read here must not end the sender either
                log.exception("alert outbox: could not check for overdue alerts")
            if wait:
                await self._sleep(wait)

    async def step(self, now: float | None = None) -> float:
        """Try the oldest pending alert once; return how long to wait before the next step."""
        alert = self.store.next_pending()
        if alert is None:
            return 30.0  # woken at once by the next raise_alert
        now = time.time() if now is None else now
        if alert.next_attempt > now:
            return alert.next_attempt - now
        try:
            msg = await self._send(alert)
        except ChatMigrated as exc:  # the staff group became a supergroup: follow it (and say so)
            self.deps.follow_staff_chat(exc.new_chat_id)
            return 0.0
        except RetryAfter as exc:
            delay = retry_after_seconds(exc)
            self._failed(alert, exc, delay)
            return delay
        except TelegramError as exc:
            delay = min(self.settings.outbox_backoff_max,
                        self.settings.outbox_backoff_first * (2 ** min(alert.attempts, 20)))
            self._failed(alert, exc, delay)
            return delay
        self.store.mark_delivered(alert.id, msg.message_id)
        log.info("alert %d delivered to the staff chat (message %s, attempt %d)", alert.id, msg.message_id,
                 alert.attempts + 1)
        return 0.0

    async def _send(self, alert: Alert):
        kwargs = dict(chat_id=self.deps.staff_chat_id, text=format_alert(alert),
                      reply_markup=alert_keyboard(alert))
        try:
            return await self.bot.send_message(**kwargs)
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise
            # Telegram refused the formatting: never let that block the outbox; send it unformatted
            log.error("alert %d refused by Telegram (%s); sending it without formatting", alert.id, exc)
            return await self.bot.send_message(**kwargs, parse_mode=None)

    def _failed(self, alert: Alert, exc: Exception, delay: float) -> None:
        self.store.mark_failed(alert.id, f"{type(exc).__name__}: {exc}", time.time() + delay)
        log.warning("alert %d not delivered (attempt %d, %s); retry in %.1fs", alert.id, alert.attempts + 1,
                    type(exc).__name__, delay)

    def check_overdue(self, now: float | None = None) -> None:
        """Log an ERROR (at most once a minute) while an alert waits longer than the threshold."""
        now = time.time() if now is None else now
        pending, oldest = self.store.pending_summary(now)
        if oldest is not None and oldest > self.settings.alert_pending_error_seconds \
                and now - self._last_error_log >= 60:
            self._last_error_log = now
            head = self.store.next_pending()
            log.error("STAFF ALERTS UNDELIVERED: %d pending, oldest waiting %.0fs; last error: %s; check the "
                      "bot's access to the staff chat %s", pending, oldest, head.last_error if head else None,
                      self.deps.staff_chat_id)


# ---- jobs and buttons -------------------------------------------------------------------------------
async def repeat_unacknowledged(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send again every emergency alert nobody has acknowledged for ALERT_REPEAT_MINUTES."""
    deps = get_deps(context)
    for alert in deps.store.due_repeats([EMERGENCY], deps.settings.alert_repeat_minutes * 60):
        sent = await send_staff_html(deps, context.bot, format_alert(alert, repeat=True),
                                     reply_markup=alert_keyboard(alert), what=f"repeat of alert {alert.id}")
        if sent is None:
            continue  # tried again at the next check; the original is delivered
        deps.store.mark_repeated(alert.id)
        log.warning("alert %d repeated: still unacknowledged", alert.id)


async def on_alert_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await answer_query(query)
    deps = get_deps(context)
    user, chat = update.effective_user, update.effective_chat
    if not deps.is_staff(user.id if user else None, chat.id if chat else None):
        return
    action, alert_id = query.data.split(":")
    alert = deps.store.act(int(alert_id), ACKNOWLEDGED if action == "ack" else RESOLVED,
                           user.id if user else None, display_name(user))
    if alert is None:
        return
    log.info("alert %d %s by staff user %s", alert.id, alert.status, user.id if user else "?")
    try:
        await query.edit_message_text(text=format_alert(alert), reply_markup=alert_keyboard(alert))
    except TelegramError as exc:  # "message is not modified" when pressed twice, or a network error
        log.info("alert %d: message not edited (%s)", alert.id, type(exc).__name__)
    pressed = query.message.message_id if query.message else None
    if alert.staff_message_id and alert.staff_message_id != pressed:  # tapped on a repeat: update the original
        try:
            await context.bot.edit_message_text(chat_id=deps.staff_chat_id,
                                                message_id=alert.staff_message_id,
                                                text=format_alert(alert), reply_markup=alert_keyboard(alert))
        except TelegramError as exc:
            log.info("alert %d: original message not edited (%s)", alert.id, type(exc).__name__)
