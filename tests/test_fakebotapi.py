"""The fake Bot API must behave like Telegram where our bot can get it wrong, or every
end-to-end test built on it proves less than it claims. These tests hold it to PTB's own client."""
from __future__ import annotations

import asyncio
import os
import sys
import textwrap

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from fakebotapi import FakeBotAPI, parse_html, parse_markdown_v2, utf16_len

TOKEN = "123456:TEST-token-not-real"
PATIENT_ID = 1001
STAFF_CHAT = -1001234567890


@pytest.fixture
async def server():
    srv = FakeBotAPI(token=TOKEN)
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def bot(server):
    b = Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url)
    async with b:
        yield b


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d)] for d in data])


async def test_get_me_returns_the_bot_named_by_the_token(server, bot):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "faq_test_bot")
    assert server.requests_log[0] == f"/bot{TOKEN}/getMe"


async def test_send_message_round_trip_is_recorded_as_telegram_shows_it(server, bot):
    msg = await bot.send_message(PATIENT_ID, "<b>Memory</b> &amp; recall", parse_mode="HTML",
                                 reply_markup=keyboard("fb:y:1", "fb:n:1"))
    assert msg.text == "Memory & recall"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [("bold", 0, 6)]
    assert msg.from_user.id == 123456 and msg.chat.id == PATIENT_ID
    call = server.sent[-1]
    assert (call.method, call.chat_id, call.parse_mode) == ("sendMessage", PATIENT_ID, "HTML")
    assert call.text == "<b>Memory</b> &amp; recall"
    assert call.plain_text == "Memory & recall"
    assert call.callback_data == ["fb:y:1", "fb:n:1"]
    assert call.message_id == msg.message_id
    assert [m["text"] for m in server.messages_to(PATIENT_ID)] == ["Memory & recall"]


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("", {}, "Message text is empty"),
        ("  \n\t ", {}, "Message text is empty"),
        ("x" * 4097, {}, "Message is too long"),
        ("\U0001F600" * 2049, {}, "Message is too long"),  # 4098 UTF-16 code units
        ("<b>" + "x" * 4097 + "</b>", {"parse_mode": "HTML"}, "Message is too long"),
        ("I love you <3", {"parse_mode": "HTML"}, "Can't parse entities"),
        ("line<br>break", {"parse_mode": "HTML"}, "Can't parse entities"),
        ("<b>bold", {"parse_mode": "HTML"}, "Can't parse entities"),
        ("<b>x</i>", {"parse_mode": "HTML"}, "Can't parse entities"),
        ("<div>x</div>", {"parse_mode": "HTML"}, "Can't parse entities"),
        ("Q&A", {"parse_mode": "HTML"}, "Can't parse entities"),
        ("2 > 1", {"parse_mode": "HTML"}, "Can't parse entities"),
        ("Call us.", {"parse_mode": "MarkdownV2"}, "Can't parse entities"),
        ("*bold", {"parse_mode": "MarkdownV2"}, "Can't parse entities"),
        ("see (this)", {"parse_mode": "MarkdownV2"}, "Can't parse entities"),
        ("ok", {"reply_markup": keyboard("x" * 65)}, "Button_data_invalid"),
        ("ok", {"reply_markup": keyboard("\u00e9" * 33)}, "Button_data_invalid"),  # 66 bytes
    ],
    ids=["empty", "whitespace", "4097", "emoji-utf16", "html-visible-4097", "html-lt",
         "html-br", "html-unclosed", "html-mismatch", "html-div", "html-bare-amp",
         "html-bare-gt", "mdv2-dot", "mdv2-unclosed", "mdv2-parens", "callback-65",
         "callback-66-bytes"],
)
async def test_bad_requests_are_refused_like_telegram(server, bot, text, kwargs, expected):
    with pytest.raises(BadRequest, match=expected):
        await bot.send_message(PATIENT_ID, text, **kwargs)
    assert server.sent[-1].method == "getMe", "a refused message must not count as sent"
    assert server.calls[-1].status == 400


