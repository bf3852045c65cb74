"""Checking faq.yaml against the FAQ schema: every problem at once, each with its line and fix.

Staff who edit the file are not programmers, so one run reports every problem (fixing one error
per reload would be miserable), and a file that passes is one the bot can safely serve: every
fixed text fills in, every answer fits a Telegram message, every follow-up exists. Whatever the
input, nothing but FaqError leaves here. ``bot.faq`` holds the data model and the public entry
points (load_faq, parse_faq, check_faq); ``bot.faq_yaml`` reads the node tree.
"""
from __future__ import annotations

import logging
import re
import unicodedata

import yaml
from rapidfuzz import process
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .faq import (CLINIC_KEYS, ENTRY_KEYS, MAX_FILE_BYTES, MAX_ID_CHARS, MAX_PROBLEMS, MIN_ALTERNATES,
                  PLACEHOLDERS, SIMILAR_MAX_WORK, TELEGRAM_LIMIT, TEXT_KEYS, TIERS, TOP_KEYS, Clinic, Entry, Faq,
                  FaqError, Problem, Texts)
from .faq_confusion import confusion_warnings, norm_text
from .faq_yaml import BAD, NULL, Checker, TooComplex, compose, did_you_mean, kind_of, line_of, yaml_problem

# A child of bot.faq's logger, so whoever watches FAQ loading under that name (operators, the
# property tests) still sees these records now that the checks live in their own module.
log = logging.getLogger("bot.faq.check")

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

_EXAMPLE_ENTRY = ("- id: memory-why-gaps\n    question: Why can't I remember my session?\n"
                  "    answer: |\n      ...")


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _slug(s: str) -> str:
    s = s.replace("'", "").replace("\u2019", "")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:MAX_ID_CHARS].strip("-")



_BRACE_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _check_texts_field(c: Checker, key: str, value: str, vnode: Node) -> bool:
    """Unknown placeholders would crash str.format when the bot sends this text: catch them now.

    Returns True when the text is fine. Each problem gets the line it is on inside a '|' block.
    """
    base = line_of(vnode) or 0
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
            guess = did_you_mean(root, PLACEHOLDERS) if root.strip() else None
            hint = f" Did you mean {{{guess}}}?" if guess and guess != root else ""
            c.error(line or None, f"texts '{key}' uses the unknown placeholder '{tok}'.{hint}",
                    f"use only {allowed}. {braces}")
    return ok


def _parse_clinic(c: Checker, node: Node) -> Clinic:
    if not isinstance(node, MappingNode):
        c.error(node, f"'clinic' should be a group of 'key: value' lines, but it is {kind_of(node)}.",
                "write e.g.\n  clinic:\n    name: ...\n    phone: ...")
        return Clinic()
    vals: dict[str, str] = {}
    for key, _k, v in c.pairs(node, "the clinic block", CLINIC_KEYS,
                              {k: "it belongs inside an FAQ entry under 'faqs:'." for k in ENTRY_KEYS}):
        t = c.text(v, f"clinic '{key}'")
        if t is BAD or t is None:
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


def _parse_texts(c: Checker, node: Node) -> dict[str, tuple[str, Node]]:
    if not isinstance(node, MappingNode):
        c.error(node, f"'texts' should be a group of 'name: text' lines, but it is {kind_of(node)}.",
                f"write e.g.\n  texts:\n    fallback: |\n      ... The names are: {', '.join(TEXT_KEYS)}.")
        return {}
    out = {}
    for key, _k, v in c.pairs(node, "the texts block", TEXT_KEYS, {}):
        t = c.text(v, f"texts '{key}'")
        if t is BAD:
            continue
        if t is None or not t.strip():
            c.error(v, f"texts '{key}' is empty.", "write the text, or delete the line to use the "
                                                  "built-in text.")
            continue
        if _check_texts_field(c, key, t.strip(), v):
            out[key] = (t.strip(), v)
    return out


