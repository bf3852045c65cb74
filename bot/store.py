"""Everything the bot keeps, in one SQLite file: the staff-alert outbox, feedback, unanswered
questions and text-free counters.

Why these choices:
- The ``alerts`` table is a durable outbox: an alert is committed before anything is sent and is
  marked delivered only when Telegram has confirmed it, so a crash, a restart or a staff chat that
  is down never loses one (a duplicate after a crash is possible, a loss is not).
- WAL with ``synchronous=FULL``: a committed alert survives a kill -9 and a power cut.
- Patient text lives only where staff need it (alerts, unanswered questions) and is purged after
  the retention period; ``events`` has no text at all.
- The store runs SQL only; what /stats and /unanswered make of the rows is ``bot.reports``.
- stdlib ``sqlite3``, one connection used from the event loop thread: every statement is a
  sub-millisecond local write, cheaper than handing it to a thread.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .reports import Stats, summarise

log = logging.getLogger(__name__)

OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
DAY = 86400.0
BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another connection (a backup, a shell)

# Each entry migrates the schema from version i to i+1. Append only; never edit a shipped one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        kind TEXT NOT NULL,          -- answer | suggest | fallback | escalate | not_text | flood | picked
        source TEXT NOT NULL,        -- message | button | media
        faq_id TEXT,
        score REAL,
        tier TEXT,
        category TEXT
    );
    CREATE INDEX events_ts ON events(ts);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        faq_id TEXT NOT NULL,
        helpful INTEGER NOT NULL
    );
    CREATE INDEX feedback_ts ON feedback(ts);
    CREATE TABLE unanswered (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        text TEXT NOT NULL,
        faq_id TEXT,                 -- nearest entry when it was asked
        score REAL
    );
    CREATE INDEX unanswered_ts ON unanswered(ts);
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        created_at REAL NOT NULL,
        tier TEXT NOT NULL,
        category TEXT NOT NULL,
        matched TEXT NOT NULL,
        lexicon_version TEXT NOT NULL,
        chat_id INTEGER NOT NULL,
        user_id INTEGER,
        patient_name TEXT,
        username TEXT,
        text TEXT,                   -- NULL once purged
        context TEXT,                -- JSON list of the previous few messages; NULL once purged
        reply TEXT,
        purged INTEGER NOT NULL DEFAULT 0,
        delivered INTEGER NOT NULL DEFAULT 0,
        delivered_at REAL,
        staff_message_id INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt REAL NOT NULL,
        last_error TEXT,
        status TEXT NOT NULL DEFAULT 'open',   -- open | acknowledged | resolved
        acked_by TEXT,
        acked_at REAL,
        resolved_by TEXT,
        resolved_at REAL,
        last_sent_at REAL,
        repeats INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX alerts_pending ON alerts(delivered, id);
    CREATE INDEX alerts_status ON alerts(status);
    CREATE TABLE alert_actions (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        ts REAL NOT NULL,
        actor_id INTEGER,
        actor_name TEXT,
        action TEXT NOT NULL         -- acknowledged | resolved | delivered | repeated
    );
    CREATE INDEX alert_actions_alert ON alert_actions(alert_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The database cannot be used (unreadable, or newer than this program)."""


@dataclass(frozen=True)
class Alert:
    id: int
    created_at: float
    tier: str
    category: str
    matched: str
    lexicon_version: str
    chat_id: int
    user_id: int | None
    patient_name: str | None
    username: str | None
    text: str | None
    context: tuple[str, ...]
    reply: str | None
    purged: bool
    delivered: bool
    delivered_at: float | None
    staff_message_id: int | None
    attempts: int
    next_attempt: float
    last_error: str | None
    status: str
    acked_by: str | None
    acked_at: float | None
    resolved_by: str | None
    resolved_at: float | None
    last_sent_at: float | None
    repeats: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Alert":
        d = dict(row)
        d["context"] = tuple(json.loads(d["context"])) if d["context"] else ()
        d["purged"] = bool(d["purged"])
        d["delivered"] = bool(d["delivered"])
        return cls(**d)


@dataclass(frozen=True)
class AlertAction:
    alert_id: int
    ts: float
    actor_id: int | None
    actor_name: str | None
    action: str


