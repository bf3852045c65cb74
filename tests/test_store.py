"""The SQLite store on a real file: the alert outbox's guarantees, the trail, retention, stats."""
from __future__ import annotations

import logging
import sqlite3
import time

import pytest

from bot.faq import Entry, Faq
from bot.reports import group_unanswered
from bot.store import SCHEMA_VERSION, Store, StoreError, Unanswered

DAY = 86400
T0 = 1_800_000_000.0


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "data" / "faqbot.sqlite3").open()
    yield s
    s.close()


def new_alert(store, text="help", now=T0, tier="emergency"):
    return store.add_alert(tier=tier, category="suicide", matched="kms", lexicon_version="1", chat_id=1,
                           user_id=1, patient_name="Ann", username="ann", text=text,
                           context=["earlier one", "earlier two"], reply="Call 988", now=now)


def test_schema_is_created_once_and_reopening_keeps_data(tmp_path):
    path = tmp_path / "x.db"
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        new_alert(s)
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION and s.alert(1).text == "help"
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_database_from_a_newer_program_is_refused(tmp_path):
    path = tmp_path / "x.db"
    with Store(path):
        pass
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = 999")
    db.commit()
    with pytest.raises(StoreError, match="newer than this program"):
        Store(path).open()


def test_alert_is_durable_before_delivery_and_pending_in_order(tmp_path):
    path = tmp_path / "x.db"
    with Store(path) as s:
        new_alert(s, "first")
        new_alert(s, "second", now=T0 + 1)
    with Store(path) as s:  # a new process (restart) sees both, oldest first
        assert s.next_pending().text == "first"
        s.mark_failed(1, "NetworkError: down", T0 + 10)
        assert s.next_pending().id == 1  # a failing alert is not skipped: order is kept
        s.mark_delivered(1, 77, now=T0 + 11)
        assert s.next_pending().text == "second"
        count, oldest = s.pending_summary(now=T0 + 21)
        assert (count, oldest) == (1, 20)
        a = s.alert(1)
        assert (a.delivered, a.staff_message_id, a.attempts, a.last_error) == (True, 77, 2, None)
        assert a.context == ("earlier one", "earlier two")


def test_acknowledge_then_resolve_keeps_the_whole_trail(store):
    new_alert(store)
    store.act(1, "acknowledged", 5, "Bob", now=T0 + 60)
    store.act(1, "acknowledged", 6, "Cy", now=T0 + 70)  # a second taker does not overwrite the first
    a = store.act(1, "resolved", 6, "Cy", now=T0 + 90)
    assert (a.status, a.acked_by, a.acked_at, a.resolved_by) == ("resolved", "Bob", T0 + 60, "Cy")
    assert [(x.action, x.actor_name) for x in store.actions(1)] == [
        ("acknowledged", "Bob"), ("acknowledged", "Cy"), ("resolved", "Cy")]
    assert store.act(1, "acknowledged", 5, "Bob").status == "resolved"  # never reopened
    assert store.act(99, "resolved", 5, "Bob") is None
    assert store.open_alerts() == []


def test_only_unacknowledged_delivered_alerts_of_the_tier_are_due_for_repeat(store):
    for tier in ("emergency", "emergency", "provider", "emergency"):
        new_alert(store, tier=tier)
    for i in (1, 2, 3):
        store.mark_delivered(i, 10 + i, now=T0)
    store.act(2, "acknowledged", 5, "Bob")
    assert [a.id for a in store.due_repeats(["emergency"], 600, now=T0 + 601)] == [1]
    assert store.due_repeats(["emergency"], 600, now=T0 + 599) == []
    store.mark_repeated(1, now=T0 + 601)
    assert store.due_repeats(["emergency"], 600, now=T0 + 1000) == []
    assert store.alert(1).repeats == 1


def test_retention_purges_patient_text_but_never_an_undelivered_alert(store):
    new_alert(store, "old delivered", now=T0)
    new_alert(store, "old pending", now=T0)
    new_alert(store, "recent", now=T0 + 29 * DAY)
    store.mark_delivered(1, 5, now=T0)
    store.mark_delivered(3, 6, now=T0 + 29 * DAY)
    store.add_unanswered("old question", None, None, now=T0)
    store.add_unanswered("new question", None, None, now=T0 + 29 * DAY)
    assert store.purge(30, now=T0 + 31 * DAY) == {"unanswered": 1, "alerts": 1}
    a1, a2, a3 = (store.alert(i) for i in (1, 2, 3))
    assert (a1.text, a1.context, a1.patient_name, a1.purged) == (None, (), None, True)
    assert (a1.tier, a1.category) == ("emergency", "suicide")  # counts survive
    assert a2.text == "old pending" and a3.text == "recent"
    assert [u.text for u in store.unanswered(0)] == ["new question"]


