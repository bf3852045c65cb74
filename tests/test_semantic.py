"""The matcher's meaning view (bot.semantic, bot.minilm): the numpy port must be the published
model, its tokenizer the published tokenizer, its cache must save time without changing a
decision or storing a patient's words, and the matcher must still work, more cautiously,
without it."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import bot.matching as matching
from bot import semantic
from bot.faq import load_faq
from bot.minilm import Encoder

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def meaning() -> semantic.Meaning:
    m = semantic.shared()
    assert m is not None, "the sentence model must load from the package's own files"
    return m


@pytest.fixture(scope="module")
def faq():
    return load_faq(ROOT / "faq.yaml")[0]


class Counting:
    """The real encoder, recording which texts reached it: what the cache spared is what it saw."""

    def __init__(self, encoder, calls: list):
        self.encoder, self.calls = encoder, calls

    def encode(self, texts):
        self.calls.append(list(texts))
        return self.encoder.encode(texts)


def test_encoder_reproduces_the_published_model(meaning):
    """Reference vectors came from sentence-transformers on torch (session 6); the shipped int8
    weights and the numpy forward pass must give the same directions."""
    ref = json.loads((DATA / "minilm_reference.json").read_text())
    for text, vec in zip(ref["sentences"], ref["vectors"]):
        assert float(meaning.encoder.encode_one(text) @ np.array(vec)) >= 0.999, text


def test_batched_and_single_encoding_agree(meaning):
    """Phrasings are embedded in padded batches, messages one at a time: a phrasing typed as a
    message must get the same vector, or the cache would change decisions."""
    texts = ["why can't I remember my session?", "ok", "can I drive home afterwards or should "
             "someone pick me up, my infusion ends at 5", "\U0001F62D\U0001F62D", ""]
    batch = meaning.encoder.encode(texts)
    for text, row in zip(texts, batch):
        assert np.allclose(row, meaning.encoder.encode_one(text), atol=1e-5), text
        assert abs(float(row @ row) - 1.0) < 1e-4


def _texts() -> list[str]:
    out = []
    for path in sorted(DATA.rglob("*.jsonl")):
        out += [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    for path in [ROOT / "faq.yaml", *sorted(DATA.glob("*/faq.yaml"))]:
        for e in load_faq(path)[0].entries:
            out += [e.question, *e.alternates, e.answer]
    return out + ["Caf\u00e9 na\u00efve r\u00e9sum\u00e9", "\u4e2d\u6587\u5b57 mixed", "[CLS] hi [SEP]",
                  "x" * 150, "https://example.com/a?b=c", "\u200bzero\u00a0width", "k-hole???",
                  "word " * 300, "", "   ", "\u2764\ufe0f\U0001F44D", "\u0130stanbul \u00df"]


def test_tokenizer_gives_the_published_tokenizers_ids(meaning):
    """The pure-Python WordPiece must split exactly as Hugging Face's tokenizers does for this
    model (BERT uncased, truncated at 128), on every text the project holds and on odd input."""
    tokenizers = pytest.importorskip("tokenizers")
    ref = tokenizers.BertWordPieceTokenizer(str(semantic.VOCAB), clean_text=True,
                                            handle_chinese_chars=True, strip_accents=None,
                                            lowercase=True)
    ref.enable_truncation(128)
    texts = _texts()
    assert len(texts) > 5000
    mismatches = [t for t, e in zip(texts, ref.encode_batch(texts)) if meaning.encoder.tok.encode(t) != e.ids]
    assert mismatches == []


def test_phrasing_vectors_are_kept_on_disk_and_reused(tmp_path, meaning):
    """A restart with an unchanged FAQ reads its vectors instead of re-computing them (seconds of
    start-up), and reads exactly what was computed."""
    calls = []
    phrasings = ["is the memory loss permanent", "can i drive afterwards", "what should i eat"]
    first = semantic.Meaning(Counting(meaning.encoder, calls), "v-test", tmp_path)
    a = first.phrasings(phrasings)
    assert calls == [phrasings]
    second = semantic.Meaning(Counting(meaning.encoder, calls), "v-test", tmp_path)
    b = second.phrasings(phrasings + ["a new alternate"])
    assert calls[1] == ["a new alternate"]  # only the new wording went through the model
    assert np.array_equal(a, b[:3])
    other = semantic.Meaning(Counting(meaning.encoder, calls), "other-weights", tmp_path)
    other.phrasings(phrasings)
    assert calls[2] == phrasings  # vectors of other weights are never reused


def test_the_cache_holds_no_patient_message(tmp_path, meaning):
    m = semantic.Meaning(meaning.encoder, "v-test", tmp_path)
    m.phrasings(["can i drive afterwards"])
    m.message("my name is Jane Doe and I live at 12 Elm Street")
    (cache,) = tmp_path.iterdir()
    blob = cache.read_bytes()
    assert b"Jane" not in blob and b"drive" not in blob  # keys are hashes, of phrasings only
    with np.load(cache) as z:
        assert len(z["keys"]) == 1


def test_a_broken_cache_costs_time_not_answers(tmp_path, meaning):
    m = semantic.Meaning(meaning.encoder, "v-test", tmp_path)
    (tmp_path / "phrasings-v-test.npz").write_bytes(b"not a numpy file")
    v = m.phrasings(["can i drive afterwards"])
    assert np.allclose(v[0], meaning.encoder.encode_one("can i drive afterwards"), atol=1e-5)
    with np.load(tmp_path / "phrasings-v-test.npz") as z:  # rewritten whole
        assert len(z["keys"]) == 1


@pytest.mark.parametrize("message, entry", [
    ("tips for remembering what happened during my k session", "memory-improve"),
    ("why are my memories of the session just flashes of feeling", "memory-emotional-fragments"),
    ("whats known about doing this treatment for a long time", "safety-long-term"),
    ("im scared of getting addicted, my brother had a drug problem. how likely is that with ketamine",
     "safety-dependence"),
    ("can i have a drink tonight after my treatment this morning", "safety-alcohol"),
])
def test_meaning_reaches_entries_the_words_alone_miss(faq, message, entry, monkeypatch):
    """dev.jsonl messages the word model ranks wrong and the fused ranking gets right."""
    assert matching.Matcher(faq).rank(message, 1)[0].id == entry
    monkeypatch.setattr(matching, "MEANING_SHARE", 0.0)
    assert matching.Matcher(faq).rank(message, 1)[0].id != entry


@pytest.mark.parametrize("clinic, message, entry", [
    ("third_clinic", "is a follow up shorter than the initial", "appointment-length"),
    ("third_clinic", "i thought you'd just rub my back, is there more to it", "physio-vs-massage"),
    ("fifth_clinic", "whats involved in cbti? is it just sleep hygiene tips", "cbti-what"),
    ("sixth_clinic", "any trick so the jabs dont leave marks all over me", "injection-site-reactions"),
    ("seventh_clinic", "do i have to have the xrays done at my exam or can i say no thanks",
     "dental-xrays"),
])
def test_meaning_offers_entries_that_share_no_word_with_the_message(clinic, message, entry,
                                                                     monkeypatch):
    """Labelled messages whose right entry the word model never ranks: the sentence model's own
    top entries join the re-ranking and reach the "did you mean" list (top 5)."""
    clinic_faq = load_faq(DATA / clinic / "faq.yaml", check_similar=False)[0]
    assert entry in [c.id for c in matching.Matcher(clinic_faq).rank(message, 5)]
    monkeypatch.setattr(matching, "MEANING_POOL", 0)
    assert entry not in [c.id for c in matching.Matcher(clinic_faq).rank(message, 5)]


@pytest.mark.parametrize("clinic, message, entry, kind", [
    ("third_clinic", "is a follow up shorter than the initial", "appointment-length", "suggest"),
    ("sixth_clinic", "any trick so the jabs dont leave marks all over me", "injection-site-reactions",
     "fallback"),
])
def test_an_entry_found_by_meaning_alone_is_never_answered(clinic, message, entry, kind):
    """Ranked first on meaning alone, with no word in common: right here, but the words give no
    evidence, so the patient gets "did you mean" (or, with a score this low, the fallback),
    never an outright answer."""
    m = matching.Matcher(load_faq(DATA / clinic / "faq.yaml", check_similar=False)[0])
    result = m.match(message)
    assert result.best.id == entry
    assert result.kind == kind
    if kind == "suggest":
        assert entry in [c.id for c in result.suggested]


def test_global_meaning_lead_reads_the_whole_faq():
    """sem_glead: the best entry's lead in meaning over every entry of the FAQ, negative when
    one the word model never reached is nearer (the confidence then drops)."""
    from bot.confidence import Evidence, features
    ev = Evidence({0: 1.0}, {0: 1}, 1, 1.0, 0.0)
    ev.sem_entry = np.array([0.5, 0.8, 0.2], dtype=np.float32)
    ev.sem_best = (1, 0.8, 0.5)
    assert features([(0, 0.6), (2, 0.3)], ev)["sem_glead"] == pytest.approx(-0.3)
    assert features([(1, 0.6), (0, 0.3)], ev)["sem_glead"] == pytest.approx(0.3)
    ev.sem_entry = ev.sem_best = None  # no sentence model: no evidence either way
    assert features([(0, 0.6)], ev)["sem_glead"] == 0.0


def test_answer_meaning_lead_compares_the_word_tops_answers_only():
    """ans_lead: how much nearer the best entry's answer is to the message than the next four
    answers of the word top; an entry only the meaning pool brought (1 here) must not move it,
    or the pool could change an answer."""
    from bot.confidence import Evidence, features
    ev = Evidence({0: 1.0}, {0: 1}, 1, 1.0, 0.0)
    ev.ans = np.array([0.6, 0.9, 0.3], dtype=np.float32)
    ev.sem = {0: 0.5, 2: 0.4}  # the word top: entries 0 and 2
    f = features([(0, 0.6), (1, 0.5), (2, 0.3)], ev)
    assert f["ans_cos"] == pytest.approx(0.6)
    assert f["ans_lead"] == pytest.approx(0.3)
    ev.sem = {0: 0.5, 1: 0.45, 2: 0.4}  # entry 1 reached by words: its nearer answer counts
    assert features([(0, 0.6), (1, 0.5), (2, 0.3)], ev)["ans_lead"] == pytest.approx(-0.3)
    ev.ans = None  # no sentence model: no evidence either way
    assert features([(0, 0.6)], ev)["ans_lead"] == features([(0, 0.6)], ev)["ans_cos"] == 0.0


def test_a_nearer_answer_raises_the_confidence(faq):
    """The fitted weights must reward an answer that addresses the message: the same ranking
    with the best entry's answer made farther from the message is less likely to be answered."""
    from bot import confidence
    m = matching.Matcher(faq)
    text = "why can't i remember most of my session"
    words = matching.tx.words(text)
    scores, _, ev = m._scores(words, text)
    order = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    near = confidence.probability(confidence.features(order, ev))
    ev.ans = ev.ans.copy()
    ev.ans[order[0][0]] *= 0.5
    assert confidence.probability(confidence.features(order, ev)) < near


