"""The learned second opinion (bot/triage_model.py): it adds emergencies the rules miss, and
never changes, removes or adds to what the rules decide when they fire."""
from __future__ import annotations

import glob
import json
from pathlib import Path

import pytest

import bot.triage_model as tm
from bot.triage import EMERGENCY, Triage
from bot.triage_model import TriageModel, features

DATA = Path(__file__).parent / "data"


def _rows(pattern: str) -> list[dict]:
    out = []
    for p in sorted(glob.glob(str(DATA / pattern))):
        out += [json.loads(x) for x in Path(p).read_text(encoding="utf-8").splitlines() if x.strip()]
    return out


def test_shipped_model_loads_with_a_version_and_high_bars():
    """Its bars were chosen by holding out each author's file (benchmarks/README.md, session 5):
    3 of 1,238 messages of eight clinics escalate, all in the three it never trains on.  A
    provider alert asks for more certainty than an emergency (a missed emergency costs more)."""
    model = TriageModel.builtin()
    assert model is not None, "bot/data/redflag_model.json must ship with the package"
    assert model.version
    assert 0.5 <= model.emergency_at < 1 and 0.5 <= model.gate < 1
    assert model.any_at is not None and model.emergency_at <= model.any_at < 1


def test_negated_words_are_marked_so_dont_want_to_die_is_not_want_die():
    f = features("i dont want to die . i want to feel better")
    assert "w:!want" in f and "w:!die" in f
    assert "b:want_die" not in f and "w:die" not in f
    assert "b:want_feel" in f  # the negation ends at the clause end


def test_function_words_give_no_features():
    assert features("and the of to my it is") == set()
    assert "b:want_die" in features("i want to die")


def test_rules_decide_whenever_they_fire(triage):
    """The model is asked only when every rule is silent: each rule hit stays exactly as it was."""
    rows = _rows("redflags*.jsonl")
    fired = [r["text"] for r in rows if triage.check_rules_only(r["text"]) is not None]
    assert len(fired) > 400
    assert [t for t in fired if triage.check(t) != triage.check_rules_only(t)] == []


def test_model_adds_emergencies_the_rules_miss_and_says_so(triage):
    msgs = ["cutting rn. cant stop. \U0001FA78",
            "i fel like ending it al tonite, i got the pils"]
    for text in msgs:
        assert triage.check_rules_only(text) is None
        esc = triage.check(text)
        assert esc is not None and esc.tier == EMERGENCY and esc.category == "model"
        assert esc.matched.startswith("model: ") and TriageModel.builtin().version in esc.matched


def test_model_adds_a_provider_alert_the_rules_miss_and_says_so(triage):
    text = "he won't stop talking. literally. hours. and he hasn't gone to bed since thursday"
    assert triage.check_rules_only(text) is None
    esc = triage.check(text)
    assert esc is not None and esc.tier == "provider" and esc.category == "model"
    assert esc.matched.startswith("model: ")


@pytest.mark.parametrize("text", [
    "ta for everything. bye",
    "Rehomed my cats this weekend. Told everyone I'm moving. I'm not moving.",
    "my sister is lying down and not answering us, we put water on her face, nothing",
])
def test_a_model_alert_likelier_an_emergency_than_not_is_raised_as_one(triage, text):
    """The model is sure something is wrong (p(any) over the provider bar) and rates an emergency
    likelier than not, yet below its stand-alone emergency bar: until session 8 these got the
    provider reply and a provider alert.  Held out by author, naming the likelier tier raised
    emergency recall 0.910 -> 0.921 with the same false alarms (benchmarks/README.md)."""
    model = TriageModel.builtin()
    op = model.opinion(triage.normalise(text))
    assert triage.check_rules_only(text) is None
    assert op.p_any >= model.any_at and model.flagged_emergency_at <= op.p_emergency < model.emergency_at
    esc = triage.check(text)
    assert esc is not None and esc.tier == EMERGENCY and esc.category == "model"


@pytest.mark.parametrize("p_any, p_emergency, tier", [
    (0.95, 0.85, EMERGENCY),  # the stand-alone emergency bar
    (0.95, 0.60, EMERGENCY),  # flagged, and an emergency is the likelier tier
    (0.95, 0.30, "provider"),  # flagged, a provider matter is likelier
    (0.85, 0.60, None),  # not sure enough of anything: below the provider bar
    (0.85, 0.85, EMERGENCY),  # the emergency gate (0.8) is lower than the provider bar
])
def test_the_model_names_the_likelier_tier_once_it_flags(p_any, p_emergency, tier):
    model = TriageModel.builtin()
    assert model.flagged_emergency_at is not None and model.flagged_emergency_at < model.emergency_at
    op = tm.ModelOpinion(p_any, p_emergency, ())
    assert op.tier(model.any_at, model.emergency_at, model.gate, model.flagged_emergency_at) == tier


