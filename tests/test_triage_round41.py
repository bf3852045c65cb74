"""Red-flag lexicon round 41: the constructions the detector missed (or fired on) in the opened blind
set holdout12 and in the unsealed training files, written as GENERAL cue combinations.

Why these tables exist: holdout12 was written by an author nobody tuned to, so its misses are our
best sample of how real patients put a red flag that our rules do not know: a wish for an accident
("hope the plane goes down"), a whole message of finality ("done. bye."), a cancelled booking with
"thanks for trying", a method asked about from the lake, a gun held night after night.  Each new rule
in bot/data/redflags.yaml (ids ending in ``-41``) gets 1-3 messages in our own words (not the data
lines) that it must catch and a look-alike next to it that shares a cue and must stay quiet; each
new or loosened guard gets a red flag next to it that must still fire.  Checked through
``Triage().check`` (rules and model), like tests/test_triage.py.
"""
from __future__ import annotations

import pytest

from bot.triage import EMERGENCY, PROVIDER

CASES: dict[str, list[tuple[str, str | None]]] = {
    "suicide: 'end it' with a lead-in, or as the whole message": [
        ("honestly i reckon i'll probably just end it this week", EMERGENCY),
        ("my head keeps telling me to end it", EMERGENCY),
        ("End it.", EMERGENCY),
        ("should I just end it with him? we argue every day", None),
    ],
    "suicide: a whole message of finality": [
        ("sorry. goodbye", EMERGENCY),
        ("i just want this over", EMERGENCY),
        ("what is the point any more", EMERGENCY),
        ("done, see you thursday", None),
    ],
    "suicide: logging off for good, dead by a date": [
        ("think im going to log off for good tonight. not the app", EMERGENCY),
        ("honestly I will be dead before Christmas", EMERGENCY),
        ("logging off from social media for good, it's rotting my brain", None),
    ],
    "suicide: hoping for a fatal accident or for a session that never ends": [
        ("kind of hoping the bus hits me on the way to the clinic", EMERGENCY),
        ("if the spray stopped my heart I'd be relieved honestly", EMERGENCY),
        ("I hope the flight doesn't get cancelled, I'm flying to my sister's", None),
    ],
    "suicide: easier for everyone if I did not wake up / without me": [
        ("it would be simpler for my family if I never woke up", EMERGENCY),
        ("my kids would be better off w/o me", EMERGENCY),
        ("the meeting went better without me there, they finished early", None),
    ],
    "suicide: means looked at, counted, or all at once": [
        ("I've been sitting with all my sleeping tablets for an hour", EMERGENCY),
        ("counted the tablets in the drawer, it would be enough", EMERGENCY),
        ("is it ok to take all my vitamins at breakfast?", None),
    ],
    "suicide: a gun held night after night": [
        ("every night I sit with the rifle in my lap", EMERGENCY),
        ("cleaning my rifle before hunting season opens, any issue with the lozenges?", None),
    ],
    "suicide: method questions with a personal marker or a place": [
        ("what is the least painful way to go", EMERGENCY),
        ("would the fall hurt? I'm standing on the bridge", EMERGENCY),
        ("what is the quickest way to go to the clinic from the station?", None),
    ],
    "suicide: cancelling the next booking with 'thanks for trying' or 'or any session'": [
        ("please cancel my sessions, thanks for trying with me", EMERGENCY),
        ("I won't make it to Monday's appointment. or any appointment", EMERGENCY),
        ("please cancel my session, I'm moving to Leeds, thanks for everything", None),
    ],
    "suicide: clinical shorthand SI and feeling unsafe": [
        ("having SI again tonight", EMERGENCY),
        ("feeling really unsafe tonight", EMERGENCY),
        ("what is the difference between active SI and passive SI? for my exam", None),
    ],
    "suicide: someone else wishes they were dead or talks about ending it": [
        ("my dad keeps saying he wishes he was dead", EMERGENCY),
        ("my flatmate has been talking about ending it", EMERGENCY),
        ("my mum says she wishes she was younger", None),
    ],
    # guards loosened next to the old rules: the red flags they used to veto
    "guard continues-activity: 'sleep and not wake up forever' is no activity": [
        ("I want to go to sleep and not wake up forever", EMERGENCY),
        ("I don't want to be here forever, can I leave early after my session?", None),
    ],
    "guard not-living-idiom: 'end it after the exams' times a plan": [
        ("she said she's going to end it after her exams", EMERGENCY),
        ("i can't take it anymore, these exams", None),
    ],
}

ROWS = [(name, text, tier) for name, rows in CASES.items() for text, tier in rows]


@pytest.mark.parametrize("construction,text,expected", ROWS, ids=[f"{n[:40]}|{t[:40]}" for n, t, _ in ROWS])
def test_round41_construction(triage, construction, text, expected):
    got = triage.check(text)
    assert (got.tier if got else None) == expected, (construction, text, got)