@pytest.mark.parametrize("message, entry", [
    ("does fasting before the troche make me remember less", "memory-factors"),
    ("can i stop the session if it gets too much", "session-difficult-experience"),
])
def test_the_answers_meaning_puts_the_entry_that_answers_first(faq, monkeypatch, message, entry):
    """Dev messages whose words fit a sibling's phrasings better, while the right entry's answer
    is what they ask about (session 11: on the eight clinics 34 messages moved into first place
    this way, 5 out of it)."""
    m = matching.Matcher(faq)
    assert m.rank(message, 1)[0].id == entry
    monkeypatch.setattr(matching, "ANSWER_MEANING_SHARE", 0.0)
    assert m.rank(message, 1)[0].id != entry


def test_the_answers_meaning_never_makes_the_matcher_answer_more(faq, monkeypatch):
    """The answers' meaning orders what is shown; the answer decision reads the order without
    it, as fitted, and answers only when both put the same entry first: every answer given with
    it is given, by the same entry, without it (a bare "side effects", which fits the common and
    the long-term side-effect entries, stays a "did you mean")."""
    texts = [json.loads(line)["text"] for line in (DATA / "dev.jsonl").read_text().splitlines()
             if line.strip()] + ["side effects"]
    m = matching.Matcher(faq)
    answered = {t: r.best.id for t in texts if (r := m.match(t)).kind == "answer"}
    monkeypatch.setattr(matching, "ANSWER_MEANING_SHARE", 0.0)
    before = {t: r.best.id for t in texts if (r := m.match(t)).kind == "answer"}
    assert answered.items() <= before.items()
    assert "side effects" not in answered
    assert len(answered) >= len(before) - 3  # disagreements are rare (0 on dev, session 11)