@dataclass(frozen=True)
class Unanswered:
    id: int
    ts: float
    text: str
    faq_id: str | None
    score: float | None


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None

    # ---- lifecycle ---------------------------------------------------------------------------
    def open(self) -> "Store":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                 timeout=BUSY_TIMEOUT_MS / 1000)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA secure_delete=ON")  # deleted text is overwritten, not left in free pages
            self._db = db
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc}") from exc
        return self

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> "Store":
        return self.open() if self._db is None else self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError("the store is not open")
        return self._db

    def _migrate(self) -> None:
        db = self.db
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = db.execute("SELECT version FROM schema_version").fetchone()
        version = row[0] if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(f"the database {self.path} has schema version {version}, newer than this "
                             f"program ({SCHEMA_VERSION}); upgrade faqbot")
        for i in range(version, SCHEMA_VERSION):
            with self._tx():
                for statement in _statements(MIGRATIONS[i]):
                    db.execute(statement)
                db.execute("DELETE FROM schema_version")
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (i + 1,))
            log.info("store migrated to schema version %d", i + 1)

    def schema_version(self) -> int:
        row = self.db.execute("SELECT version FROM schema_version").fetchone()
        return row[0] if row else 0

    def _tx(self):
        return _Transaction(self.db)

    # ---- events, feedback, unanswered -------------------------------------------------------
    def record_event(self, kind: str, *, source: str = "message", faq_id: str | None = None,
                     score: float | None = None, tier: str | None = None, category: str | None = None,
                     now: float | None = None) -> None:
        self.db.execute(
            "INSERT INTO events (ts, kind, source, faq_id, score, tier, category) VALUES (?,?,?,?,?,?,?)",
            (now or time.time(), kind, source, faq_id, score, tier, category))

    def record_feedback(self, faq_id: str, helpful: bool, now: float | None = None) -> None:
        self.db.execute("INSERT INTO feedback (ts, faq_id, helpful) VALUES (?,?,?)",
                        (now or time.time(), faq_id, int(helpful)))

    def add_unanswered(self, text: str, faq_id: str | None, score: float | None,
                       now: float | None = None, max_chars: int = 1000) -> None:
        self.db.execute("INSERT INTO unanswered (ts, text, faq_id, score) VALUES (?,?,?,?)",
                        (now or time.time(), text[:max_chars], faq_id, score))

    def unanswered(self, since: float) -> list[Unanswered]:
        rows = self.db.execute("SELECT id, ts, text, faq_id, score FROM unanswered WHERE ts >= ? ORDER BY id",
                               (since,))
        return [Unanswered(**dict(r)) for r in rows]

    def stats(self, since: float) -> Stats:
        db = self.db
        events = {(kind, source): n for kind, source, n in db.execute(
            "SELECT kind, source, COUNT(*) FROM events WHERE ts >= ? GROUP BY kind, source", (since,))}
        tiers = dict(db.execute("SELECT tier, COUNT(*) FROM events WHERE ts >= ? AND kind = 'escalate' "
                                "GROUP BY tier", (since,)).fetchall())
        fb = dict(db.execute("SELECT helpful, COUNT(*) FROM feedback WHERE ts >= ? GROUP BY helpful",
                             (since,)).fetchall())
        return summarise(since, events, tiers, fb)

    # ---- the alert outbox --------------------------------------------------------------------
    def add_alert(self, *, tier: str, category: str, matched: str, lexicon_version: str, chat_id: int,
                  user_id: int | None, patient_name: str | None, username: str | None, text: str,
                  context: Sequence[str] = (), reply: str | None = None, now: float | None = None) -> Alert:
        """Commit the alert before anything is sent (the outbox sender delivers it)."""
        now = now or time.time()
        with self._tx():
            cur = self.db.execute(
                "INSERT INTO alerts (created_at, tier, category, matched, lexicon_version, chat_id, user_id, "
                "patient_name, username, text, context, reply, next_attempt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (now, tier, category, matched, lexicon_version, chat_id, user_id, patient_name, username,
                 text, json.dumps(list(context), ensure_ascii=False), reply, now))
        return self.alert(cur.lastrowid)

    def alert(self, alert_id: int) -> Alert | None:
        row = self.db.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        return Alert.from_row(row) if row else None

    def next_pending(self) -> Alert | None:
        """The oldest undelivered alert: alerts go out in the order they were raised."""
        row = self.db.execute("SELECT * FROM alerts WHERE delivered = 0 ORDER BY id LIMIT 1").fetchone()
        return Alert.from_row(row) if row else None

    def pending_summary(self, now: float | None = None) -> tuple[int, float | None]:
        """(number of undelivered alerts, age in seconds of the oldest, or None)."""
        n, oldest = self.db.execute("SELECT COUNT(*), MIN(created_at) FROM alerts WHERE delivered = 0").fetchone()
        return n, (None if oldest is None else max(0.0, (now or time.time()) - oldest))

    def mark_delivered(self, alert_id: int, staff_message_id: int, now: float | None = None) -> None:
        now = now or time.time()
        with self._tx():
            self.db.execute("UPDATE alerts SET delivered = 1, delivered_at = ?, staff_message_id = ?, "
                            "attempts = attempts + 1, last_sent_at = ?, last_error = NULL WHERE id = ?",
                            (now, staff_message_id, now, alert_id))
            self.db.execute("INSERT INTO alert_actions (alert_id, ts, action) VALUES (?,?,'delivered')",
                            (alert_id, now))

    def mark_failed(self, alert_id: int, error: str, next_attempt: float) -> None:
        self.db.execute("UPDATE alerts SET attempts = attempts + 1, last_error = ?, next_attempt = ? "
                        "WHERE id = ?", (error[:500], next_attempt, alert_id))

    def open_alerts(self) -> list[Alert]:
        """Alerts not yet resolved, oldest first."""
        rows = self.db.execute("SELECT * FROM alerts WHERE status != ? ORDER BY id", (RESOLVED,))
        return [Alert.from_row(r) for r in rows]

    def act(self, alert_id: int, action: str, actor_id: int | None, actor_name: str | None,
            now: float | None = None) -> Alert | None:
        """Record that a staff member acknowledged or resolved an alert; every press is kept in the trail.

        The first acknowledgement and the first resolution set the alert's status and who/when;
        an acknowledgement after the alert was resolved does not reopen it.
        """
        if action not in (ACKNOWLEDGED, RESOLVED):
            raise ValueError(action)
        now = now or time.time()
        with self._tx():
            if self.db.execute("SELECT 1 FROM alerts WHERE id = ?", (alert_id,)).fetchone() is None:
                return None
            self.db.execute("INSERT INTO alert_actions (alert_id, ts, actor_id, actor_name, action) "
                            "VALUES (?,?,?,?,?)", (alert_id, now, actor_id, actor_name, action))
            if action == ACKNOWLEDGED:
                self.db.execute("UPDATE alerts SET status = ?, acked_by = ?, acked_at = ? "
                                "WHERE id = ? AND status = ?", (ACKNOWLEDGED, actor_name, now, alert_id, OPEN))
            else:
                self.db.execute("UPDATE alerts SET status = ?, resolved_by = ?, resolved_at = ?, "
                                "acked_by = COALESCE(acked_by, ?), acked_at = COALESCE(acked_at, ?) "
                                "WHERE id = ? AND status != ?",
                                (RESOLVED, actor_name, now, actor_name, now, alert_id, RESOLVED))
        return self.alert(alert_id)

    def actions(self, alert_id: int) -> list[AlertAction]:
        rows = self.db.execute("SELECT alert_id, ts, actor_id, actor_name, action FROM alert_actions "
                               "WHERE alert_id = ? ORDER BY id", (alert_id,))
        return [AlertAction(**dict(r)) for r in rows]

    def due_repeats(self, tiers: Iterable[str], every_seconds: float, now: float | None = None) -> list[Alert]:
        """Delivered alerts of these tiers nobody has acknowledged, last sent ``every_seconds`` ago or more."""
        now = now or time.time()
        tiers = tuple(tiers)
        marks = ",".join("?" * len(tiers))
        rows = self.db.execute(
            f"SELECT * FROM alerts WHERE status = ? AND delivered = 1 AND tier IN ({marks}) "
            "AND last_sent_at <= ? ORDER BY id", (OPEN, *tiers, now - every_seconds))
        return [Alert.from_row(r) for r in rows]

    def mark_repeated(self, alert_id: int, now: float | None = None) -> None:
        now = now or time.time()
        with self._tx():
            self.db.execute("UPDATE alerts SET last_sent_at = ?, repeats = repeats + 1 WHERE id = ?",
                            (now, alert_id))
            self.db.execute("INSERT INTO alert_actions (alert_id, ts, action) VALUES (?,?,'repeated')",
                            (alert_id, now))

    # ---- retention ---------------------------------------------------------------------------
    def purge(self, retention_days: float, now: float | None = None) -> dict[str, int]:
        """Drop patient text older than the retention period.

        Delivered alerts keep their tier, category, times and action trail (no patient words);
        an alert not yet delivered keeps its text until it is, whatever its age.
        """
        cutoff = (now or time.time()) - retention_days * DAY
        with self._tx():
            n_unanswered = self.db.execute("DELETE FROM unanswered WHERE ts < ?", (cutoff,)).rowcount
            n_alerts = self.db.execute(
                "UPDATE alerts SET text = NULL, context = NULL, reply = NULL, patient_name = NULL, "
                "username = NULL, purged = 1 WHERE created_at < ? AND delivered = 1 AND purged = 0",
                (cutoff,)).rowcount
        if n_unanswered or n_alerts:
            self._empty_wal()
            log.info("retention purge: %d unanswered questions deleted, %d alerts stripped of text",
                     n_unanswered, n_alerts)
        return {"unanswered": n_unanswered, "alerts": n_alerts}

    def _empty_wal(self) -> None:
        """The write-ahead log still holds the pages as they were before a purge: fold it into the
        database (where secure_delete has overwritten the words) and empty it.  Another reader (a
        backup, an operator's sqlite3 shell) can hold it; then waiting would stall the bot, so it
        is tried without waiting, said, and done at the next purge."""
        self.db.execute("PRAGMA busy_timeout=0")
        try:
            busy, _, _ = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError:
            busy = 1
        finally:
            self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if busy:
            log.warning("retention purge: another reader holds the database, so the write-ahead log (WAL) "
                        "(which may still hold purged text) was not emptied; the next purge tries again")


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error (autocommit connection)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    out, buf = [], []
    for line in script.splitlines():
        code = line.split("--", 1)[0]
        buf.append(code)
        if code.rstrip().endswith(";"):
            stmt = "\n".join(buf).strip()
            if stmt.strip(";").strip():
                out.append(stmt)
            buf = []
    tail = "\n".join(buf).strip()
    if tail:
        out.append(tail)
    return out
