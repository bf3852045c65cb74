"""Red-flag lexicon round 40: the constructions a reviewer found the detector missing (or firing
on) in the triage_train files s-w (/tmp/s6/miss_patterns.md), written as GENERAL cue combinations.

Why these tables exist: each new rule in bot/data/redflags.yaml (ids ending in ``-40``) joins two
cues that are harmless alone -- an action (giving a possession away, putting papers in order,
writing a note, nights without sleep, everyday forgetting) and a marker (``after``, "won't be
needing it", a purchase spree, "a month now") -- so each table holds, in our own words (not the
training lines), 1-3 messages the rule must catch, plus a look-alike next to it that shares one
cue but not the other and must stay quiet.  Each new guard has a red flag next to it that must
still fire.  Checked through ``Triage().check`` (rules and model), like tests/test_triage.py.
"""
from __future__ import annotations

import pytest

from bot.triage import EMERGENCY, PROVIDER

CASES: dict[str, list[tuple[str, str | None]]] = {
    "mania: nights without sleep + spending or grand plans": [
        ("she hasn't been to bed in four nights and has just put money down on a second-hand yacht", PROVIDER),
        ("Four nights running he's been up, he says he will stand for mayor and he feels unstoppable", PROVIDER),
        ("the baby had us up all night again, we bought a white-noise machine", None),
    ],
    "memory: everyday forgetting + weeks/months or 'not just after the session'": [
        ("I keep forgetting my colleagues' names, it's been about two months now, not only on session days", PROVIDER),
        ("Mum left the hob on again yesterday, third time this month", PROVIDER),
        ("it has been a month since my last session, I forgot to book the next one", None),
    ],
    "suicide: a possession or pet handed on 'for after'": [
        ("He handed his fishing rods and his watch to his nephew and said he won't be needing them", EMERGENCY),
        ("My flatmate asked me to keep his cat after. After what? he wouldn't say", EMERGENCY),
        ("I gave my old bike to my nephew because he outgrew his", None),
    ],
    "suicide: affairs put in order with no stated reason": [
        ("Updated my will and left the bank details in the desk drawer, I won't be answering my phone", EMERGENCY),
        ("I have settled all my accounts, cancelled my phone contract and paid the rent a year ahead", EMERGENCY),
        ("Can you send my invoice again? I've paid all the bills except yours this month", None),
    ],
    "suicide: a note or letter for after / to whoever reads this": [
        ("Dad has written letters to each of us and sealed them in the sideboard", EMERGENCY),
        ("to whoever reads this in the morning: tell my kids I loved them", EMERGENCY),
        ("I left a note at reception about my parking permit", None),
    ],
    "depression: mood slipping over weeks without the word depressed": [
        ("the infusions aren't helping any more and she's been crying all day, this has gone on for three weeks", PROVIDER),
        ("his questionnaire score went up from 11 to 19 over the month, and he's greyer every week", PROVIDER),
        ("the bruise is going down, day 3 after the filler", None),
    ],
    "dissociation: unreality images + days since the session": [
        ("it still feels like I'm living behind a pane of glass and it's day ten after the infusion", PROVIDER),
        ("for over a week the house has looked like a film set to him, everything flat and fake", PROVIDER),
        ("we watched the film set in Iceland last week, gorgeous", None),
    ],
    "dependence: ketamine from a friend, dealer, website or other clinic": [
        ("he's been buying ketamine off a mate from the gym to top up between our sessions", PROVIDER),
        ("my aunt admitted a neighbour brings her extra spray, she says it tides her over", PROVIDER),
        ("I bought some tomatoes from a bloke at the market", None),
    ],
    "dependence: sessions asked sooner + tolerance words": [
        ("She keeps asking to have her sessions closer together, says the effect wears off by Wednesday now", PROVIDER),
        ("The prescribed dose is not enough anymore for him and he's run out of his spray a week early", PROVIDER),
        ("can I move my session earlier on Friday? the school pickup changed", None),
    ],
    "vomiting counted across days": [
        ("Nan has brought up every meal since Monday's session and now it's Thursday", PROVIDER),
        ("still puking, it's 3 days now after the treatment", PROVIDER),
        ("threw up once after the session on Monday, fine since, see you next week", None),
    ],
    "guard denial-40: a denial in a depression update is not an emergency; the update still reaches the provider": [
        ("Two months now and she's worse, no appetite, stays in bed. She says she has no plans to harm herself but we need help", PROVIDER),
        ("I'm not going to hurt myself, I just feel nothing and it's been weeks of this", PROVIDER),
        ("I'm not going to hurt myself, I already took 30 of my sleeping pills", EMERGENCY),
        ("I want to hurt myself tonight, it's been weeks of this", EMERGENCY),
    ],
}


def _rows():
    return [pytest.param(text, tier, id=f"{name}: {text[:60]}") for name, rows in CASES.items()
            for text, tier in rows]


@pytest.mark.parametrize("text,tier", _rows())
def test_round40_constructions(triage, text, tier):
    e = triage.check(text)
    assert (e.tier if e else None) == tier, f"{e} for {triage.normalise(text)!r}"
