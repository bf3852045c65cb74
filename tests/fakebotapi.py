"""A fake Telegram Bot API server on loopback, for end-to-end tests of the real PTB Application.

Telegram is unreachable from CI, and mocking python-telegram-bot would test our idea of PTB
rather than PTB. So the tests run the real ``Application`` (or a real ``faqbot run`` subprocess)
over real HTTP against this server, which answers the way api.telegram.org does for the calls we
make, including the errors that bite in production: empty/over-long text, HTML or MarkdownV2
that Telegram cannot parse, oversized ``callback_data``, unknown chats, 429 with ``retry_after``,
5xx and dropped connections.

Pointing PTB at it
------------------
PTB builds every request URL as ``f"{base_url}{token}/{method}"`` when ``base_url`` has no
``{token}`` placeholder (``telegram._bot._parse_base_url``), and its default ``base_url`` is
``"https://api.telegram.org/bot"``. So the form PTB wants is the server URL followed by ``/bot``,
without a trailing slash::

    server = FakeBotAPI(token="123456:TEST-token-not-real")
    await server.start()
    app = (ApplicationBuilder().token(server.token)
           .base_url(server.base_url)            # == f"{server.url}/bot"
           .base_file_url(server.base_file_url)  # == f"{server.url}/file/bot"
           .build())
    ...
    await server.stop()

A subprocess bot gets the same value through the environment:
``TELEGRAM_API_URL=server.base_url`` (i.e. ``f"{server.url}/bot"``). The server lives in the test's
event loop, so a test that drives a subprocess must wait with ``asyncio`` (``await
asyncio.create_subprocess_exec(...)``, ``await server.wait_for(...)``), never with blocking calls
like ``subprocess.run`` or ``time.sleep`` that would freeze the server.

PTB posts parameters form-encoded (``application/x-www-form-urlencoded``; multipart when a file is
uploaded); every non-string value, ``reply_markup`` and ``entities`` included, is JSON-encoded
inside its form field. The server also accepts JSON bodies and query strings, as Telegram does.

Acting as users
---------------
``user = server.user(42, "Ann", username="ann")`` makes a user; ``server.send_text(user, "hi")``
queues a private-chat message (``chat=-100123`` for a group), ``send_command(user, "/start")``
adds the ``bot_command`` entity a real client adds, ``send_photo``/``send_voice``/
``send_sticker``/``send_document``/``send_location`` send media, ``press_button(user, message,
data)`` taps an inline button on a bot message (the button must exist on the message's current
keyboard, as in a real client). They enqueue at once and return the Telegram ``Message`` (or
``CallbackQuery``) dict; awaiting the result is allowed and optional. Text arrives trimmed, and an
empty message raises ValueError, as Telegram never delivers one; the 4,096-character cap of real
clients is not applied, so tests can push longer texts at the bot.

Watching the bot
----------------
``server.sent`` lists every bot call Telegram accepted (a :class:`Call`: method, chat_id, text,
reply_markup, parse_mode, message_id, timestamp, the result); ``server.calls`` also holds the
refused ones (validation errors and injected faults). ``await server.wait_for(pred, timeout=5,
since=mark)`` returns the first accepted call matching ``pred``; ``mark = server.mark()`` taken
before acting makes it ignore older calls. ``server.messages_to(chat_id)`` is what a chat shows
now (edits applied, deletions removed). ``await server.settle()`` waits until the bot has read
every queued update and gone quiet, so a test can then assert "exactly one reply".
``server.requests_log`` keeps the raw request paths as received. Also: ``server.sent_to(chat_id)``,
``await server.wait_until(condition)``, ``server.pending_updates`` (queued, not yet confirmed by the
bot), ``server.updates`` (every update with the times it was queued and handed to the bot, for
latency figures) and ``server.messages`` (every message, users' and the bot's, by chat and id).
``server.group(chat_id, title)`` declares a group; ``FakeBotAPI(known_chats=[...])`` makes any other
chat "chat not found" (chats users wrote from are always known); ``rate_limits="count"`` or
``"enforce"`` models Telegram's flood limits (30 messages/s overall, 20/min per group).

Faults
------
``server.fail(method="sendMessage", chat_id=X, times=3, status=500)`` (or ``status=429,
retry_after=1``) refuses the next matching calls; ``server.fail_network(times=N)`` drops the
connection without a response (PTB raises ``NetworkError``); with ``after_delivery=True`` the
message is delivered but the response is lost, the case that makes duplicates. Faults never touch
``getUpdates`` unless asked for by ``method="getUpdates"``. ``server.block(chat_id)`` makes a chat
answer 403 "bot was blocked by the user"; ``server.slow(2.0, chat_id=X)`` holds a call in flight
before answering it normally.

Deliberate strictness: HTML must escape ``&``, ``<`` and ``>`` (Telegram itself tolerates a bare
``&`` or ``>``; an app that escapes patient text with ``html.escape`` never notices) and message
length is counted in UTF-16 code units. Pass ``strict_html=False`` for Telegram's leniency.
"""
from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl

from aiohttp import web

__all__ = [
    "Call",
    "EntityParseError",
    "FakeBotAPI",
    "FakeUser",
    "Fault",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "utf16_len",
]

MAX_TEXT_UTF16 = 4096
MAX_CAPTION_UTF16 = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER = 200


# --------------------------------------------------------------------------------------------
# Formatting: Telegram's three parse modes, reduced to (plain text, entities) or an error.
# Offsets and lengths of entities are in UTF-16 code units, as in the Bot API.
# --------------------------------------------------------------------------------------------


class EntityParseError(ValueError):
    """The text is refused with "Bad Request: can't parse entities: <reason>"."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


class _Builder:
    """Plain text under construction, with UTF-16 positions for entities."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[dict] = []

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += utf16_len(s)

    def entity(self, type_: str, start: int, **extra: Any) -> None:
        length = self.pos - start
        if length > 0:
            self.entities.append({"type": type_, "offset": start, "length": length, **extra})

    def result(self) -> tuple[str, list[dict]]:
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))


