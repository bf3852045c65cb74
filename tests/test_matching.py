"""The FAQ matcher against the real faq.yaml: what patients type must reach the right entry, and
what the FAQ does not cover must not get a confident answer."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import text as tx
from bot.faq import load_faq, parse_faq
from bot.confidence import question_types
from bot.matching import Candidate, Matcher, MatchResult

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def faq():
    return load_faq(ROOT / "faq.yaml")[0]


@pytest.fixture(scope="module")
def matcher(faq):
    return Matcher(faq)


# ---- text normalisation -----------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("Why can\u2019t I remember?", ["why", "can", "not", "i", "remember"]),
    ("why cant i remember", ["why", "can", "not", "i", "remember"]),
    ("I dont know", ["i", "do", "not", "know"]),
    ("it's OK, isn't it", ["it", "okay", "is", "not", "it"]),
    ("Caf\u00e9 na\u00efve", ["cafe", "naive"]),
    ("k-hole", ["k", "hole"]),
    ("covid19 b12", ["covid", "19", "b", "12"]),
    ("remeber my memmory", ["remember", "my", "memory"]),
    ("   ", []),
])
def test_words_fold_case_quotes_accents_contractions_and_misspellings(raw, expected):
    assert tx.words(raw) == expected


@pytest.mark.parametrize("a, b", [
    ("remembering", "remembered"), ("infusions", "infusion"), ("drove", "drive"),
    ("forgot", "forget"), ("memories", "memory"),
])
def test_stems_join_word_forms(a, b):
    assert tx.stem(a) == tx.stem(b)


def _gram_overlap(a: str, b: str) -> float:
    ga, gb = set(tx.char_grams([a])), set(tx.char_grams([b]))
    return len(ga & gb) / len(ga | gb)


@pytest.mark.parametrize("word, related, unrelated", [
    ("infusion", "infusoin", "session"),  # a transposition keeps the word's beginning and end
    ("remembering", "remembered", "wondering"),  # word forms share their stem's grams
    ("anaesthesia", "anesthesia", "amnesia"),  # spelling variants
])
def test_character_grams_overlap_more_for_typos_and_word_forms_than_for_rhymes(word, related, unrelated):
    assert _gram_overlap(word, related) > _gram_overlap(word, unrelated) + 0.05


def test_character_grams_count_repeats_and_pad_short_words():
    grams = tx.char_grams(["i", "i", "abc"])
    assert grams[" i "] == 2
    assert {" ab", "abc", "bc ", " abc", "abc ", " abc "} <= set(grams)


# ---- the real FAQ -------------------------------------------------------------------------------
def _variants():
    faq = load_faq(ROOT / "faq.yaml")[0]
    return [(e.id, v) for e in faq.entries for v in (e.question, *e.alternates)]


@pytest.mark.parametrize("entry_id, phrasing", _variants())
def test_every_question_and_alternate_ranks_its_own_entry_first(matcher, entry_id, phrasing):
    assert matcher.rank(phrasing, 1)[0].id == entry_id


# Written for these tests, not taken from dev.jsonl: how patients ask, answered outright.
@pytest.mark.parametrize("message, entry_id", [
    ("why can't I remember anything from my infusion?", "memory-why-gaps"),
    ("will ketamine damage my memory permanently", "memory-permanent"),
    ("does the treatment still work if i don't remember it", "memory-not-needed"),
    ("is ketamine bad for your bladder", "safety-bladder"),
    ("can i get addicted to ketamine", "safety-dependence"),
    ("can i drive home after my infusion", "safety-driving"),
    ("is it ok to drink wine after treatment", "safety-alcohol"),
    ("can i take my antidepressants with ketamine", "safety-medications"),
    ("how long does the brain fog last", "brain-fog-duration"),
    ("what does a ketamine session feel like", "session-what-it-feels-like"),
    ("can my husband come with me", "session-support-person"),
    ("should i eat before my session", "session-eating"),
    ("what is integration therapy", "therapy-integration"),
    ("can ketamine help with ptsd", "therapy-trauma"),
    ("how should i prepare for my appointment", "session-preparation"),
    ("what is a k-hole", "session-what-it-feels-like"),
])
def test_patient_questions_are_answered_with_the_right_entry(matcher, message, entry_id):
    result = matcher.match(message)
    assert (result.kind, result.best.id) == ("answer", entry_id)


@pytest.mark.parametrize("message, entry_id", [
    ("why cant i remeber my sesion", "memory-why-gaps"),
    ("is the memroy loss permanant", "memory-permanent"),
    ("can i drive aftr my infusoin", "safety-driving"),
    ("is ketamine addictve", "safety-dependence"),
    ("how long dos the brian fog last", "brain-fog-duration"),
    ("WHY CAN\u2019T I REMEMBER MY SESSION???", "memory-why-gaps"),
    ("how can i remember more of my sessions", "memory-improve"),  # a sibling of three memory
])                                                                   # entries: ranked, not answered
def test_typos_case_and_curly_quotes_still_find_the_entry(matcher, message, entry_id):
    assert matcher.rank(message, 1)[0].id == entry_id


@pytest.mark.parametrize("message", [
    "what is the capital of france",
    "hello",
    "thank you so much",
    "asdfghjkl qwerty",
    "can you recommend a good pizza place",
    "",
    "\U0001f600\U0001f600",
])
def test_out_of_scope_messages_fall_back(matcher, message):
    assert matcher.match(message).kind == "fallback"


@pytest.mark.parametrize("message", ["memory", "ketamine and memory", "my memory and the session",
                                     "ketamine", "side effects"])
def test_vague_messages_suggest_two_or_three_entries(matcher, message):
    result = matcher.match(message)
    assert result.kind == "suggest"
    assert 2 <= len(result.suggested) <= 3
    assert list(result.suggested) == list(result.candidates[:len(result.suggested)])


@pytest.mark.parametrize("text, kinds", [
    ("how much does a hearing test cost", {"cost"}),
    ("how long does the infusion take", {"duration"}),
    ("when can i drive again", {"when"}),
    ("where do i park", {"where"}),
    ("how often do i need a top up", {"often"}),
    ("can i drive after my session", set()),
])
def test_question_types_read_what_a_question_asks_for(text, kinds):
    assert question_types(tx.words(text)) == kinds


def test_a_cost_question_is_not_answered_by_a_duration_entry_it_shares_words_with():
    """The blind audiology clinic's "how much does a hearing test cost" was answered with the
    test's duration (confidence 0.92, the FAQ has no cost entry); the question-type mismatch
    feature now holds it back to a "did you mean", while "how long" is still answered."""
    faq, _ = load_faq(DATA / "eighth_clinic" / "faq.yaml")
    m = Matcher(faq)
    assert m.match("how much does a hearing test cost").kind != "answer"
    r = m.match("how long does a hearing test take")
    assert r.kind == "answer" and r.best.id == "test-duration"


def test_rank_returns_at_most_limit_unique_candidates_best_first(matcher):
    cands = matcher.rank("is it normal to forget my session and feel foggy", 4)
    assert 1 <= len(cands) <= 4
    assert len({c.id for c in cands}) == len(cands)
    assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)
    assert all(isinstance(c, Candidate) and 0 <= c.score <= 100 for c in cands)


def test_a_5000_character_message_is_matched_without_error(matcher):
    result = matcher.match("why can't I remember my session " * 160)
    assert isinstance(result, MatchResult) and result.best.id == "memory-why-gaps"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_valid_result(matcher, message):
    result = matcher.match(message)
    assert result.kind in ("answer", "suggest", "fallback")
    assert len(result.candidates) <= 5
    assert all(0 <= c.score <= 100 for c in result.candidates)
    if result.kind == "suggest":
        assert 2 <= len(result.suggested) <= 3 or len(result.candidates) == 1


# ---- the clinic's synonyms extend the built-in vocabulary --------------------------------------
FAQ_WITH_CLINIC_WORDS = """
{synonyms}
faqs:
  - id: troche-food
    question: Can I eat before taking my troche?
    alternates: [is food ok before the troche, should i fast before my troche]
    answer: Please have no food for four hours before.
  - id: parking
    question: Where do I park?
    alternates: [is there parking, where can i leave my car]
    answer: Use the lot behind the building.