@pytest.mark.parametrize(
    ("text", "kwargs", "shown"),
    [
        ("x" * 4096, {}, "x" * 4096),
        ("<b>" + "x" * 4096 + "</b>", {"parse_mode": "HTML"}, "x" * 4096),
        ("  padded  ", {}, "padded"),
        ("<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
         "<strike>k</strike><del>d</del><tg-spoiler>p</tg-spoiler>"
         '<span class="tg-spoiler">q</span><a href="https://x.org/?a=1&amp;b=2">l</a>'
         "<code>c</code><pre><code class=\"language-python\">x</code></pre>"
         "<blockquote>bq</blockquote>&lt;&gt;&amp;&quot;&#39;&#x1F600;",
         {"parse_mode": "HTML"}, "bsieunskdpqlcxbq<>&\"'\U0001F600"),
        ("Call us\\. *now* _please_ \\(24/7\\) [site](https://x.org/a\\)b)",
         {"parse_mode": "MarkdownV2"}, "Call us. now please (24/7) site"),
        ("ok", {"reply_markup": keyboard("x" * 64)}, "ok"),
        ("ok", {"reply_markup": keyboard("\u00e9" * 32)}, "ok"),
    ],
    ids=["4096", "html-visible-4096", "trimmed", "html-all-tags", "mdv2-escaped",
         "callback-64", "callback-64-bytes"],
)
async def test_valid_messages_are_accepted(bot, text, kwargs, shown):
    msg = await bot.send_message(PATIENT_ID, text, **kwargs)
    assert msg.text == shown


def test_entity_offsets_count_utf16_code_units():
    plain, entities = parse_html("\U0001F600 <b>bold</b> <i>it</i>")
    assert plain == "\U0001F600 bold it"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 3, 4), ("italic", 8, 2)]
    assert utf16_len("\U0001F600") == 2
    plain, entities = parse_markdown_v2("\U0001F600 *b* \\*")
    assert plain == "\U0001F600 b *" and entities[0]["offset"] == 3


async def test_unknown_chat_is_not_found_once_chats_are_registered(bot):
    srv = FakeBotAPI(token=TOKEN, known_chats=[STAFF_CHAT])
    await srv.start()
    try:
        b = Bot(TOKEN, base_url=srv.base_url)
        async with b:
            await b.send_message(STAFF_CHAT, "alert")
            with pytest.raises(BadRequest, match="Chat not found"):
                await b.send_message(-100999, "alert")
            srv.send_text(srv.user(5, "Pat"), "hello")  # a user who wrote is reachable
            await b.send_message(5, "hi")
    finally:
        await srv.stop()


async def test_blocked_user_gets_forbidden(server, bot):
    server.block(PATIENT_ID)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(PATIENT_ID, "hi")


async def test_wrong_token_is_unauthorized(server):
    # Note: PTB's initialize() puts the rejected token into the exception message, so an entry
    # point must never print that exception as is.
    with pytest.raises(InvalidToken):
        async with Bot("123456:wrong", base_url=server.base_url):
            pass
    assert server.requests_log == ["/bot123456:wrong/getMe"]
    assert server.sent == []


