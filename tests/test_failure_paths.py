"""Failure paths a session-12 audit found unguarded; each test failed before its fix.

They drive the real Application against the fake Bot API (tests/fakebotapi.py), as the rest of
the suite does. Where a fault cannot be expressed with the fake's public helpers (an edited
caption, a ChatMigrated answer) the test feeds the fake exactly what Telegram would send.
"""
from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import time

from bot.faq import FaqError, load_faq
from bot.store import Store
from conftest import REAL_FAQ, STAFF_CHAT, STAFF_MEMBER
from fakebotapi import _ApiError
from test_reliability import OUT_OF_SCOPE, finish, red_flag, staff_alerts, start_faqbot

PATIENT = 1001
OTHER = 1002
NEW_STAFF_CHAT = -1002222222222


def _flag_alerts(api, flag):
    return [c for c in staff_alerts(api) if flag in (c.plain_text or "")]


# ---- an edited caption that adds a red flag is silently dropped ------------------------------------
async def test_edited_photo_caption_that_adds_a_red_flag_alerts_staff(app, api, assistant):
    """Editing a photo's caption is how a patient may add words to something already sent; the
    edit handler once listened to text only, so such a red flag reached nobody."""
    flag = red_flag(assistant)
    ann = api.user(PATIENT, "Ann")
    photo = api.send_photo(ann, caption="my arm after the session")
    await api.settle()
    mark = api.mark()
    # exactly what Telegram sends when the patient edits the photo's caption
    edited = {**photo, "caption": flag, "edit_date": int(time.time())}
    api.messages[(PATIENT, photo["message_id"])] = dict(edited)
    api._enqueue("edited_message", edited)
    await api.settle()
    assert [c for c in api.sent_to(STAFF_CHAT, since=mark) if flag in (c.plain_text or "")], \
        "a red flag added by editing a caption never reached staff (and the patient got no reply)"


# ---- after a staff-chat migration the alert buttons stop working ----------------------------------
async def test_staff_can_acknowledge_alerts_after_the_staff_chat_migrated(app, api, assistant, settings):
    """The outbox followed Telegram's ChatMigrated to the new supergroup, but the buttons checked
    the old chat id, so "I'm on it" / "Resolved" pressed there did nothing (and repeats went to
    the old chat)."""
    new_chat = -1002222222222
    api.group(new_chat, "Clinic staff (supergroup)")
    dispatch = api._dispatch

    def migrated(method, params, call):
        if method == "sendMessage" and params.get("chat_id") == STAFF_CHAT:
            raise _ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                            {"migrate_to_chat_id": new_chat})
        return dispatch(method, params, call)

    api._dispatch = migrated
    api.send_text(api.user(PATIENT, "Ann"), red_flag(assistant))
    alert = await api.wait_for(lambda c: c.chat_id == new_chat and c.method == "sendMessage" and c.ok,
                               timeout=10)
    alert_id = int(alert.callback_data[0].split(":")[1])
    api.press_button(api.user(STAFF_MEMBER, "Bob"), alert, f"ack:{alert_id}")
    await api.settle()
    with Store(settings.db_path) as store:
        status = store.alert(alert_id).status
    assert status == "acknowledged", "Bob pressed \"I'm on it\" in the staff chat and nothing happened"


# ---- one failed DB read in check_overdue kills the alert sender for good ---------------------------
async def test_a_database_hiccup_does_not_stop_the_alert_sender(app, api, assistant):
    """The sender's overdue check once ran outside its guard: one sqlite error ended the sender
    task, so no alert was delivered until a restart, and the 'STAFF ALERTS UNDELIVERED' log that
    operators watch for (written by that task) stopped too."""
    deps = app.bot_data["deps"]
    store, outbox = deps.store, deps.outbox
    real = store.pending_summary
    hiccups = []

    def flaky(*args, **kwargs):
        if not hiccups:
            hiccups.append(1)
            raise sqlite3.OperationalError("disk I/O error")  # once
        return real(*args, **kwargs)

    store.pending_summary = flaky
    outbox.wake()
    await api.wait_until(lambda: bool(hiccups), what="the hiccup")
    flag = red_flag(assistant)
    api.send_text(api.user(PATIENT, "Ann"), flag)
    try:
        await api.wait_until(lambda: bool(_flag_alerts(api, flag)), timeout=8,
                             what="the alert delivered after a one-off DB error")
    except AssertionError as exc:
        task = outbox._task
        dead = task is not None and task.done() and not task.cancelled()
        raise AssertionError(f"alert not delivered; outbox task dead: {dead}"
                             + (f" ({task.exception()!r})" if dead else "")) from exc
    finally:  # let the fixture shut down cleanly whatever happened
        store.pending_summary = real
        if outbox._task is not None and outbox._task.done():
            outbox._task = None
            outbox.start()


