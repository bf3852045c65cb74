"""The one decision function every front end shares: triage first, then the FAQ."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.faq import FaqError
from bot.pipeline import ANSWER, ESCALATE, FALLBACK, Assistant

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    a, _ = Assistant.from_path(ROOT / "faq.yaml")
    return a


def test_every_question_in_the_faq_is_answered_by_its_own_entry(assistant):
    for entry in assistant.faq.entries:
        d = assistant.decide(entry.question)
        assert (d.kind, d.faq_id) == (ANSWER, entry.id), entry.question


@pytest.mark.parametrize("red_flag", [
    "i want to kill myself",
    "there is blood in my urine since the last session",
])
def test_red_flag_overrides_confident_match(assistant, red_flag):
    entry = assistant.faq.entries[0]
    d = assistant.decide(f"{entry.question} {red_flag}")
    assert d.kind == ESCALATE
    assert d.faq_id is None
    assert d.escalation is not None and d.escalation.matched
    assert d.reply != entry.answer


def test_emergency_reply_carries_the_crisis_line_and_emergency_number(assistant):
    d = assistant.decide("i took all my pills")
    assert d.escalation.tier == "emergency"
    assert assistant.faq.clinic.crisis_line in d.reply
    assert assistant.faq.clinic.emergency_number in d.reply


def test_red_flag_at_the_end_of_a_5000_character_message_is_caught(assistant):
    text = ("I have been thinking about my sessions and my memory. " * 95)[:4950] + " i want to die"
    assert len(text) > 4900
    d = assistant.decide(text)
    assert d.kind == ESCALATE


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "🙏", "?!?!", "\u200b\u200b"])
def test_messages_without_words_get_a_type_in_words_reply(assistant, text):
    d = assistant.decide(text)
    assert d.kind == FALLBACK
    assert d.reply == assistant.faq.render(assistant.faq.texts.no_words)
    assert d.reply != assistant.faq.render(assistant.faq.texts.not_text)  # that one is for photos and voice
    assert not d.unanswered  # nothing for staff to learn from an emoji


def test_messages_without_words_get_the_clinics_own_no_words_text(tmp_path):
    path = tmp_path / "faq.yaml"
    path.write_text("clinic:\n  name: Riverside\ntexts:\n  no_words: Please write your question in words for "
                    "{clinic_name}.\nfaqs:\n  - id: parking\n    question: Where can I park?\n"
                    "    answer: Behind the building.\n", encoding="utf-8")
    a, _ = Assistant.from_path(path)
    assert a.decide("🙏🙏").reply == "Please write your question in words for Riverside."


def test_fallback_is_recorded_as_unanswered_and_gives_the_clinic_contact(assistant):
    d = assistant.decide("how much does parking cost at the clinic on saturdays")
    if d.kind == FALLBACK:
        assert d.unanswered
        assert assistant.faq.clinic.contact() in d.reply
    else:  # a suggestion is acceptable; a confident answer to an out-of-scope question is not
        assert d.kind != ANSWER


def test_patient_can_ask_for_a_person_without_any_red_flag_words(assistant):
    d = assistant.request_help("emergency")
    assert d.kind == ESCALATE and d.escalation.tier == "emergency"
    assert d.escalation.category == "patient-request"
    d = assistant.request_help("provider")
    assert d.escalation.tier == "provider"


def test_broken_reload_keeps_serving_the_last_good_faq(assistant, tmp_path):
    path = tmp_path / "faq.yaml"
    shutil.copy(ROOT / "faq.yaml", path)
    a, _ = Assistant.from_path(path)
    entry = a.faq.entries[0]
    path.write_text("faqs:\n  - id: x\n    question: [unclosed\n", encoding="utf-8")
    with pytest.raises(FaqError):
        a.reload()
    d = a.decide(entry.question)
    assert (d.kind, d.faq_id) == (ANSWER, entry.id)


def test_reload_picks_up_a_new_entry(tmp_path):
    path = tmp_path / "faq.yaml"
    path.write_text("faqs:\n  - id: parking\n    question: Where can I park?\n    answer: Behind the building.\n",
                    encoding="utf-8")
    a, _ = Assistant.from_path(path)
    assert a.decide("what are your opening hours on sunday").faq_id is None
    path.write_text(path.read_text() + "  - id: hours\n    question: What are your opening hours?\n"
                    "    answer: Monday to Friday, 8 to 6.\n", encoding="utf-8")
    a.reload()
    assert a.decide("what are your opening hours").faq_id == "hours"


def test_decision_json_is_the_fixed_contract(assistant):
    out = assistant.decide("i want to kill myself").to_json()
    assert list(out) == ["text", "kind", "faq_id", "score", "candidates", "escalation", "reply"]
    assert set(out["escalation"]) == {"tier", "category", "matched"}


def test_a_failing_matcher_costs_the_answer_never_the_red_flag(tmp_path):
    """Fault injection: whatever goes wrong in matching, triage's decision stands."""
    a, _ = Assistant.from_path(ROOT / "faq.yaml")

    def broken(text):
        raise RuntimeError("matcher bug")

    a._state.matcher.match = broken
    assert a.decide("i want to kill myself").kind == ESCALATE
    d = a.decide(a.faq.entries[0].question)
    assert d.kind == FALLBACK and d.unanswered