async def test_unknown_method_is_not_found(bot):
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": PATIENT_ID})


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_raises_retry_after_with_the_servers_delay(server, bot):
    fault = server.fail("sendMessage", chat_id=STAFF_CHAT, times=1, status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(STAFF_CHAT, "alert")
    delay = caught.value.retry_after  # an int in PTB 22 unless PTB_TIMEDELTA is set
    assert getattr(delay, "total_seconds", lambda: delay)() == 7
    assert fault.exhausted and fault.hits == 1
    await bot.send_message(STAFF_CHAT, "alert")
    assert [c.status for c in server.calls if c.chat_id == STAFF_CHAT] == [429, 200]


async def test_fault_counts_down_for_its_chat_only_then_recovers(server, bot):
    fault = server.fail("sendMessage", chat_id=STAFF_CHAT, times=3, status=500)
    await bot.send_message(PATIENT_ID, "other chats are unaffected")
    for remaining in (2, 1, 0):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(STAFF_CHAT, "alert")
        assert fault.remaining == remaining
    await bot.send_message(STAFF_CHAT, "alert")
    assert [c.chat_id for c in server.sent if c.method == "sendMessage"] == [
        PATIENT_ID, STAFF_CHAT]
    assert fault.hits == 3


async def test_network_drop_raises_network_error_and_loses_nothing_else(server, bot):
    fault = server.fail_network(times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(STAFF_CHAT, "alert")
    await bot.send_message(STAFF_CHAT, "alert")
    assert fault.hits == 2
    assert len(server.messages_to(STAFF_CHAT)) == 1


async def test_response_lost_after_delivery_leaves_the_message_in_the_chat(server, bot):
    server.fail_network(times=1, after_delivery=True)
    with pytest.raises(NetworkError):
        await bot.send_message(STAFF_CHAT, "alert")
    assert [m["text"] for m in server.messages_to(STAFF_CHAT)] == ["alert"]


async def test_long_polling_waits_for_an_update_and_offset_confirms_it(server, bot):
    pat = server.user(PATIENT_ID, "Pat", username="pat")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done(), "getUpdates must hold the request while nothing is queued"
    sent = server.send_text(pat, "Why can't I remember my session?")
    updates = await poll
    assert [u.message.text for u in updates] == ["Why can't I remember my session?"]
    assert updates[0].message.message_id == sent["message_id"]
    assert updates[0].message.from_user.username == "pat"
    # not confirmed yet: a repeat without offset returns it again
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
    assert server.pending_updates == 0


async def test_a_second_poller_terminates_the_first_with_conflict(server, bot):
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with Bot(TOKEN, base_url=server.base_url) as other_instance:
        second = asyncio.create_task(other_instance.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await first
        assert await second == ()


@pytest.mark.parametrize(
    ("send", "field"),
    [
        (lambda s, u: s.send_photo(u), "photo"),
        (lambda s, u: s.send_voice(u), "voice"),
        (lambda s, u: s.send_sticker(u), "sticker"),
        (lambda s, u: s.send_document(u), "document"),
        (lambda s, u: s.send_location(u), "location"),
        (lambda s, u: s.send_command(u, "/start"), "text"),
    ],
    ids=["photo", "voice", "sticker", "document", "location", "command"],
)
async def test_user_messages_parse_as_ptb_updates(server, bot, send, field):
    await send(server, server.user(PATIENT_ID, "Pat"))
    (update,) = await bot.get_updates(timeout=1)
    assert getattr(update.message, field)
    if field == "text":
        assert update.message.entities[0].type == "bot_command"


async def test_edit_and_delete_follow_telegram_rules(server, bot):
    msg = await bot.send_message(STAFF_CHAT, "alert", reply_markup=keyboard("al:ack:1"))
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("alert", STAFF_CHAT, msg.message_id,
                                    reply_markup=keyboard("al:ack:1"))
    edited = await bot.edit_message_text("alert - on it", STAFF_CHAT, msg.message_id,
                                         reply_markup=keyboard("al:res:1"))
    assert edited.text == "alert - on it" and edited.edit_date is not None
    await bot.edit_message_reply_markup(STAFF_CHAT, msg.message_id, reply_markup=None)
    assert "reply_markup" not in server.messages_to(STAFF_CHAT)[0]
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("x", STAFF_CHAT, 999)
    assert await bot.delete_message(STAFF_CHAT, msg.message_id)
    assert server.messages_to(STAFF_CHAT) == []


async def test_button_press_needs_the_button_and_is_answered_once(server, bot):
    pat = server.user(PATIENT_ID, "Pat")
    msg = await bot.send_message(PATIENT_ID, "Did this help?", reply_markup=keyboard("fb:y:1"))
    with pytest.raises(ValueError, match="no button"):
        server.press_button(pat, msg, "fb:n:1")
    query = server.press_button(pat, msg, "fb:y:1")
    (update,) = await bot.get_updates(timeout=1)
    assert update.callback_query.data == "fb:y:1"
    assert update.callback_query.message.message_id == msg.message_id
    assert await bot.answer_callback_query(query["id"])
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query["id"])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(f"echo: {update.message.text}",
                                    reply_markup=keyboard("again"))


async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    await update.callback_query.edit_message_text("tapped")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text("welcome")


async def test_in_process_application_polls_and_replies(server):
    app = (ApplicationBuilder().token(TOKEN).base_url(server.base_url)
           .base_file_url(server.base_file_url).build())
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(tapped, pattern=r"^again$"))
    pat = server.user(PATIENT_ID, "Pat")
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        mark = server.mark()
        server.send_command(pat, "/start")
        server.send_text(pat, "is the fog permanent?")
        welcome = await server.wait_for(lambda c: c.text == "welcome", since=mark)
        reply = await server.wait_for(lambda c: c.text == "echo: is the fog permanent?",
                                      since=mark)
        assert welcome.chat_id == reply.chat_id == PATIENT_ID
        server.press_button(pat, reply, "again")
        await server.wait_for(lambda c: c.method == "editMessageText", since=mark)
        await server.settle()
        await app.updater.stop()
        await app.stop()
    methods = [c.method for c in server.sent[mark:]]
    assert methods.count("sendMessage") == 2
    assert methods.count("answerCallbackQuery") == 1
    assert [m["text"] for m in server.messages_to(PATIENT_ID)] == ["welcome", "tapped"]


SUBPROCESS_BOT = textwrap.dedent("""
    import os
    from telegram.ext import ApplicationBuilder, MessageHandler, filters
    async def echo(update, context):
        await update.message.reply_text("pong: " + update.message.text)
    app = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(os.environ["TELEGRAM_API_URL"]).build())
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=1)
""")


async def test_subprocess_bot_reaches_the_server_through_telegram_api_url(server):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": server.base_url}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", SUBPROCESS_BOT, env=env,
                                                stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.PIPE)
    try:
        server.send_text(server.user(PATIENT_ID, "Pat"), "ping")
        call = await server.wait_for(lambda c: c.method == "sendMessage", timeout=20)
        assert (call.chat_id, call.text) == (PATIENT_ID, "pong: ping")
    finally:
        proc.kill()
        _, err = await proc.communicate()
    assert TOKEN.encode() not in err


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_telegram_never_delivers_an_empty_message(text):
    srv = FakeBotAPI(token=TOKEN)
    with pytest.raises(ValueError, match="empty"):
        srv.send_text(srv.user(1, "Pat"), text)
    assert srv.pending_updates == 0


