"""Live reload of faq.yaml: when to reload it, and when staff need to hear about it.

Staff edit the FAQ in an ordinary editor while the bot runs. The bot looks at the file on a timer
and must neither reload a half-written file nor tell staff about the same mistake at every tick:

- a file modified less than :data:`SETTLE_SECONDS` ago is still being written: look again later;
- a save that changes nothing (same bytes as the version in service, or as the broken version
  staff were already told about) is not news;
- anything else is reloaded; a broken version is reported once, and the last good FAQ stays in
  service (the reload callable, ``Assistant.reload``, guarantees that).

No Telegram here: the staff handler calls :meth:`FaqWatcher.poll` (timer) or
:meth:`FaqWatcher.reload` (/reload) and turns the :class:`WatchResult` into a message.
"""
from __future__ import annotations

import enum
import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

from .faq import FaqError, Problem

log = logging.getLogger(__name__)

# An editor's save is a few writes; a file modified this recently may not be complete yet.
SETTLE_SECONDS = 0.3

MISSING = "missing"  # the digest of a file that cannot be read

Signature = tuple[int, int]  # (mtime_ns, size)


def file_signature(path: str | os.PathLike) -> Signature | None:
    """Cheap "did anything happen" check: modification time and size, None if the file is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def file_digest(path: str | os.PathLike) -> str:
    """What is in the file: a touch or an unchanged re-save keeps the digest."""
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return MISSING


class Outcome(enum.Enum):
    UNCHANGED = "unchanged"  # not touched, or saved with the bytes already in service
    BEING_WRITTEN = "being written"  # modified a moment ago; looked at again at the next poll
    RELOADED = "reloaded"  # a new version is in service
    BROKEN = "broken"  # a new version has problems; the last good one stays in service
    BROKEN_ALREADY_REPORTED = "broken, already reported"  # the same broken bytes saved again
    RESTORED = "restored"  # after a reported broken save, the file is back to the version in service


@dataclass(frozen=True)
class WatchResult:
    outcome: Outcome
    warnings: tuple[Problem, ...] = ()  # RELOADED: what is odd but loadable
    problems: tuple[Problem, ...] = ()  # BROKEN: why it was not loaded

    @property
    def tell_staff(self) -> bool:
        """A new version, good or broken, is news to staff; so is the all-clear after a broken one."""
        return self.outcome in (Outcome.RELOADED, Outcome.BROKEN, Outcome.RESTORED)


class FaqWatcher:
    """Remembers what it last saw of the FAQ file and reloads it through ``reload``.

    ``reload(path)`` loads the file into service and returns its warnings, or raises
    :class:`~bot.faq.FaqError` leaving the previous version in service (``Assistant.reload``).
    The file as it is at construction is taken to be the version already in service.
    """

    def __init__(self, path: str | os.PathLike, reload: Callable[[str | os.PathLike], list[Problem]],
                 settle_seconds: float = SETTLE_SECONDS):
        self.path = path
        self._reload = reload
        self.settle_seconds = settle_seconds
        self.signature: Signature | None = file_signature(path)
        self.loaded: str | None = file_digest(path)  # digest of the version in service
        self.reported_broken: str | None = None  # digest of the broken version staff were told about
        self._lock = threading.Lock()

    def poll(self, now: float | None = None) -> WatchResult:
        """One timer tick: reload if the file holds a new, finished version."""
        with self._lock:  # the timer and /reload run in worker threads
            return self._poll(now)

    def _poll(self, now: float | None) -> WatchResult:
        signature = file_signature(self.path)
        if signature == self.signature:
            return WatchResult(Outcome.UNCHANGED)
        digest = file_digest(self.path)
        now = time.time() if now is None else now
        if signature is not None and 0 <= now - signature[0] / 1e9 < self.settle_seconds:
            return WatchResult(Outcome.BEING_WRITTEN)  # signature not kept: look again next tick
        if digest == self.reported_broken:
            self.signature = signature
            return WatchResult(Outcome.BROKEN_ALREADY_REPORTED)
        if digest == self.loaded:
            self.signature = signature
            if self.reported_broken is not None:  # staff were told to fix it: confirm it is fixed
                self.reported_broken = None
                return WatchResult(Outcome.RESTORED)
            return WatchResult(Outcome.UNCHANGED)
        log.info("faq file changed; reloading")
        return self._reload_now()

    def report_again(self) -> None:
        """Staff could not be told about the broken version: the next :meth:`poll` treats the file
        as new, so it is checked and reported again."""
        with self._lock:
            self.reported_broken = None
            self.signature = None

    def reload(self) -> WatchResult:
        """Reload now, whatever changed (staff asked for it, or :meth:`poll` saw a new version)."""
        with self._lock:
            return self._reload_now()

    def _reload_now(self) -> WatchResult:
        signature, digest = file_signature(self.path), file_digest(self.path)
        self.signature = signature
        try:
            warnings = self._reload(self.path)
        except FaqError as exc:
            self.reported_broken = digest
            log.warning("faq reload failed: %d problems; still serving the last good version",
                        len(exc.problems))
            return WatchResult(Outcome.BROKEN, problems=tuple(exc.problems))
        self.reported_broken = None
        self.loaded = digest
        return WatchResult(Outcome.RELOADED, warnings=tuple(warnings))
