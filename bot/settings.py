"""The bot's configuration, read once at start-up from the environment and an optional ``.env``.

Every value is validated here so that ``faqbot run`` fails at once with a message that names the
variable and the fix, instead of failing later inside Telegram code. The environment wins over
``.env`` so that a deployment can override a checked-in file.

Environment variables (names fixed, other tools rely on them):
  TELEGRAM_BOT_TOKEN    required  the token from @BotFather
  STAFF_CHAT_ID         required  integer id of the staff group that receives alerts (e.g. -1001234567890)
  STAFF_USER_IDS        optional  comma-separated user ids allowed to use staff commands anywhere
  TELEGRAM_API_URL      optional  Bot API base URL, in python-telegram-bot's ``base_url`` form: the
                                  token is appended to it. Default ``https://api.telegram.org/bot``.
                                  A bare ``http://host:port`` (no path) gets ``/bot`` added, so
                                  ``http://127.0.0.1:8081`` and ``http://127.0.0.1:8081/bot`` are the same.
                                  ``{token}`` inside the URL is replaced by the token instead.
  DATA_DIR              optional  directory of the SQLite database (default ./data)
  FAQ_PATH              optional  the FAQ file (default ./faq.yaml; ``--faq`` overrides)
  RETENTION_DAYS        optional  days patient text is kept (default 30)
  ALERT_REPEAT_MINUTES  optional  repeat an unacknowledged emergency alert after this many minutes (10)
  FAQ_POLL_SECONDS      optional  how often faq.yaml is checked for edits (2)
  RATE_LIMIT            optional  on/off: respect Telegram's rate limits with AIORateLimiter (on)
  HEALTH_PORT           optional  serve a JSON status on http://127.0.0.1:PORT/health (off when unset)
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

DEFAULT_API_URL = "https://api.telegram.org/bot"
TRUE_WORDS = {"1", "on", "true", "yes"}
FALSE_WORDS = {"0", "off", "false", "no"}


class SettingsError(Exception):
    """Configuration is missing or malformed; the message says which variable and how to fix it."""


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)
    staff_chat_id: int
    staff_user_ids: frozenset[int] = frozenset()
    api_url: str = DEFAULT_API_URL
    data_dir: Path = Path("data")
    faq_path: Path = Path("faq.yaml")
    retention_days: int = 30
    alert_repeat_minutes: float = 10.0
    faq_poll_seconds: float = 2.0
    rate_limit: bool = True
    health_port: int | None = None
    # Tuning knobs without an environment variable (tests and the benchmark override them).
    # How often open emergency alerts are checked for a repeat.
    alert_check_seconds: float = 30.0
    # An alert still undelivered after this long is logged at ERROR (operators alert on it);
    # the health status turns "degraded".
    alert_pending_error_seconds: float = 120.0
    # Outbox retry backoff: first delay and ceiling, seconds. Retries never stop.
    outbox_backoff_first: float = 1.0
    outbox_backoff_max: float = 60.0
    # Patient replies: attempts on a transient error, and the first backoff delay.
    reply_attempts: int = 4
    reply_backoff_first: float = 0.5
    # Per-user flood protection (token bucket): burst size, and messages per minute afterwards.
    flood_burst: int = 10
    flood_per_minute: float = 20.0
    # Updates processed at once (order within one chat is always kept).
    concurrent_updates: int = 256
    # How many of a patient's previous messages an alert shows (memory only, never stored otherwise).
    alert_context_messages: int = 3

    def __repr__(self) -> str:  # the token must never reach a log or a traceback
        shown = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self) if f.name != "token"
        )
        return f"Settings(token='***', {shown})"

    __str__ = __repr__

    @property
    def db_path(self) -> Path:
        return self.data_dir / "faqbot.sqlite3"

    @property
    def base_url(self) -> str:
        """What ``ApplicationBuilder().base_url`` takes (the token is appended by PTB)."""
        return self.api_url

    @property
    def base_file_url(self) -> str:
        if self.api_url.endswith("/bot"):
            return self.api_url[: -len("bot")] + "file/bot"
        return self.api_url

    def is_staff(self, user_id: int | None, chat_id: int | None) -> bool:
        return chat_id == self.staff_chat_id or (user_id is not None and user_id in self.staff_user_ids)

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(
        cls,
        faq_path: str | os.PathLike | None = None,
        env: Mapping[str, str] | None = None,
        dotenv_path: str | os.PathLike | None = ".env",
    ) -> "Settings":
        """Read and validate; raise SettingsError listing every problem at once."""
        values: dict[str, str] = {}
        if dotenv_path is not None and Path(dotenv_path).is_file():
            from dotenv import dotenv_values

            values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
        values.update(os.environ if env is None else env)
        return cls.from_mapping(values, faq_path=faq_path)

    @classmethod
    def from_mapping(cls, values: Mapping[str, str], faq_path: str | os.PathLike | None = None) -> "Settings":
        problems: list[str] = []

        def get(name: str) -> str:
            return (values.get(name) or "").strip()

        token = get("TELEGRAM_BOT_TOKEN")
        if not token:
            problems.append("TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather and put its "
                            "token in .env as TELEGRAM_BOT_TOKEN=123456:ABC...")
        elif any(c.isspace() for c in token) or ":" not in token:
            problems.append("TELEGRAM_BOT_TOKEN does not look like a bot token (expected "
                            "digits, a colon, then letters, e.g. 123456:ABC-DEF...). "
                            "Copy it again from @BotFather.")

        staff_chat_id = 0
        raw = get("STAFF_CHAT_ID")
        if not raw:
            problems.append("STAFF_CHAT_ID is not set. Add the bot to the staff group, then set "
                            "STAFF_CHAT_ID to the group's id (a negative number such as -1001234567890).")
        else:
            try:
                staff_chat_id = int(raw)
            except ValueError:
                problems.append(f"STAFF_CHAT_ID must be a whole number such as -1001234567890, not {raw!r}.")

        staff_user_ids: set[int] = set()
        for part in filter(None, (p.strip() for p in get("STAFF_USER_IDS").split(","))):
            try:
                staff_user_ids.add(int(part))
            except ValueError:
                problems.append(f"STAFF_USER_IDS must be comma-separated whole numbers (e.g. 1111,2222); "
                                f"{part!r} is not one.")

        api_url = get("TELEGRAM_API_URL") or DEFAULT_API_URL
        parts = urlsplit(api_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"TELEGRAM_API_URL must be an http(s) URL such as http://127.0.0.1:8081/bot, "
                            f"not {api_url!r}.")
        elif parts.path in ("", "/") and "{token}" not in api_url:
            api_url = api_url.rstrip("/") + "/bot"

        def number(name: str, default, kind=float, minimum=0.0, allow_zero=False):
            raw = get(name)
            if not raw:
                return default
            try:
                v = kind(raw)
            except ValueError:
                problems.append(f"{name} must be a {'whole ' if kind is int else ''}number, not {raw!r}.")
                return default
            if v < minimum or (v == 0 and not allow_zero):
                problems.append(f"{name} must be greater than {minimum:g}, not {raw!r}.")
                return default
            return v

        retention_days = number("RETENTION_DAYS", 30, int, 1)
        alert_repeat = number("ALERT_REPEAT_MINUTES", 10.0)
        faq_poll = number("FAQ_POLL_SECONDS", 2.0)

        rate_raw = get("RATE_LIMIT").lower() or "on"
        if rate_raw not in TRUE_WORDS | FALSE_WORDS:
            problems.append(f"RATE_LIMIT must be on or off, not {get('RATE_LIMIT')!r}.")
        rate_limit = rate_raw not in FALSE_WORDS

        health_port = None
        if get("HEALTH_PORT"):
            health_port = number("HEALTH_PORT", None, int, 1)
            if health_port is not None and health_port > 65535:
                problems.append(f"HEALTH_PORT must be a port number 1-65535, not {get('HEALTH_PORT')!r}.")
                health_port = None

        data_dir = Path(get("DATA_DIR") or "data")
        if data_dir.exists() and not data_dir.is_dir():
            problems.append(f"DATA_DIR {str(data_dir)!r} exists but is not a directory.")

        faq = Path(faq_path) if faq_path else Path(get("FAQ_PATH") or "faq.yaml")

        if problems:
            raise SettingsError("Configuration problems:\n" + "\n".join(f"  - {p}" for p in problems))
        return cls(
            token=token, staff_chat_id=staff_chat_id, staff_user_ids=frozenset(staff_user_ids),
            api_url=api_url, data_dir=data_dir, faq_path=faq, retention_days=retention_days,
            alert_repeat_minutes=alert_repeat, faq_poll_seconds=faq_poll, rate_limit=rate_limit,
            health_port=health_port,
        )
