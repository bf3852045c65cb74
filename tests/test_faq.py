"""faq.yaml is edited by clinic staff who are not programmers: every problem must name its line and
the fix, all problems come at once, and a file that loads is one the bot can safely serve."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.faq import (DEFAULT_TEXTS, TELEGRAM_LIMIT, Clinic, Faq, FaqError, Problem, check_faq, load_faq,
                     parse_faq, similar_warnings)

ROOT = Path(__file__).resolve().parent.parent
REAL_FAQ = ROOT / "faq.yaml"

GOOD_ENTRY = """\
  - id: parking
    question: Where can I park?
    alternates: [is there parking, where do i leave my car, car park]
    answer: Behind the clinic.
"""


def errors_of(text: str) -> list[Problem]:
    with pytest.raises(FaqError) as exc:
        parse_faq(textwrap.dedent(text), "faq.yaml")
    problems = exc.value.problems
    assert all(isinstance(p, Problem) and p.path == "faq.yaml" and p.message for p in problems)
    return [p for p in problems if p.severity == "error"]


def warnings_of(text: str) -> list[Problem]:
    _, warnings = parse_faq(textwrap.dedent(text), "faq.yaml")
    assert all(p.severity == "warning" for p in warnings)
    return warnings


# (name, file text, fragment expected in one error's message, that error's line, fragment in its fix)
BROKEN = [
    ("tab-indent", "faqs:\n\t- id: a\n", "YAML syntax error", 2, "spaces, never tabs"),
    ("colon-in-unquoted-answer", """\
        faqs:
          - id: a
            question: Q?
            answer: Note: call us first
        """, "YAML syntax error", 4, "answer: |"),
    ("unclosed-quote", """\
        faqs:
          - id: a
            question: "Where is it?
            answer: here
        """, "YAML syntax error", 5, "closing quote"),
    ("apostrophe-in-single-quotes", """\
        faqs:
          - id: a
            question: 'it's fine?'
            answer: yes
        """, "YAML syntax error", 3, "apostrophe"),
    ("text-starting-with-star", """\
        faqs:
          - id: a
            question: *really* fine?
            answer: yes
        """, "YAML syntax error", 3, "quotes"),
    ("question-mark-inside-brackets", "faqs:\n  - id: a\n    question: Q?\n    alternates: [can i drive?]\n",
     "YAML syntax error", 4, '"can I drive?"'),
    ("two-documents", "faqs: []\n---\nfaqs: []\n", "YAML syntax error", 2, "'---'"),
    ("control-character", "faqs:\n  - id: a\x07\n", "character YAML does not allow", 2, "control"),
    ("a-list-not-a-mapping", "- id: a\n  question: Q\n  answer: A\n", "should start with sections", 1,
     "faqs:"),
    ("plain-text", "hello there\n", "should start with sections", 1, "faqs:"),
    ("empty-file", "\n# only a comment\n", "the file is empty", 1, "faqs:"),
    ("no-faqs", "clinic:\n  name: X\n", "no 'faqs:' list", 1, "faqs:"),
    ("faqs-empty", "faqs:\n", "'faqs' should be a list of entries, but it is empty", 1, "- id:"),
    ("faqs-a-mapping", "faqs:\n  parking: Behind the clinic\n", "'faqs' should be a list", 2, "- id:"),
    ("entry-is-text", "faqs:\n  - just a question?\n" + GOOD_ENTRY, "entry #1 is text", 2, "- id:"),
    ("missing-id", """\
        faqs:
          - question: Can I drive home?
            answer: No.
        """, "has no 'id'", 2, "id: can-i-drive-home"),
    ("missing-question", "faqs:\n  - id: a\n    answer: A\n", "entry 'a' has no 'question'", 2,
     "'question:'"),
    ("missing-answer", "faqs:\n  - id: a\n    question: Q?\n", "entry 'a' has no 'answer'", 2, "answer: |"),
    ("empty-answer", "faqs:\n  - id: a\n    question: Q?\n    answer: ''\n", "empty answer", 4, ""),
    ("null-answer", "faqs:\n  - id: a\n    question: Q?\n    answer:\n", "empty answer", 4, ""),
    ("blank-answer-block", "faqs:\n  - id: a\n    question: Q?\n    answer: |\n\n", "empty answer", 4, ""),
    ("answer-too-long", "faqs:\n  - id: a\n    question: Q?\n    answer: " + "x" * 4097 + "\n",
     "4,097 characters long; Telegram's limit is 4,096", 4, "follow_ups"),
    ("answer-too-long-in-utf16", "faqs:\n  - id: a\n    question: Q?\n    answer: " + "\U0001F600" * 2049
     + "\n", "4,098 characters", 4, ""),
    ("answer-is-a-list", "faqs:\n  - id: a\n    question: Q?\n    answer:\n      - one\n      - two\n",
     "'answer' should be text, but it is a list", 5, "quotes"),
    ("question-is-a-mapping", "faqs:\n  - id: a\n    question:\n      why: not\n    answer: A\n",
     "'question' should be text", 4, ""),
    ("duplicate-id", "faqs:\n" + GOOD_ENTRY + GOOD_ENTRY.replace("Behind", "Around"),
     "duplicate id 'parking': already used by the entry at line 2", 6, "unique"),
    ("duplicate-key-in-entry", "faqs:\n  - id: a\n    question: Q?\n    answer: A\n    answer: B\n",
     "'answer' appears twice in FAQ entry #1 (lines 4 and 5)", 5, "- id:"),
    ("id-with-spaces", "faqs:\n  - id: Memory why\n    question: Q?\n    answer: A\n",
     "the id 'Memory why' may only contain", 2, "id: memory-why"),
    ("id-too-long", "faqs:\n  - id: " + "a" * 41 + "\n    question: Q?\n    answer: A\n",
     "41 characters long", 2, ""),
    ("alternatives-misspelt", "faqs:\n  - id: a\n    question: Q?\n    alternatives: [x, y]\n    answer: A\n",
     "unknown key 'alternatives' in FAQ entry #1; did you mean 'alternates'?", 4, "'alternates'"),
    ("answers-misspelt", "faqs:\n  - id: a\n    question: Q?\n    answers: A\n",
     "did you mean 'answer'?", 4, "rename 'answers' to 'answer'"),
    ("folow-ups-misspelt", "faqs:\n" + GOOD_ENTRY + "    folow_ups: [parking]\n",
     "did you mean 'follow_ups'?", 6, ""),
    ("staff-word-for-alternates", "faqs:\n  - id: a\n    question: Q?\n    variants: [x]\n    answer: A\n",
     "did you mean 'alternates'?", 4, ""),
    ("top-level-key-misspelt", "faq:\n" + GOOD_ENTRY, "unknown key 'faq' in the top level", 1, "'faqs'"),
    ("entry-key-at-top-level", "faqs:\n" + GOOD_ENTRY + "topic: Memory\n", "'topic' does not belong", 6,
     "indent it under"),
    ("top-level-key-inside-entry", "faqs:\n" + GOOD_ENTRY + "    clinic: X\n", "'clinic' does not belong", 6,
     "top of the file"),
    ("unknown-key-no-guess", "faqs:\n" + GOOD_ENTRY + "    reviewed_by: Dr X\n", "unknown key 'reviewed_by'",
     6, "'#'"),
    ("follow-up-unknown-id", "faqs:\n" + GOOD_ENTRY + "    follow_ups: [parkin]\n",
     "follow_ups names 'parkin', but no entry has that id; did you mean 'parking'?", 6, ""),
    ("alternate-with-colon", "faqs:\n  - id: a\n    question: Q?\n    alternates:\n      - note: this\n"
     "    answer: A\n", "each alternate in 'alternates' should be text", 5, "quotes"),
    ("alternates-a-mapping", "faqs:\n  - id: a\n    question: Q?\n    alternates:\n      x: y\n    answer: A\n",
     "'alternates' should be a list", 5, "'- '"),
    ("clinic-misspelt-key", "clinic:\n  telephone: 555\nfaqs:\n" + GOOD_ENTRY,
     "unknown key 'telephone' in the clinic block; did you mean 'phone'?", 2, ""),
    ("clinic-not-a-mapping", "clinic: Riverside\nfaqs:\n" + GOOD_ENTRY, "'clinic' should be a group", 1, ""),
    ("clinic-empty-crisis-line", "clinic:\n  crisis_line: ''\nfaqs:\n" + GOOD_ENTRY,
     "crisis_line' is empty", 2, "988"),
    ("texts-unknown-placeholder", "texts:\n  fallback: Sorry, call {clinic_nmae}.\nfaqs:\n" + GOOD_ENTRY,
     "unknown placeholder '{clinic_nmae}'. Did you mean {clinic_name}?", 2, "double it"),
    ("texts-placeholder-line-inside-block", "texts:\n  fallback: |\n    Sorry.\n    Call {phone}.\nfaqs:\n"
     + GOOD_ENTRY, "unknown placeholder '{phone}'", 4, "{contact}"),
    ("texts-literal-brace", "texts:\n  not_text: 'Text only {please}'\nfaqs:\n" + GOOD_ENTRY,
     "unknown placeholder '{please}'", 2, "{{ or }}"),
    ("texts-lone-brace", "texts:\n  not_text: 'Text only :-}'\nfaqs:\n" + GOOD_ENTRY, "lone '}'", 2, "{{"),
    ("texts-positional-field", "texts:\n  welcome: 'Hi {}'\nfaqs:\n" + GOOD_ENTRY, "placeholder '{}'", 2, ""),
    ("texts-format-spec", "texts:\n  welcome: 'Hi {clinic_name!r}'\nfaqs:\n" + GOOD_ENTRY,
     "extras after its name", 2, "exactly as {clinic_name}"),
    ("texts-unknown-name", "texts:\n  goodbye: Bye\nfaqs:\n" + GOOD_ENTRY, "unknown key 'goodbye'", 2,
     "welcome"),
    ("texts-no-words-unknown-placeholder", "texts:\n  no_words: 'Type words, or call {phone}'\nfaqs:\n"
     + GOOD_ENTRY, "texts 'no_words' uses the unknown placeholder '{phone}'", 2, "{contact}"),
    ("texts-no-words-misspelt", "texts:\n  no_word: Type it in words.\nfaqs:\n" + GOOD_ENTRY,
     "unknown key 'no_word' in the texts block; did you mean 'no_words'?", 2, "rename 'no_word'"),
    ("texts-empty", "texts:\n  fallback: ''\nfaqs:\n" + GOOD_ENTRY, "texts 'fallback' is empty", 2,
     "built-in text"),
    ("emergency-text-without-crisis-line", "texts:\n  emergency: Please call us.\nfaqs:\n" + GOOD_ENTRY,
     "must give patients the crisis line", 2, "{crisis_line}"),
    ("red-flags-unknown-tier", "red_flags:\n  emergancy: [i took too much]\nfaqs:\n" + GOOD_ENTRY,
     "unknown red-flag tier 'emergancy'; did you mean 'emergency'?", 2, "two tiers"),
    ("red-flags-a-list", "red_flags:\n  - i took too much\nfaqs:\n" + GOOD_ENTRY, "'red_flags' should have", 2,
     "provider"),
    ("red-flags-phrase-not-text", "red_flags:\n  provider:\n    - {a: b}\nfaqs:\n" + GOOD_ENTRY,
     "each phrase in red_flags 'provider' should be text", 3, ""),
    ("synonyms-not-a-list", "synonyms:\n  troche: lozenge\nfaqs:\n" + GOOD_ENTRY,
     "'synonyms' should be a list of groups", 2, "[troche, lozenge]"),
    ("synonyms-group-is-text", "synonyms:\n  - troche, lozenge\nfaqs:\n" + GOOD_ENTRY,
     "each synonyms group should be a list", 2, "[troche, lozenge]"),
    ("synonyms-word-is-a-list", "synonyms:\n  - [troche, [lozenge]]\nfaqs:\n" + GOOD_ENTRY,
     "should be text", 2, ""),
    ("python-tag", "faqs: !!python/object/apply:os.system [echo hi]\n", "unexpected YAML tag", 1, "delete"),
    ("merge-of-a-list", "faqs:\n  - <<: [1, 2]\n    id: a\n", "cannot merge", 2, "'<<:'"),
]


@pytest.mark.parametrize("text, fragment, line, fix", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_file_names_the_problem_its_line_and_the_fix(text, fragment, line, fix):
    errors = errors_of(text)
    hits = [p for p in errors if fragment in p.message]
    assert hits, "\n".join(map(str, errors))
    assert hits[0].line == line, str(hits[0])
    assert fix in hits[0].fix and hits[0].fix, str(hits[0])


def test_every_problem_is_listed_at_once_in_line_order():
    errors = errors_of("""\
        clinic:
          phnoe: 555
        faqs:
          - id: a
            question: Q?
            answer: ''
          - id: a
            question: R?
            alternatives: [x]
            answer: fine
            follow_ups: [zzz]
        """)
    lines = [p.line for p in errors]
    assert lines == [2, 6, 7, 9, 11], "\n".join(map(str, errors))
    assert lines == sorted(lines)


def test_problem_reads_as_file_line_severity_message_and_fix():
    err = errors_of("faqs:\n  - id: a\n    question: Q?\n    answer: ''\n")[0]
    assert str(err).startswith("faq.yaml:4: error: entry 'a' has an empty answer.")
    assert " Fix: " in str(err)


def test_misspelt_key_is_not_also_reported_as_missing():
    errors = errors_of("faqs:\n  - id: a\n    question: Q?\n    answers: A\n")
    assert [p.line for p in errors] == [4]


def test_minimal_file_loads_with_every_default():
    faq, warnings = parse_faq("faqs:\n  - id: parking\n    question: Where can I park?\n"
                              "    answer: Behind the clinic.\n", "mini.yaml")
    assert isinstance(faq, Faq) and faq.path == "mini.yaml"
    (entry,) = faq.entries
    assert (entry.id, entry.question, entry.answer) == ("parking", "Where can I park?", "Behind the clinic.")
    assert (entry.alternates, entry.topic, entry.follow_ups, entry.line) == ((), "General", (), 2)
    assert faq.clinic == Clinic() and faq.clinic.crisis_line == "988" and faq.clinic.emergency_number == "911"
    assert faq.texts.fallback == DEFAULT_TEXTS["fallback"]
    assert faq.synonyms == () and dict(faq.red_flags) == {}
    assert all(p.severity == "warning" for p in warnings)
    assert any("0 alternate(s)" in p.message and p.line == 2 for p in warnings)


def test_no_words_text_can_be_replaced_and_is_filled_in():
    faq, _ = parse_faq("clinic:\n  name: Riverside\ntexts:\n  no_words: Please write a question, {clinic_name} "
                       "reads words only.\nfaqs:\n" + GOOD_ENTRY, "texts.yaml")
    assert faq.render(faq.texts.no_words) == "Please write a question, Riverside reads words only."
    assert faq.texts.not_text == DEFAULT_TEXTS["not_text"]  # the others keep their built-in text


def test_full_file_fills_every_block():
    faq, _ = parse_faq(textwrap.dedent("""\
        clinic:
          name: Riverside Ketamine Clinic
          phone: 5550100          # a number in YAML, kept as written
          email: care@example.org
          hours: Mon-Fri 8am-6pm
          crisis_line: 988
          emergency_number: 112
        texts:
          fallback: |
            Sorry, I can't answer that. Call {contact}; {{braces}} stay.
        synonyms:
          - [troche, lozenge, rdt]
          - [k, ketamine]
        red_flags:
          emergency: [took the whole bottle]
          provider: pink urine
        faqs:
          - id: 12
            topic: Practical
            question: yes
            alternates: [where do i park, "parking?", car park]
            answer: |
              Behind the clinic.
              Free for patients.
            follow_ups: [drive]
          - id: drive
            question: Can I drive afterwards?
            alternates: [can i drive home, is driving ok, behind the wheel after]
            answer: Not until the next day.
            follow_ups: 12, drive
        """), "full.yaml")
    assert faq.clinic.phone == "5550100" and faq.clinic.crisis_line == "988"
    assert faq.clinic.emergency_number == "112"
    assert faq.render(faq.texts.fallback) == ("Sorry, I can't answer that. Call Riverside Ketamine Clinic: "
                                              "5550100 or care@example.org (Mon-Fri 8am-6pm); {braces} stay.")
    assert faq.synonyms == (("troche", "lozenge", "rdt"), ("k", "ketamine"))
    assert faq.red_flags == {"emergency": ("took the whole bottle",), "provider": ("pink urine",)}
    first, second = faq.entries
    assert (first.id, first.question, first.topic) == ("12", "yes", "Practical")
    assert first.answer == "Behind the clinic.\nFree for patients."
    assert first.follow_ups == ("drive",) and second.follow_ups == ("12",)
    assert (first.line, second.line) == (18, 26)


def test_text_after_hash_in_an_unquoted_answer_is_flagged():
    warnings = warnings_of("faqs:\n  - id: a\n    question: Q?\n    alternates: [x, y]\n"
                           "    answer: Ask for room #2 at the desk\n")
    assert any("after ' #' is read as a comment" in p.message and p.line == 5 for p in warnings)


def test_warnings_never_block_loading():
    faq, warnings = parse_faq("faqs:\n  - id: a\n    question: Q?\n    alternates: ['Q?', '']\n    answer: A\n")
    assert faq.get("a").alternates == ()
    assert {p.line for p in warnings} >= {4}


NEAR_DUPLICATES = """\
    faqs:
      - id: drive-after
        question: Can I drive after my session?
        alternates: [can i drive home afterwards, is driving ok after treatment]
        answer: Not until the next day.
      - id: memory-gaps
        question: Why can't I remember my session?
        alternates: [why is my memory of the infusion patchy, i forgot the whole treatment]
        answer: That is expected.
      - id: drive-home
        question: Can I drive home after the session?
        alternates: [can i drive home afterwards, may i drive myself back]
        answer: No, please arrange a ride.
    """


def test_entries_the_matcher_would_confuse_are_warned_about_naming_both():
    warnings = warnings_of(NEAR_DUPLICATES)
    confused = [p for p in warnings if "so alike" in p.message]
    assert len(confused) == 1, "\n".join(map(str, warnings))
    msg = confused[0].message
    assert "'drive-home' (line 10)" in msg and "'drive-after' (line 2)" in msg
    assert "memory-gaps" not in msg
    assert confused[0].line == 12  # the alternate both entries share


def test_matcher_confusion_is_found_without_an_identical_wording():
    # Same words in another order: no exact duplicate, but a tie for any word-based matcher.
    text = NEAR_DUPLICATES.replace("[can i drive home afterwards, may i", "[afterwards can i drive home, may i")
    confused = [p for p in warnings_of(text) if "so alike" in p.message]
    assert confused and all("memory-gaps" not in p.message for p in confused), confused


def test_distinct_entries_raise_no_confusion_warning():
    text = "\n".join(NEAR_DUPLICATES.splitlines()[:9]) + "\n"
    assert not [p for p in warnings_of(text) if "so alike" in p.message]


def test_confusion_check_is_bounded_on_load_but_complete_in_check_faq(tmp_path):
    """A huge FAQ must not stall a reload; `faqbot check` (check_faq) still runs it in full."""
    text = textwrap.dedent(NEAR_DUPLICATES).replace("[can i drive home afterwards, may i",
                                                    "[afterwards can i drive home, may i")
    _, bounded = parse_faq(text, similar_work=1)
    assert not [p for p in bounded if "so alike" in p.message]
    f = tmp_path / "faq.yaml"
    f.write_text(text, encoding="utf-8")
    assert [p for p in check_faq(f) if "so alike" in p.message]


def test_confusion_check_can_be_skipped():
    _, warnings = parse_faq(textwrap.dedent(NEAR_DUPLICATES), check_similar=False)
    assert not [p for p in warnings if "so alike" in p.message]


def test_similar_warnings_are_exactly_what_a_fast_load_skipped(tmp_path):
    """The bot loads without the confusion check (it ranks every phrasing) to start sooner, then
    logs its advice: that later list must hold the 'so alike' warnings and nothing said already."""
    f = tmp_path / "faq.yaml"
    f.write_text(textwrap.dedent(NEAR_DUPLICATES), encoding="utf-8")
    _, full = load_faq(f)
    _, fast = load_faq(f, check_similar=False)
    later = similar_warnings(f)
    assert later and all("so alike" in p.message for p in later)
    assert sorted(map(str, fast + later)) == sorted(map(str, full))
    f.write_text("faqs: [", encoding="utf-8")
    assert similar_warnings(f) == []  # broken since: the file watcher tells staff, not this


# ---- files on disk --------------------------------------------------------------------------
@pytest.mark.parametrize("content, fragment", [
    (b"\xff\xfe\x00garbage\x00", "not UTF-8"),
    (b"faqs:\n  - id: a\n    question: caf\xe9\n", "not UTF-8"),
    (b"faqs: [" + b"x, " * 400_000 + b"]", "larger than 1 MB"),
    (b"faqs:\n" + b"  - id: a\n" + b"  " * 0 + b"[" * 5000 + b"]" * 5000, "YAML"),
])
def test_unreadable_files_are_one_clear_error(tmp_path, content, fragment):
    f = tmp_path / "faq.yaml"
    f.write_bytes(content)
    with pytest.raises(FaqError) as exc:
        load_faq(f)
    assert any(fragment in p.message for p in exc.value.problems), str(exc.value)
    assert all(p.path == str(f) for p in exc.value.problems)


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(FaqError) as exc:
        parse_faq("faqs: " + "[" * 20000 + "]" * 20000)
    assert "nested far too deeply" in str(exc.value)


def test_alias_bomb_is_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    bomb = "\n".join(lines) + "\nfaqs:\n  - id: a\n    question: Q?\n    answer: A\n    alternates: *a8\n"
    with pytest.raises(FaqError) as exc:
        parse_faq(bomb)
    assert any("a0" in p.message for p in exc.value.problems)  # unknown keys still listed
    assert len(exc.value.problems) <= 200


def test_anchor_and_merge_are_supported_for_reuse():
    faq, _ = parse_faq("faqs:\n  - &base\n    id: a\n    question: Q?\n    answer: A\n    topic: T\n"
                       "  - <<: *base\n    id: b\n    question: R?\n")
    assert [(e.id, e.question, e.topic) for e in faq.entries] == [("a", "Q?", "T"), ("b", "R?", "T")]


def test_missing_file_is_a_faq_error(tmp_path):
    with pytest.raises(FaqError) as exc:
        load_faq(tmp_path / "nope.yaml")
    assert "cannot read the file" in str(exc.value) and "nope.yaml" in str(exc.value)


def test_check_faq_returns_problems_and_never_raises(tmp_path):
    f = tmp_path / "faq.yaml"
    f.write_text("faqs:\n  - id: a\n    question: Q?\n    answer: ''\n", encoding="utf-8")
    problems = check_faq(f)
    assert [(p.line, p.severity) for p in problems if p.severity == "error"] == [(4, "error")]
    assert check_faq(tmp_path / "missing.yaml")[0].severity == "error"


def test_byte_order_mark_from_windows_editors_is_accepted(tmp_path):
    f = tmp_path / "faq.yaml"
    f.write_bytes("\ufefffaqs:\n  - id: a\n    question: Q?\n    answer: é\n".encode("utf-8"))
    faq, _ = load_faq(f)
    assert faq.entries[0].answer == "é"


# ---- the clinic's real file ----------------------------------------------------------------------
def test_real_faq_loads_without_errors():
    assert REAL_FAQ.exists(), "faq.yaml is missing from the repository root"
    faq, warnings = load_faq(REAL_FAQ)
    assert len(faq.entries) >= 30
    assert all(p.severity == "warning" for p in warnings)
    for e in faq.entries:
        assert e.answer.strip() and len(e.answer) <= TELEGRAM_LIMIT
        assert e.line > 0
    for name in DEFAULT_TEXTS:
        faq.render(getattr(faq.texts, name))  # every fixed text fills in without error


def test_real_faq_has_no_entries_the_matcher_confuses():
    _, warnings = load_faq(REAL_FAQ)
    confused = [str(p) for p in warnings if "so alike" in p.message]
    assert not confused, "\n".join(confused)


# ---- the staff guide's examples must be true -------------------------------------------------------
def guide_blocks() -> list[str]:
    text = (ROOT / "docs" / "faq-guide.md").read_text(encoding="utf-8")
    return [b.split("```", 1)[0] for b in text.split("```yaml\n")[1:]]


def test_staff_guide_minimal_file_loads():
    faq, _ = parse_faq(guide_blocks()[0], "guide")
    assert [e.id for e in faq.entries] == ["parking"]


def test_staff_guide_worked_example_loads_as_written():
    stubs = "".join(f"  - id: {i}\n    question: {i}?\n    answer: {i}.\n"
                    for i in ("driving-after", "session-what-to-bring"))
    faq, _ = parse_faq("faqs:\n" + guide_blocks()[1] + stubs, "guide")
    e = faq.get("session-companion")
    assert e.topic == "Your session" and len(e.alternates) == 3
    assert e.follow_ups == ("driving-after", "session-what-to-bring")
    assert "\n" in e.answer and e.answer.startswith("Yes, one adult")


def test_staff_guide_full_shape_loads_with_every_block():
    full = next(b for b in guide_blocks() if b.startswith("clinic:"))
    faq, _ = parse_faq(full.replace("  - id: ...\n", GOOD_ENTRY), "guide")
    assert faq.clinic.name == "Harbor Light Ketamine Clinic" and faq.clinic.crisis_line == "988"
    assert faq.render(faq.texts.fallback).startswith("Sorry, I don't know that one yet. Please call Harbor")
    assert faq.synonyms[0] == ("troche", "lozenge", "rdt")
    assert faq.red_flags == {"emergency": ("took the whole bottle",), "provider": ("took an extra troche",)}


def test_staff_guide_no_words_example_loads_as_written():
    block = next(b for b in guide_blocks() if b.startswith("texts:\n  no_words:"))
    faq, _ = parse_faq(block + "faqs:\n" + GOOD_ENTRY, "guide")
    reply = faq.render(faq.texts.no_words)
    assert reply.startswith("I read words only.") and faq.clinic.crisis_line in reply
