"""Whatever a patient sends, the running bot answers exactly once, with a message Telegram accepts,
and nothing escapes as an exception.

Hypothesis drives the real Application over HTTP against the fake Bot API, which refuses what
Telegram refuses (bad HTML, over-long or empty text, oversized callback data). Both run in one
background event loop for the whole module, so each example costs one round trip, not a start-up.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import shutil
import threading
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.pipeline import ANSWER, ESCALATE, Assistant
from bot.settings import Settings
from conftest import REAL_FAQ, STAFF_CHAT, TOKEN, root_log_at_info
from fakebotapi import Call, FakeBotAPI, FakeUser

EXAMPLES = settings(max_examples=25, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow])


class LiveBot:
    """The fake Bot API and the real Application in a thread of their own."""

    def __init__(self, workdir: Path):
        faq = workdir / "faq.yaml"
        shutil.copyfile(REAL_FAQ, faq)
        self.assistant = Assistant.from_path(faq)[0]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="live-bot", daemon=True)
        self.thread.start()
        self.stack = AsyncExitStack()
        self.user_ids = itertools.count(300_000)
        self.api: FakeBotAPI = self.run(self._start(workdir, faq))

    async def _start(self, workdir: Path, faq: Path) -> FakeBotAPI:
        from handlers.application import build_application, running

        api = FakeBotAPI(token=TOKEN)
        await api.start()
        self.stack.push_async_callback(api.stop)
        api.group(STAFF_CHAT, "Clinic staff")
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "STAFF_CHAT_ID": str(STAFF_CHAT),
               "TELEGRAM_API_URL": api.base_url, "DATA_DIR": str(workdir / "data"),
               "RATE_LIMIT": "off"}
        bot_settings = Settings.from_env(faq_path=faq, env=env, dotenv_path=None).replace(
            outbox_backoff_first=0.05, outbox_backoff_max=0.2, reply_backoff_first=0.05)
        app = build_application(bot_settings)
        await self.stack.enter_async_context(running(app, poll_interval=0, timeout=1))
        return api

    def run(self, coro, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        try:
            self.run(self.stack.aclose())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()

    def new_user(self, first_name: str = "Pat", **kw) -> FakeUser:
        return self.api.user(next(self.user_ids), first_name, **kw)

    def exchange(self, user: FakeUser, act: Callable[[FakeBotAPI], Any],
                 until: Callable[[Call], bool] | None = None) -> list[Call]:
        """Do ``act`` as ``user``, wait for the bot's first attempt to message them (or
        ``until``; accepted or refused, so a failure shows at once) and for the bot to go quiet;
        return the calls the bot made meanwhile that concern this user."""
        api = self.api
        until = until or (lambda c: c.chat_id == user.id and c.method == "sendMessage")

        async def go() -> list[Call]:
            first = len(api.calls)
            act(api)
            await api.wait_until(lambda: any(until(c) for c in api.calls[first:]), timeout=15,
                                 what="the bot's answer")
            await api.settle(quiet=0.1)
            mine = str(user.id)
            return [c for c in api.calls[first:]
                    if c.chat_id == user.id or c.method == "answerCallbackQuery"
                    or (c.chat_id == STAFF_CHAT and mine in (c.text or ""))]

        return self.run(go())


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def errors(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()}" for r in self.records if r.levelno >= logging.ERROR]

    def text(self) -> str:
        return "\n".join(r.getMessage() for r in self.records)


@pytest.fixture(scope="module")
def logs():
    with root_log_at_info(Records()) as handler:
        yield handler


@pytest.fixture(scope="module")
def live(tmp_path_factory, logs):
    bot = LiveBot(tmp_path_factory.mktemp("live"))
    yield bot
    bot.close()


def expected_text(decision) -> str:
    return (decision.reply + "\n\nDid this help?" if decision.kind == ANSWER else decision.reply).strip()


def check_one_reply(live: LiveBot, logs: Records, user: FakeUser, calls: list[Call],
                    errors_before: int) -> Call:
    refused = [c for c in calls if not c.ok]
    assert refused == [], "Telegram would have refused these calls"
    replies = [c for c in calls if c.chat_id == user.id and c.method == "sendMessage"]
    assert len(replies) == 1, f"{len(replies)} replies: {replies}"
    assert logs.errors()[errors_before:] == [], "an error was logged"
    return replies[0]


def check_text_message(live: LiveBot, logs: Records, text: str, user: FakeUser | None = None) -> Call:
    user = user or live.new_user()
    before = len(logs.errors())
    decision = live.assistant.decide(text.strip())
    alert_wanted = decision.kind == ESCALATE
    calls = live.exchange(user, lambda api: api.send_text(user, text))
    reply = check_one_reply(live, logs, user, calls, before)
    if not text.strip().startswith("/"):
        assert reply.plain_text == expected_text(decision), "the reply is the pipeline's decision"
    if alert_wanted:
        live.run(live.api.wait_until(lambda: any(
            c.chat_id == STAFF_CHAT and str(user.id) in (c.text or "") for c in live.api.calls),
            what="the staff alert"))
        assert all(c.ok for c in live.api.calls
                   if c.chat_id == STAFF_CHAT and str(user.id) in (c.text or ""))
    return reply


def telegram_text(**kw):
    """Text a Telegram client can send: not empty once trimmed."""
    return st.text(**kw).filter(lambda t: t.strip())


MARKUP_TOKENS = list("<>&\"'*_[]()~`|\\#+-=.!{}/@:; \n") + [
    "<b>", "</b>", "<i>", "<br>", "<a href=\"x\">", "</a>", "&amp;", "&lt;", "&#0;", "&", "<3",
    "```", "||", "**", "__", "\\", "/start", "/stats", "/reload", "\u202e", "\u200b", "\ufeff",
    "kill myself", "memory", "session", "😀", "👨‍👩‍👧", "ً", "\U000E0001"]


@EXAMPLES
@given(text=telegram_text(max_size=300))
def test_any_unicode_text_gets_exactly_one_accepted_reply(live, logs, text):
    check_text_message(live, logs, text)
    if len(text.strip()) >= 16 and len(set(text)) >= 8:
        assert text.strip() not in logs.text(), "a patient's words reached the log"


@EXAMPLES
@given(text=st.lists(st.sampled_from(MARKUP_TOKENS), min_size=1, max_size=40).map("".join)
       .filter(lambda t: t.strip()))
def test_markup_characters_never_break_a_reply(live, logs, text):
    check_text_message(live, logs, text)


@EXAMPLES
@given(text=telegram_text(
    alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "So"]) | st.just("a"),
    max_size=100))
def test_control_and_invisible_characters_get_one_reply(live, logs, text):
    check_text_message(live, logs, text)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=st.sampled_from(["x", "é", "😀", "<&>", "memory loss ", "\u0301a"]),
       size=st.integers(4097, 12000),
       flag_at=st.one_of(st.none(), st.floats(0, 1)))
def test_enormous_messages_get_one_reply_and_red_flags_inside_still_alert(live, logs, unit, size,
                                                                         flag_at):
    """Telegram itself caps a message at 4,096 characters; the bot must not rely on it."""
    text = (unit * (size // len(unit) + 1))[:size]
    if flag_at is not None:
        at = int(flag_at * size)
        text = text[:at] + " I want to kill myself " + text[at:]
        assert live.assistant.decide(text).kind == ESCALATE
    check_text_message(live, logs, text)  # waits for the alert when the core escalates


@EXAMPLES
@given(first=st.text(min_size=1, max_size=64).filter(lambda t: t.strip()),
       last=st.one_of(st.none(), st.text(min_size=1, max_size=64)),
       username=st.one_of(st.none(), st.from_regex(r"[A-Za-z][A-Za-z0-9_]{4,31}", fullmatch=True)))
def test_any_patient_name_makes_a_valid_staff_alert(live, logs, first, last, username):
    user = live.new_user(first, username=username, last_name=last)
    text = "I want to kill myself tonight"
    assert live.assistant.decide(text).kind == ESCALATE
    before = len(logs.errors())
    calls = live.exchange(user, lambda api: api.send_text(user, text),
                          until=lambda c: c.chat_id == STAFF_CHAT and str(user.id) in (c.text or ""))
    assert [c for c in calls if not c.ok] == [], "Telegram would have refused these calls"
    alert = next(c for c in calls if c.chat_id == STAFF_CHAT)
    assert first.strip() in alert.plain_text
    assert [c for c in calls if c.chat_id == user.id and c.method == "sendMessage"] != []
    assert logs.errors()[before:] == []


@EXAMPLES
@given(caption=st.one_of(st.none(), telegram_text(max_size=200)),
       kind=st.sampled_from(["photo", "document"]))
def test_media_with_any_caption_gets_one_reply(live, logs, caption, kind):
    user = live.new_user()
    before = len(logs.errors())
    send = {"photo": lambda api: api.send_photo(user, caption=caption),
            "document": lambda api: api.send_document(user, caption=caption)}[kind]
    calls = live.exchange(user, send)
    check_one_reply(live, logs, user, calls, before)


@pytest.mark.parametrize("kind", ["voice", "sticker", "location"])
def test_media_without_text_gets_one_reply(live, logs, kind):
    user = live.new_user()
    before = len(logs.errors())
    calls = live.exchange(user, lambda api: getattr(api, f"send_{kind}")(user))
    reply = check_one_reply(live, logs, user, calls, before)
    assert reply.plain_text == live.assistant.faq.render(live.assistant.faq.texts.not_text).strip()


@EXAMPLES
@given(data=st.text(min_size=1, max_size=64).filter(lambda d: 1 <= len(d.encode()) <= 64))
def test_forged_or_stale_button_data_is_answered_once_and_harmlessly(live, logs, data):
    user = live.new_user()
    welcome = live.exchange(user, lambda api: api.send_command(user, "/start"))
    message = next(c for c in welcome if c.chat_id == user.id and c.method == "sendMessage")
    before = len(logs.errors())
    holder: dict = {}

    def press(api):
        holder["query"] = api.press_button(user, message, data, check=False)

    calls = live.exchange(user, press, until=lambda c: c.method == "answerCallbackQuery"
                          and c.params.get("callback_query_id") == holder["query"]["id"])
    answers = [c for c in calls if c.method == "answerCallbackQuery"
               and c.params.get("callback_query_id") == holder["query"]["id"]]
    assert len(answers) == 1 and answers[0].ok
    assert [c for c in calls if not c.ok] == []
    assert [c for c in calls if c.chat_id == STAFF_CHAT] == [] or data in ("help:now", "help:clinic")
    assert logs.errors()[before:] == []
