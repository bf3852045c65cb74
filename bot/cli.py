"""``faqbot``: the command line staff, tests and operators use.

Thin over the core: every command goes through :class:`bot.pipeline.Assistant`, so the console
answers exactly as the Telegram bot does. Named exceptions are turned into messages and exit codes
here and nowhere else.

Exit codes: 0 fine, 1 the check/eval/doctor found problems, 2 usage or configuration error,
3 Telegram unreachable at start-up (a supervisor should start it again).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Iterable, TextIO

from .faq import DEFAULT_FAQ_PATH, FaqError, check_faq
from .pipeline import ESCALATE, SUGGEST, Assistant, Decision

log = logging.getLogger(__name__)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3


class RedactingFormatter(logging.Formatter):
    """Belt and braces: whatever a library logs, tracebacks included, the bot token never reaches
    the output (PTB puts it in exception texts, httpx in request URLs)."""

    def __init__(self, fmt: str, secrets: Iterable[str]):
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s and len(s) >= 8]

    def redact(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "<redacted-token>")
            secret_part = s.split(":", 1)[-1]
            if len(secret_part) >= 8:
                text = text.replace(secret_part, "<redacted-token>")
        return text

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


def configure_logging(default_level: str = "WARNING") -> RedactingFormatter:
    level = os.environ.get("LOG_LEVEL", default_level).upper()
    handler = logging.StreamHandler(sys.stderr)
    formatter = RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                   [os.environ.get("TELEGRAM_BOT_TOKEN", "")])
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level, logging.INFO))
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return formatter


def _faq_path(args) -> str:
    return args.faq or os.environ.get("FAQ_PATH") or DEFAULT_FAQ_PATH


def _load(args, out: TextIO, *, advice: bool = False) -> Assistant:
    """``advice``: also warn about entries so alike the bot may confuse them (the console chat,
    where staff try their FAQ out); ``ask`` and ``eval`` skip it (``faqbot check`` gives it all)."""
    assistant, warnings = Assistant.from_path(_faq_path(args), check_similar=advice)
    for w in warnings:
        print(str(w), file=sys.stderr)
    return assistant


# ---- chat ---------------------------------------------------------------------------------
def _show(decision: Decision) -> str:
    text = decision.reply
    if decision.kind == ESCALATE and decision.escalation:
        e = decision.escalation
        text += f"\n[red flag: {e.tier} / {e.category} / {e.matched}; the Telegram bot alerts staff]"
    if decision.kind == SUGGEST:
        text += "\n(Type a number to pick one.)"
    if decision.follow_ups:
        text += "\nRelated: " + " | ".join(q for _, q in decision.follow_ups)
    return text


def cmd_chat(args) -> int:
    assistant = _load(args, sys.stdout, advice=True)
    interactive = sys.stdin.isatty()
    print(assistant.faq.render(assistant.faq.texts.welcome))
    print("(Console chat: type a question, Ctrl-D or 'quit' to leave.)")
    pending: tuple[tuple[str, str], ...] = ()
    while True:
        if interactive:
            print("> ", end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            break
        line = line.strip()
        if line.lower() in ("quit", "exit", "/quit"):
            break
        if not line:
            continue
        if line in ("/start", "/help"):
            print(assistant.faq.render(assistant.faq.texts.welcome))
            continue
        if pending and line.isdigit() and 1 <= int(line) <= len(pending):
            decision = assistant.answer_for(pending[int(line) - 1][0])
        else:
            decision = assistant.decide(line)
        pending = decision.suggestions
        print(_show(decision))
        print()
    return EXIT_OK


# ---- ask ----------------------------------------------------------------------------------
def cmd_ask(args) -> int:
    assistant = _load(args, sys.stdout)
    texts = (line.rstrip("\r\n") for line in sys.stdin) if args.text == ["-"] else [" ".join(args.text)]
    for text in texts:
        d = assistant.decide(text)
        if args.json:
            print(json.dumps(d.to_json(), ensure_ascii=False), flush=True)
        else:
            print(_show(d), flush=True)
    return EXIT_OK


# ---- check --------------------------------------------------------------------------------
def cmd_check(args) -> int:
    path = args.path or _faq_path(args)
    problems = check_faq(path)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for p in problems:
        print(str(p))
    if errors:
        print(f"{path}: {len(errors)} error(s), {len(warnings)} warning(s). The file will NOT be loaded "
              "until the errors are fixed; the bot keeps serving the last good version.")
        return EXIT_PROBLEMS
    if warnings and args.strict:
        print(f"{path}: {len(warnings)} warning(s) (--strict).")
        return EXIT_PROBLEMS
    print(f"{path}: OK" + (f", {len(warnings)} warning(s)" if warnings else ""))
    return EXIT_OK


# ---- eval ---------------------------------------------------------------------------------
def cmd_eval(args) -> int:
    from .evaluate import EvalError, evaluate_file, format_report

    assistant = _load(args, sys.stdout)
    try:
        report = evaluate_file(assistant, args.data)
    except EvalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(format_report(report, show_errors=args.errors))
    return EXIT_OK


# ---- run / doctor -------------------------------------------------------------------------
def cmd_run(args) -> int:
    from .settings import Settings, SettingsError
    from .store import StoreError

    try:
        settings = Settings.from_env(faq_path=args.faq)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    formatter = configure_logging("INFO")
    formatter.secrets.append(settings.token)
    # Only `run` and `doctor` reach for Telegram, through handlers/; bot/ itself never imports it.
    from handlers.application import TelegramUnreachable, TokenRejected, run_bot

    log.info("starting long polling (connecting to the Bot API, retrying until it answers)")
    try:
        run_bot(settings)  # FaqError is reported by main()
    except StoreError as exc:
        print(f"error: the database cannot be used: {formatter.redact(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except TokenRejected:
        print("error: Telegram rejected TELEGRAM_BOT_TOKEN. Copy the token @BotFather gave you "
              "into .env (or the environment) and try again.", file=sys.stderr)
        return EXIT_USAGE
    except TelegramUnreachable as exc:
        print(f"error: cannot reach the Telegram Bot API at start-up ({exc}). Check the "
              "network and TELEGRAM_API_URL; pending alerts are kept and sent once the bot runs. "
              "Run it under a supervisor that restarts it (see README).", file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_OK


def cmd_doctor(args) -> int:
    from .settings import Settings, SettingsError

    ok = True
    path = _faq_path(args)
    problems = check_faq(path)
    errors = [p for p in problems if p.severity == "error"]
    print(("FAIL" if errors else "ok  ") + f" FAQ {path}: {len(errors)} error(s), "
          f"{len(problems) - len(errors)} warning(s)")
    for p in problems:
        print(f"     {p}")
    ok &= not errors
    try:
        settings = Settings.from_env(faq_path=args.faq)
    except SettingsError as exc:
        print(f"FAIL settings: {exc}")
        return EXIT_PROBLEMS
    print("ok   settings: token set, staff chat " + str(settings.staff_chat_id))
    from handlers.doctor import run_checks

    for good, line in run_checks(settings):
        print(("ok   " if good else "FAIL ") + line)
        ok &= good
    print("Ready to go live." if ok else "Not ready: fix the FAIL lines above.")
    return EXIT_OK if ok else EXIT_PROBLEMS


def build_parser() -> argparse.ArgumentParser:
    faq_opt = argparse.ArgumentParser(add_help=False)
    faq_opt.add_argument("--faq", metavar="PATH", default=argparse.SUPPRESS,
                         help="FAQ file (default: $FAQ_PATH or ./faq.yaml)")
    p = argparse.ArgumentParser(prog="faqbot", parents=[faq_opt],
                                description="Ketamine-clinic FAQ assistant with red-flag triage.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("chat", parents=[faq_opt], help="talk to the assistant in the console")
    s.set_defaults(func=cmd_chat)
    s = sub.add_parser("ask", parents=[faq_opt], help="answer one message, or one per stdin line with -")
    s.add_argument("--json", action="store_true", help="one JSON object per message")
    s.add_argument("text", nargs="+", help="the message, or - to read one message per line")
    s.set_defaults(func=cmd_ask)
    s = sub.add_parser("check", parents=[faq_opt], help="validate a FAQ file")
    s.add_argument("path", nargs="?", help="file to check (default: --faq)")
    s.add_argument("--strict", action="store_true", help="warnings fail too")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("eval", parents=[faq_opt], help="accuracy report on a labelled JSONL set")
    s.add_argument("data", help='JSONL: {"text", "id"} for FAQ labels, {"text", "tier"} for red flags')
    s.add_argument("--json", action="store_true")
    s.add_argument("--errors", action="store_true", help="list the messages it got wrong")
    s.set_defaults(func=cmd_eval)
    s = sub.add_parser("run", parents=[faq_opt], help="start the Telegram bot (long polling)")
    s.set_defaults(func=cmd_run)
    s = sub.add_parser("doctor", parents=[faq_opt], help="check token, staff chat and FAQ before go-live")
    s.set_defaults(func=cmd_doctor)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not hasattr(args, "faq"):
        args.faq = None
    if args.command != "run":
        configure_logging("ERROR")  # the console is for the conversation, not the log
    if hasattr(sys.stdin, "reconfigure"):  # a stray non-UTF-8 byte costs a character, not the run
        sys.stdin.reconfigure(errors="replace")
    try:
        return args.func(args)
    except FaqError as exc:
        print("The FAQ file cannot be used:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