def test_entries_found_by_meaning_alone_leave_every_answer_as_it_was(faq, monkeypatch):
    """The answer decision was fitted on the word top's evidence; the meaning pool may reorder
    suggestions but must not make the matcher answer anything it would not have answered."""
    texts = [json.loads(line)["text"] for line in (DATA / "dev.jsonl").read_text().splitlines()
             if line.strip()]
    with_pool = matching.Matcher(faq)
    monkeypatch.setattr(matching, "MEANING_POOL", 0)
    without = matching.Matcher(faq)
    changed = []
    for t in texts:
        monkeypatch.setattr(matching, "MEANING_POOL", 3)
        a = with_pool.match(t)
        monkeypatch.setattr(matching, "MEANING_POOL", 0)
        b = without.match(t)
        if (a.kind == "answer") != (b.kind == "answer") or (a.kind == "answer" and a.best.id != b.best.id):
            changed.append(t)
    assert not changed


def test_without_the_model_the_matcher_answers_from_words_and_answers_less(faq, monkeypatch):
    """No numpy or no weights file must not stop the assistant; the fitted confidence then misses
    this view's evidence, so it answers fewer messages, never more."""
    rows = [json.loads(line) for line in (DATA / "dev.jsonl").read_text().splitlines() if line.strip()]
    full = matching.Matcher(faq)
    monkeypatch.setattr(semantic, "_loaded", True)
    monkeypatch.setattr(semantic, "_shared", None)
    words_only = matching.Matcher(faq)
    assert words_only.var_vec is None
    assert words_only.rank("can i drive home after my infusion", 1)[0].id == "safety-driving"
    answered_full = {r["text"] for r in rows if full.match(r["text"]).kind == "answer"}
    answered_words = {r["text"] for r in rows if words_only.match(r["text"]).kind == "answer"}
    assert len(answered_words) < len(answered_full)


