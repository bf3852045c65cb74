"""Loading and validating the clinic's ``faq.yaml``.

CONTRACT (other modules rely on these names; the loader's internals may change):
  Entry, Clinic, Texts, Faq, Problem, FaqError, load_faq(path), parse_faq(text, path), check_faq(path)

Staff who edit the file are not programmers, so every Problem names the file, the line and the fix,
and one run reports every problem at once (fixing one error per reload would be miserable).
The file is read with PyYAML's safe composer only: no Python objects are ever built from it, and the
node tree gives each entry and key its line. Whatever the input, loading raises nothing but FaqError.
"""
from __future__ import annotations

import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field, fields
from typing import Mapping

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

log = logging.getLogger(__name__)

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
_NODE_BUDGET = 200_000  # nodes visited; anchors/aliases cannot make validation explode past this


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
}
PLACEHOLDERS = ("clinic_name", "contact", "crisis_line", "emergency_number")


@dataclass(frozen=True)
class Texts:
    welcome: str = DEFAULT_TEXTS["welcome"]
    fallback: str = DEFAULT_TEXTS["fallback"]
    emergency: str = DEFAULT_TEXTS["emergency"]
    provider: str = DEFAULT_TEXTS["provider"]
    not_text: str = DEFAULT_TEXTS["not_text"]


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

# Words staff reach for that fuzzy spelling cannot guess.
_KEY_ALIASES = {
    "alternates": ("variants", "examples", "phrasings", "alts", "aliases", "paraphrases",
                   "alternate_questions", "other_questions", "also", "similar"),
    "answer": ("response", "reply", "a", "text", "body"),
    "question": ("q", "title", "ask"),
    "follow_ups": ("related", "see_also", "followups", "next", "links"),
    "topic": ("category", "section", "group", "subject"),
    "id": ("name", "slug", "key", "identifier"),
    "faqs": ("faq", "questions", "entries", "items"),
    "red_flags": ("redflags", "alerts", "warnings", "triggers"),
    "synonyms": ("vocabulary", "words", "thesaurus"),
    "phone": ("telephone", "tel", "phone_number", "number"),
    "crisis_line": ("crisis", "hotline", "crisis_number", "lifeline"),
    "emergency_number": ("emergency", "ambulance", "911"),
    "website": ("url", "web", "site", "homepage"),
    "hours": ("opening_hours", "open", "opening_times"),
    "email": ("mail", "e_mail"),
}
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_STD_TAG = "tag:yaml.org,2002:"
_NULL = _STD_TAG + "null"
_SAFE_TAGS = {_STD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary", "seq",
                                      "map", "omap", "pairs", "set", "merge", "value")}
_BAD = object()  # a value that was present but unusable (already reported)

_EXAMPLE_ENTRY = ("- id: memory-why-gaps\n    question: Why can't I remember my session?\n"
                  "    answer: |\n      ...")


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _slug(s: str) -> str:
    s = s.replace("'", "").replace("\u2019", "")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:MAX_ID_CHARS].strip("-")


def _norm_key(k: str) -> str:
    return re.sub(r"[\s\-]+", "_", k.strip().lower())


