"""Configuration from the environment and .env: every mistake gets a clear message, the token is
never shown."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError

TOKEN = "123456:AAH-very-secret-token"
BASE = {"TELEGRAM_BOT_TOKEN": TOKEN, "STAFF_CHAT_ID": "-1001234567890"}


def load(**extra):
    return Settings.from_env(env={**BASE, **extra}, dotenv_path=None)


def test_defaults_when_only_the_required_values_are_set():
    s = load()
    assert (s.staff_chat_id, s.staff_user_ids, s.api_url) == (-1001234567890, frozenset(), "https://api.telegram.org/bot")
    assert (s.data_dir, s.faq_path, s.retention_days, s.alert_repeat_minutes) == (Path("data"), Path("faq.yaml"), 30, 10)
    assert (s.faq_poll_seconds, s.rate_limit, s.health_port) == (2, True, None)
    assert s.db_path == Path("data/faqbot.sqlite3")


@pytest.mark.parametrize("name,value,field,expected", [
    ("STAFF_USER_IDS", "1, 2,3", "staff_user_ids", frozenset({1, 2, 3})),
    ("TELEGRAM_API_URL", "http://127.0.0.1:8081/bot", "api_url", "http://127.0.0.1:8081/bot"),
    ("TELEGRAM_API_URL", "http://127.0.0.1:8081", "api_url", "http://127.0.0.1:8081/bot"),
    ("TELEGRAM_API_URL", "http://127.0.0.1:8081/", "api_url", "http://127.0.0.1:8081/bot"),
    ("DATA_DIR", "/var/lib/faqbot", "data_dir", Path("/var/lib/faqbot")),
    ("FAQ_PATH", "clinic/faq.yaml", "faq_path", Path("clinic/faq.yaml")),
    ("RETENTION_DAYS", "7", "retention_days", 7),
    ("ALERT_REPEAT_MINUTES", "2.5", "alert_repeat_minutes", 2.5),
    ("FAQ_POLL_SECONDS", "0.5", "faq_poll_seconds", 0.5),
    ("RATE_LIMIT", "off", "rate_limit", False),
    ("RATE_LIMIT", "ON", "rate_limit", True),
    ("HEALTH_PORT", "8080", "health_port", 8080),
])
def test_each_variable_is_read(name, value, field, expected):
    assert getattr(load(**{name: value}), field) == expected


@pytest.mark.parametrize("env,message", [
    ({"TELEGRAM_BOT_TOKEN": ""}, "TELEGRAM_BOT_TOKEN is not set"),
    ({"TELEGRAM_BOT_TOKEN": "not a token"}, "does not look like a bot token"),
    ({"STAFF_CHAT_ID": ""}, "STAFF_CHAT_ID is not set"),
    ({"STAFF_CHAT_ID": "staff"}, "STAFF_CHAT_ID must be a whole number"),
    ({"STAFF_USER_IDS": "1,bob"}, "'bob' is not one"),
    ({"TELEGRAM_API_URL": "127.0.0.1:8081"}, "TELEGRAM_API_URL must be an http(s) URL"),
    ({"RETENTION_DAYS": "a month"}, "RETENTION_DAYS must be a whole number"),
    ({"RETENTION_DAYS": "0"}, "RETENTION_DAYS must be greater than"),
    ({"ALERT_REPEAT_MINUTES": "-1"}, "ALERT_REPEAT_MINUTES must be greater than"),
    ({"FAQ_POLL_SECONDS": "fast"}, "FAQ_POLL_SECONDS must be a number"),
    ({"RATE_LIMIT": "maybe"}, "RATE_LIMIT must be on or off"),
    ({"HEALTH_PORT": "99999"}, "HEALTH_PORT must be a port number"),
])
def test_a_bad_value_is_named_with_its_fix(env, message):
    with pytest.raises(SettingsError) as err:
        load(**env)
    assert message in str(err.value)


def test_all_problems_are_reported_at_once_without_the_token():
    with pytest.raises(SettingsError) as err:
        Settings.from_env(env={"TELEGRAM_BOT_TOKEN": "secret without colon", "RATE_LIMIT": "x"}, dotenv_path=None)
    text = str(err.value)
    assert "TELEGRAM_BOT_TOKEN" in text and "STAFF_CHAT_ID" in text and "RATE_LIMIT" in text
    assert "secret" not in text


def test_repr_and_str_never_show_the_token():
    s = load()
    for shown in (repr(s), str(s), f"{s}", repr([s])):
        assert TOKEN not in shown and "AAH" not in shown
    assert "staff_chat_id=-1001234567890" in repr(s)


def test_dotenv_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nSTAFF_CHAT_ID=-100111\nRETENTION_DAYS=5\n")
    s = Settings.from_env(env={"STAFF_CHAT_ID": "-100222"}, dotenv_path=env_file)
    assert (s.token, s.staff_chat_id, s.retention_days) == (TOKEN, -100222, 5)


def test_faq_option_overrides_faq_path():
    assert Settings.from_env(faq_path="other.yaml", env={**BASE, "FAQ_PATH": "x.yaml"},
                             dotenv_path=None).faq_path == Path("other.yaml")


def test_staff_are_the_staff_chat_and_the_listed_users():
    s = load(STAFF_USER_IDS="42")
    assert s.is_staff(1, -1001234567890) and s.is_staff(42, 42) and not s.is_staff(7, 7)
