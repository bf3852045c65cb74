"""Shared fixtures: the real faq.yaml (copied so a test may edit it), a fake Bot API server on
loopback, settings pointing at it with short intervals, and the real Application running against it.

Every end-to-end test also checks the privacy promise: at INFO and above, the logs never contain
the bot token nor any text a patient sent.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.pipeline import Assistant
from bot.settings import Settings
from bot.triage import Triage
from fakebotapi import FakeBotAPI

# The sentence model's phrasing cache (bot.semantic) goes to a directory of this run, never the
# user's own cache; CLI subprocesses inherit it, so the real FAQ is embedded once per run.
os.environ.setdefault("FAQBOT_CACHE_DIR", tempfile.mkdtemp(prefix="faqbot-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
REAL_FAQ = ROOT / "faq.yaml"
TOKEN = "987654:SECRET-test-token-must-not-leak"
STAFF_CHAT = -1001234567890
STAFF_MEMBER = 5001  # a member of the staff chat
STAFF_DM_USER = 5002  # listed in STAFF_USER_IDS, writes to the bot in private
OTHER_GROUP = -1009999999999


@pytest.fixture
def faq_file(tmp_path) -> Path:
    path = tmp_path / "faq.yaml"
    shutil.copyfile(REAL_FAQ, path)
    return path


@pytest.fixture
def assistant(faq_file) -> Assistant:
    """The same core the bot uses, to compute what a reply must be."""
    return Assistant.from_path(faq_file)[0]


@pytest.fixture
async def api():
    server = FakeBotAPI(token=TOKEN)
    await server.start()
    server.group(STAFF_CHAT, "Clinic staff")
    server.group(OTHER_GROUP, "Someone else's group")
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def settings(tmp_path, api, faq_file) -> Settings:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "STAFF_CHAT_ID": str(STAFF_CHAT),
           "STAFF_USER_IDS": str(STAFF_DM_USER), "TELEGRAM_API_URL": api.base_url,
           "DATA_DIR": str(tmp_path / "data"), "RATE_LIMIT": "off", "FAQ_POLL_SECONDS": "0.1"}
    return Settings.from_env(faq_path=faq_file, env=env, dotenv_path=None).replace(
        alert_check_seconds=0.1, outbox_backoff_first=0.05, outbox_backoff_max=0.2,
        reply_backoff_first=0.05, alert_pending_error_seconds=0.5)


class PrivacyLog(logging.Handler):
    """Collects formatted records at INFO and above, the way an operator's log would show them."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


@contextmanager
def root_log_at_info(handler: logging.Handler):
    """Root logger at INFO, as an operator would run it, feeding ``handler``; httpx left alone
    (the app tames it). Restores the root logger afterwards."""
    root = logging.getLogger()
    old = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


@pytest.fixture
def privacy_log():
    with root_log_at_info(PrivacyLog()) as handler:
        yield handler


@pytest.fixture
async def start_bot(api, privacy_log):
    """``await start_bot(settings)`` runs the real Application against the fake server (several
    may run one after another, e.g. a restart); all are stopped at the end.

    At teardown: neither the token nor any text a user typed appears in the INFO+ logs.
    """
    from contextlib import AsyncExitStack

    from handlers.application import build_application, running

    typed: list[str] = []
    send_text, send_photo, edit_text = api.send_text, api.send_photo, api.edit_text

    def spy_text(user, text, *args, **kwargs):
        typed.append(text)
        return send_text(user, text, *args, **kwargs)

    def spy_photo(user, caption=None, *args, **kwargs):
        if caption:
            typed.append(caption)
        return send_photo(user, caption, *args, **kwargs)

    def spy_edit(user, message, new_text):
        typed.append(new_text)
        return edit_text(user, message, new_text)

    api.send_text, api.send_photo, api.edit_text = spy_text, spy_photo, spy_edit
    stack = AsyncExitStack()

    async def start(settings: Settings):
        app = build_application(settings)
        await stack.enter_async_context(running(app, poll_interval=0, timeout=1))
        return app

    start.stack = stack
    try:
        yield start
    finally:
        await stack.aclose()
    logs = "\n".join(privacy_log.lines)
    assert TOKEN.split(":")[1] not in logs, "the bot token reached the logs"
    leaked = [t for t in typed if len(t.strip()) >= 8 and not t.startswith("/") and t.strip() in logs]
    assert not leaked, f"patient text reached the INFO+ logs: {[t[:40] for t in leaked]}"


@pytest.fixture
async def app(start_bot, settings):
    return await start_bot(settings)


@pytest.fixture(scope="session")
def triage() -> Triage:
    """The built-in rules and model, built once (about half a second) for every triage test."""
    return Triage()


def construction_params(cases: dict) -> list:
    """A lexicon round's table {construction: [(message, expected tier), ...]} as pytest params,
    each named by its construction, so a failure says which construction broke."""
    return [pytest.param(text, tier, id=f"{name[:40]}: {text[:60]}")
            for name, rows in cases.items() for text, tier in rows]