"""


@pytest.mark.parametrize("synonyms, expected", [
    ("synonyms:\n  - [troche, zorblax pastille]", "troche-food"),
    ("", None),
])
def test_faq_synonyms_teach_the_matcher_clinic_words(synonyms, expected):
    faq, _ = parse_faq(FAQ_WITH_CLINIC_WORDS.format(synonyms=synonyms), "<test>")
    result = Matcher(faq).match("can i eat before my zorblax pastille")
    if expected:
        assert result.best.id == expected
        assert result.best.score > Matcher(faq).match("can i eat before my pastille").best.score
    else:  # without the group the made-up word means nothing; only "eat before" is left
        assert result.kind != "answer" or result.best.score < 80


@pytest.mark.parametrize("synonyms, expected", [
    ("synonyms:\n  - [car, jalopy]", ["driving"]),  # built in: car ~ drive; so jalopy ~ drive
    ("synonyms:\n  - [jalopy, banger]", []),  # a group of its own reaches nothing here
])
def test_a_clinic_group_sharing_a_word_with_the_built_in_vocabulary_joins_it(synonyms, expected):
    text = synonyms + """
faqs:
  - id: driving
    question: Can I drive after my session?
    answer: Not until the next day.
  - id: eating
    question: Can I eat before my session?
    answer: Not for four hours before.
