"""Reading faq.yaml as a YAML node tree: every key and value keeps its line, so each problem can
name the line to fix.

Only PyYAML's safe composer is used: no Python object is ever built from the file. A node budget
stops anchors and aliases from making a small file expand into a huge walk. The checks of what the
nodes should contain (the FAQ schema) live in ``bot.faq_check``.
"""
from __future__ import annotations

import re

import yaml
from rapidfuzz import fuzz, process
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .faq import Problem

NODE_BUDGET = 200_000  # nodes visited; anchors/aliases cannot make validation explode past this

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
_STD_TAG = "tag:yaml.org,2002:"
NULL = _STD_TAG + "null"
_SAFE_TAGS = {_STD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary", "seq",
                                      "map", "omap", "pairs", "set", "merge", "value")}
BAD = object()  # a value that was present but unusable (already reported)


def norm_key(k: str) -> str:
    return re.sub(r"[\s\-]+", "_", k.strip().lower())


def line_of(node: Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None and node.start_mark else None


class TooComplex(Exception):
    """The node budget ran out: the file expands (anchors, aliases) far beyond any real FAQ."""


def did_you_mean(key: str, allowed: tuple[str, ...]) -> str | None:
    """The allowed key a misspelt or synonymous key was meant to be, if any."""
    k = norm_key(key)
    if k in allowed:
        return k
    for target, aliases in _KEY_ALIASES.items():
        if target in allowed and k in aliases:
            return target
    hit = process.extractOne(k, allowed, scorer=fuzz.ratio, score_cutoff=70)
    return hit[0] if hit else None


def kind_of(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "a list (lines starting with '-')"
    if isinstance(node, MappingNode):
        return "a group of 'key: value' lines"
    return "text"


class Checker:
    """Walks the YAML node tree once, collecting every problem with its line."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.source = text
        self.problems: list[Problem] = []
        self.budget = NODE_BUDGET
        # (entry id, question or alternate) -> its line, for warnings about one wording
        self.variant_lines: dict[tuple[str, str], int | None] = {}

    # -- reporting --
    def error(self, node_or_line, message: str, fix: str = "") -> None:
        line = node_or_line if isinstance(node_or_line, int) or node_or_line is None else line_of(node_or_line)
        self.problems.append(Problem(self.path, line, message, fix, "error"))

    def warn(self, node_or_line, message: str, fix: str = "") -> None:
        line = node_or_line if isinstance(node_or_line, int) or node_or_line is None else line_of(node_or_line)
        self.problems.append(Problem(self.path, line, message, fix, "warning"))

    def tick(self, n: int = 1) -> None:
        self.budget -= n
        if self.budget < 0:
            raise TooComplex

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
            if not isinstance(knode, ScalarNode) or knode.tag == NULL:
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
                self.error(knode, f"'{key}' appears twice in {where} (lines {line_of(seen[key])} and "
                                  f"{line_of(knode)}); YAML keeps only one of them.",
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
        guess = did_you_mean(key, allowed)
        if guess:
            self.error(knode, f"unknown key '{key}' in {where}; did you mean '{guess}'?",
                       f"rename '{key}' to '{guess}'.")
        elif norm_key(key) in other_levels:
            self.error(knode, f"'{key}' does not belong in {where}.", other_levels[norm_key(key)])
        else:
            self.error(knode, f"unknown key '{key}' in {where}.",
                       f"the keys allowed here are: {', '.join(allowed)}. "
                       "For notes to yourselves, start a line with '#' (a comment).")
        return guess

    def text(self, node: Node, what: str, fix: str = ""):
        """A text value exactly as written (numbers and yes/no kept as typed); None when empty/null."""
        self.tick()
        if not self.tag_ok(node):
            return BAD
        if isinstance(node, ScalarNode):
            return None if node.tag == NULL else node.value
        self.error(node, f"{what} should be text, but it is {kind_of(node)}.",
                   fix or "if the text contains ': ' or starts with '-', put it in quotes or use "
                          "'|' and write it on the next lines, indented.")
        return BAD

    def text_list(self, node: Node, what: str, item: str) -> list[tuple[str, Node]] | object:
        """A list of texts; a single text is accepted as a one-item list."""
        self.tick()
        if not self.tag_ok(node):
            return BAD
        if isinstance(node, ScalarNode):
            return [] if node.tag == NULL else [(node.value, node)]
        if isinstance(node, MappingNode):
            self.error(node, f"{what} should be a list, but it is {kind_of(node)}.",
                       f"write each {item} on its own line starting with '- '. If a {item} "
                       "contains ': ', put it in quotes.")
            return BAD
        out = []
        for n in node.value:
            v = self.text(n, f"each {item} in {what}",
                          f"write one {item} per '- ' line; if it contains ': ', put it in quotes.")
            if v is None or (v is not BAD and not v.strip()):
                self.warn(n, f"empty {item} in {what}; it is ignored.", "delete the empty '- ' line.")
            elif v is not BAD:
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


def yaml_problem(exc: yaml.YAMLError, path: str, text: str) -> Problem:
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


def compose(text: str, path: str) -> Node | None:
    """The file's single document as a node tree (None when empty); raises yaml.YAMLError."""
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()

