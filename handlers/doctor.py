"""``faqbot doctor``'s Telegram and storage checks: is the bot ready to go live?

``run_checks(settings)`` returns ``(ok, line)`` pairs, each line saying what was checked and, when it
failed, what to do. The token never appears in a line (it is redacted from any error text).
"""
from __future__ import annotations

import asyncio

from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError

from bot.settings import Settings
from bot.store import Store, StoreError

CAN_POST = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER, ChatMemberStatus.OWNER}


def run_checks(settings: Settings) -> list[tuple[bool, str]]:
    return asyncio.run(check_all(settings))


def _clean(settings: Settings, exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".replace(settings.token, "***")


def check_store(settings: Settings) -> tuple[bool, str]:
    try:
        store = Store(settings.db_path).open()
    except (StoreError, OSError) as exc:
        return False, (f"database {settings.db_path}: {_clean(settings, exc)}. Fix: make DATA_DIR a writable "
                       "directory")
    try:
        pending, _ = store.pending_summary()
        version = store.schema_version()
    finally:
        store.close()
    note = f", {pending} staff alert(s) waiting to be sent" if pending else ""
    return True, f"database {settings.db_path}: writable, schema version {version}{note}"


async def check_all(settings: Settings) -> list[tuple[bool, str]]:
    out = [check_store(settings)]
    api = settings.api_url.replace(settings.token, "***")
    bot = Bot(settings.token, base_url=settings.base_url, base_file_url=settings.base_file_url)
    try:
        await bot.initialize()  # getMe: proves the token
    except InvalidToken:
        out.append((False, "token: Telegram rejected TELEGRAM_BOT_TOKEN. Fix: copy it again from @BotFather "
                           "(/mybots > your bot > API Token)"))
        return out
    except (NetworkError, TelegramError) as exc:
        out.append((False, f"Bot API at {api}: unreachable ({_clean(settings, exc)}). Fix: check the network "
                           "or TELEGRAM_API_URL"))
        return out
    try:
        me = bot.bot
        out.append((True, f"token: this is @{me.username} ({me.first_name})"))
        out.append(await check_staff_chat(bot, settings))
    finally:
        await bot.shutdown()
    return out


async def check_staff_chat(bot: Bot, settings: Settings) -> tuple[bool, str]:
    chat_id = settings.staff_chat_id
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot.bot.id)
    except Forbidden:
        return False, (f"staff chat {chat_id}: the bot is not a member. Fix: add @{bot.bot.username} to the "
                       "staff group")
    except BadRequest as exc:
        return False, (f"staff chat {chat_id}: {_clean(settings, exc)}. Fix: check STAFF_CHAT_ID (add the bot "
                       "to the group, send a message there, and read the id from getUpdates; groups have "
                       "negative ids)")
    except TelegramError as exc:
        return False, f"staff chat {chat_id}: could not check ({_clean(settings, exc)})"
    if chat.type == "private":
        return False, (f"staff chat {chat_id} is a private chat, not a group. Fix: set STAFF_CHAT_ID to the "
                       "staff group's id")
    can_post = member.status in CAN_POST or getattr(member, "can_send_messages", False)
    if not can_post:
        return False, (f"staff chat {chat_id} ({chat.title}): the bot cannot post there (status "
                       f"{member.status}). Fix: make it a member allowed to send messages")
    return True, f"staff chat {chat_id}: \"{chat.title}\" ({chat.type}), the bot can post alerts there"