# ---- one busy chat holds up every other chat (global semaphore slots held by lock waiters) ---------
async def test_a_busy_chat_does_not_hold_up_another_patients_red_flag(start_bot, api, settings, assistant):
    """Updates once waited for their chat's turn while holding a concurrency slot, so one chat's
    queue could fill every slot and another patient's red flag waited behind it. Shown with 4
    slots for speed; with the default 256 it takes one chat with more than 256 updates queued (a
    flood, or a chat whose replies Telegram is slow to accept)."""
    await start_bot(settings.replace(concurrent_updates=4))
    slow = api.slow(1.0, chat_id=PATIENT, times=None)  # Telegram is slow to deliver to Ann
    ann = api.user(PATIENT, "Ann")
    for i in range(8):
        api.send_text(ann, OUT_OF_SCOPE[i % len(OUT_OF_SCOPE)])
    await api.wait_until(lambda: slow.hits >= 1, what="Ann's first reply in flight")
    flag = red_flag(assistant)
    t0 = time.monotonic()
    api.send_text(api.user(OTHER, "Bob"), flag)
    try:
        reply = await api.wait_for(lambda c: c.chat_id == OTHER, timeout=20)
        alert = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT and flag in (c.plain_text or ""),
                                   timeout=20)
    finally:
        slow.clear()
    waited = max(reply.monotonic, alert.monotonic) - t0
    assert waited < 1.5, f"Bob's red flag waited {waited:.1f}s for another patient's chat"


async def _crash_with_flag_queued(api, tmp_path, faq_file, text, send) -> None:
    """Start the bot, hold Ann's first reply at Telegram, let ``send(ann)`` queue ``text`` behind
    it until the bot has fetched (and so confirmed) it, then kill -9 the bot."""
    held = api.slow(5.0, chat_id=PATIENT)  # Telegram slow to accept Ann's first reply
    first = await start_faqbot(api, tmp_path, faq_file)
    try:
        ann = api.user(PATIENT, "Ann")
        api.send_text(ann, OUT_OF_SCOPE[0])
        await api.wait_until(lambda: held.hits == 1, timeout=30, what="the first reply in flight")
        send(ann)
        # the bot asked for updates past it: Telegram will never deliver it again
        await api.wait_until(lambda: not any(u.update.get("message", {}).get("text") == text
                                             for u in api._queue),
                             timeout=10, what="the red flag fetched and confirmed")
        await asyncio.sleep(0.5)
    finally:
        await finish(first, signal.SIGKILL)


# ---- a red flag fetched (acknowledged to Telegram) but not yet processed is lost on a crash -------
async def test_red_flag_fetched_but_not_yet_stored_survives_a_crash(api, tmp_path, faq_file, assistant):
    """PTB's Updater confirms updates to Telegram (the next getUpdates offset) as soon as they are
    queued, before any handler ran. When the alert was written only by the handler, a red flag
    queued behind a slow reply in the same chat was gone after kill -9, an OOM kill or a `docker
    stop` past its grace period, though README promises "a duplicate after a crash is possible; a
    loss is not"."""
    flag = red_flag(assistant)
    await _crash_with_flag_queued(api, tmp_path, faq_file, flag, lambda ann: api.send_text(ann, flag))
    with Store(tmp_path / "data" / "faqbot.sqlite3") as store:
        stored = store.pending_summary()[0]
    second = await start_faqbot(api, tmp_path, faq_file)
    try:
        mark = api.mark()
        api.send_text(api.user(OTHER, "Bob"), OUT_OF_SCOPE[1])  # the restarted bot is up and answering
        await api.wait_for(lambda c: c.chat_id == OTHER and c.ok, since=mark, timeout=30)
        try:
            await api.wait_until(lambda: bool(_flag_alerts(api, flag)), timeout=15,
                                 what="the red flag alerted after the restart")
        except AssertionError as exc:
            raise AssertionError(f"red flag lost: {stored} alert(s) in the outbox at the crash, none "
                                 f"sent after the restart") from exc
    finally:
        await finish(second)