_HTML_TAGS = {
    "b": "bold", "strong": "bold",
    "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ATTR = re.compile(
    r"""\s*([^\s=>/"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[dict]]:
    """Telegram's HTML parse mode: only its tags, properly nested, and entities escaped.

    ``strict`` also refuses a bare ``&`` (not a known entity) and a bare ``>``: Telegram lets them
    through, but text that contains them was not escaped, and the next patient's ``<3`` breaks it.
    """
    out = _Builder()
    stack: list[tuple[str, dict, int, int]] = []  # (tag name, attrs, start pos, byte offset)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "&":
            m = _HTML_ENTITY.match(text, i)
            if m:
                if m.group(1):
                    out.add(_HTML_NAMED[m.group(1)])
                else:
                    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
                    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                        raise EntityParseError(
                            f"Invalid character entity at byte offset {_byte_offset(text, i)}"
                        )
                    out.add(chr(code))
                i = m.end()
                continue
            if strict:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {_byte_offset(text, i)}: write &amp;'
                )
            out.add(c)
            i += 1
        elif c == ">":
            if strict:
                raise EntityParseError(
                    f'Unescaped ">" at byte offset {_byte_offset(text, i)}: write &gt;'
                )
            out.add(c)
            i += 1
        elif c == "<":
            begin = _byte_offset(text, i)
            end = text.find(">", i + 1)
            if text.startswith("</", i):
                if end == -1:
                    raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
                name = text[i + 2:end].strip().lower()
                if not stack:
                    raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
                open_name, attrs, start, _ = stack.pop()
                if name != open_name:
                    raise EntityParseError(
                        f'Unmatched end tag at byte offset {begin}, expected "</{open_name}>", '
                        f'found "</{name}>"'
                    )
                _close_html_entity(out, open_name, attrs, start, stack)
                i = end + 1
                continue
            m = re.compile(r"[^\s/>]*").match(text, i + 1)
            name = m.group(0).lower()
            if name not in _HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {begin}')
            if end == -1:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            body = text[i + 1:end]
            m = re.match(r"[^\s/>]*", body)
            attrs: dict[str, str] = {}
            rest = body[m.end():].rstrip()
            if rest.endswith("/"):
                raise EntityParseError(f'Unsupported start tag "{name}/" at byte offset {begin}')
            pos = 0
            while pos < len(rest):
                am = _HTML_ATTR.match(rest, pos)
                if not am or am.end() == pos:
                    raise EntityParseError(
                        f'Expected equal sign in declaration of an attribute of the tag "{name}"'
                    )
                value = next((g for g in am.group(2, 3, 4) if g is not None), "")
                attrs[am.group(1).lower()] = html.unescape(value)
                pos = am.end()
                if rest[pos:].strip() == "":
                    break
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
                raise EntityParseError('Tag "tg-emoji" must have a valid "emoji-id" attribute')
            stack.append((name, attrs, out.pos, begin))
            i = end + 1
        else:
            out.add(c)
            i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _close_html_entity(out: _Builder, name: str, attrs: dict, start: int, stack: list) -> None:
    kind = _HTML_TAGS[name]
    if kind == "text_link":
        url = attrs.get("href", "")
        m = re.fullmatch(r"tg://user\?id=(\d+)", url)
        if m:
            out.entity("text_mention", start, user={"id": int(m.group(1)), "is_bot": False,
                                                     "first_name": "User"})
        elif url:
            out.entity("text_link", start, url=url)
    elif kind == "code" and stack and stack[-1][0] == "pre":
        lang = attrs.get("class", "")
        if lang.startswith("language-"):
            stack[-1][1]["language"] = lang[len("language-"):]
        out.entity("code", start)
    elif kind == "pre":
        extra = {"language": attrs["language"]} if attrs.get("language") else {}
        # the <code> inside <pre> is part of the pre entity, not an entity of its own
        out.entities = [e for e in out.entities
                        if not (e["type"] == "code" and e["offset"] >= start)]
        out.entity("pre", start, **extra)
    elif kind == "blockquote":
        out.entity("expandable_blockquote" if "expandable" in attrs else "blockquote", start)
    elif kind == "custom_emoji":
        out.entity("custom_emoji", start, custom_emoji_id=attrs["emoji-id"])
    else:
        out.entity(kind, start)


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def parse_markdown_v2(text: str) -> tuple[str, list[dict]]:
    """Telegram's MarkdownV2: every reserved character outside an entity must be escaped."""
    out = _Builder()
    # stack of (kind, start pos, byte offset, end delimiter)
    stack: list[tuple[str, int, int, str]] = []
    i, n = 0, len(text)
    quote_start: int | None = None
    at_line_start = True
    while i < n:
        c = text[i]
        top = stack[-1] if stack else None
        in_code = top is not None and top[0] in ("code", "pre")
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            at_line_start = False
            continue
        if in_code:
            if text.startswith(top[3], i):
                kind, start, _, delim = stack.pop()
                out.entity(kind, start)
                i += len(delim)
            else:
                out.add(c)
                i += 1
            continue
        if c == "\n":
            out.add(c)
            i += 1
            at_line_start = True
            continue
        if at_line_start and (c == ">" or text.startswith("**>", i)):
            if quote_start is None:
                quote_start = out.pos
            i += 3 if c == "*" else 1
            at_line_start = False
            continue
        if at_line_start and quote_start is not None:
            out.entity("blockquote", quote_start)
            quote_start = None
        at_line_start = False
        if c not in _MDV2_RESERVED:
            out.add(c)
            i += 1
            continue
        if top is not None and text.startswith(top[3], i) and not (
            top[0] == "italic" and text.startswith("__", i)
        ):
            kind, start, _, delim = stack.pop()
            i += len(delim)
            if kind in ("text_link", "custom_emoji"):
                if i < n and text[i] == "(":
                    j, url = i + 1, []
                    while j < n and text[j] != ")":
                        if text[j] == "\\" and j + 1 < n:
                            j += 1
                        url.append(text[j])
                        j += 1
                    if j >= n:
                        raise EntityParseError(
                            f"Can't find end of a url at byte offset {_byte_offset(text, i)}"
                        )
                    i = j + 1
                    if kind == "custom_emoji":
                        out.entity(kind, start, custom_emoji_id="".join(url).rsplit("=", 1)[-1])
                    else:
                        out.entity(kind, start, url="".join(url))
                continue
            out.entity(kind, start)
            continue
        b = _byte_offset(text, i)
        if text.startswith("```", i):
            j = text.find("\n", i + 3)
            lang = text[i + 3:j] if j != -1 and " " not in text[i + 3:j] else ""
            i = j + 1 if lang or (j != -1 and j == i + 3) else i + 3
            stack.append(("pre", out.pos, b, "```"))
        elif c == "`":
            stack.append(("code", out.pos, b, "`"))
            i += 1
        elif text.startswith("__", i):
            stack.append(("underline", out.pos, b, "__"))
            i += 2
        elif c == "_":
            stack.append(("italic", out.pos, b, "_"))
            i += 1
        elif c == "*":
            stack.append(("bold", out.pos, b, "*"))
            i += 1
        elif c == "~":
            stack.append(("strikethrough", out.pos, b, "~"))
            i += 1
        elif text.startswith("||", i):
            stack.append(("spoiler", out.pos, b, "||"))
            i += 2
        elif c == "[":
            stack.append(("text_link", out.pos, b, "]"))
            i += 1
        elif text.startswith("![", i):
            stack.append(("custom_emoji", out.pos, b, "]"))
            i += 2
        else:
            raise EntityParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
    if stack:
        kind, _, b, _ = stack[-1]
        names = {"bold": "Bold", "italic": "Italic", "underline": "Underline",
                 "strikethrough": "Strikethrough", "spoiler": "Spoiler", "code": "Code",
                 "pre": "Pre", "text_link": "TextUrl", "custom_emoji": "CustomEmoji"}
        raise EntityParseError(f"Can't find end of {names[kind]} entity at byte offset {b}")
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    return out.result()


def parse_markdown(text: str) -> tuple[str, list[dict]]:
    """Telegram's legacy Markdown: * _ ` ``` [text](url); an unclosed one is an error."""
    out = _Builder()
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            out.add(c)
            i += 1
            continue
        b = _byte_offset(text, i)
        delim = "```" if text.startswith("```", i) else ("]" if c == "[" else c)
        end = text.find(delim, i + len(delim) if delim != "]" else i + 1)
        if end == -1:
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {b}")
        inner = text[i + (3 if delim == "```" else 1):end]
        start = out.pos
        out.add(inner)
        kind = {"_": "italic", "*": "bold", "`": "code", "```": "pre", "]": "text_link"}[delim]
        i = end + len(delim)
        if kind == "text_link":
            if i < n and text[i] == "(" and ")" in text[i:]:
                close = text.index(")", i)
                out.entity("text_link", start, url=text[i + 1:close])
                i = close + 1
            continue
        out.entity(kind, start)
    return out.result()


def render(text: str, parse_mode: str | None, *, strict_html: bool = True) -> tuple[str, list[dict]]:
    """What the recipient sees: the text with markup removed, and its entities."""
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode == "html":
        return parse_html(text, strict=strict_html)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    raise _ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")


def _strip(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram trims leading and trailing whitespace of a message and clips entities to it."""
    lead = utf16_len(text) - utf16_len(text.lstrip())
    stripped = text.strip()
    total = utf16_len(stripped)
    kept = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, total)
        if end > start:
            kept.append({**e, "offset": start, "length": end - start})
    return stripped, kept


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass(frozen=True)
class FakeUser:
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "en"

    @property
    def chat_id(self) -> int:
        """A private chat's id is the user's id."""
        return self.id

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                d[key] = getattr(self, key)
        return d


@dataclass
class Call:
    """One request the bot made (getUpdates excluded)."""

    method: str
    params: dict
    chat_id: int | str | None
    text: str | None  # text or caption as sent, markup included
    parse_mode: str | None
    reply_markup: dict | None
    message_id: int | None  # the new message for sends, the target for edits and deletes
    timestamp: float  # time.time()
    monotonic: float  # time.monotonic(), for latency arithmetic
    status: int = 200
    error: str | None = None
    result: Any = None
    plain_text: str | None = None  # what the recipient sees, markup removed
    entities: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def buttons(self) -> list[dict]:
        """The inline keyboard's buttons, row after row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def __repr__(self) -> str:
        shown = (self.plain_text or self.text or "")[:60]
        state = "ok" if self.ok else f"{self.status} {self.error}"
        return f"<Call {self.method} chat={self.chat_id} msg={self.message_id} {state} {shown!r}>"


@dataclass
class Fault:
    """An injected failure; ``remaining`` counts down, ``hits`` counts the calls it refused."""

    method: str | None
    chat_id: int | None
    remaining: int | None  # None: until clear()
    status: int | None = None  # None: network drop
    retry_after: int | None = None
    description: str | None = None
    after_delivery: bool = False
    delay: float = 0.0
    slow_only: bool = False  # delay, then answer normally
    hits: int = 0

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is None:
            if method == "getUpdates":
                return False
        elif self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def consume(self) -> None:
        self.hits += 1
        if self.remaining is not None:
            self.remaining -= 1

    def clear(self) -> None:
        self.remaining = 0

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0


@dataclass
class QueuedUpdate:
    update: dict
    queued_at: float  # monotonic
    delivered_at: float | None = None

    @property
    def update_id(self) -> int:
        return self.update["update_id"]


class _Delivered(dict):
    """A Telegram object dict that may also be awaited (returns itself)."""

    def __await__(self):
        if False:  # pragma: no cover - makes this a generator
            yield
        return self


class WaitTimeout(AssertionError):
    pass


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

_INT_PARAMS = {"chat_id", "from_chat_id", "message_id", "offset", "limit", "timeout",
               "message_thread_id", "reply_to_message_id", "cache_time", "user_id",
               "business_connection_id_unused"}
_JSON_PARAMS = {"reply_markup", "entities", "caption_entities", "link_preview_options",
                "reply_parameters", "commands", "scope", "allowed_updates", "media",
                "message_ids", "reaction"}
_TRUE_METHODS = {"setMyCommands", "deleteMyCommands", "setMyDescription",
                 "setMyShortDescription", "setMyName", "setChatMenuButton", "close", "logOut",
                 "setWebhook", "sendChatAction", "setMessageReaction", "pinChatMessage",
                 "unpinChatMessage", "leaveChat", "setMyDefaultAdministratorRights"}


class FakeBotAPI:
    def __init__(
        self,
        token: str = "123456:TEST-token-not-real",
        *,
        bot_username: str = "faq_test_bot",
        bot_name: str = "Clinic FAQ (test)",
        known_chats: Iterable[int] | None = None,
        strict_html: bool = True,
        rate_limits: str | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        """``rate_limits``: None ignores Telegram's flood limits; "count" counts the sends that
        break them in :attr:`rate_limit_hits`; "enforce" also answers those with 429. The limits
        modelled are the documented ones PTB's AIORateLimiter uses, as token buckets: 30 messages
        per second overall, 20 per minute into one group (Telegram publishes no exact model)."""
        if rate_limits not in (None, "count", "enforce"):
            raise ValueError("rate_limits must be None, 'count' or 'enforce'")
        self.rate_limits = rate_limits
        self.rate_limit_hits = 0
        self._buckets: dict[Any, tuple[float, float]] = {}  # key -> (tokens, when)
        self.token = token
        self.host = host
        self.strict_html = strict_html
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456
        self.bot = {"id": bot_id, "is_bot": True, "first_name": bot_name,
                    "username": bot_username, "can_join_groups": True,
                    "can_read_all_group_messages": False, "supports_inline_queries": False,
                    "can_connect_to_business": False, "has_main_web_app": False}
        # None: any chat id is accepted. A set: only these (plus chats users wrote from).
        self.known_chats: set[int] | None = set(known_chats) if known_chats is not None else None
        self.blocked: set[int] = set()
        self.chats: dict[int, dict] = {}
        self.messages: dict[tuple[int, int], dict] = {}  # (chat id, message id) -> Message
        self.calls: list[Call] = []
        self.sent: list[Call] = []
        self.requests_log: list[str] = []
        self.updates: list[QueuedUpdate] = []  # every update ever queued, for latency figures
        self.faults: list[Fault] = []
        self.commands: list[dict] = []
        self.webhook_deletes = 0
        self._queue: list[QueuedUpdate] = []  # not yet confirmed by an offset
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._callback_ids = itertools.count(1)
        self._open_callbacks: set[str] = set()
        self._changed: asyncio.Condition | None = None
        self._poll_generation = 0
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # ---------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeBotAPI is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """PTB's ``base_url`` / the bot's ``TELEGRAM_API_URL``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def start(self) -> "FakeBotAPI":
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False,
                                     shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._stopping = True
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "FakeBotAPI":
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    async def _notify(self) -> None:
        if self._changed is None:
            return
        async with self._changed:
            self._changed.notify_all()

    def _notify_soon(self) -> None:
        if self._changed is None:
            return
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(self._notify())

    # ---------------------------------------------------------------- acting as users

    def user(self, id: int, first_name: str = "Pat", username: str | None = None,
             last_name: str | None = None, language_code: str | None = "en") -> FakeUser:
        return FakeUser(id, first_name, username, last_name, language_code)

    def group(self, chat_id: int, title: str = "Clinic staff") -> dict:
        """Declare a group (a negative id); ``-100...`` ids are supergroups, as in Telegram."""
        chat = {"id": chat_id,
                "type": "supergroup" if str(chat_id).startswith("-100") else "group",
                "title": title}
        self.chats[chat_id] = chat
        if self.known_chats is not None:
            self.known_chats.add(chat_id)
        return chat

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: sends to this chat get 403."""
        self.blocked.add(chat_id)

    def _chat_for(self, user: FakeUser, chat: int | None) -> dict:
        if chat is None or chat == user.id:
            c = {"id": user.id, "type": "private", "first_name": user.first_name}
            if user.username:
                c["username"] = user.username
            if user.last_name:
                c["last_name"] = user.last_name
            self.chats[user.id] = c
        else:
            c = self.chats.get(chat) or self.group(chat, title=f"Group {chat}")
        if self.known_chats is not None:
            self.known_chats.add(c["id"])
        return c

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _enqueue(self, kind: str, payload: dict) -> None:
        update = {"update_id": next(self._update_ids), kind: payload}
        item = QueuedUpdate(update, time.monotonic())
        self._queue.append(item)
        self.updates.append(item)
        self._notify_soon()

    def _user_message(self, user: FakeUser, chat: int | None, **content: Any) -> _Delivered:
        c = self._chat_for(user, chat)
        msg = _Delivered({"message_id": self._next_message_id(c["id"]), "from": user.to_dict(),
                          "chat": c, "date": int(time.time()), **content})
        self.messages[(c["id"], msg["message_id"])] = dict(msg)
        self._enqueue("message", msg)
        return msg

    def send_text(self, user: FakeUser, text: str, chat: int | None = None,
                  reply_to: dict | None = None, *, raw: bool = False) -> _Delivered:
        """A text message as Telegram delivers it: trimmed, never empty (ValueError: no client
        can send one), a leading /command with its entity. ``raw=True`` delivers ``text`` as is."""
        if not raw:
            text = text.strip()
            if not text:
                raise ValueError("Telegram does not deliver an empty or whitespace-only message")
        content: dict[str, Any] = {"text": text}
        m = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", text)
        if m:
            content["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": utf16_len(m.group(0))}]
        if reply_to is not None:
            content["reply_to_message"] = dict(reply_to)
        return self._user_message(user, chat, **content)

    def send_command(self, user: FakeUser, command: str, chat: int | None = None) -> _Delivered:
        if not command.startswith("/"):
            raise ValueError("a command starts with '/'")
        return self.send_text(user, command, chat=chat)

    def edit_text(self, user: FakeUser, message: dict, new_text: str) -> _Delivered:
        """The user edits a message they sent: an ``edited_message`` update."""
        edited = _Delivered({**message, "text": new_text, "edit_date": int(time.time())})
        self.messages[(edited["chat"]["id"], edited["message_id"])] = dict(edited)
        self._enqueue("edited_message", edited)
        return edited

    def _file(self, prefix: str) -> dict:
        n = next(self._callback_ids)
        return {"file_id": f"{prefix}-file-{n}", "file_unique_id": f"{prefix}{n}"}

    def send_photo(self, user: FakeUser, caption: str | None = None,
                   chat: int | None = None) -> _Delivered:
        photo = [{**self._file("photo"), "width": 90, "height": 90, "file_size": 1200},
                 {**self._file("photo"), "width": 1280, "height": 1280, "file_size": 98000}]
        extra = {"caption": caption} if caption is not None else {}
        return self._user_message(user, chat, photo=photo, **extra)

    def send_voice(self, user: FakeUser, duration: int = 4, chat: int | None = None) -> _Delivered:
        voice = {**self._file("voice"), "duration": duration, "mime_type": "audio/ogg",
                 "file_size": 9000}
        return self._user_message(user, chat, voice=voice)

    def send_sticker(self, user: FakeUser, emoji: str = "\U0001F44D",
                     chat: int | None = None) -> _Delivered:
        sticker = {**self._file("sticker"), "type": "regular", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False, "emoji": emoji}
        return self._user_message(user, chat, sticker=sticker)

    def send_document(self, user: FakeUser, file_name: str = "notes.pdf",
                      mime_type: str = "application/pdf", caption: str | None = None,
                      chat: int | None = None) -> _Delivered:
        doc = {**self._file("doc"), "file_name": file_name, "mime_type": mime_type,
               "file_size": 20000}
        extra = {"caption": caption} if caption is not None else {}
        return self._user_message(user, chat, document=doc, **extra)

    def send_location(self, user: FakeUser, latitude: float = 52.52, longitude: float = 13.405,
                      chat: int | None = None) -> _Delivered:
        return self._user_message(user, chat,
                                  location={"latitude": latitude, "longitude": longitude})

    def press_button(self, user: FakeUser, message: Any, callback_data: str, *,
                     check: bool = True) -> _Delivered:
        """Tap an inline button on a bot message (a :class:`Call`, a Message dict, or
        ``(chat_id, message_id)``); the message is taken as the chat shows it now."""
        if isinstance(message, Call):
            if not isinstance(message.result, dict):
                raise ValueError(f"{message!r} did not produce a message")
            key = (message.result["chat"]["id"], message.result["message_id"])
        elif isinstance(message, dict):
            key = (message["chat"]["id"], message["message_id"])
        elif hasattr(message, "chat_id") and hasattr(message, "message_id"):  # telegram.Message
            key = (int(message.chat_id), int(message.message_id))
        else:
            key = (int(message[0]), int(message[1]))
        current = self.messages.get(key)
        if current is None:
            raise ValueError(f"no message {key} in the chat (deleted, or never sent)")
        if check:
            rows = (current.get("reply_markup") or {}).get("inline_keyboard") or []
            offered = [b.get("callback_data") for row in rows for b in row]
            if callback_data not in offered:
                raise ValueError(f"message {key} has no button {callback_data!r}; "
                                 f"its buttons: {offered}")
        query_id = str(9_000_000 + next(self._callback_ids))
        self._open_callbacks.add(query_id)
        query = _Delivered({"id": query_id, "from": user.to_dict(), "message": dict(current),
                            "chat_instance": f"ci-{key[0]}", "data": callback_data})
        self._enqueue("callback_query", query)
        return query

    # ---------------------------------------------------------------- inspection

    def mark(self) -> int:
        """A position in :attr:`sent`; pass it as ``since`` to ignore what came before."""
        return len(self.sent)

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by the bot."""
        return len(self._queue)

    def messages_to(self, chat_id: int) -> list[dict]:
        """The bot's messages in a chat as it shows now (edits applied, deleted ones gone)."""
        return [m for (c, _), m in sorted(self.messages.items())
                if c == chat_id and m.get("from", {}).get("id") == self.bot["id"]]

    def sent_to(self, chat_id: int, method: str | None = "sendMessage",
                since: int = 0) -> list[Call]:
        return [c for c in self.sent[since:]
                if c.chat_id == chat_id and (method is None or c.method == method)]

    async def wait_for(self, predicate: Callable[[Call], bool] = lambda c: True, *,
                       timeout: float = 5.0, since: int = 0) -> Call:
        """The first accepted call from index ``since`` on that satisfies ``predicate``."""
        assert self._changed is not None, "start() the server first"
        checked = since
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                for call in self.sent[checked:]:
                    if predicate(call):
                        return call
                checked = max(checked, len(self.sent))
                left = deadline - time.monotonic()
                if left <= 0:
                    recent = "\n  ".join(repr(c) for c in self.calls[-10:]) or "(none)"
                    raise WaitTimeout(f"no matching bot call within {timeout}s; last calls:\n"
                                      f"  {recent}")
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)

    async def wait_until(self, condition: Callable[[], bool], *, timeout: float = 5.0,
                         what: str = "condition") -> None:
        """Wait until ``condition()`` holds; re-checked on every request the server handles."""
        assert self._changed is not None, "start() the server first"
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WaitTimeout(f"{what} not reached within {timeout}s")
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), min(left, 0.05))

    async def settle(self, quiet: float = 0.3, *, timeout: float = 10.0) -> None:
        """Wait until the bot has confirmed every queued update and made no call for ``quiet``
        seconds: then "exactly one reply" can be asserted. A sync point, not a timing check."""
        deadline = time.monotonic() + timeout
        await self.wait_until(lambda: not self._queue, timeout=timeout,
                              what="the bot reading every update")
        while True:
            last = self.calls[-1].monotonic if self.calls else 0.0
            idle = time.monotonic() - last
            if idle >= quiet:
                return
            if time.monotonic() > deadline:
                raise WaitTimeout(f"the bot did not go quiet within {timeout}s")
            await asyncio.sleep(quiet - idle)

    # ---------------------------------------------------------------- faults

    def fail(self, method: str | None = "sendMessage", chat_id: int | None = None,
             times: int | None = 1, status: int = 500, retry_after: int | None = None,
             description: str | None = None) -> Fault:
        """Refuse the next ``times`` matching calls with an HTTP error (``times=None``: until
        ``fault.clear()``). 429 carries ``parameters.retry_after`` as Telegram sends it."""
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = Fault(method, chat_id, times, status=status, retry_after=retry_after,
                      description=description)
        self.faults.append(fault)
        return fault

    def fail_network(self, times: int | None = 1, method: str | None = None,
                     chat_id: int | None = None, *, after_delivery: bool = False,
                     delay: float = 0.0) -> Fault:
        """Close the connection without a response. ``after_delivery``: the call takes effect
        first (the message is in the chat) and only the response is lost. ``delay``: hang that
        long first (a slow Telegram; longer than the client's read timeout gives TimedOut)."""
        fault = Fault(method, chat_id, times, status=None, after_delivery=after_delivery,
                      delay=delay)
        self.faults.append(fault)
        return fault

    def slow(self, seconds: float, method: str | None = "sendMessage", chat_id: int | None = None,
             times: int | None = 1) -> Fault:
        """Hold the next matching calls ``seconds`` before answering them normally: a request
        in flight, e.g. while the bot is asked to shut down."""
        fault = Fault(method, chat_id, times, delay=seconds, slow_only=True)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        for fault in self.faults:
            fault.clear()

    def _fault_for(self, method: str, chat_id: Any) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, chat_id):
                fault.consume()
                return fault
        return None

    # ---------------------------------------------------------------- HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests_log.append(path)
        if path.startswith("/file/bot"):
            return await self._handle_file(request)
        m = re.fullmatch(r"/bot([^/]*)/([A-Za-z]+)", path)
        if not m:
            return self._error(404, "Not Found")
        token, method = m.groups()
        if token != self.token:
            return self._error(401, "Unauthorized")
        try:
            params = await self._read_params(request)
        except ValueError as exc:
            return self._error(400, f"Bad Request: {exc}")
        if method == "getUpdates":
            return await self._get_updates(request, params)
        chat_id = params.get("chat_id")
        call = self._new_call(method, params)
        fault = self._fault_for(method, chat_id)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.slow_only:
            fault = None
        if fault is not None and fault.status is None and not fault.after_delivery:
            return await self._drop(request, call, "injected network drop")
        if fault is not None and fault.status is not None:
            desc = fault.description or {
                429: f"Too Many Requests: retry after {fault.retry_after}",
                500: "Internal Server Error", 502: "Bad Gateway",
                503: "Service Unavailable", 403: "Forbidden: bot was blocked by the user",
                400: "Bad Request"}.get(fault.status, "Error")
            params_out = {"retry_after": fault.retry_after} if fault.status == 429 else None
            return await self._finish(call, _ApiError(fault.status, desc, params_out))
        try:
            self._rate_check(method, chat_id)
            result = self._dispatch(method, params, call)
        except _ApiError as exc:
            return await self._finish(call, exc)
        if fault is not None and fault.after_delivery:
            call.result = result
            self.sent.append(call)
            return await self._drop(request, call, "response lost after delivery")
        return await self._finish(call, result)

    _SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "forwardMessage",
                        "copyMessage"})

    def _rate_check(self, method: str, chat_id: Any) -> None:
        """Token buckets, as aiolimiter (behind PTB's AIORateLimiter) reads the same limits: a
        burst of 30 then 30/s overall; a burst of 20 then 20/min per group."""
        if self.rate_limits is None or method not in self._SENDS:
            return
        now = time.monotonic()
        buckets = [("*", 30.0, 30.0)]
        if isinstance(chat_id, int) and chat_id < 0:
            buckets.append((chat_id, 20.0, 20.0 / 60.0))
        levels = []
        for key, capacity, rate in buckets:
            level, last = self._buckets.get(key, (capacity, now))
            levels.append((key, min(capacity, level + (now - last) * rate)))
        if any(level < 1.0 for _, level in levels):
            self.rate_limit_hits += 1
            if self.rate_limits == "enforce":
                for key, level in levels:
                    self._buckets[key] = (level, now)
                raise _ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        for key, level in levels:
            self._buckets[key] = (max(0.0, level - 1.0), now)

    def _new_call(self, method: str, params: dict) -> Call:
        text = params.get("text", params.get("caption"))
        markup = params.get("reply_markup")
        call = Call(method=method, params=params, chat_id=params.get("chat_id"),
                    text=text if isinstance(text, str) else None,
                    parse_mode=params.get("parse_mode"),
                    reply_markup=markup if isinstance(markup, dict) else None,
                    message_id=params.get("message_id"),
                    timestamp=time.time(), monotonic=time.monotonic())
        self.calls.append(call)
        return call

    async def _finish(self, call: Call, outcome: Any) -> web.Response:
        if isinstance(outcome, _ApiError):
            call.status, call.error = outcome.status, outcome.description
            response = self._error(outcome.status, outcome.description, outcome.parameters)
        else:
            call.result = outcome
            self.sent.append(call)
            response = web.json_response({"ok": True, "result": outcome})
        await self._notify()
        return response

    async def _drop(self, request: web.Request, call: Call, why: str) -> web.StreamResponse:
        if call.error is None:
            call.status, call.error = 0, why
        await self._notify()
        if request.transport is not None:
            request.transport.abort()
        # aiohttp cannot answer on an aborted transport; this response is never written.
        return web.Response(status=500)

    @staticmethod
    def _error(status: int, description: str, parameters: dict | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    async def _read_params(self, request: web.Request) -> dict:
        raw: dict[str, Any] = dict(parse_qsl(request.query_string, keep_blank_values=True))
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise ValueError("JSON body must be an object")
                raw.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    raw[key] = value if isinstance(value, str) else getattr(value, "filename", "")
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if isinstance(value, str):
                if key in _JSON_PARAMS:
                    try:
                        value = json.loads(value)
                    except json.JSONDecodeError:
                        raise ValueError(f"can't parse {key} JSON object") from None
                elif key in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
                    value = int(value)
                elif value in ("true", "false"):
                    value = value == "true"
            params[key] = value
        return params

    async def _handle_file(self, request: web.Request) -> web.Response:
        m = re.fullmatch(r"/file/bot([^/]*)/(.+)", request.path)
        if not m or m.group(1) != self.token:
            return self._error(401, "Unauthorized")
        return web.Response(body=b"fake file content: " + m.group(2).encode(),
                            content_type="application/octet-stream")

    # ---------------------------------------------------------------- getUpdates

    async def _get_updates(self, request: web.Request, params: dict) -> web.Response:
        offset = params.get("offset")
        try:
            limit = max(1, min(int(float(params.get("limit") or 100)), 100))
            timeout = max(0.0, float(params.get("timeout") or 0))
        except (TypeError, ValueError):
            return self._error(400, "Bad Request: wrong parameter value")
        allowed = params.get("allowed_updates")
        if isinstance(offset, int):
            if offset > 0:
                self._queue = [u for u in self._queue if u.update_id >= offset]
            elif offset < 0:
                self._queue = self._queue[offset:]
        fault = self._fault_for("getUpdates", None)
        if fault is not None:
            if fault.status is None:
                return await self._drop(request, self._new_call("getUpdates", params),
                                        "injected network drop")
            params_out = {"retry_after": fault.retry_after} if fault.status == 429 else None
            return self._error(fault.status, fault.description or "Internal Server Error",
                               params_out)
        # A newer getUpdates terminates an older one that is still waiting, like Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        await self._notify()

        def ready() -> list[QueuedUpdate]:
            items = self._queue
            if allowed:
                items = [u for u in items if any(k in allowed for k in u.update if k != "update_id")]
            return items[:limit]

        deadline = time.monotonic() + timeout
        assert self._changed is not None
        async with self._changed:
            while True:
                items = ready()
                if items or self._stopping:
                    break
                if generation != self._poll_generation:
                    return self._error(409, "Conflict: terminated by other getUpdates request; "
                                            "make sure that only one bot instance is running")
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)
        now = time.monotonic()
        for item in items:
            if item.delivered_at is None:
                item.delivered_at = now
        return web.json_response({"ok": True, "result": [item.update for item in items]})

    # ---------------------------------------------------------------- methods

    def _dispatch(self, method: str, params: dict, call: Call) -> Any:
        handler = getattr(self, f"_m_{method}", None)
        if handler is not None:
            return handler(params, call)
        if method in _TRUE_METHODS:
            if "chat_id" in params:
                self._check_chat(params["chat_id"])
            if method == "setMyCommands":
                self.commands = list(params.get("commands") or [])
            return True
        raise _ApiError(404, "Not Found")

    def _check_chat(self, chat_id: Any) -> int:
        if chat_id is None or chat_id == "":
            raise _ApiError(400, "Bad Request: chat_id is empty")
        if not isinstance(chat_id, int):
            raise _ApiError(400, "Bad Request: chat not found")
        if self.known_chats is not None and chat_id not in self.known_chats:
            raise _ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _chat_object(self, chat_id: int) -> dict:
        if chat_id in self.chats:
            return self.chats[chat_id]
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        return {"id": chat_id,
                "type": "supergroup" if str(chat_id).startswith("-100") else "group",
                "title": f"Group {chat_id}"}

    def _render_checked(self, text: Any, parse_mode: Any, entities: Any, *,
                        limit: int, what: str) -> tuple[str, list[dict]]:
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, f"Bad Request: {what} is empty")
        if entities:
            plain, ents = text, list(entities)
        else:
            try:
                plain, ents = render(text, parse_mode, strict_html=self.strict_html)
            except EntityParseError as exc:
                raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        plain, ents = _strip(plain, ents)
        if not plain:
            raise _ApiError(400, f"Bad Request: {what} is empty")
        if utf16_len(plain) > limit:
            raise _ApiError(400, "Bad Request: message is too long" if what == "message text"
                            else "Bad Request: message caption is too long")
        return plain, ents

    @staticmethod
    def _check_markup(markup: Any) -> dict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _ApiError(400, "Bad Request: can't parse inline keyboard markup")
            if sum(len(r) for r in rows) > 100:
                raise _ApiError(400, "Bad Request: reply markup is too long")
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                        raise _ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
                    actions = [k for k in ("callback_data", "url", "switch_inline_query",
                                           "switch_inline_query_current_chat", "web_app",
                                           "login_url", "pay", "copy_text",
                                           "switch_inline_query_chosen_chat", "callback_game")
                               if k in button]
                    if not actions:
                        raise _ApiError(400, "Bad Request: can't parse inline keyboard button: "
                                             "Text buttons are unallowed in the inline keyboard")
                    if "callback_data" in button:
                        data = button["callback_data"]
                        if not isinstance(data, str) or not (
                            1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                        ):
                            raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                    if "url" in button and not re.match(r"(https?|tg)://\S+$",
                                                         str(button["url"])):
                        raise _ApiError(400, "Bad Request: BUTTON_URL_INVALID")
            return markup
        if "keyboard" in markup or "remove_keyboard" in markup or "force_reply" in markup:
            return None  # not part of the Message object
        raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")

    def _new_bot_message(self, chat_id: int, params: dict, **content: Any) -> dict:
        msg: dict[str, Any] = {"message_id": self._next_message_id(chat_id),
                               "from": dict(self.bot), "chat": self._chat_object(chat_id),
                               "date": int(time.time()), **content}
        markup = self._check_markup(params.get("reply_markup"))
        if markup:
            msg["reply_markup"] = markup
        reply = params.get("reply_parameters") or (
            {"message_id": params["reply_to_message_id"]}
            if "reply_to_message_id" in params else None)
        if isinstance(reply, dict) and "message_id" in reply:
            target = self.messages.get((reply.get("chat_id", chat_id), reply["message_id"]))
            if target is None and not reply.get("allow_sending_without_reply"):
                raise _ApiError(400, "Bad Request: message to be replied not found")
            if target is not None:
                msg["reply_to_message"] = {k: v for k, v in target.items()
                                           if k != "reply_to_message"}
        self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    def _m_getMe(self, params: dict, call: Call) -> dict:
        return dict(self.bot)

    def _m_deleteWebhook(self, params: dict, call: Call) -> bool:
        self.webhook_deletes += 1
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _m_getWebhookInfo(self, params: dict, call: Call) -> dict:
        return {"url": "", "has_custom_certificate": False,
                "pending_update_count": len(self._queue)}

    def _m_getMyCommands(self, params: dict, call: Call) -> list:
        return list(self.commands)

    def _m_getChat(self, params: dict, call: Call) -> dict:
        chat_id = self._check_chat(params.get("chat_id"))
        return {**self._chat_object(chat_id), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}

    def _m_getChatMember(self, params: dict, call: Call) -> dict:
        self._check_chat(params.get("chat_id"))
        user_id = params.get("user_id")
        if user_id == self.bot["id"]:
            return {"status": "member", "user": dict(self.bot)}
        return {"status": "member", "user": {"id": user_id, "is_bot": False,
                                             "first_name": f"User {user_id}"}}

    def _m_sendMessage(self, params: dict, call: Call) -> dict:
        chat_id = self._check_chat(params.get("chat_id"))
        plain, entities = self._render_checked(params.get("text"), params.get("parse_mode"),
                                               params.get("entities"), limit=MAX_TEXT_UTF16,
                                               what="message text")
        content: dict[str, Any] = {"text": plain}
        if entities:
            content["entities"] = entities
        if params.get("link_preview_options"):
            content["link_preview_options"] = params["link_preview_options"]
        msg = self._new_bot_message(chat_id, params, **content)
        call.message_id, call.plain_text, call.entities = msg["message_id"], plain, entities
        return msg

    def _media_message(self, params: dict, call: Call, kind: str, media: Any) -> dict:
        chat_id = self._check_chat(params.get("chat_id"))
        content: dict[str, Any] = {kind: media}
        if params.get("caption"):
            plain, entities = self._render_checked(params["caption"], params.get("parse_mode"),
                                                   params.get("caption_entities"),
                                                   limit=MAX_CAPTION_UTF16, what="caption")
            content["caption"] = plain
            if entities:
                content["caption_entities"] = entities
            call.plain_text, call.entities = plain, entities
        msg = self._new_bot_message(chat_id, params, **content)
        call.message_id = msg["message_id"]
        return msg

    def _m_sendPhoto(self, params: dict, call: Call) -> dict:
        return self._media_message(params, call, "photo", [
            {**self._file("photo"), "width": 800, "height": 600, "file_size": 50000}])

    def _m_sendDocument(self, params: dict, call: Call) -> dict:
        name = params.get("document") if isinstance(params.get("document"), str) else None
        return self._media_message(params, call, "document", {
            **self._file("doc"), "file_name": name or "file", "file_size": 1000})

    def _m_getFile(self, params: dict, call: Call) -> dict:
        file_id = str(params.get("file_id", ""))
        return {"file_id": file_id, "file_unique_id": file_id[-8:] or "x", "file_size": 1000,
                "file_path": f"files/{file_id}"}

    def _target(self, params: dict) -> tuple[int, int, dict]:
        if params.get("inline_message_id"):
            raise _ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat_id = self._check_chat(params.get("chat_id"))
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise _ApiError(400, "Bad Request: message identifier is not specified")
        msg = self.messages.get((chat_id, message_id))
        if msg is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if msg.get("from", {}).get("id") != self.bot["id"]:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return chat_id, message_id, msg

    def _m_editMessageText(self, params: dict, call: Call) -> dict:
        chat_id, message_id, msg = self._target(params)
        plain, entities = self._render_checked(params.get("text"), params.get("parse_mode"),
                                               params.get("entities"), limit=MAX_TEXT_UTF16,
                                               what="message text")
        markup = self._check_markup(params.get("reply_markup"))
        if plain == msg.get("text") and entities == msg.get("entities", []) and \
                markup == msg.get("reply_markup"):
            raise _ApiError(400, "Bad Request: message is not modified: specified new message "
                                 "content and reply markup are exactly the same as a current "
                                 "content and reply markup of the message")
        new = {k: v for k, v in msg.items() if k not in ("entities", "reply_markup")}
        new.update(text=plain, edit_date=int(time.time()))
        if entities:
            new["entities"] = entities
        if markup:
            new["reply_markup"] = markup
        self.messages[(chat_id, message_id)] = new
        call.plain_text, call.entities = plain, entities
        return new

    def _m_editMessageReplyMarkup(self, params: dict, call: Call) -> dict:
        chat_id, message_id, msg = self._target(params)
        markup = self._check_markup(params.get("reply_markup"))
        if markup == msg.get("reply_markup"):
            raise _ApiError(400, "Bad Request: message is not modified: specified new message "
                                 "content and reply markup are exactly the same as a current "
                                 "content and reply markup of the message")
        new = {k: v for k, v in msg.items() if k != "reply_markup"}
        new["edit_date"] = int(time.time())
        if markup:
            new["reply_markup"] = markup
        self.messages[(chat_id, message_id)] = new
        return new

    def _m_deleteMessage(self, params: dict, call: Call) -> bool:
        chat_id = self._check_chat(params.get("chat_id"))
        if self.messages.pop((chat_id, params.get("message_id")), None) is None:
            raise _ApiError(400, "Bad Request: message to delete not found")
        return True

    def _m_answerCallbackQuery(self, params: dict, call: Call) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired "
                                 "or query ID is invalid")
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        call.text = text if isinstance(text, str) else None
        return True

    def _m_forwardMessage(self, params: dict, call: Call) -> dict:
        chat_id = self._check_chat(params.get("chat_id"))
        source = self.messages.get((params.get("from_chat_id"), params.get("message_id")))
        if source is None:
            raise _ApiError(400, "Bad Request: message to forward not found")
        content = {k: v for k, v in source.items()
                   if k not in ("message_id", "from", "chat", "date", "reply_markup")}
        content["forward_origin"] = {"type": "user", "date": source["date"],
                                     "sender_user": source["from"]}
        msg = self._new_bot_message(chat_id, {}, **content)
        call.message_id, call.plain_text = msg["message_id"], msg.get("text")
        return msg

    def _m_copyMessage(self, params: dict, call: Call) -> dict:
        chat_id = self._check_chat(params.get("chat_id"))
        source = self.messages.get((params.get("from_chat_id"), params.get("message_id")))
        if source is None:
            raise _ApiError(400, "Bad Request: message to copy not found")
        content = {k: v for k, v in source.items()
                   if k not in ("message_id", "from", "chat", "date", "reply_markup")}
        msg = self._new_bot_message(chat_id, params, **content)
        call.message_id, call.plain_text = msg["message_id"], msg.get("text")
        return {"message_id": msg["message_id"]}