def test_a_missing_weights_file_leaves_the_matcher_on_words(tmp_path, monkeypatch, faq):
    monkeypatch.setattr(semantic, "WEIGHTS", tmp_path / "absent.npz")
    monkeypatch.setattr(semantic, "_loaded", False)
    monkeypatch.setattr(semantic, "_shared", None)
    assert semantic.shared() is None
    assert matching.Matcher(faq).rank("is the brain fog permanent", 1)


def test_weights_name_themselves(meaning):
    """The cache file is named by the weights' version, written by benchmarks/convert_minilm.py."""
    assert meaning.encoder.version.endswith("-int8rows")
    assert isinstance(Encoder.load(str(semantic.WEIGHTS), str(semantic.VOCAB)).version, str)


def test_an_unwritable_cache_costs_time_not_answers(tmp_path, meaning):
    """A read-only or mistyped FAQBOT_CACHE_DIR must not stop the bot: vectors are computed and
    kept in memory, and the next start computes them again."""
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    m = semantic.Meaning(meaning.encoder, "v-test", not_a_dir)
    v = m.phrasings(["can i drive afterwards"])
    assert np.allclose(v[0], meaning.encoder.encode_one("can i drive afterwards"), atol=1e-5)
    assert not_a_dir.read_text() == "x"


def test_weights_that_fail_to_load_leave_the_matcher_on_words(tmp_path, monkeypatch, faq):
    """The weights load in a thread (start-up overlaps it), so a broken file is only found when
    a vector is needed: that must cost the meaning view, not the reply."""
    broken = tmp_path / "minilm-l6.npz"
    np.savez(broken, version=np.array("broken-test"))  # names itself, holds no weights
    monkeypatch.setattr(semantic, "WEIGHTS", broken)
    monkeypatch.setattr(semantic, "_loaded", False)
    monkeypatch.setattr(semantic, "_shared", None)
    monkeypatch.setenv("FAQBOT_CACHE_DIR", str(tmp_path / "cache"))
    assert semantic.shared() is not None
    m = matching.Matcher(faq)
    assert m.var_vec is None
    assert m.rank("can i drive home after my infusion", 1)[0].id == "safety-driving"


def test_an_entry_whose_wording_has_no_words_is_still_ranked():
    """An emoji-only question gives the entry no phrasing vector; found through its answer, it
    must get a meaning of 0, not an error for every message that mentions the answer's words."""
    from bot.faq import parse_faq
    faq, _ = parse_faq("faqs:\n"
                       "  - id: hearts\n    question: \"\u2764\ufe0f\u2764\ufe0f\"\n"
                       "    answer: Bladder pain after ketamine needs your provider.\n"
                       "  - id: drive\n    question: Can I drive after my session?\n"
                       "    alternates: [driving home, can i drive, behind the wheel]\n"
                       "    answer: No driving until the next day.\n", check_similar=False)
    m = matching.Matcher(faq)
    assert [c.id for c in m.rank("bladder pain", 3)] == ["hearts"]
    assert m.match("bladder pain").kind in {"answer", "suggest", "fallback"}


def test_the_bundled_faq_starts_without_computing_a_vector(tmp_path, meaning, faq):
    """bot/data ships the bundled faq.yaml's phrasing and answer vectors, so `faqbot chat` on a fresh machine
    (empty cache) starts in under a second; after editing faq.yaml, rerun
    `python -m bot.semantic --write-seed` (a stale seed costs start-up time, never answers)."""
    calls = []
    m = semantic.Meaning(Counting(meaning.encoder, calls), meaning.encoder.version, tmp_path,
                         seed=semantic.WEIGHTS.parent)
    texts = [t for e in faq.entries for t in (e.question, *e.alternates, e.answer)]
    vecs = m.phrasings(texts)
    assert calls == [], "faq.yaml changed: run python -m bot.semantic --write-seed"
    sample = texts[::25]
    fresh = meaning.encoder.encode(sample)
    assert np.allclose(vecs[::25], fresh, atol=1e-5)  # the seed holds the model's own vectors
