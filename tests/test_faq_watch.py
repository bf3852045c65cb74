"""The live-FAQ policy without Telegram: a real faq.yaml in tmp_path, the real Assistant.reload.

Modification times are set explicitly and ``poll(now=...)`` is given the clock, so "still being
written" is decided by the numbers in the test, never by how fast the machine is.
"""
from __future__ import annotations

import os

import pytest

from bot.faq_watch import SETTLE_SECONDS, FaqWatcher, Outcome, file_digest, file_signature
from bot.pipeline import Assistant

NEW_ENTRY = """
  - id: parking-watch
    topic: Visiting
    question: Where can I park my bicycle at the clinic?
    alternates:
      - bicycle parking at the clinic
      - where do i leave my bike
    answer: There is a bicycle rack by the front door.
"""
BROKEN_TAIL = "\n  - id: [broken\n"
T0 = 1_700_000_000.0  # a fixed "now" for every test


def set_mtime(path, seconds: float) -> None:
    ns = int(seconds * 1e9)
    os.utime(path, ns=(ns, ns))


def write(path, text: str, mtime: float) -> None:
    path.write_text(text, encoding="utf-8")
    set_mtime(path, mtime)


class CountingReload:
    """The real ``Assistant.reload``, counting how often the watcher asked for it."""

    def __init__(self, assistant: Assistant):
        self.assistant, self.calls = assistant, 0

    def __call__(self, path):
        self.calls += 1
        return self.assistant.reload(path)


@pytest.fixture
def watched(faq_file):
    set_mtime(faq_file, T0 - 60)
    assistant = Assistant.from_path(faq_file)[0]
    reload = CountingReload(assistant)
    return FaqWatcher(faq_file, reload), assistant, reload, faq_file


def entry_ids(assistant: Assistant) -> set[str]:
    return {e.id for e in assistant.faq.entries}


def test_untouched_file_is_unchanged_and_not_reloaded(watched):
    watcher, _, reload, _ = watched
    for _ in range(3):
        result = watcher.poll(now=T0)
        assert result.outcome is Outcome.UNCHANGED and not result.tell_staff
    assert reload.calls == 0


def test_an_edit_is_reloaded_once_and_served(watched):
    watcher, assistant, reload, path = watched
    write(path, path.read_text(encoding="utf-8").rstrip("\n") + "\n" + NEW_ENTRY, T0 - 10)
    result = watcher.poll(now=T0)
    assert result.outcome is Outcome.RELOADED and result.tell_staff
    assert "parking-watch" in entry_ids(assistant)
    assert watcher.poll(now=T0 + 1).outcome is Outcome.UNCHANGED
    assert reload.calls == 1


@pytest.mark.parametrize("age, expected", [
    (0.0, Outcome.BEING_WRITTEN),
    (SETTLE_SECONDS / 2, Outcome.BEING_WRITTEN),
    (SETTLE_SECONDS + 0.01, Outcome.RELOADED),
    (5.0, Outcome.RELOADED),
    (-2.0, Outcome.RELOADED),  # an mtime in the future (clock skew) must not block reloads forever
])
def test_a_file_modified_moments_ago_waits_for_the_next_poll(watched, age, expected):
    watcher, assistant, reload, path = watched
    write(path, path.read_text(encoding="utf-8").rstrip("\n") + "\n" + NEW_ENTRY, T0 - age)
    assert watcher.poll(now=T0).outcome is expected
    assert ("parking-watch" in entry_ids(assistant)) is (expected is Outcome.RELOADED)


def test_a_partial_write_is_loaded_once_the_file_has_settled(watched):
    watcher, assistant, reload, path = watched
    full = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + NEW_ENTRY
    write(path, full[: len(full) - 40], T0)  # the editor is half way through its save
    assert watcher.poll(now=T0 + 0.1).outcome is Outcome.BEING_WRITTEN
    write(path, full, T0 + 0.2)
    assert watcher.poll(now=T0 + 0.3).outcome is Outcome.BEING_WRITTEN
    result = watcher.poll(now=T0 + 5)
    assert result.outcome is Outcome.RELOADED
    assert "parking-watch" in entry_ids(assistant) and reload.calls == 1