def _parse_synonyms(c: Checker, node: Node) -> tuple[tuple[str, ...], ...]:
    fix = "write one group per line, e.g.\n  synonyms:\n    - [troche, lozenge]\n    - [k, ketamine]"
    if not isinstance(node, SequenceNode):
        c.error(node, f"'synonyms' should be a list of groups, but it is {kind_of(node)}.", fix)
        return ()
    groups = []
    for g in node.value:
        c.tick()
        if not isinstance(g, SequenceNode):
            c.error(g, "each synonyms group should be a list in brackets, like [troche, lozenge].", fix)
            continue
        words = c.text_list(g, "this synonyms group", "word")
        if words is BAD:
            continue
        uniq = tuple(dict.fromkeys(w for w, _ in words))
        if len(uniq) < 2:
            c.warn(g, "this synonyms group has fewer than two different words, so it does nothing.",
                   "add the words that mean the same, or delete the group.")
            continue
        groups.append(uniq)
    return tuple(groups)


def _parse_red_flags(c: Checker, node: Node) -> dict[str, tuple[str, ...]]:
    tiers_help = ("There are two tiers: 'emergency' (get help now: crisis line and emergency number) "
                  "and 'provider' (contact your provider).")
    if not isinstance(node, MappingNode):
        c.error(node, f"'red_flags' should have 'emergency:' and/or 'provider:' lists, but it is "
                      f"{kind_of(node)}.", tiers_help)
        return {}
    out: dict[str, tuple[str, ...]] = {}
    seen_tier = {}
    for k, v in node.value:
        c.tick()
        key = k.value if isinstance(k, ScalarNode) else "?"
        if key not in TIERS:
            guess = did_you_mean(key, TIERS)
            c.error(k, f"unknown red-flag tier '{key}'" + (f"; did you mean '{guess}'?" if guess else "."),
                    (f"rename it to '{guess}'. " if guess else "") + tiers_help)
            continue
        if key in seen_tier:
            c.error(k, f"'{key}' appears twice in red_flags (lines {seen_tier[key]} and {line_of(k)}).",
                    "merge the two lists into one.")
            continue
        seen_tier[key] = line_of(k)
        phrases = c.text_list(v, f"red_flags '{key}'", "phrase")
        if phrases is BAD:
            continue
        for p, pn in phrases:
            if len(norm_text(p).replace(" ", "")) < 3:
                c.warn(pn, f"the red-flag phrase '{p}' is very short and may match many harmless "
                           "messages.", "use a longer phrase, such as a few words patients would write.")
        out[key] = tuple(dict.fromkeys(p for p, _ in phrases))
    return out


def _parse_entry(c: Checker, node: Node, index: int, ids: dict[str, Node]) -> dict | None:
    if not isinstance(node, MappingNode):
        c.error(node, f"FAQ entry #{index} is {kind_of(node)}, not an entry.",
                f"each entry starts with '- id:' and has 'question:' and 'answer:' lined up under "
                f"'id', like:\n  {_EXAMPLE_ENTRY}")
        return None
    e: dict = {"line": line_of(node), "node": node}
    top_hint = {k: "it belongs at the top of the file (no indentation), not inside an entry."
                for k in TOP_KEYS}
    nodes = {}
    guessed: set[str] = set()
    for key, knode, v in c.pairs(node, f"FAQ entry #{index}", ENTRY_KEYS, top_hint, guessed):
        nodes[key] = (knode, v)
        if key in ("id", "topic", "question", "answer"):
            t = c.text(v, f"'{key}'")
            e[key] = t if t is BAD else (t or "").strip()
        elif key == "alternates":
            e[key] = c.text_list(v, "'alternates'", "alternate")
        elif key == "follow_ups":
            fl = c.text_list(v, "'follow_ups'", "id")
            if fl is not BAD:  # "a, b" written as one text: accept it
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
                                   f"{line_of(ids[eid])}.",
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
        seen = {norm_text(e["question"])} if isinstance(e.get("question"), str) else set()
        keep = []
        for a, an in alts:
            if norm_text(a) in seen:
                c.warn(an, f"the alternate '{a}' of {label} repeats its question or another alternate.",
                       "delete it, or write it the way a patient would say it differently.")
                continue
            seen.add(norm_text(a))
            keep.append((a, an))
        e["alternates"] = keep
    return e