"""
    faq, _ = parse_faq(text, "<test>")
    assert [c.id for c in Matcher(faq).rank("the jalopy", 1)] == expected


def test_built_in_vocabulary_links_patient_words_to_faq_words():
    faq, _ = parse_faq(FAQ_WITH_CLINIC_WORDS.format(synonyms=""), "<test>")
    # "lozenge" never appears in this FAQ; the built-in vocabulary knows it is a troche
    assert Matcher(faq).rank("can i eat before my lozenge", 1)[0].id == "troche-food"


# ---- quality gates on the labelled sets (figures, not timing) ----------------------------------
def _quality(faq_path: Path, data_path: Path, matcher_class=Matcher) -> dict:
    faq = load_faq(faq_path)[0]
    m = matcher_class(faq)
    rows = [json.loads(line) for line in data_path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    n_in = sum(1 for r in rows if r["id"])
    top1 = right = wrong = 0
    for r in rows:
        res = m.match(r["text"])
        if r["id"] and res.best and res.best.id == r["id"]:
            top1 += 1
        if res.kind == "answer":
            if res.best.id == r["id"]:
                right += 1
            else:
                wrong += 1
    return dict(top1=top1 / n_in, right=right / n_in, wrong=wrong / len(rows))


def test_dev_set_quality_floor():
    """Regression gate at the level reached (benchmarks/README.md: 0.938 / 0.789 / 0.011 since
    session 11's answer-meaning features (top-1 0.947 with the answers' meaning in the order);
    0.938 / 0.770 / 0.015 in sessions 9-10, with the
    confidence fitted on eight clinics pooled); the
    issue's answered-right target of 0.85 is not yet reached, so this guards what we have."""
    q = _quality(ROOT / "faq.yaml", DATA / "dev.jsonl")
    assert q["top1"] >= 0.94, q
    assert q["right"] >= 0.78, q
    assert q["wrong"] <= 0.03, q


def test_other_clinic_quality_floor():
    """A clinic the matcher was not tuned for (TMS): generalisation must not silently regress
    (measured 0.833 / 0.515 / 0.012 since session 11's answer-meaning features; 0.439 / 0.012 in
    session 10, 0.409 / 0.000 in session 9, 0.348 answered-right before)."""
    q = _quality(DATA / "other_clinic" / "faq.yaml", DATA / "other_clinic" / "messages.jsonl")
    assert q["top1"] >= 0.83, q
    assert q["right"] >= 0.51, q
    assert q["wrong"] <= 0.03, q