def test_user_text_arrives_trimmed_unless_raw():
    srv = FakeBotAPI(token=TOKEN)
    pat = srv.user(1, "Pat")
    assert srv.send_text(pat, "  hello \n")["text"] == "hello"
    assert srv.send_text(pat, " x ", raw=True)["text"] == " x "


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_enforced_rate_limits_answer_429_past_20_a_minute_into_a_group(bot):
    srv = FakeBotAPI(token=TOKEN, rate_limits="enforce")
    await srv.start()
    try:
        async with Bot(TOKEN, base_url=srv.base_url) as b:
            for _ in range(20):
                await b.send_message(STAFF_CHAT, "alert")
            with pytest.raises(RetryAfter):
                await b.send_message(STAFF_CHAT, "alert")
            await b.send_message(PATIENT_ID, "private chats have their own budget")
        assert srv.rate_limit_hits == 1
    finally:
        await srv.stop()


async def test_slow_call_is_held_then_answered_normally(server, bot):
    fault = server.slow(0.5, chat_id=PATIENT_ID)
    pending = asyncio.create_task(bot.send_message(PATIENT_ID, "late but delivered"))
    await server.wait_until(lambda: len(server.calls) == 2, what="the request in flight")
    assert not pending.done() and server.messages_to(PATIENT_ID) == []
    msg = await pending
    assert msg.text == "late but delivered" and fault.hits == 1
    await bot.send_message(PATIENT_ID, "next one is not held")
    assert fault.hits == 1