def test_model_catches_a_share_of_the_emergencies_the_rules_miss_in_its_training_set(triage):
    """A floor, not a promise: at its bars the model catches 333 of the 735 training emergencies
    the rules miss (model 2026.11.26-10939, lexicon -16; 55 of 276 in session 2); a broken
    feature or weight file drops this to ~0."""
    missed = [r["text"] for r in _rows("triage_train/[a-q]_*.jsonl")  # the files it was trained on
              if r["tier"] == EMERGENCY and triage.check_rules_only(r["text"]) is None]
    caught = sum(triage.check(t) is not None for t in missed)
    assert len(missed) > 100 and caught / len(missed) >= 0.3


@pytest.mark.parametrize("text", ["took it", "took them", "took them at 8", "took the bus",
                                  "took a nap", "took the dog out", "idk", "lol im dead"])
def test_short_routine_messages_do_not_escalate(triage, text):
    """Model 2026.11.26-10939 had learned "took" = overdose from training sets where short
    messages were nearly all red flags: it raised emergencies on "took the bus" (p 0.90) and "idk"
    (0.98).  triage_train/n_short.jsonl (session 5) added ~350 short ordinary messages."""
    assert triage.check(text) is None


def test_a_guard_veto_keeps_the_model_out():
    """Where a rule matched and its guard vetoed the hit (a story, a hypothetical, an idiom), the
    guard read those words in context: the model must not overrule it on the same words.  The
    real weights with every bar at zero make the model fire on whatever it is asked about, so
    only the veto can keep these messages quiet."""
    data = json.loads(Path(tm.__file__).with_name("data").joinpath("redflag_model.json")
                      .read_text(encoding="utf-8"))
    data["thresholds"] = {"any": 0.0, "emergency": 0.0, "emergency_gate": 0.0}
    eager = Triage()
    eager._model = TriageModel(data)
    rows = (_rows("redflags.jsonl") + _rows("redflags_holdout.jsonl") +  # not the sealed sets:
            _rows("redflags_holdout[23].jsonl") + _rows("triage_train/*.jsonl"))  # a failure prints
    vetoed = [r["text"] for r in rows if r["tier"] is None
              and eager.check_rules_only(r["text"]) is None
              and not eager.model_would_be_asked(r["text"])]
    assert len(vetoed) > 100
    assert [t for t in vetoed if eager.check(t) is not None] == []
    assert not eager.model_would_be_asked("I used to want to die every day, now I don't")
    assert eager.check("what should i eat before my session") is not None  # asked: it fires


def test_without_the_model_triage_is_the_rules_alone(monkeypatch):
    monkeypatch.setattr(tm, "_builtin_model", lambda: None)
    t = Triage()
    assert t.check("cutting rn. cant stop.") is None
    assert t.check("i want to kill myself").tier == EMERGENCY
    assert Triage(model=False).check("cutting rn. cant stop.") is None


@pytest.mark.parametrize("text", ["", "   ", "\U0001F600\U0001F600", "." * 50, "? ? ?", "ok", "thanks!"])
def test_empty_wordless_or_tiny_messages_never_escalate(triage, text):
    assert triage.check(text) is None


def test_evidence_names_words_a_reader_can_act_on_never_a_negator():
    """Staff read the evidence to see why an alert was raised: "not" or "never" explains nothing,
    even when the model learned a weight for it.  Every negator is given a large positive weight
    here so that, without the filter, it would head the list."""
    data = json.loads(Path(tm.__file__).with_name("data").joinpath("redflag_model.json")
                      .read_text(encoding="utf-8"))
    for neg in tm.NEGATORS:
        data["weights"]["w:" + neg] = [9.0, 9.0]
    model = TriageModel(data)
    opinion = model.opinion("i cant do this not anymore never again i took all the pills")
    assert opinion.evidence and not set(opinion.evidence) & tm.NEGATORS
    assert any("pills" in e for e in opinion.evidence)


def test_a_message_with_no_features_scores_zero():
    assert TriageModel.builtin().opinion(". ? .") == tm.ModelOpinion(0.0, 0.0, ())
