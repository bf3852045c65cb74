"""What every handler shares: the dependencies object, safe HTML, Telegram's size limits,
callback-data references and sending with retries. The flood limit (bot.flood) and the per-chat
memory for alerts (bot.context) reach handlers through :class:`Deps`.

All patient, staff and FAQ strings go through :func:`esc` before they reach Telegram, so a ``<``
or ``&`` in anyone's message can never break a reply or inject markup.
"""
from __future__ import annotations

import asyncio
import hashlib
import html
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes, filters

from bot.faq import Faq
from bot.faq_watch import FaqWatcher
from bot.health import Health
from bot.pipeline import Assistant
from bot.settings import Settings
from bot.store import Store

if TYPE_CHECKING:  # annotations only: handlers import these from bot.context / bot.flood
    from bot.context import RecentMessages
    from bot.flood import FloodGate

    from .alerts import Outbox

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096  # Telegram's limit for one message
MAX_CALLBACK_DATA = 64  # bytes
MAX_BUTTON_TEXT = 60  # longer labels are cut by clients anyway


# ---- dependencies: the one way they reach handlers ---------------------------------------------
@dataclass
class Deps:
    settings: Settings
    assistant: Assistant
    store: Store
    health: Health
    recent: RecentMessages
    flood: FloodGate
    faq_watch: FaqWatcher
    outbox: "Outbox | None" = None  # set in post_init, when the bot is running
    # Where staff are now: the staff group can become a supergroup with a new id (Telegram's
    # ChatMigrated); the outbox follows it, and so must the buttons, repeats, notices and commands.
    moved_staff_chat: int | None = None
    staff_chat_filter: "filters.Chat | None" = None  # the staff commands' chat filter
    # update id -> alert id: red flags stored the moment they arrived (patient.alert_on_receipt)
    stored_on_receipt: dict[int, int] = field(default_factory=dict)

    @property
    def faq(self) -> Faq:
        return self.assistant.faq

    @property
    def staff_chat_id(self) -> int:
        return self.moved_staff_chat if self.moved_staff_chat is not None else self.settings.staff_chat_id

    def is_staff(self, user_id: int | None, chat_id: int | None) -> bool:
        moved = chat_id is not None and chat_id == self.moved_staff_chat
        return moved or self.settings.is_staff(user_id, chat_id)

    def follow_staff_chat(self, new_chat_id: int) -> None:
        if new_chat_id == self.staff_chat_id:
            return
        self.moved_staff_chat = new_chat_id
        if self.staff_chat_filter is not None:
            self.staff_chat_filter.add_chat_ids(new_chat_id)
        log.error("the staff chat moved to %s: set STAFF_CHAT_ID=%s (followed until restart)",
                  new_chat_id, new_chat_id)


DEPS_KEY = "deps"


def get_deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    return context.application.bot_data[DEPS_KEY]


