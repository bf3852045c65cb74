"""Whatever staff (or a corrupted disk) put in faq.yaml, loading either gives an FAQ the bot can serve
or raises FaqError with readable problems: never a traceback, never a half-valid FAQ."""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.faq import (CLINIC_KEYS, DEFAULT_TEXTS, ENTRY_KEYS, TELEGRAM_LIMIT, TEXT_KEYS, TIERS, TOP_KEYS, Faq,
                     FaqError, load_faq, parse_faq)

ROOT = Path(__file__).resolve().parent.parent
CI = settings(max_examples=250, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class _Errors(logging.Handler):
    """Catches the loader's safety-net logs: an 'internal error' means a bug, even if it was contained."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def loads_or_fails_cleanly(load) -> Faq | None:
    handler = _Errors()
    logger = logging.getLogger("bot.faq")
    logger.addHandler(handler)
    try:
        faq, warnings = load()
    except FaqError as exc:
        assert exc.problems, "FaqError without problems"
        assert any(p.severity == "error" for p in exc.problems)
        for p in exc.problems:
            assert isinstance(p.message, str) and p.message.strip()
            assert p.line is None or (isinstance(p.line, int) and p.line >= 1)
            assert p.severity in ("error", "warning")
            assert "internal error" not in p.message, str(exc)
        assert str(exc)
        return None
    finally:
        logger.removeHandler(handler)
        assert not handler.records, [r.getMessage() for r in handler.records]
    assert all(p.severity == "warning" for p in warnings)
    ids = [e.id for e in faq.entries]
    assert faq.entries and len(ids) == len(set(ids))
    for e in faq.entries:
        assert isinstance(e.id, str) and e.id and isinstance(e.question, str) and e.question.strip()
        assert isinstance(e.answer, str) and e.answer.strip()
        assert len(e.answer.encode("utf-16-le", "surrogatepass")) // 2 <= TELEGRAM_LIMIT
        assert all(isinstance(a, str) and a for a in e.alternates)
        assert set(e.follow_ups) <= set(ids)
        assert isinstance(e.topic, str) and e.topic
    for name in DEFAULT_TEXTS:  # every fixed text fills in: nothing can crash at send time
        assert faq.render(getattr(faq.texts, name)).strip()
    em = faq.render(faq.texts.emergency)
    assert faq.clinic.crisis_line in em and faq.clinic.emergency_number in em
    assert set(faq.red_flags) <= set(TIERS)
    assert all(isinstance(p, str) for ps in faq.red_flags.values() for p in ps)
    assert all(len(g) >= 2 and all(isinstance(w, str) for w in g) for g in faq.synonyms)
    return faq


# ---- strategies ------------------------------------------------------------------------------------
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                    st.dates())
known_keys = st.sampled_from(sorted(set(TOP_KEYS + ENTRY_KEYS + CLINIC_KEYS + TEXT_KEYS + TIERS)))
keys = st.one_of(known_keys, known_keys, st.text(max_size=12), st.integers(-3, 3))
anything = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                        | st.dictionaries(keys, inner, max_size=6), max_leaves=25)

slugs = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
words = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)
template_bits = st.sampled_from(["{clinic_name}", "{contact}", "{crisis_line}", "{emergency_number}",
                                 "{{", "}}", "{", "}", "{clinik}", "{}", "{0}", "{contact!r}", "Call ", "now. ",
                                 "\n"])
templates = st.lists(template_bits, min_size=1, max_size=8).map("".join)


def sometimes(good):
    """Mostly the right shape, now and then anything at all."""
    return st.one_of(good, good, good, good, good, anything)


entry = st.fixed_dictionaries(
    {"id": sometimes(slugs), "question": sometimes(words), "answer": sometimes(words)},
    optional={"alternates": sometimes(st.lists(words, max_size=5)), "topic": sometimes(words),
              "follow_ups": sometimes(st.lists(slugs, max_size=3))},
)
faq_shaped = st.fixed_dictionaries(
    {"faqs": sometimes(st.lists(entry, min_size=1, max_size=6))},
    optional={
        "clinic": sometimes(st.dictionaries(st.sampled_from(CLINIC_KEYS + ("phnoe",)), sometimes(words),
                                            max_size=7)),
        "texts": sometimes(st.dictionaries(st.sampled_from(TEXT_KEYS), sometimes(templates), max_size=5)),
        "synonyms": sometimes(st.lists(st.lists(sometimes(words), max_size=4), max_size=4)),
        "red_flags": sometimes(st.dictionaries(st.sampled_from(TIERS + ("urgent",)),
                                               sometimes(st.lists(words, max_size=4)), max_size=3)),
    },
)

real_words = words.filter(lambda w: w.strip())
good_templates = st.lists(st.sampled_from(["{clinic_name}", "{contact}", "{crisis_line}", "{emergency_number}",
                                           "{{", "}}", "Call ", "now. ", "\n", "ok"]), min_size=1,
                          max_size=8).map("".join).filter(lambda t: t.strip())


@st.composite
def well_formed_faqs(draw):
    """Documents a careful editor could write: every one of them must load."""
    ids = draw(st.lists(slugs, min_size=1, max_size=6, unique=True))
    entries = []
    for i in ids:
        e = {"id": i, "question": draw(real_words), "answer": draw(real_words)}
        if draw(st.booleans()):
            e["alternates"] = draw(st.lists(real_words, max_size=5))
        if draw(st.booleans()):
            e["topic"] = draw(real_words)
        if draw(st.booleans()):
            e["follow_ups"] = draw(st.lists(st.sampled_from(ids), max_size=3))
        entries.append(e)
    doc = {"faqs": entries}
    if draw(st.booleans()):
        doc["clinic"] = draw(st.dictionaries(st.sampled_from(CLINIC_KEYS), real_words, max_size=7))
    if draw(st.booleans()):
        doc["texts"] = draw(st.dictionaries(st.sampled_from([k for k in TEXT_KEYS if k != "emergency"]),
                                            good_templates, max_size=4))
    if draw(st.booleans()):
        doc["synonyms"] = draw(st.lists(st.lists(real_words, min_size=2, max_size=4), max_size=4))
    if draw(st.booleans()):
        doc["red_flags"] = draw(st.dictionaries(st.sampled_from(TIERS), st.lists(real_words, max_size=4)))
    return doc


def dump(doc) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


# ---- properties ----------------------------------------------------------------------------------
@CI
@given(anything)
def test_any_yaml_document_loads_or_raises_faq_error(doc):
    loads_or_fails_cleanly(lambda: parse_faq(dump(doc), "faq.yaml"))


@CI
@given(faq_shaped)
def test_faq_shaped_documents_load_into_a_servable_faq_or_raise_faq_error(doc):
    loads_or_fails_cleanly(lambda: parse_faq(dump(doc), "faq.yaml"))


@CI
@given(well_formed_faqs())
def test_every_well_formed_faq_loads(doc):
    faq = loads_or_fails_cleanly(lambda: parse_faq(dump(doc), "faq.yaml"))
    assert faq is not None, dump(doc)
    assert [e.id for e in faq.entries] == [e["id"] for e in doc["faqs"]]


@CI
@given(st.sampled_from(TEXT_KEYS), st.one_of(templates, st.text(max_size=40)))
def test_any_fixed_text_either_fills_in_or_is_refused(name, template):
    """A template that would crash str.format in front of a patient must be caught at load."""
    doc = {"clinic": {"phone": "555"}, "texts": {name: template},
           "faqs": [{"id": "a", "question": "Q?", "alternates": ["x", "y"], "answer": "A"}]}
    loads_or_fails_cleanly(lambda: parse_faq(dump(doc), "faq.yaml"))


@CI
@given(st.text(max_size=400))
def test_any_text_loads_or_raises_faq_error(text):
    loads_or_fails_cleanly(lambda: parse_faq(text, "faq.yaml"))


@CI
@given(st.binary(max_size=400))
def test_any_bytes_on_disk_load_or_raise_faq_error(data):
    fd, name = tempfile.mkstemp(suffix=".yaml")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        loads_or_fails_cleanly(lambda: load_faq(name))
    finally:
        os.unlink(name)


REAL_TEXT = (ROOT / "faq.yaml").read_text(encoding="utf-8") if (ROOT / "faq.yaml").exists() else (
    "clinic:\n  name: X\n  phone: '1'\nfaqs:\n  - id: a\n    question: Q?\n    alternates: [x, y]\n"
    "    answer: |\n      A: yes.\n  - id: b\n    question: R?\n    answer: B\n    follow_ups: [a]\n")
EDIT_CHARS = st.sampled_from([" ", "  ", "\t", ":", ": ", "-", "- ", "\n", "'", '"', "{", "}", "[", "#", "*", "&",
                              "?", "|", ">", "!", "%", "@", ",", "x", "\x00", "\u00a0", "\ufeff"])


@CI
@given(st.data())
def test_staff_typos_in_the_real_faq_load_or_raise_faq_error(data):
    """Edits a person makes by accident: a deleted span, a stray character, a duplicated line."""
    text = REAL_TEXT
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["delete", "insert", "duplicate-line"]))
        if op == "delete":
            text = text[:i] + text[i + data.draw(st.integers(1, 40)):]
        elif op == "insert":
            text = text[:i] + data.draw(EDIT_CHARS) + text[i:]
        else:
            start = text.rfind("\n", 0, i) + 1
            end = text.find("\n", i)
            end = len(text) if end < 0 else end + 1
            text = text[:end] + text[start:end] + text[end:]
    # The confusion check is left out here (it is exercised above) to keep this test quick.
    loads_or_fails_cleanly(lambda: parse_faq(text, "faq.yaml", check_similar=False))


def test_the_unmodified_real_faq_passes_the_same_invariants():
    assert loads_or_fails_cleanly(lambda: parse_faq(REAL_TEXT, "faq.yaml")) is not None