def test_purged_text_is_gone_from_the_database_files(store):
    """A purge that only unlinks rows leaves the words in free pages and in the write-ahead log
    until SQLite happens to reuse them: retention must mean the text is no longer on disk."""
    secret = "ZQX-purged-patient-words-" * 4
    new_alert(store, secret, now=T0)
    store.mark_delivered(1, 5, now=T0)
    store.add_unanswered(secret, None, None, now=T0)
    store.purge(30, now=T0 + 31 * DAY)
    files = [store.path, store.path.with_name(store.path.name + "-wal")]
    leftovers = [f.name for f in files if f.exists() and secret[:20].encode() in f.read_bytes()]
    assert not leftovers, f"purged text still on disk in {leftovers}"


def test_stats_count_only_the_period_and_keep_no_text(store):
    for kind, source in [("answer", "message"), ("answer", "message"), ("suggest", "message"),
                         ("fallback", "message"), ("not_text", "media"), ("picked", "button"),
                         ("escalate", "message"), ("escalate", "button")]:
        store.record_event(kind, source=source, tier="provider" if kind == "escalate" else None, now=T0)
    store.record_event("answer", now=T0 - 8 * DAY)
    store.record_feedback("a", True, now=T0)
    store.record_feedback("a", False, now=T0)
    s = store.stats(T0 - 7 * DAY)
    assert (s.messages, s.answered, s.suggested, s.fallback, s.not_text, s.picked) == (6, 2, 1, 1, 1, 1)
    assert s.escalations == {"provider": 2} and (s.helpful, s.not_helpful) == (1, 1)
    columns = [r[1] for r in store.db.execute("PRAGMA table_info(events)")]
    assert "text" not in columns


def test_unanswered_text_is_capped(store):
    store.add_unanswered("x" * 5000, None, None)
    assert len(store.unanswered(0)[0].text) == 1000


FAQ = Faq((Entry("parking", "Where do I park my car?", "Lot B.",
                 alternates=("is there parking at the clinic", "do you validate parking")),
           Entry("memory", "Why can't I remember my session?", "Normal.")))


def q(text, i=0):
    return Unanswered(i, T0, text, None, None)


def test_similar_unanswered_questions_are_grouped_most_asked_first():
    items = [q("what does the wifi password look like"), q("do you validate parking tickets"),
             q("Do you validate parking tickets?"), q("do you validate my parking ticket"),
             q("do you validate parking tickets")]
    groups = group_unanswered(items, FAQ)
    assert [g.count for g in groups] == [4, 1]
    assert groups[0].texts[0] == "do you validate parking tickets"  # the most frequent phrasing first
    assert groups[0].nearest_id == "parking"
    assert groups[0].snippet.startswith("# add to the alternates of: parking")
    assert '      - "do you validate parking tickets"' in groups[0].snippet


def test_a_question_unlike_any_entry_gets_a_new_entry_snippet_that_is_valid_yaml():
    import yaml
    groups = group_unanswered([q('what is the "wifi" password: ok?')], FAQ)
    assert groups[0].snippet.startswith("  - id: new-question-1")
    entry = yaml.safe_load(groups[0].snippet)[0]
    assert entry["question"] == 'what is the "wifi" password: ok?'


def _store_with_purgeable_text(tmp_path, words):
    path = tmp_path / "b.sqlite3"
    store = Store(path).open()
    store.add_unanswered(words, None, None)
    reader = sqlite3.connect(path)  # `faqbot doctor`, a backup, an operator's sqlite3 shell...
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM unanswered").fetchone()
    return path, store, reader


def test_purge_does_not_silently_leave_the_words_in_the_wal(tmp_path, caplog):
    """The checkpoint cannot empty the log while another connection reads (a backup, a shell);
    it says so only in its result row, so the words would stay on disk with nobody told."""
    words = "ZQXW my private dose question"
    path, store, reader = _store_with_purgeable_text(tmp_path, words)
    store.db.execute("PRAGMA busy_timeout=50")  # keep the test fast (the bot waits 10 s: see below)
    try:
        with caplog.at_level(logging.WARNING):
            store.purge(0, now=time.time() + 60)
    finally:
        reader.close()
        on_disk = {f.name: words.encode() in f.read_bytes() for f in tmp_path.iterdir()}
        store.close()
    left = [name for name, found in on_disk.items() if found]
    warned = any("wal" in r.getMessage().lower() or "checkpoint" in r.getMessage().lower()
                 for r in caplog.records)
    assert not left or warned, f"purged patient text still in {left} and no warning logged"


def test_purge_does_not_block_for_the_whole_busy_timeout(tmp_path):
    """The purge runs on the event loop (post_init and the daily job): a checkpoint waiting the
    connection's whole busy timeout (10 s) for a reader would leave every patient unanswered
    meanwhile, and then give up anyway."""
    path, store, reader = _store_with_purgeable_text(tmp_path, "ZQXW my private dose question")
    try:
        t0 = time.monotonic()
        store.purge(0, now=time.time() + 60)
        took = time.monotonic() - t0
    finally:
        reader.close()
        store.close()
    assert took < 2.0, f"the purge held the event loop for {took:.1f}s"
