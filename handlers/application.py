"""``build_application(settings)``: every handler, job and resource of the bot, wired in one place.

Resources follow the Application's life cycle: the store opens (and migrates, and purges old
text) in ``post_init``, the alert sender and health endpoint start there too; ``post_stop``
stops the sender after in-flight updates finished (undelivered alerts stay in the database for
the next start); ``post_shutdown`` closes the store.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import Any, Awaitable, Callable

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (AIORateLimiter, Application, ApplicationBuilder, BaseUpdateProcessor,
                          CallbackQueryHandler, CommandHandler, ContextTypes, Defaults, MessageHandler,
                          TypeHandler, filters)

from bot.context import RecentMessages
from bot.faq import similar_warnings
from bot.faq_watch import FaqWatcher
from bot.flood import FloodGate
from bot.health import Health, HealthServer
from bot.pipeline import Assistant
from bot.settings import Settings
from bot.store import Store

from . import alerts, patient, staff
from .common import DEPS_KEY, Deps, answer_query, get_deps

log = logging.getLogger(__name__)

STAFF_COMMANDS = ("reload", "check", "stats", "unanswered", "alerts")
PURGE_EVERY_SECONDS = 86400


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Many chats at once, one update at a time within a chat (so replies keep their order).

    An update waits for its chat's turn *before* it takes one of the concurrency slots, so a chat
    with many updates queued (a flood, or replies Telegram is slow to accept) cannot hold every
    slot while another patient's red flag waits.  ``received(update)`` runs the moment an update
    arrives, before any waiting (patient.alert_on_receipt stores red flags there), ``done(update)``
    when it has been handled."""

    def __init__(self, max_concurrent_updates: int, received: Callable[[object], None] | None = None,
                 done: Callable[[object], None] | None = None):
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        self._received, self._done = received, done

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            if self._received is not None:
                self._received(update)
        except Exception:  # the handler still runs and decides as it always did
            log.exception("update %s: receipt hook failed", getattr(update, "update_id", None))
        try:
            chat = update.effective_chat if isinstance(update, Update) else None
            if chat is None:
                await super().process_update(update, coroutine)
                return
            key = chat.id
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._users[key] = self._users.get(key, 0) + 1
            try:
                async with lock:
                    await super().process_update(update, coroutine)  # takes a slot, then runs it
            finally:
                self._users[key] -= 1
                if not self._users[key]:
                    del self._users[key]
                    del self._locks[key]
        finally:
            if self._done is not None:
                self._done(update)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def build_application(settings: Settings) -> Application:
    """Raises bot.faq.FaqError when the FAQ cannot be loaded (the CLI reports it)."""
    # httpx logs every request URL, token included, at INFO. Entry points set it to WARNING;
    # this is the safety net for any other way of starting the bot (a script, a notebook).
    if logging.getLogger("httpx").level == logging.NOTSET:
        logging.getLogger("httpx").setLevel(logging.WARNING)
    # The 'entries so alike' advice ranks every phrasing (0.4 s for 533): given after start-up
    # (post_init), so that patients are answered sooner; reloads still give it at once.
    assistant, warnings = Assistant.from_path(settings.faq_path, check_similar=False)
    for w in warnings:
        log.warning("faq: %s", w)
    health = Health(settings.alert_pending_error_seconds)
    health.mark_faq_loaded()
    deps = Deps(settings=settings, assistant=assistant, store=Store(settings.db_path), health=health,
                recent=RecentMessages(settings.alert_context_messages),
                flood=FloodGate(settings.flood_burst, settings.flood_per_minute),
                faq_watch=FaqWatcher(settings.faq_path, assistant.reload))

    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(PerChatUpdateProcessor(
            settings.concurrent_updates, received=lambda u: patient.alert_on_receipt(deps, u),
            done=lambda u: patient.receipt_done(deps, u)))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if settings.rate_limit:
        builder = builder.rate_limiter(AIORateLimiter())
    app = builder.build()
    app.bot_data[DEPS_KEY] = deps
    register_handlers(app, settings)
    return app