def _norm_text(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", s.casefold()).split())


def _line(node: Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None and node.start_mark else None


class _TooComplex(Exception):
    pass


def _did_you_mean(key: str, allowed: tuple[str, ...]) -> str | None:
    from rapidfuzz import fuzz, process  # noqa: PLC0415 (keeps import of bot.faq light)

    k = _norm_key(key)
    if k in allowed:
        return k
    for target, aliases in _KEY_ALIASES.items():
        if target in allowed and k in aliases:
            return target
    hit = process.extractOne(k, allowed, scorer=fuzz.ratio, score_cutoff=70)
    return hit[0] if hit else None


def _kind(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "a list (lines starting with '-')"
    if isinstance(node, MappingNode):
        return "a group of 'key: value' lines"
    return "text"


class _Checker:
    """Walks the YAML node tree once, collecting every problem with its line."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.source = text
        self.problems: list[Problem] = []
        self.budget = _NODE_BUDGET
        self.variant_lines: dict[tuple[str, str], int | None] = {}

    # -- reporting --
    def error(self, node_or_line, message: str, fix: str = "") -> None:
        line = node_or_line if isinstance(node_or_line, int) or node_or_line is None else _line(node_or_line)
        self.problems.append(Problem(self.path, line, message, fix, "error"))

    def warn(self, node_or_line, message: str, fix: str = "") -> None:
        line = node_or_line if isinstance(node_or_line, int) or node_or_line is None else _line(node_or_line)
        self.problems.append(Problem(self.path, line, message, fix, "warning"))

    def tick(self, n: int = 1) -> None:
        self.budget -= n
        if self.budget < 0:
            raise _TooComplex

    # -- generic node readers --
    def tag_ok(self, node: Node) -> bool:
        if node.tag and node.tag not in _SAFE_TAGS:
            self.error(node, f"unexpected YAML tag '{node.tag}'.",
                       f"delete '{node.tag}' (this file never needs tags), or put the text in quotes.")
            return False
        return True

    def pairs(self, node: MappingNode, where: str, allowed: tuple[str, ...], other_levels: dict[str, str],
              guesses: set | None = None):
        """Yield (key, key_node, value_node) for known keys; report unknown and repeated keys.

        ``guesses`` collects the keys a misspelling was taken for, so that 'answers:' is reported
        once as a misspelling and not again as a missing 'answer'.
        """
        seen: dict[str, Node] = {}
        for knode, vnode in self.merged(node):
            self.tick()
            if not isinstance(knode, ScalarNode) or knode.tag == _NULL:
                self.error(knode, f"{where} has a key that is not a plain name.",
                           f"keys here are: {', '.join(allowed)}.")
                continue
            key = knode.value
            if key not in allowed:
                guess = self.unknown_key(knode, key, where, allowed, other_levels)
                if guess and guesses is not None:
                    guesses.add(guess)
                continue
            if key in seen:
                self.error(knode, f"'{key}' appears twice in {where} (lines {_line(seen[key])} and "
                                  f"{_line(knode)}); YAML keeps only one of them.",
                           "delete one of them. If the second starts a new FAQ entry, begin it with "
                           "'- id:' (dash, space) lined up with the other entries.")
                continue
            seen[key] = knode
            yield key, knode, vnode

    def merged(self, node: MappingNode) -> list[tuple[Node, Node]]:
        """The node's pairs with '<<: *other' merges applied (explicit keys win), without mutating it."""
        own, merged = [], []
        for k, v in node.value:
            self.tick()
            if k.tag != _STD_TAG + "merge":
                own.append((k, v))
            elif isinstance(v, MappingNode):
                merged += self.merged(v)
            elif isinstance(v, SequenceNode) and all(isinstance(m, MappingNode) for m in v.value):
                for m in v.value:
                    merged += self.merged(m)
            else:
                self.error(k, "cannot merge with '<<:' here: it needs '*name' of a group of 'key: value' "
                              "lines.", "remove the '<<:' line and write the keys out.")
        names = {k.value for k, _ in own if isinstance(k, ScalarNode)}
        for k, v in merged:
            name = k.value if isinstance(k, ScalarNode) else None
            if name not in names:
                names.add(name)
                own.append((k, v))
        return own

    def unknown_key(self, knode: Node, key: str, where: str, allowed: tuple[str, ...],
                    other_levels: dict[str, str]) -> str | None:
        guess = _did_you_mean(key, allowed)
        if guess:
            self.error(knode, f"unknown key '{key}' in {where}; did you mean '{guess}'?",
                       f"rename '{key}' to '{guess}'.")
        elif _norm_key(key) in other_levels:
            self.error(knode, f"'{key}' does not belong in {where}.", other_levels[_norm_key(key)])
        else:
            self.error(knode, f"unknown key '{key}' in {where}.",
                       f"the keys allowed here are: {', '.join(allowed)}. "
                       "For notes to yourselves, start a line with '#' (a comment).")
        return guess

    def text(self, node: Node, what: str, fix: str = ""):
        """A text value exactly as written (numbers and yes/no kept as typed); None when empty/null."""
        self.tick()
        if not self.tag_ok(node):
            return _BAD
        if isinstance(node, ScalarNode):
            return None if node.tag == _NULL else node.value
        self.error(node, f"{what} should be text, but it is {_kind(node)}.",
                   fix or "if the text contains ': ' or starts with '-', put it in quotes or use "
                          "'|' and write it on the next lines, indented.")
        return _BAD

    def text_list(self, node: Node, what: str, item: str) -> list[tuple[str, Node]] | object:
        """A list of texts; a single text is accepted as a one-item list."""
        self.tick()
        if not self.tag_ok(node):
            return _BAD
        if isinstance(node, ScalarNode):
            return [] if node.tag == _NULL else [(node.value, node)]
        if isinstance(node, MappingNode):
            self.error(node, f"{what} should be a list, but it is {_kind(node)}.",
                       f"write each {item} on its own line starting with '- '. If a {item} "
                       "contains ': ', put it in quotes.")
            return _BAD
        out = []
        for n in node.value:
            v = self.text(n, f"each {item} in {what}",
                          f"write one {item} per '- ' line; if it contains ': ', put it in quotes.")
            if v is None or (v is not _BAD and not v.strip()):
                self.warn(n, f"empty {item} in {what}; it is ignored.", "delete the empty '- ' line.")
            elif v is not _BAD:
                out.append((v.strip(), n))
        return out

    def comment_swallowed(self, node: Node, what: str) -> None:
        """'answer: call #1 now' silently becomes 'call': YAML reads ' #...' as a comment."""
        if not isinstance(node, ScalarNode) or node.style is not None or node.end_mark is None:
            return
        rest = self.source[node.end_mark.index:].split("\n", 1)[0]
        if re.match(r"\s+#", rest):
            self.warn(node, f"the part of the {what} after ' #' is read as a comment and not shown "
                            "to patients.", f"put the whole {what} in quotes, or use '|' and write it "
                                            "on the next lines, indented.")


# PyYAML's words -> what a non-programmer can look for on that line
_PLAIN_YAML = (
    ("'\\t'", "there is a tab character"),
    ("mapping values are not allowed", "there is a ': ' (colon and space) where YAML did not expect one"),
    ("but found '<scalar>'", "text goes on after a closing quote (an apostrophe inside '...'?)"),
    ("expected <block end>", "this line does not line up with the lines around it"),
    ("could not find expected ':'", "a line here should be 'key: value' but has no ': '"),
    ("but got '?'", "there is a '?' inside [ ] brackets"),
    ("while scanning a quoted scalar", "a quote is opened but not closed"),
    ("another document", "there is a second document ('---')"),
    ("undefined alias", "a text starts with '*'"),
    ("while scanning an alias", "a text starts with '*'"),
    ("while scanning an anchor", "a text starts with '&'"),
    ("cannot start any token", "a text starts with a character YAML reserves"),
)


def _yaml_error(exc: yaml.YAMLError, path: str, text: str) -> Problem:
    """Turn PyYAML's message into a line, a plain sentence and the usual fix."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else None
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: max(exc.position, 0)].count("\n") + 1
        return Problem(path, line, f"the file contains a character YAML does not allow "
                                   f"({exc.character!r}).",
                       "delete that invisible/control character (retype the line if unsure) and "
                       "save the file as UTF-8 text.")
    problem = (getattr(exc, "problem", None) or str(exc)).strip()
    context = (getattr(exc, "context", None) or "").strip()
    col = f", column {mark.column + 1}" if mark else ""
    plain = next((said for key, said in _PLAIN_YAML if key in problem or key in context), "")
    msg = (f"YAML syntax error at line {line}{col}: " + (f"{plain} (YAML says: {problem})" if plain else
                                                         problem + (f" ({context})" if context else "")) + ".")
    src_line = text.split("\n")[line - 1] if line and line <= text.count("\n") + 1 else ""
    if "\t" in problem or "\t" in src_line[: len(src_line) - len(src_line.lstrip())]:
        fix = "indent with spaces, never tabs: replace the tab(s) at the start of the line with spaces."
    elif "mapping values are not allowed" in problem:
        fix = ("a text contains ': ' (colon and space) without quotes, or a line is indented too far. "
               "For an answer, write 'answer: |' and put the text on the next lines, indented; "
               "for a short text, wrap it in double quotes.")
    elif "expected <block end>" in problem or "could not find expected ':'" in problem:
        fix = ("check the indentation: keys of one entry must line up exactly, each entry starts with "
               "'- id:'. A text that starts with a quote must end with the same quote - if the text "
               "itself contains an apostrophe (it's), wrap it in double quotes or use '|'.")
    elif "another document" in problem or "single document" in context:
        fix = "remove the '---' line: the file holds one document."
    elif "undefined alias" in problem or "while scanning an a" in context:
        fix = "a text cannot start with '*' or '&': put it in quotes."
    elif "cannot start any token" in problem:
        fix = "a text cannot start with that character ('@', '`', '%'): put the text in quotes."
    elif "end of stream" in problem and "quoted" in context:
        fix = "a quote is opened but never closed: add the closing quote."
    elif "flow" in context:
        fix = ("inside [ ] brackets, a text with '?', ':', '#' or ',' must be in double quotes, e.g. "
               "[\"can I drive?\", \"is it safe?\"] - or write the list with one '- ' line per item. "
               "A text that starts with '[' or '{' must be in quotes too.")
    else:
        fix = "compare this line with a working entry above it: indentation, quotes and ': '."
    return Problem(path, line, msg, fix)


_BRACE_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _check_texts_field(c: _Checker, key: str, value: str, vnode: Node) -> bool:
    """Unknown placeholders would crash str.format when the bot sends this text: catch them now.

    Returns True when the text is fine. Each problem gets the line it is on inside a '|' block.
    """
    base = _line(vnode) or 0
    literal_block = isinstance(vnode, ScalarNode) and vnode.style == "|"
    allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    braces = "To show a brace itself to patients, double it: {{ or }}."
    ok = True
    for m in _BRACE_RE.finditer(value):
        tok = m.group(0)
        if tok in ("{{", "}}"):
            continue
        fname = m.group(1)
        if fname in PLACEHOLDERS:
            continue
        line = (base + 1 + value[: m.start()].count("\n")) if literal_block else base
        ok = False
        if fname is None:
            c.error(line or None, f"texts '{key}' has a lone '{tok}'.", f"{braces} Placeholders are {allowed}.")
            continue
        root = re.split(r"[.\[!:]", fname, maxsplit=1)[0]
        if root in PLACEHOLDERS:
            c.error(line or None, f"texts '{key}' has '{tok}', a placeholder with extras after its name.",
                    f"write it exactly as {{{root}}}. {braces}")
        else:
            guess = _did_you_mean(root, PLACEHOLDERS) if root.strip() else None
            hint = f" Did you mean {{{guess}}}?" if guess and guess != root else ""
            c.error(line or None, f"texts '{key}' uses the unknown placeholder '{tok}'.{hint}",
                    f"use only {allowed}. {braces}")
    return ok


def _parse_clinic(c: _Checker, node: Node) -> Clinic:
    if not isinstance(node, MappingNode):
        c.error(node, f"'clinic' should be a group of 'key: value' lines, but it is {_kind(node)}.",
                "write e.g.\n  clinic:\n    name: ...\n    phone: ...")
        return Clinic()
    vals: dict[str, str] = {}
    for key, _k, v in c.pairs(node, "the clinic block", CLINIC_KEYS,
                              {k: "it belongs inside an FAQ entry under 'faqs:'." for k in ENTRY_KEYS}):
        t = c.text(v, f"clinic '{key}'")
        if t is _BAD or t is None:
            continue
        t = t.strip()
        if not t:
            if key in ("crisis_line", "emergency_number"):
                c.error(v, f"clinic '{key}' is empty; emergency replies would have no number.",
                        f"write the number, or delete the line to use the default "
                        f"{getattr(Clinic, key)}.")
            continue
        vals[key] = t
    return Clinic(**vals)


def _parse_texts(c: _Checker, node: Node) -> dict[str, tuple[str, Node]]:
    if not isinstance(node, MappingNode):
        c.error(node, f"'texts' should be a group of 'name: text' lines, but it is {_kind(node)}.",
                f"write e.g.\n  texts:\n    fallback: |\n      ... The names are: {', '.join(TEXT_KEYS)}.")
        return {}
    out = {}
    for key, _k, v in c.pairs(node, "the texts block", TEXT_KEYS, {}):
        t = c.text(v, f"texts '{key}'")
        if t is _BAD:
            continue
        if t is None or not t.strip():
            c.error(v, f"texts '{key}' is empty.", "write the text, or delete the line to use the "
                                                  "built-in text.")
            continue
        if _check_texts_field(c, key, t.strip(), v):
            out[key] = (t.strip(), v)
    return out


def _parse_synonyms(c: _Checker, node: Node) -> tuple[tuple[str, ...], ...]:
    fix = "write one group per line, e.g.\n  synonyms:\n    - [troche, lozenge]\n    - [k, ketamine]"
    if not isinstance(node, SequenceNode):
        c.error(node, f"'synonyms' should be a list of groups, but it is {_kind(node)}.", fix)
        return ()
    groups = []
    for g in node.value:
        c.tick()
        if not isinstance(g, SequenceNode):
            c.error(g, "each synonyms group should be a list in brackets, like [troche, lozenge].", fix)
            continue
        words = c.text_list(g, "this synonyms group", "word")
        if words is _BAD:
            continue
        uniq = tuple(dict.fromkeys(w for w, _ in words))
        if len(uniq) < 2:
            c.warn(g, "this synonyms group has fewer than two different words, so it does nothing.",
                   "add the words that mean the same, or delete the group.")
            continue
        groups.append(uniq)
    return tuple(groups)


def _parse_red_flags(c: _Checker, node: Node) -> dict[str, tuple[str, ...]]:
    tiers_help = ("There are two tiers: 'emergency' (get help now: crisis line and emergency number) "
                  "and 'provider' (contact your provider).")
    if not isinstance(node, MappingNode):
        c.error(node, f"'red_flags' should have 'emergency:' and/or 'provider:' lists, but it is "
                      f"{_kind(node)}.", tiers_help)
        return {}
    out: dict[str, tuple[str, ...]] = {}
    seen_tier = {}
    for k, v in node.value:
        c.tick()
        key = k.value if isinstance(k, ScalarNode) else "?"
        if key not in TIERS:
            guess = _did_you_mean(key, TIERS)
            c.error(k, f"unknown red-flag tier '{key}'" + (f"; did you mean '{guess}'?" if guess else "."),
                    (f"rename it to '{guess}'. " if guess else "") + tiers_help)
            continue
        if key in seen_tier:
            c.error(k, f"'{key}' appears twice in red_flags (lines {seen_tier[key]} and {_line(k)}).",
                    "merge the two lists into one.")
            continue
        seen_tier[key] = _line(k)
        phrases = c.text_list(v, f"red_flags '{key}'", "phrase")
        if phrases is _BAD:
            continue
        for p, pn in phrases:
            if len(_norm_text(p).replace(" ", "")) < 3:
                c.warn(pn, f"the red-flag phrase '{p}' is very short and may match many harmless "
                           "messages.", "use a longer phrase, such as a few words patients would write.")
        out[key] = tuple(dict.fromkeys(p for p, _ in phrases))
    return out


def _parse_entry(c: _Checker, node: Node, index: int, ids: dict[str, Node]) -> dict | None:
    if not isinstance(node, MappingNode):
        c.error(node, f"FAQ entry #{index} is {_kind(node)}, not an entry.",
                f"each entry starts with '- id:' and has 'question:' and 'answer:' lined up under "
                f"'id', like:\n  {_EXAMPLE_ENTRY}")
        return None
    e: dict = {"line": _line(node), "node": node}
    top_hint = {k: "it belongs at the top of the file (no indentation), not inside an entry."
                for k in TOP_KEYS}
    nodes = {}
    guessed: set[str] = set()
    for key, knode, v in c.pairs(node, f"FAQ entry #{index}", ENTRY_KEYS, top_hint, guessed):
        nodes[key] = (knode, v)
        if key in ("id", "topic", "question", "answer"):
            t = c.text(v, f"'{key}'")
            e[key] = t if t is _BAD else (t or "").strip()
        elif key == "alternates":
            e[key] = c.text_list(v, "'alternates'", "alternate")
        elif key == "follow_ups":
            fl = c.text_list(v, "'follow_ups'", "id")
            if fl is not _BAD:  # "a, b" written as one text: accept it
                fl = [(part, n) for t, n in fl for part in re.split(r"[,\s]+", t) if part]
            e[key] = fl
    label = f"FAQ entry #{index}"
    # id
    eid = e.get("id")
    if (eid is None and "id" not in guessed) or eid == "":
        q = e.get("question")
        suggestion = _slug(q) if isinstance(q, str) and _slug(q) else "some-short-name"
        c.error(node, f"{label} has no 'id'." if eid is None else f"{label} has an empty 'id'.",
                f"add a line 'id: {suggestion}' (letters, digits, - and _; it must never change later).")
    elif isinstance(eid, str):
        label = f"entry '{eid}'"
        if not _ID_RE.match(eid) or len(eid) > MAX_ID_CHARS:
            why = (f"is {len(eid)} characters long (at most {MAX_ID_CHARS})" if _ID_RE.match(eid)
                   else "may only contain letters, digits, '-' and '_', and must start with a letter or digit")
            c.error(nodes["id"][1], f"the id '{eid}' {why}.",
                    f"use e.g. 'id: {_slug(eid) or 'some-short-name'}'.")
        elif eid in ids:
            c.error(nodes["id"][1], f"duplicate id '{eid}': already used by the entry at line "
                                   f"{_line(ids[eid])}.",
                    "give this entry its own id; ids must be unique (statistics refer to them).")
        else:
            ids[eid] = node
    # question and answer
    for key in ("question", "answer"):
        val = e.get(key)
        if key not in nodes:
            if key not in guessed:
                c.error(node, f"{label} has no '{key}'.",
                        f"add {'an' if key == 'answer' else 'a'} '{key}:' line lined up with 'id:'." + (
                            " For a long answer write 'answer: |' and the text on the next lines, "
                            "indented." if key == "answer" else ""))
        elif val == "":
            c.error(nodes[key][1], f"{label} has an empty {key}.", f"write the {key} after '{key}:'"
                    + (" (or 'answer: |' and the text on the next lines, indented)." if key == "answer" else "."))
        elif isinstance(val, str):
            c.comment_swallowed(nodes[key][1], key)
            if key == "answer" and _utf16_len(val) > TELEGRAM_LIMIT:
                c.error(nodes[key][1], f"the answer of {label} is {_utf16_len(val):,} characters long; "
                                       f"Telegram's limit is {TELEGRAM_LIMIT:,}.",
                        "shorten it, or split it into two entries and link them with 'follow_ups'.")
    # alternates
    alts = e.get("alternates")
    if isinstance(alts, list):
        seen = {_norm_text(e["question"])} if isinstance(e.get("question"), str) else set()
        keep = []
        for a, an in alts:
            if _norm_text(a) in seen:
                c.warn(an, f"the alternate '{a}' of {label} repeats its question or another alternate.",
                       "delete it, or write it the way a patient would say it differently.")
                continue
            seen.add(_norm_text(a))
            keep.append((a, an))
        e["alternates"] = keep
    return e


def _check_follow_ups(c: _Checker, raw: list[dict], ids: dict[str, Node]) -> None:
    from rapidfuzz import process  # noqa: PLC0415

    for e in raw:
        fl = e.get("follow_ups")
        if not isinstance(fl, list):
            continue
        for f, fn in fl:
            if f == e.get("id"):
                c.warn(fn, f"entry '{f}' lists itself in follow_ups.", "remove it from its own follow_ups.")
            elif f not in ids:
                hit = process.extractOne(f, list(ids), score_cutoff=70) if ids else None
                c.error(fn, f"follow_ups names '{f}', but no entry has that id"
                            + (f"; did you mean '{hit[0]}'?" if hit else "."),
                        "use the exact id of another entry (copy it from its 'id:' line).")


def _similarity_warnings(c: _Checker, faq: Faq, max_work: int | None = SIMILAR_MAX_WORK) -> None:
    """Warn when two entries are so alike that the matcher picks the wrong one for their own wording.

    An exact duplicate wording is caught without the matcher; then each entry's question and
    alternates are ranked by the real matcher, and a rival entry that wins or ties is reported.
    """
    reported: set[frozenset] = set()

    def report(a: Entry, b: Entry, variant: str, detail: str) -> None:
        pair = frozenset((a.id, b.id))
        if pair in reported:
            return
        reported.add(pair)
        vline = c.variant_lines.get((a.id, variant)) or a.line
        c.warn(vline, f"entries '{a.id}' (line {a.line}) and '{b.id}' (line {b.line}) are so alike that "
                      f"the bot may confuse them: {detail}",
               "reword the question and alternates of one so they use words that fit only its topic, "
               "or merge the two entries.")

    owner: dict[str, tuple[Entry, str]] = {}
    for e in faq.entries:
        for v in (e.question, *e.alternates):
            n = _norm_text(v)
            if n in owner and owner[n][0].id != e.id:
                report(e, owner[n][0], v, f"'{v}' is written in both.")
            owner.setdefault(n, (e, v))
    # Ranking every variant against every other is quadratic: a big FAQ gets its questions checked
    # only, a huge one no matcher check, so that a reload never stalls the bot for long.
    n_variants = sum(1 + len(e.alternates) for e in faq.entries)
    questions_only = max_work is not None and n_variants * n_variants > max_work
    if questions_only and len(faq.entries) * n_variants > max_work:
        log.info("faq confusion check skipped: %d variants (faqbot check runs it in full)", n_variants)
        return
    if questions_only:
        log.info("faq confusion check on questions only: %d variants", n_variants)
    try:
        from .matching import Matcher  # noqa: PLC0415 (matching imports this module)

        matcher = Matcher(faq)
        by_id = {e.id: e for e in faq.entries}
        for e in faq.entries:
            for v in (e.question,) if questions_only else (e.question, *e.alternates):
                cands = matcher.rank(v, 3)
                own = next((x.score for x in cands if x.id == e.id), 0.0)
                rival = next((x for x in cands if x.id != e.id and x.id in by_id), None)
                if rival is not None and rival.score >= own - SIMILAR_MARGIN:
                    report(e, by_id[rival.id], v,
                           f"'{v}' scores {rival.score:.0f} for '{rival.id}' and {own:.0f} for its own entry.")
    except Exception:  # the check is advice; a matcher bug must not stop the FAQ from loading
        log.exception("faq confusion check failed")


def _build(c: _Checker, root: Node) -> Faq | None:
    if root is None:
        c.error(1, "the file is empty.", f"start it with 'faqs:' and one entry, like:\nfaqs:\n  {_EXAMPLE_ENTRY}")
        return None
    if not isinstance(root, MappingNode):
        c.error(root, f"the file should start with sections such as 'faqs:', but it is {_kind(root)}.",
                f"start it with 'faqs:' and put the entries under it, like:\nfaqs:\n  {_EXAMPLE_ENTRY}")
        return None
    parts: dict[str, Node] = {}
    entry_hint = {k: "it belongs inside an FAQ entry: indent it under the entry's '- id:' line."
                  for k in ENTRY_KEYS}
    for key, _k, v in c.pairs(root, "the top level of the file", TOP_KEYS, entry_hint):
        if not (isinstance(v, ScalarNode) and v.tag == _NULL and key != "faqs") and c.tag_ok(v):
            parts[key] = v
    clinic = _parse_clinic(c, parts["clinic"]) if "clinic" in parts else Clinic()
    texts = _parse_texts(c, parts["texts"]) if "texts" in parts else {}
    synonyms = _parse_synonyms(c, parts["synonyms"]) if "synonyms" in parts else ()
    red_flags = _parse_red_flags(c, parts["red_flags"]) if "red_flags" in parts else {}

    faqs = parts.get("faqs")
    raw: list[dict] = []
    ids: dict[str, Node] = {}
    if faqs is None:
        if not any(p.message.startswith("unknown key") and "'faqs'" in p.message for p in c.problems):
            c.error(root, "there is no 'faqs:' list.",
                    f"add 'faqs:' at the start of a line (no indentation) and the entries under it:\n"
                    f"faqs:\n  {_EXAMPLE_ENTRY}")
    elif not isinstance(faqs, SequenceNode) or not faqs.value:
        what = "empty" if isinstance(faqs, ScalarNode) or not faqs.value else _kind(faqs)
        c.error(faqs, f"'faqs' should be a list of entries, but it is {what}.",
                f"each entry starts with '- id:' indented under 'faqs:', like:\nfaqs:\n  {_EXAMPLE_ENTRY}")
    else:
        for i, n in enumerate(faqs.value, 1):
            c.tick()
            e = _parse_entry(c, n, i, ids)
            if e is not None:
                raw.append(e)
        _check_follow_ups(c, raw, ids)

    # Render each fixed text with the real clinic block: what fails here would fail in front of a patient.
    tmp = Faq((), clinic, Texts(), synonyms, red_flags, c.path)
    final_texts = {}
    for key, (t, tn) in texts.items():
        try:
            rendered = tmp.render(t)
        except Exception as exc:  # noqa: BLE001 - the brace scan should have caught it; be sure
            c.error(tn, f"texts '{key}' cannot be filled in ({type(exc).__name__}: {exc}).",
                    "use only the placeholders {clinic_name}, {contact}, {crisis_line}, "
                    "{emergency_number}; double any other brace: {{ or }}.")
            continue
        if _utf16_len(rendered) > TELEGRAM_LIMIT:
            c.error(tn, f"texts '{key}' is {_utf16_len(rendered):,} characters once filled in; "
                        f"Telegram's limit is {TELEGRAM_LIMIT:,}.", "shorten it.")
        if key == "emergency" and not (clinic.crisis_line in rendered and clinic.emergency_number in rendered):
            c.error(tn, "texts 'emergency' must give patients the crisis line and the emergency number.",
                    "include {crisis_line} and {emergency_number} in the text.")
        if key == "provider" and clinic.contact() not in rendered:
            c.warn(tn, "texts 'provider' does not tell patients how to reach the clinic.",
                   "include {contact} in the text.")
        final_texts[key] = t
    if not (clinic.phone or clinic.email or clinic.website):
        c.warn(parts.get("clinic") or 1, "the clinic block has no phone, email or website, so replies that "
                                         "say 'contact the clinic' give patients no way to do it.",
               "add them under 'clinic:' (phone:, email:, website:).")

    if any(p.severity == "error" for p in c.problems):
        return None
    entries = []
    for e in raw:
        alts = tuple(a for a, _ in e.get("alternates") or ())
        for a, an in e.get("alternates") or ():
            c.variant_lines[(e["id"], a)] = _line(an)
        c.variant_lines[(e["id"], e["question"])] = e["line"]
        entries.append(Entry(id=e["id"], question=e["question"], answer=e["answer"], alternates=alts,
                             topic=e.get("topic") or "General",
                             follow_ups=tuple(dict.fromkeys(f for f, _ in e.get("follow_ups") or ()
                                                            if f != e["id"])),
                             line=e["line"] or 0))
        if len(alts) < MIN_ALTERNATES:
            c.warn(e["node"], f"entry '{e['id']}' has {len(alts)} alternate(s); patients word the same "
                              "question in many ways.",
                   "add at least 3 alternates under 'alternates:', written the way patients write.")
    return Faq(tuple(entries), clinic, Texts(**final_texts), synonyms, red_flags, c.path)


def _compose(text: str, path: str) -> Node | None:
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _finish(problems: list[Problem]) -> list[Problem]:
    problems = sorted(problems, key=lambda p: (p.line or 0, p.severity != "error"))
    errors = [p for p in problems if p.severity == "error"]
    if len(errors) > MAX_PROBLEMS:
        keep = set(map(id, errors[:MAX_PROBLEMS]))
        rest = len(errors) - MAX_PROBLEMS
        problems = [p for p in problems if p.severity != "error" or id(p) in keep]
        problems.append(Problem(errors[0].path, None, f"... and {rest:,} more errors not listed.",
                                "fix the ones above first, then check again."))
    return problems


def parse_faq(text: str, path: str = "<faq>", *, check_similar: bool = True,
              similar_work: int | None = SIMILAR_MAX_WORK) -> tuple[Faq, list[Problem]]:
    """Parse and validate; return (faq, warnings) or raise FaqError listing every problem.

    ``check_similar=False`` skips the matcher-based confusion warnings (they cost one ranking per
    question and alternate); ``similar_work`` bounds that check (None: no bound, see SIMILAR_MAX_WORK).
    """
    path = str(path)
    if isinstance(text, (bytes, bytearray)):
        return _parse_bytes(bytes(text), path, check_similar, similar_work)
    if not isinstance(text, str):
        raise FaqError([Problem(path, None, f"expected the text of a YAML file, got {type(text).__name__}.")])
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise FaqError([Problem(path, None, f"the file is larger than 1 MB ({MAX_FILE_BYTES:,} bytes).",
                                "an FAQ this size is almost certainly the wrong file; check the path.")])
    text = text.lstrip("\ufeff")
    c = _Checker(path, text)
    try:
        root = _compose(text, path)
        faq = _build(c, root)
        if faq is not None and check_similar:
            _similarity_warnings(c, faq, similar_work)
    except yaml.YAMLError as exc:
        raise FaqError([_yaml_error(exc, path, text)]) from None
    except RecursionError:
        raise FaqError([Problem(path, None, "the file is nested far too deeply to be an FAQ.",
                                "check that brackets [ ] and { } are closed.")]) from None
    except _TooComplex:
        raise FaqError(_finish(c.problems + [Problem(
            path, None, "the file is too large once its anchors (&) and aliases (*) are expanded.",
            "write the entries out instead of reusing them with '*'.")])) from None
    except Exception as exc:  # noqa: BLE001 - a safety net: loading raises nothing but FaqError
        log.exception("unexpected error while checking %s", path)
        raise FaqError([Problem(path, None, f"internal error while checking the file ({type(exc).__name__}).",
                                "please report this to the developers with the file attached.")]) from None
    problems = _finish(c.problems)
    if faq is None:
        raise FaqError(problems)
    return faq, problems


def _parse_bytes(data: bytes, path: str, check_similar: bool = True,
                 similar_work: int | None = SIMILAR_MAX_WORK) -> tuple[Faq, list[Problem]]:
    if len(data) > MAX_FILE_BYTES:
        raise FaqError([Problem(path, None, f"the file is larger than 1 MB ({len(data):,} bytes).",
                                "an FAQ this size is almost certainly the wrong file; check the path.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FaqError([Problem(path, line, "the file is not UTF-8 text (or contains a broken character "
                                            "on this line).",
                                "save it as 'UTF-8' in your editor; if it was pasted from Word, "
                                "retype that line.")]) from None
    return parse_faq(text, path, check_similar=check_similar, similar_work=similar_work)


def load_faq(path: str | os.PathLike, *, check_similar: bool = True,
             similar_work: int | None = SIMILAR_MAX_WORK) -> tuple[Faq, list[Problem]]:
    """Read and validate the file; return (faq, warnings) or raise FaqError (and nothing else)."""
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
    return _parse_bytes(data, path, check_similar, similar_work)


def check_faq(path: str | os.PathLike) -> list[Problem]:
    """Every problem (errors and warnings), with the confusion check in full however big; never raises."""
    try:
        _, warnings = load_faq(path, similar_work=None)
        return warnings
    except FaqError as exc:
        return exc.problems