# ---- text ---------------------------------------------------------------------------------------
def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Cut plain text into pieces whose *escaped* form fits one message, at paragraph, line or
    word boundaries when possible. Never returns an empty list or an empty piece."""
    text = text if text.strip() else "…"
    pieces: list[str] = []
    rest = text
    while tg_len(esc(rest)) > limit:
        # the longest prefix whose escaped form fits
        lo, hi = 1, len(rest)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if tg_len(esc(rest[:mid])) <= limit:
                lo = mid
            else:
                hi = mid - 1
        cut = lo
        for sep in ("\n\n", "\n", " "):
            at = rest.rfind(sep, 0, cut)
            if at > cut // 2:
                cut = at + len(sep)
                break
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        pieces.append(piece or rest[:lo])
    if rest.strip():
        pieces.append(rest)
    return pieces


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---- callback data: short, prefixed, <= 64 bytes --------------------------------------------------
def faq_ref(entry_id: str) -> str:
    """The id itself when it fits the longest prefix ("fb:up:"), else '#' + a short stable hash."""
    if len(f"fb:up:{entry_id}".encode()) <= MAX_CALLBACK_DATA and not entry_id.startswith("#"):
        return entry_id
    return "#" + hashlib.sha1(entry_id.encode()).hexdigest()[:12]


def resolve_faq_ref(faq: Faq, ref: str) -> str | None:
    if not ref.startswith("#"):
        return ref if faq.get(ref) else None
    for e in faq.entries:
        if faq_ref(e.id) == ref:
            return e.id
    return None


def topic_ref(topic: str) -> str:
    return hashlib.sha1(topic.encode()).hexdigest()[:10]


def button(text: str, data: str) -> InlineKeyboardButton:
    assert len(data.encode()) <= MAX_CALLBACK_DATA, data
    return InlineKeyboardButton(clip(text, MAX_BUTTON_TEXT), callback_data=data)


def keyboard(rows: Iterable[Iterable[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    rows = [list(r) for r in rows]
    rows = [r for r in rows if r]
    return InlineKeyboardMarkup(rows) if rows else None


# ---- sending with retries -------------------------------------------------------------------------
def retry_after_seconds(exc: RetryAfter) -> float:
    value = getattr(exc, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value or 1)


def is_transient(exc: BaseException) -> bool:
    """Network trouble, timeouts, 5xx and 429 are worth retrying; 400/403 are not."""
    if isinstance(exc, (BadRequest, Forbidden)):
        return False
    return isinstance(exc, (NetworkError, RetryAfter))


async def send_html(bot, chat_id: int, html_text: str, *, settings: Settings,
                    reply_markup: InlineKeyboardMarkup | None = None, what: str = "reply",
                    follow_migration: bool = False) -> Message | None:
    """Send one message, retrying transient failures a few times; None when it could not be sent.

    Each chat is handled in its own task, so one patient's retries never hold up another's.
    """
    delay = settings.reply_backoff_first
    for attempt in range(1, settings.reply_attempts + 1):
        try:
            return await bot.send_message(chat_id=chat_id, text=html_text, reply_markup=reply_markup)
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
        except ChatMigrated as exc:  # the group became a supergroup: the caller decides (send_staff_html)
            if not follow_migration:
                log.warning("%s to chat %s not sent: the chat moved to %s", what, chat_id, exc.new_chat_id)
                return None
            raise
        except TelegramError as exc:
            if not is_transient(exc) or attempt == settings.reply_attempts:
                log.warning("%s to chat %s not sent after %d attempt(s): %s", what, chat_id, attempt,
                            type(exc).__name__)
                return None
            wait = delay
            delay *= 2
        log.info("%s to chat %s: transient failure, retry %d in %.1fs", what, chat_id, attempt, wait)
        await asyncio.sleep(wait)
    log.warning("%s to chat %s not sent: retries exhausted", what, chat_id)
    return None


async def send_staff_html(deps: Deps, bot, html_text: str, *, what: str = "staff message",
                          reply_markup: InlineKeyboardMarkup | None = None) -> Message | None:
    """Send to the staff chat, following it once if Telegram says it became a supergroup."""
    for _ in range(2):
        try:
            return await send_html(bot, deps.staff_chat_id, html_text, settings=deps.settings,
                                   reply_markup=reply_markup, what=what, follow_migration=True)
        except ChatMigrated as exc:
            deps.follow_staff_chat(exc.new_chat_id)
    return None


async def send_text(bot, chat_id: int, text: str, *, settings: Settings,
                    reply_markup: InlineKeyboardMarkup | None = None, what: str = "reply") -> Message | None:
    """Send plain text (escaped here), split to fit; the buttons go on the last piece."""
    pieces = split_text(text)
    sent = None
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        sent = await send_html(bot, chat_id, esc(piece), settings=settings,
                               reply_markup=reply_markup if last else None, what=what)
        if sent is None:
            return None
    return sent


async def answer_query(query, text: str | None = None) -> None:
    """Stop the client's spinner first thing; a failure here must not stop what the tap asked for
    (an "I need help now" tap during a network blip still raises its alert)."""
    try:
        await query.answer(text)
    except TelegramError as exc:
        log.info("callback query not answered: %s", type(exc).__name__)


def display_name(user) -> str:
    if user is None:
        return "unknown"
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))
