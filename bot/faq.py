"""The clinic's FAQ: its data model, and the three ways to load ``faq.yaml``.

CONTRACT (other modules rely on these names; the loader's internals may change):
  Entry, Clinic, Texts, Faq, Problem, FaqError, load_faq(path), parse_faq(text, path), check_faq(path)

Staff who edit the file are not programmers, so every Problem names the file, the line and the fix,
and one run reports every problem at once. Whatever the input, loading raises nothing but FaqError.
The checks live in ``bot.faq_check`` (schema), ``bot.faq_yaml`` (the YAML node tree and its lines)
and ``bot.faq_confusion`` (entries so alike the matcher would mix them up).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Mapping

DEFAULT_FAQ_PATH = "faq.yaml"

MAX_FILE_BYTES = 1_000_000  # a 35-entry FAQ is ~30 kB; anything near 1 MB is a mistake or an attack
TELEGRAM_LIMIT = 4096  # characters per message (Telegram counts UTF-16 code units)
MAX_ID_CHARS = 40  # ids travel in Telegram button data, which is capped at 64 bytes
MIN_ALTERNATES = 2
SIMILAR_MARGIN = 3.0  # a rival entry within this many points of a variant's own entry is a confusion
# The confusion check ranks each variant against all variants (quadratic). Above this many
# (rankings x variants) a load checks questions only, or skips it, so a reload never stalls the bot;
# check_faq (what `faqbot check` runs) has no limit. ~1 s here at 550 variants.
SIMILAR_MAX_WORK = 300_000
MAX_PROBLEMS = 100  # listed in full; beyond that, one summary line


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    answer: str
    alternates: tuple[str, ...] = ()
    topic: str = "General"
    follow_ups: tuple[str, ...] = ()  # ids of related entries
    line: int = 0  # 1-based line of the entry in the file, 0 when unknown


@dataclass(frozen=True)
class Clinic:
    name: str = "the clinic"
    phone: str = ""
    email: str = ""
    hours: str = ""
    website: str = ""
    crisis_line: str = "988"
    emergency_number: str = "911"

    def contact(self) -> str:
        """One line a patient can act on, built from whatever the clinic filled in."""
        parts = [p for p in (self.phone, self.email, self.website) if p]
        how = " or ".join(parts) if parts else "the clinic's usual number"
        return f"{self.name}: {how}" + (f" ({self.hours})" if self.hours else "")


# Fixed texts. Placeholders: {clinic_name} {contact} {crisis_line} {emergency_number}
DEFAULT_TEXTS = {
    "welcome": (
        "Hi, I'm the {clinic_name} assistant. I answer common questions about memory, recall, "
        "safety and what to expect around your ketamine sessions, from answers our clinical team wrote.\n\n"
        "I am not a clinician and I am not for emergencies. If you are in crisis or thinking about "
        "harming yourself, call or text {crisis_line}, or call {emergency_number}.\n\n"
        "Privacy: Telegram is not a private medical channel. Please don't send details you would not "
        "want stored, such as your full name, date of birth or medical history. Messages that need "
        "staff attention are kept for a limited time so the team can follow up.\n\n"
        "Type a question, or use /topics to browse and /help for more."
    ),
    "fallback": (
        "I'm sorry, I don't have a reliable answer to that. I've passed the question on to the team "
        "so they can improve these answers. For anything about your own care, please contact "
        "{contact}."
    ),
    "emergency": (
        "This sounds urgent. Please get help now: call or text {crisis_line} (Suicide & Crisis Lifeline) "
        "or call {emergency_number}, or go to the nearest emergency department. If someone is in danger "
        "right now, call {emergency_number}.\n\nI have alerted the {clinic_name} team."
    ),
    "provider": (
        "This is something your provider should know about. Please contact {contact}. "
        "I have let the team know as well.\n\nIf it gets worse or feels like an emergency, call "
        "{emergency_number}, or call or text {crisis_line}."
    ),
    "not_text": "I can only read text messages. Please type your question in words.",
    "no_words": (
        "I couldn't find a question in that message. Please type your question in words, for example: "
        "\"Why can't I remember my session?\""
    ),
}
PLACEHOLDERS = ("clinic_name", "contact", "crisis_line", "emergency_number")


@dataclass(frozen=True)
class Texts:
    welcome: str = DEFAULT_TEXTS["welcome"]
    fallback: str = DEFAULT_TEXTS["fallback"]
    emergency: str = DEFAULT_TEXTS["emergency"]
    provider: str = DEFAULT_TEXTS["provider"]
    not_text: str = DEFAULT_TEXTS["not_text"]  # a photo, voice note, sticker...: not a text message
    no_words: str = DEFAULT_TEXTS["no_words"]  # a text message without words: emoji, symbols only


@dataclass(frozen=True)
class Faq:
    entries: tuple[Entry, ...]
    clinic: Clinic = field(default_factory=Clinic)
    texts: Texts = field(default_factory=Texts)
    # Each group is a set of words/phrases the clinic treats as the same ("troche", "lozenge").
    synonyms: tuple[tuple[str, ...], ...] = ()
    # Extra red-flag phrases: {"emergency": (...), "provider": (...)}. They add to the built-in floor.
    red_flags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    path: str | None = None

    def get(self, entry_id: str) -> Entry | None:
        for e in self.entries:
            if e.id == entry_id:
                return e
        return None

    def topics(self) -> dict[str, list[Entry]]:
        out: dict[str, list[Entry]] = {}
        for e in self.entries:
            out.setdefault(e.topic, []).append(e)
        return out

    def render(self, template: str) -> str:
        """Fill a fixed text's placeholders from the clinic block."""
        c = self.clinic
        return template.format(
            clinic_name=c.name, contact=c.contact(), crisis_line=c.crisis_line,
            emergency_number=c.emergency_number,
        )


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    fix: str = ""
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        s = f"{where}: {self.severity}: {self.message}"
        return s + (f" Fix: {self.fix}" if self.fix else "")