def register_handlers(app: Application, settings: Settings) -> None:
    private = filters.ChatType.PRIVATE
    new = filters.UpdateType.MESSAGE  # an edited "/stats" is not a new command
    staff_chat = filters.Chat(settings.staff_chat_id)  # grows if the group becomes a supergroup
    app.bot_data[DEPS_KEY].staff_chat_filter = staff_chat
    staff_place = new & (staff_chat
                         | (private & filters.User(list(settings.staff_user_ids))))

    app.add_handler(TypeHandler(Update, _mark_update), group=-1)

    # staff: commands only where staff are; buttons on alerts (the handler checks who pressed)
    for name, callback in (("reload", staff.reload_command), ("check", staff.check_command),
                           ("stats", staff.stats_command), ("unanswered", staff.unanswered_command),
                           ("alerts", staff.alerts_command)):
        app.add_handler(CommandHandler(name, callback, filters=staff_place))
    app.add_handler(CallbackQueryHandler(alerts.on_alert_button, pattern=alerts.ACK_PATTERN))
    # Telegram's notice that the staff group became a supergroup (old chat or new one)
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, staff.on_migrate))

    # patients: private chats only; groups other than the staff chat get nothing at all
    app.add_handler(CommandHandler("start", patient.start, filters=private & new))
    app.add_handler(CommandHandler("help", patient.help_command, filters=private & new))
    app.add_handler(CommandHandler("topics", patient.topics, filters=private & new))
    app.add_handler(MessageHandler(private & filters.COMMAND, patient.unknown_command))
    app.add_handler(MessageHandler(private & filters.UpdateType.MESSAGE & filters.TEXT, patient.on_text))
    app.add_handler(MessageHandler(private & filters.UpdateType.EDITED_MESSAGE
                                   & (filters.TEXT | filters.CAPTION), patient.on_edited_text))
    media = (filters.PHOTO | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
             | filters.Sticker.ALL | filters.Document.ALL | filters.LOCATION | filters.VENUE
             | filters.CONTACT | filters.ANIMATION | filters.POLL | filters.Dice.ALL)
    app.add_handler(MessageHandler(private & filters.UpdateType.MESSAGE & media, patient.on_not_text))
    app.add_handler(CallbackQueryHandler(_private_only(patient.on_faq_button), pattern=patient.FAQ_PATTERN))
    app.add_handler(CallbackQueryHandler(_private_only(patient.on_feedback_button),
                                         pattern=patient.FEEDBACK_PATTERN))
    app.add_handler(CallbackQueryHandler(_private_only(patient.on_topic_button), pattern=patient.TOPIC_PATTERN))
    app.add_handler(CallbackQueryHandler(_private_only(patient.on_help_button), pattern=patient.HELP_PATTERN))
    app.add_handler(CallbackQueryHandler(_stale_button))

    app.add_error_handler(on_error)


def _private_only(callback):
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            await answer_query(update.callback_query)
            return
        await callback(update, context)
    wrapper.__name__ = callback.__name__
    return wrapper


async def _stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Unknown callback data (an old or forged button): acknowledge so the client stops spinning."""
    await answer_query(update.callback_query)


async def _mark_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    get_deps(context).health.mark_update()


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the traceback; never the update itself (it holds the patient's words)."""
    update_id = update.update_id if isinstance(update, Update) else None
    chat_id = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    log.error("error while handling update %s (chat %s): %s", update_id, chat_id,
              type(context.error).__name__, exc_info=context.error)


# ---- life cycle ---------------------------------------------------------------------------------
async def _post_init(app: Application) -> None:
    deps: Deps = app.bot_data[DEPS_KEY]
    s = deps.settings
    deps.store.open()
    deps.store.purge(s.retention_days)
    deps.outbox = alerts.Outbox(app.bot, deps)
    deps.outbox.start()
    pending, oldest = deps.store.pending_summary()
    if pending:
        log.warning("%d staff alert(s) pending from before the start; sending them now", pending)
    jq = app.job_queue
    jq.run_repeating(staff.watch_faq, interval=s.faq_poll_seconds, first=s.faq_poll_seconds, name="watch-faq")
    jq.run_repeating(alerts.repeat_unacknowledged, interval=s.alert_check_seconds, first=s.alert_check_seconds,
                     name="repeat-alerts")
    jq.run_repeating(_purge, interval=PURGE_EVERY_SECONDS, first=PURGE_EVERY_SECONDS, name="purge")
    jq.run_once(_faq_advice, when=0, name="faq-advice")
    if s.health_port is not None:
        server = HealthServer(s.health_port, lambda: health_status(deps))
        await server.start()
        app.bot_data["health_server"] = server
    log.info("bot ready: %d faq entries, staff chat %s", len(deps.faq.entries), s.staff_chat_id)


async def _faq_advice(context) -> None:
    """The load-time advice skipped at start-up (entries so alike the bot may confuse them), in a
    worker thread; logged, as start-up warnings always were."""
    for w in await asyncio.to_thread(similar_warnings, get_deps(context).settings.faq_path):
        log.warning("faq: %s", w)


async def _post_stop(app: Application) -> None:
    deps: Deps = app.bot_data[DEPS_KEY]
    if deps.outbox is not None:
        await deps.outbox.stop()
    server = app.bot_data.pop("health_server", None)
    if server is not None:
        await server.stop()
    pending, _ = deps.store.pending_summary()
    if pending:
        log.warning("stopping with %d staff alert(s) undelivered; they are sent at the next start", pending)


async def _post_shutdown(app: Application) -> None:
    app.bot_data[DEPS_KEY].store.close()


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    deps.store.purge(deps.settings.retention_days)


def health_status(deps: Deps) -> dict:
    pending, oldest = deps.store.pending_summary()
    return deps.health.snapshot(pending, oldest, len(deps.faq.entries))


class TokenRejected(Exception):
    """Telegram refused the token (the exception text is not kept: PTB puts the token in it)."""


class TelegramUnreachable(Exception):
    """The Bot API could not be reached at start-up."""


def run_bot(settings: Settings) -> None:
    """``faqbot run``: long polling until SIGINT/SIGTERM, retrying while Telegram is unreachable."""
    from telegram.error import InvalidToken, NetworkError

    app = build_application(settings)
    try:
        app.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
    except InvalidToken:
        raise TokenRejected() from None
    except NetworkError as exc:
        raise TelegramUnreachable(type(exc).__name__) from None


@asynccontextmanager
async def running(app: Application, **polling):
    """Run the application inside an event loop the caller owns, in the order ``run_polling`` uses
    (initialize, post_init, polling, start ... stop, post_stop, shutdown, post_shutdown).
    Tests and the benchmark use it; ``faqbot run`` uses ``run_polling`` itself."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(**polling)
        await app.start()
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