def test_a_broken_save_is_reported_once_and_the_fix_is_loaded(watched):
    watcher, assistant, reload, path = watched
    good = path.read_text(encoding="utf-8")
    before = entry_ids(assistant)
    write(path, good + BROKEN_TAIL, T0 - 10)
    broken = watcher.poll(now=T0)
    assert broken.outcome is Outcome.BROKEN and broken.tell_staff
    assert broken.problems and any(str(path) in str(p) for p in broken.problems)
    assert entry_ids(assistant) == before  # the last good version stays in service

    set_mtime(path, T0 - 5)  # saved again, still broken: not news
    again = watcher.poll(now=T0)
    assert again.outcome is Outcome.BROKEN_ALREADY_REPORTED and not again.tell_staff
    assert watcher.poll(now=T0).outcome is Outcome.UNCHANGED
    assert reload.calls == 1

    write(path, good.rstrip("\n") + "\n" + NEW_ENTRY, T0 - 2)
    fixed = watcher.poll(now=T0)
    assert fixed.outcome is Outcome.RELOADED and fixed.tell_staff
    assert "parking-watch" in entry_ids(assistant)
    assert watcher.reported_broken is None


def test_restoring_the_version_in_service_after_a_broken_save_gives_staff_the_all_clear(watched):
    """Staff were told "fix it and save again": undoing the edit must be confirmed too."""
    watcher, _, reload, path = watched
    good = path.read_text(encoding="utf-8")
    write(path, good + BROKEN_TAIL, T0 - 10)
    assert watcher.poll(now=T0).outcome is Outcome.BROKEN
    write(path, good, T0 - 5)
    restored = watcher.poll(now=T0)
    assert restored.outcome is Outcome.RESTORED and restored.tell_staff
    assert watcher.reported_broken is None
    set_mtime(path, T0 - 2)  # a later unchanged re-save is not news again
    assert watcher.poll(now=T0).outcome is Outcome.UNCHANGED
    assert reload.calls == 1


def test_a_different_broken_version_is_reported_again(watched):
    watcher, _, reload, path = watched
    good = path.read_text(encoding="utf-8")
    write(path, good + BROKEN_TAIL, T0 - 10)
    assert watcher.poll(now=T0).outcome is Outcome.BROKEN
    write(path, good + BROKEN_TAIL + "oops: [\n", T0 - 5)
    assert watcher.poll(now=T0).outcome is Outcome.BROKEN
    assert reload.calls == 2


def test_resaving_the_same_bytes_is_unchanged_and_not_reloaded(watched):
    watcher, _, reload, path = watched
    path.write_bytes(path.read_bytes())
    set_mtime(path, T0 - 5)
    assert file_signature(path) != watcher.signature  # the stat did change...
    result = watcher.poll(now=T0)
    assert result.outcome is Outcome.UNCHANGED and not result.tell_staff  # ...the content did not
    assert reload.calls == 0


def test_a_deleted_file_is_reported_once_and_the_last_version_kept(watched):
    watcher, assistant, reload, path = watched
    before = entry_ids(assistant)
    path.unlink()
    gone = watcher.poll(now=T0)
    assert gone.outcome is Outcome.BROKEN and gone.problems
    assert entry_ids(assistant) == before
    assert watcher.poll(now=T0).outcome is Outcome.UNCHANGED
    assert reload.calls == 1


def test_reload_on_request_loads_even_an_unchanged_file(watched):
    watcher, _, reload, _ = watched
    result = watcher.reload()
    assert result.outcome is Outcome.RELOADED and result.tell_staff
    assert reload.calls == 1


def test_reload_on_request_of_a_broken_file_counts_as_reported(watched):
    watcher, _, reload, path = watched
    write(path, path.read_text(encoding="utf-8") + BROKEN_TAIL, T0 - 10)
    assert watcher.reload().outcome is Outcome.BROKEN
    assert watcher.poll(now=T0).outcome is Outcome.UNCHANGED  # staff already saw the problems
    set_mtime(path, T0 - 5)
    assert watcher.poll(now=T0).outcome is Outcome.BROKEN_ALREADY_REPORTED
    assert reload.calls == 1


def test_warnings_of_a_loadable_version_are_passed_on(watched):
    watcher, assistant, _, path = watched
    repeated = NEW_ENTRY.replace("      - where do i leave my bike\n",
                                 "      - Where can I park my bicycle at the clinic?\n")
    write(path, path.read_text(encoding="utf-8").rstrip("\n") + "\n" + repeated, T0 - 10)
    result = watcher.poll(now=T0)
    assert result.outcome is Outcome.RELOADED and "parking-watch" in entry_ids(assistant)
    assert any("repeats its question" in str(w) for w in result.warnings)


def test_digest_names_a_missing_file(tmp_path):
    assert file_digest(tmp_path / "nope.yaml") == "missing"
    assert file_signature(tmp_path / "nope.yaml") is None