class FaqError(Exception):
    """The file cannot be used. ``problems`` lists every error (and warnings) found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ---- the schema ------------------------------------------------------------------------------
TOP_KEYS = ("clinic", "texts", "synonyms", "red_flags", "faqs")
ENTRY_KEYS = ("id", "topic", "question", "alternates", "answer", "follow_ups")
CLINIC_KEYS = tuple(f.name for f in fields(Clinic))
TEXT_KEYS = tuple(f.name for f in fields(Texts))
TIERS = ("emergency", "provider")



# ---- loading: thin over bot.faq_check, which imports this module (hence the imports inside) ------
def parse_faq(text: str, path: str = "<faq>", *, check_similar: bool = True,
              similar_work: int | None = SIMILAR_MAX_WORK) -> tuple[Faq, list[Problem]]:
    """Parse and validate; return (faq, warnings) or raise FaqError listing every problem.

    ``check_similar=False`` skips the matcher-based confusion warnings (they cost one ranking per
    question and alternate); ``similar_work`` bounds that check (None: no bound, see SIMILAR_MAX_WORK).
    """
    from .faq_check import parse_text  # noqa: PLC0415

    return parse_text(text, path, check_similar=check_similar, similar_work=similar_work)


def load_faq(path: str | os.PathLike, *, check_similar: bool = True,
             similar_work: int | None = SIMILAR_MAX_WORK) -> tuple[Faq, list[Problem]]:
    """Read and validate the file; return (faq, warnings) or raise FaqError (and nothing else)."""
    from .faq_check import parse_bytes  # noqa: PLC0415

    try:
        path = os.fspath(path)
    except TypeError:
        raise FaqError([Problem(str(path), None, "not a file path.")]) from None
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise FaqError([Problem(path, None, f"cannot read the file: {getattr(exc, 'strerror', None) or exc}",
                                "check the path (--faq or FAQ_PATH) and that the file exists")]) from None
    return parse_bytes(data, path, check_similar, similar_work)


def check_faq(path: str | os.PathLike) -> list[Problem]:
    """Every problem (errors and warnings), with the confusion check in full however big; never raises."""
    try:
        _, warnings = load_faq(path, similar_work=None)
        return warnings
    except FaqError as exc:
        return exc.problems


def similar_warnings(path: str | os.PathLike) -> list[Problem]:
    """Only the advice that ``check_similar=False`` skipped (entries so alike the bot may confuse
    them), for a caller that loaded without it to save start-up time; [] when the file no longer
    loads (whoever watches the file reports that)."""
    try:
        _, plain = load_faq(path, check_similar=False)
        _, full = load_faq(path)
    except FaqError:
        return []
    seen = set(plain)
    return [w for w in full if w not in seen]