def test_third_clinic_wrong_answers_stay_under_three_percent():
    """A physiotherapy clinic written blind to the matcher (its top-1 was never tuned on):
    measured 0.843 / 0.573 / 0.018 since session 11 (0.494 answered-right in session 10, 0.775 / 0.461
    in session 9, 0.348 before; 0.371 until session 4 added the eighth clinic to the pooled confidence fit, which had
    4.3% wrong answers on the old fit; precision comes before coverage)."""
    q = _quality(DATA / "third_clinic" / "faq.yaml", DATA / "third_clinic" / "messages.jsonl")
    assert q["top1"] >= 0.84, q
    assert q["right"] >= 0.57, q
    assert q["wrong"] <= 0.03, q


@pytest.mark.parametrize("folder, top1, right", [
    ("fourth_clinic", 0.81, 0.43), ("fifth_clinic", 0.83, 0.48), ("sixth_clinic", 0.81, 0.54),
    ("seventh_clinic", 0.92, 0.68), ("eighth_clinic", 0.88, 0.62)])
def test_clinics_written_blind_get_at_most_three_percent_wrong_answers(folder, top1, right):
    """Four more clinics written by people who never saw the matcher (ketamine, sleep, fertility,
    dental).  Their words were never tuned on; their labels only fed the pooled fit of the answer
    confidence.  A wrong confident answer is the worst failure, so the gate is on wrong answers."""
    q = _quality(DATA / folder / "faq.yaml", DATA / folder / "messages.jsonl")
    assert q["wrong"] <= 0.03, q
    assert q["top1"] >= top1, q
    assert q["right"] >= right, q  # the levels of session 11 (benchmarks/README.md)


class _Stricter(Matcher):
    """The same matcher asking the confidence model for more before answering."""
    ANSWER_CONFIDENCE = 0.95


class _MarginRule(Matcher):
    """The old decision: a fixed lead over the runner-up (16 points, 7 when the character view
    agrees), kept here to show the confidence model does better on every labelled set."""

    def match(self, text):
        ranked, feats, _ = self._ranked(text, 5)
        if ranked and ranked[0].score >= 30 and feats:
            margin = 7.0 if feats["char_agrees"] else 16.0
            if 100 * feats["margin"] >= margin:
                return MatchResult("answer", tuple(ranked))
        return MatchResult("fallback", tuple(ranked))


@pytest.mark.parametrize("faq_path, data_path", [
    (ROOT / "faq.yaml", DATA / "dev.jsonl"),
    (DATA / "other_clinic" / "faq.yaml", DATA / "other_clinic" / "messages.jsonl"),
    (DATA / "third_clinic" / "faq.yaml", DATA / "third_clinic" / "messages.jsonl"),
])
def test_a_higher_confidence_bar_answers_less_and_never_more_wrongly(faq_path, data_path):
    shipped = _quality(faq_path, data_path)
    stricter = _quality(faq_path, data_path, _Stricter)
    assert stricter["right"] < shipped["right"], (stricter, shipped)
    assert stricter["wrong"] <= shipped["wrong"], (stricter, shipped)


@pytest.mark.parametrize("faq_path, data_path", [
    (ROOT / "faq.yaml", DATA / "dev.jsonl"),
    (DATA / "other_clinic" / "faq.yaml", DATA / "other_clinic" / "messages.jsonl"),
])
def test_confidence_model_keeps_wrong_answers_at_or_below_the_fixed_margin_rule(faq_path, data_path):
    shipped = _quality(faq_path, data_path)
    old = _quality(faq_path, data_path, _MarginRule)
    assert shipped["wrong"] <= max(old["wrong"], 0.03), (shipped, old)
    assert shipped["wrong"] <= 0.03, shipped


@pytest.mark.parametrize("message", ["why can't I remember anything from my infusion?",
                                     "what is the capital of france", "memory", ""])
def test_confidence_is_a_probability_and_only_clear_questions_are_answered(matcher, message):
    c = matcher.confidence(message)
    assert 0.0 <= c <= 1.0
    if message.startswith("why"):
        assert c >= matcher.ANSWER_CONFIDENCE
        assert matcher.match(message).kind == "answer"
    else:  # "memory" scores well with a near tie: the lead guard makes it a "did you mean"
        assert matcher.match(message).kind != "answer"