# ---- the "faq.yaml was not loaded" notice is lost if the staff chat hiccups -------------------------
async def test_broken_faq_notice_reaches_staff_after_a_short_staff_chat_outage(app, api, faq_file, settings):
    """The notice is sent with a few retries; the watcher used to mark the broken version as
    reported whether or not staff heard, so after a short outage they never learned their edit was
    refused and believed the new FAQ was live while the bot served the old one."""
    outage = api.fail("sendMessage", chat_id=STAFF_CHAT, times=settings.reply_attempts, status=502)
    mark = api.mark()
    text = faq_file.read_text(encoding="utf-8")
    faq_file.write_text(text.replace("    question: Why can't I remember my session?",
                                     "   question: Why can't I remember my session?"), encoding="utf-8")
    await api.wait_until(lambda: outage.exhausted, timeout=10, what="the notice attempts")
    notice = await api.wait_for(lambda c: c.chat_id == STAFF_CHAT and c.ok
                                and "was not loaded" in (c.plain_text or ""), since=mark, timeout=5)
    assert re.search(r":\d+: error", notice.plain_text)


# ---- a reload runs on the event loop and freezes every chat for seconds ----------------------------
async def test_a_faq_reload_does_not_freeze_a_red_flag_reply(app, api, faq_file, assistant):
    """A reload (the file checked, new sentence vectors, a new index) takes 2-6 s for the bundled
    FAQ reworded; run on the event loop it left every patient unanswered and every alert unsent
    meanwhile."""
    text = faq_file.read_text(encoding="utf-8")
    reworded = re.sub(r"^(      - )(.+)$", lambda m: f"{m.group(1)}{m.group(2)} thanks", text, flags=re.M)
    faq_file.write_text(reworded, encoding="utf-8")
    api.send_command(api.user(STAFF_MEMBER, "Bob"), "/reload", chat=STAFF_CHAT)
    flag = red_flag(assistant)
    t0 = time.monotonic()
    api.send_text(api.user(PATIENT, "Ann"), flag)
    reply = await api.wait_for(lambda c: c.chat_id == PATIENT, timeout=30)
    assert reply.monotonic - t0 < 1.0, f"the crisis reply took {reply.monotonic - t0:.1f}s during a reload"


# ---- a FAQ edit can silently drop the privacy notice from the welcome ------------------------------
def test_a_welcome_without_the_privacy_notice_is_flagged(tmp_path):
    """Staff may rewrite the welcome; one without the 'Telegram is not a private medical channel'
    notice (or the crisis line) used to load with no error and no warning."""
    path = tmp_path / "faq.yaml"
    path.write_text(REAL_FAQ.read_text(encoding="utf-8").replace(
        "clinic:\n", "texts:\n  welcome: Hi! I'm the {clinic_name} assistant. Ask me anything.\n\nclinic:\n", 1),
        encoding="utf-8")
    try:
        faq, warnings = load_faq(path, check_similar=False)
    except FaqError:
        return
    assert "private" not in faq.render(faq.texts.welcome).lower()
    assert any("welcome" in str(w) for w in warnings), \
        "a welcome without the privacy notice loads with no error or warning"


