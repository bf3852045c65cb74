"""The command line as staff and other tools use it: a real subprocess, the real faq.yaml."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
FAQ = ROOT / "faq.yaml"


def faqbot(*args: str, stdin: str = "", env: dict | None = None, cwd: Path = ROOT):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("TELEGRAM_BOT_TOKEN", "STAFF_CHAT_ID", "FAQ_PATH")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, text=True,
                          capture_output=True, env=full_env, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def first_entry():
    return yaml.safe_load(FAQ.read_text(encoding="utf-8"))["faqs"][0]


def test_ask_json_prints_exactly_the_contract_fields(first_entry):
    r = faqbot("ask", "--json", first_entry["question"])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert set(out) >= {"text", "kind", "faq_id", "score", "candidates", "escalation", "reply"}
    assert out["kind"] == "answer" and out["faq_id"] == str(first_entry["id"])
    assert out["text"] == first_entry["question"]
    assert isinstance(out["score"], (int, float))
    assert 1 <= len(out["candidates"]) <= 5
    assert all(set(c) == {"id", "score"} for c in out["candidates"])
    scores = [c["score"] for c in out["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert out["escalation"] is None
    assert out["reply"].strip() == str(first_entry["answer"]).strip()


def test_ask_stdin_gives_one_json_object_per_line(first_entry):
    msgs = [first_entry["question"], "what is the parking situation at the moon base", "i want to kill myself"]
    r = faqbot("ask", "--json", "-", stdin="\n".join(msgs) + "\n")
    assert r.returncode == 0, r.stderr
    outs = [json.loads(line) for line in r.stdout.strip().splitlines()]
    assert [o["text"] for o in outs] == msgs
    assert outs[0]["kind"] == "answer"
    assert outs[1]["kind"] in ("fallback", "suggest")
    assert outs[2]["kind"] == "escalate"
    assert outs[2]["escalation"]["tier"] == "emergency"
    assert outs[2]["escalation"]["matched"]
    assert "988" in outs[2]["reply"]


def test_red_flag_overrides_confident_match_on_the_command_line(first_entry):
    r = faqbot("ask", "--json", first_entry["question"] + " also i want to end my life")
    out = json.loads(r.stdout)
    assert out["kind"] == "escalate" and out["faq_id"] is None


def test_chat_answers_each_line_and_exits_cleanly_at_eof(first_entry):
    r = faqbot("chat", stdin=first_entry["question"] + "\n")
    assert r.returncode == 0, r.stderr
    assert str(first_entry["answer"]).strip()[:60] in r.stdout
    assert "988" in r.stdout  # the welcome says it is not for emergencies


def test_check_passes_the_real_faq():
    r = faqbot("check", str(FAQ))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "OK" in r.stdout


def test_check_names_the_line_of_a_broken_file(tmp_path):
    bad = tmp_path / "faq.yaml"
    bad.write_text("faqs:\n  - id: a\n    question: Q?\n    answer: fine\n  - id: a\n    question: R?\n"
                   "    answer: ''\n", encoding="utf-8")
    r = faqbot("check", str(bad))
    assert r.returncode == 1
    assert f"{bad}:5" in r.stdout  # the duplicate id's line
    assert "error" in r.stdout


def test_missing_faq_file_is_a_clear_error_not_a_traceback(tmp_path):
    r = faqbot("--faq", str(tmp_path / "nope.yaml"), "ask", "hello")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "nope.yaml" in r.stderr


def test_faq_path_comes_from_the_environment(tmp_path):
    f = tmp_path / "mini.yaml"
    f.write_text("faqs:\n  - id: parking\n    question: Where can I park?\n"
                 "    answer: Park behind the building.\n", encoding="utf-8")
    r = faqbot("ask", "--json", "where can i park", env={"FAQ_PATH": str(f)})
    assert json.loads(r.stdout)["faq_id"] == "parking"


def test_eval_reports_figures_for_the_dev_set():
    r = faqbot("eval", "--json", str(ROOT / "tests" / "data" / "dev.jsonl"))
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["faq"]["messages"] >= 200
    assert 0.0 <= rep["faq"]["top1"] <= 1.0


def test_eval_rejects_a_malformed_data_file(tmp_path):
    bad = tmp_path / "d.jsonl"
    bad.write_text('{"text": "hi", "id": null}\nnot json\n', encoding="utf-8")
    r = faqbot("eval", str(bad))
    assert r.returncode == 2
    assert "d.jsonl:2" in r.stderr


def test_run_without_a_token_exits_with_a_clear_message(tmp_path):
    r = faqbot("run", env={"DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert r.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in r.stderr
    assert "Traceback" not in r.stderr


def test_log_formatter_redacts_the_token_from_messages_and_tracebacks():
    import logging

    from bot.cli import RedactingFormatter

    token = "123456:AAHsecretsecretsecret"
    fmt = RedactingFormatter("%(message)s", [token])
    try:
        raise ValueError(f"bad url https://api.telegram.org/bot{token}/getMe")
    except ValueError:
        import sys as _sys
        rec = logging.LogRecord("x", logging.ERROR, __file__, 1, "calling %s", (f"bot{token}",),
                                _sys.exc_info())
    out = fmt.format(rec)
    assert "AAHsecretsecretsecret" not in out
    assert out.count("<redacted-token>") >= 2


def _ask_bytes(stdin: bytes, env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "STAFF_CHAT_ID", "FAQ_PATH")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--json", "-"], input=stdin,
                          capture_output=True, env=env, cwd=ROOT, timeout=120)


def test_ask_stdin_with_invalid_utf8_prints_valid_json_lines():
    """One stray Latin-1 byte (a file exported from Excel, a pasted log) must cost a character,
    not the run: in a strict UTF-8 locale (PYTHONIOENCODING=utf-8 here) it was a traceback and
    exit 1, the code `check` uses for "problems found"; in the C.UTF-8 locale the raw byte was
    echoed back and the output was not valid UTF-8 JSON."""
    stdin = b"how long is a session\ncaf\xe9 dose question\nwhat should I eat before\n"
    for env in ({"PYTHONIOENCODING": "utf-8"}, {}):
        r = _ask_bytes(stdin, env)
        assert r.returncode == 0, (env, r.returncode, r.stderr.decode(errors="replace")[-300:])
        lines = r.stdout.decode("utf-8").splitlines()  # raises on invalid UTF-8 output
        assert len(lines) == 3 and all(json.loads(line)["kind"] for line in lines), (env, lines)
