

# ---- 5. a red-flag command ("/kms") queued behind a slow reply is still lost on a crash ---------
async def test_red_flag_command_fetched_but_not_yet_handled_survives_a_crash(api, tmp_path, faq_file,
                                                                             assistant):
    """alert_on_receipt leaves a bare unknown command to its handler (so that "/help" is not read
    as a cry for help), but "/kms" or "/suicide" is how some patients type it: queued behind a
    slow reply in the same chat, it is confirmed to Telegram and, after kill -9, gone -- the loss
    the receipt hook was written to prevent."""
    import signal

    from test_failure_paths import _flag_alerts
    from test_reliability import OUT_OF_SCOPE, finish, start_faqbot
    command = "/kms"
    assert assistant.decide(command).kind == "escalate"
    held = api.slow(5.0, chat_id=PATIENT)
    first = await start_faqbot(api, tmp_path, faq_file)
    try:
        ann = api.user(PATIENT, "Ann")
        api.send_text(ann, OUT_OF_SCOPE[0])
        await api.wait_until(lambda: held.hits == 1, timeout=30, what="the first reply in flight")
        api.send_command(ann, command)
        await api.wait_until(lambda: not any(u.update.get("message", {}).get("text") == command
                                             for u in api._queue),
                             timeout=10, what="the command fetched and confirmed")
        await __import__("asyncio").sleep(0.5)
    finally:
        await finish(first, signal.SIGKILL)
    with Store(tmp_path / "data" / "faqbot.sqlite3") as store:
        stored = store.db.execute("SELECT count(*) FROM alerts").fetchone()[0]
    assert stored == 1, f"'{command}' was fetched from Telegram, then lost in the crash ({stored} alerts stored)"