def _check_follow_ups(c: Checker, raw: list[dict], ids: dict[str, Node]) -> None:
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


def _build(c: Checker, root: Node) -> Faq | None:
    if root is None:
        c.error(1, "the file is empty.", f"start it with 'faqs:' and one entry, like:\nfaqs:\n  {_EXAMPLE_ENTRY}")
        return None
    if not isinstance(root, MappingNode):
        c.error(root, f"the file should start with sections such as 'faqs:', but it is {kind_of(root)}.",
                f"start it with 'faqs:' and put the entries under it, like:\nfaqs:\n  {_EXAMPLE_ENTRY}")
        return None
    parts: dict[str, Node] = {}
    entry_hint = {k: "it belongs inside an FAQ entry: indent it under the entry's '- id:' line."
                  for k in ENTRY_KEYS}
    for key, _k, v in c.pairs(root, "the top level of the file", TOP_KEYS, entry_hint):
        if not (isinstance(v, ScalarNode) and v.tag == NULL and key != "faqs") and c.tag_ok(v):
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
        what = "empty" if isinstance(faqs, ScalarNode) or not faqs.value else kind_of(faqs)
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
        if key == "welcome":  # what every patient reads first (DEVELOPERS.md: privacy, crisis line)
            low = rendered.lower()
            if "private" not in low and "privacy" not in low:
                c.warn(tn, "texts 'welcome' does not tell patients that Telegram is not a private "
                           "medical channel.",
                       "keep a sentence such as: Privacy: Telegram is not a private medical channel. "
                       "Please don't send details you would not want stored.")
            if clinic.crisis_line not in rendered:
                c.warn(tn, "texts 'welcome' does not give patients the crisis line.",
                       "include {crisis_line} (and {emergency_number}) in the text.")
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
            c.variant_lines[(e["id"], a)] = line_of(an)
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


def parse_text(text: str, path: str = "<faq>", *, check_similar: bool = True,
               similar_work: int | None = SIMILAR_MAX_WORK) -> tuple[Faq, list[Problem]]:
    """What bot.faq.parse_faq does: return (faq, warnings) or raise FaqError listing every problem.

    ``check_similar=False`` skips the matcher-based confusion warnings (they cost one ranking per
    question and alternate); ``similar_work`` bounds that check (None: no bound, see SIMILAR_MAX_WORK).
    """
    path = str(path)
    if isinstance(text, (bytes, bytearray)):
        return parse_bytes(bytes(text), path, check_similar, similar_work)
    if not isinstance(text, str):
        raise FaqError([Problem(path, None, f"expected the text of a YAML file, got {type(text).__name__}.")])
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise FaqError([Problem(path, None, f"the file is larger than 1 MB ({MAX_FILE_BYTES:,} bytes).",
                                "an FAQ this size is almost certainly the wrong file; check the path.")])
    text = text.lstrip("\ufeff")
    c = Checker(path, text)
    try:
        root = compose(text, path)
        faq = _build(c, root)
        if faq is not None and check_similar:
            confusion_warnings(c, faq, similar_work)
    except yaml.YAMLError as exc:
        raise FaqError([yaml_problem(exc, path, text)]) from None
    except RecursionError:
        raise FaqError([Problem(path, None, "the file is nested far too deeply to be an FAQ.",
                                "check that brackets [ ] and { } are closed.")]) from None
    except TooComplex:
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


def parse_bytes(data: bytes, path: str, check_similar: bool = True,
                similar_work: int | None = SIMILAR_MAX_WORK) -> tuple[Faq, list[Problem]]:
    """The file's bytes: too big or not UTF-8 is reported with the line of the broken character."""
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
    return parse_text(text, path, check_similar=check_similar, similar_work=similar_work)