def _migrate_staff_chat(api):
    """From now on Telegram answers every send to the old staff group with ChatMigrated."""
    api.group(NEW_STAFF_CHAT, "Clinic staff (supergroup)")
    dispatch = api._dispatch

    def migrated(method, params, call):
        if params.get("chat_id") == STAFF_CHAT:
            raise _ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                            {"migrate_to_chat_id": NEW_STAFF_CHAT})
        return dispatch(method, params, call)

    api._dispatch = migrated


# ---- the staff chat after a migration Telegram announces or answers with -------------------------
async def test_repeat_of_an_unacknowledged_emergency_follows_a_migrated_staff_chat(
        start_bot, api, settings, assistant):
    """A group can become a supergroup after an emergency was delivered (Telegram does it when an
    admin changes some settings). The repeats once kept failing at the old id, so staff never
    saw the repeat of an emergency nobody took, until some new alert happened to follow the move."""
    await start_bot(settings.replace(alert_repeat_minutes=0.02))  # a repeat after ~1 s
    flag = red_flag(assistant)
    api.send_text(api.user(PATIENT, "Ann"), flag)
    await api.wait_for(lambda c: c.chat_id == STAFF_CHAT and c.ok and flag in (c.plain_text or ""),
                       timeout=10)
    mark = api.mark()
    _migrate_staff_chat(api)
    try:
        await api.wait_for(lambda c: c.chat_id == NEW_STAFF_CHAT and c.ok and flag in (c.plain_text or ""),
                           since=mark, timeout=6)
    except AssertionError as exc:
        raise AssertionError("the emergency's repeat never reached the new staff supergroup "
                             "(repeats keep failing with ChatMigrated at the old chat id)") from exc


async def test_staff_commands_work_in_the_supergroup_after_telegrams_migration_notice(app, api):
    """Telegram announces the upgrade itself (a service message with migrate_to_chat_id in the old
    group); ignored, it left /stats, /alerts, /reload and the alert buttons dead in the new
    supergroup until some patient happened to raise a new alert."""
    api.group(NEW_STAFF_CHAT, "Clinic staff (supergroup)")
    bob = api.user(STAFF_MEMBER, "Bob")
    api._user_message(bob, STAFF_CHAT, migrate_to_chat_id=NEW_STAFF_CHAT)
    await api.settle()
    mark = api.mark()
    api.send_command(bob, "/stats", chat=NEW_STAFF_CHAT)
    await api.settle()
    assert api.sent_to(NEW_STAFF_CHAT, since=mark), "/stats in the new staff supergroup got no answer"


# ---- commands: an edit, and a red flag typed as a command ---------------------------------------
async def test_editing_a_mistyped_command_into_help_is_not_an_emergency(app, api, settings):
    """An edited command reaches the unknown-command handler (the /help handler takes new messages
    only); reading the command word as the patient's own, it turned "/hlep" corrected to "/help"
    into a crisis reply and an EMERGENCY alert, since the lexicon rightly reads "help" alone as a
    cry for help."""
    ann = api.user(PATIENT, "Ann")
    sent = api.send_command(ann, "/hlep")
    await api.settle()
    api.edit_text(ann, sent, "/help")
    await api.settle()
    with Store(settings.db_path) as store:
        alerts = store.db.execute("SELECT tier, category FROM alerts").fetchall()
    assert not alerts, f"an edited '/help' raised {[tuple(a) for a in alerts]}"


async def test_red_flag_command_fetched_but_not_yet_handled_survives_a_crash(api, tmp_path, faq_file,
                                                                             assistant):
    """Some patients type it as a command ("/kms", "/suicide"): queued behind a slow reply in the
    same chat, it is confirmed to Telegram before any handler runs, so it must be stored on
    receipt like any other red flag, or a kill -9 loses it."""
    command = "/kms"
    assert assistant.decide(command).kind == "escalate"
    await _crash_with_flag_queued(api, tmp_path, faq_file, command,
                                  lambda ann: api.send_command(ann, command))
    with Store(tmp_path / "data" / "faqbot.sqlite3") as store:
        stored = store.db.execute("SELECT count(*) FROM alerts").fetchone()[0]
    assert stored == 1, f"'{command}' was fetched from Telegram, then lost in the crash ({stored} alerts stored)"
