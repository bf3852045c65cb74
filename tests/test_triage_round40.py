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
from conftest import construction_params

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
        # The rule's hit must not be vetoed by guards meant for other shapes: a vetoed hit keeps
        # the model out too, and the model caught both of these before the rule existed.
        ("I see figures moving by the window at night since I started the lozenges, didn't used to", PROVIDER),
        ("Also the dreamlike unreal feeling from Tuesday hasn't really gone, it's been five days now, is that ok?", PROVIDER),
        ("I saw shapes moving on the ceiling for a week after my session in 2019, none since", None),
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
    "suicide: a place visited or rehearsed": [
        ("I keep driving out to the viaduct after work and sitting there working out how easy it would be", EMERGENCY),
        ("the old quarry has been calling me for days, I went up there again tonight", EMERGENCY),
        ("we walked over the bridge to the farmers market, lovely view", None),
    ],
    "overdose: own meds taken again / lost count + sedated now": [
        ("took my evening tablets then forgot and took another lot, now the room is spinning", EMERGENCY),
        ("Agency carer gave Mrs P a double dose of her oxycodone, she is very drowsy and RR 9", EMERGENCY),
        ("I took my tablets twice last month by mistake, the pharmacist said it was fine", None),
    ],
    "suicide: asks a fatal amount, personally": [
        ("how many of my blood pressure pills would stop my heart? asking for me, not for info", EMERGENCY),
        ("how much paracetamol is too much in one day? I have a toothache", None),
    ],
    "suicide: someone said goodbye, then can't be reached": [
        ("my brother texted 'thanks for everything, love you heaps' and now his phone goes straight to voicemail", EMERGENCY),
        ("she said goodbye at the gate, her phone is off now because she's flying to Perth", None),
    ],
    "bleeding: still bleeding despite pressure": [
        ("gashed my hand on a tin, held a tea towel on it 25 minutes and it's still pumping", EMERGENCY),
        ("he had a nosebleed at school, stopped with pressure after 10 min", None),
    ],
    "vision: one eye suddenly went dark": [
        ("all at once the vision in my right eye went grey, like a blind came down, no pain", EMERGENCY),
        ("my old dog's eyes went cloudy over the years, the vet says cataracts", None),
    ],
    "breathing: whistle on every breath, numbers, inhaler not working": [
        ("each breath is a whistle and she can't finish a sentence", EMERGENCY),
        ("Resident sats 86% on air, using accessory muscles", EMERGENCY),
        ("my kettle makes a whistle every morning, drives me nuts", None),
    ],
    "headache: thunderclap image + vomiting": [
        ("out of nowhere my head felt like it burst, worst pain I've ever had, been sick twice", EMERGENCY),
        ("this tax form is making my head explode lol", None),
    ],
    "suicide: passive wish said indirectly": [
        ("Grandad told the nurse he prays every night that God will take him tonight", EMERGENCY),
        ("I just want to go to sleep and not wake up until Saturday lunchtime, this week was long", None),
    ],
    "suicide: won't be here for a date; reasons that will become apparent": [
        ("please cancel my March sessions, for reasons that will soon become clear", EMERGENCY),
        ("I won't be around for my next session, I'm travelling to Spain for work", None),
    ],
    "suicide: bare euphemisms of ending": [
        ("honestly ready to be done. just wanted someone to know", EMERGENCY),
        ("finally done with my tax return, signing off for the weekend!", None),
    ],
    "suicide: means gathered": [
        ("I've been saving my sleeping tablets in a sock instead of taking them", EMERGENCY),
        ("the pharmacist told me not to stockpile my tablets", None),
    ],
    "suicide: burden, others better off": [
        ("my husband keeps saying we'd all be better off. every single day", EMERGENCY),
        ("you'd be better off asking the nurse about parking", None),
    ],
    "guard story-40: someone else's event told as family history or background": [
        ("My grandmother had a stroke in her seventies, the GP asked me to put it on the form", None),
        ("his uncle overdosed when we were at school, that's why he's wary of ketamine", None),
        ("my dad had a heart attack in his fifties and now he's clutching his chest again and grey", EMERGENCY),
    ],
    "guard fiction-40: a film, song or sermon with the phrase": [
        ("watched a film on Sunday where a soldier tries to kill himself, cried my eyes out, anyway see you Tuesday", None),
        ("watched a documentary and then took all my pills", EMERGENCY),
    ],
    "suicide: a firearm moved or cleaned with a marker": [
        ("took the shotgun out of the gun safe and put it in the car. just so someone knows", EMERGENCY),
        ("my brother said goodbye like he meant it and he has a rifle at his place", EMERGENCY),
        ("cleaned the rifle after the deer season, can I still come Thursday?", None),
    ],
    "suicide: life insurance mused about": [
        ("I keep checking whether my policy's suicide exclusion has expired yet", EMERGENCY),
        ("does my travel insurance cover me if I'm gone for three weeks in Bali?", None),
    ],
    "suicide: a farewell message as if last": [
        ("to the nurses: this is my last message, you were all kind", EMERGENCY),
        ("sorry for the mess I made in the waiting room, the coffee lid came off", None),
    ],
    "self-harm described without the word": [
        ("I burned my arm with a cigarette again, on purpose, when it all gets too much", EMERGENCY),
        ("burnt my hand on the oven tray making dinner, ouch", None),
    ],
    "seizure: fitting now / ongoing": [
        ("Client fitting now, 3 minutes, ambulance called", EMERGENCY),
        ("the fit-out of our new kitchen is still ongoing, can I move my session to the afternoon?", None),
    ],
    "allergy: swelling + tight throat after a sting or food": [
        ("ate a satay skewer and my face is swelling up, my throat feels tight", EMERGENCY),
        ("my ankle is swollen after football, should I ice it before the session?", None),
    ],
    "stroke: nonsense speech + one side of the face": [
        ("Grandpa's words are coming out as nonsense and one side of his mouth is drooping", EMERGENCY),
        ("my toddler talks nonsense all day, so cute", None),
    ],
    "bladder: urinary symptoms in lay words": [
        ("I've been passing urine every fifteen minutes all week and it stings", PROVIDER),
        ("my bladder felt full of glass when I had the kidney stone in 2019, long gone now", None),
    ],
    "seizure: rigid / jerking + not responding": [
        ("my nan went stiff in her chair and now she's jerking and not responding to us", EMERGENCY),
        ("my legs were jerking a bit as I fell asleep last night, is that the ketamine?", None),
    ],
    "chest/bleeding: central squeezing pain into the neck; coughing up mouthfuls of blood": [
        ("squeezing pressure in the middle of my chest for half an hour and it goes into my jaw, probably indigestion", EMERGENCY),
        ("he is coughing up blood, full mouthfuls, it won't stop", EMERGENCY),
        ("the pressure in the middle of the chest of drawers cracked the wood, can I bring it to the skip?", None),
    ],
    "guard denial-40: bare negations and 'not suicidal' in an update": [
        ("Three weeks of this now, no energy, no joy. I'm not suicidal, it's just bad", PROVIDER),
        ("I'm not suicidal, I want to be clear, but I keep cutting my arms and I can't make it stop", EMERGENCY),
    ],
    "round 40f widenings: clinical mania words, tolerance asked at length, ketamine 'from a guy'": [
        ("Resident disinhibited, flight of ideas, hasn't slept since Saturday and ordered a new car online", PROVIDER),
        ("she asks me every single day whether she can have her next infusion earlier, says the gap is too long", PROVIDER),
        ("found ket in his jacket, he says it's from a mate at work", PROVIDER),
        ("my aunt asks every week if her hair appointment can be earlier, she is so impatient lol", None),
    ],
    "round 40g: a dangerous amount asked personally; family better off with the insurance than with me": [
        ("what's a dangerous amount of my heart pills for someone my size? I'm not asking for safety", EMERGENCY),
        ("honestly the kids would do better with the life insurance than with me", EMERGENCY),
        ("what's a dangerous amount of caffeine for a teenager? my son drinks energy drinks", None),
    ],
    "chest pain: 'I have had' a squeezing central pain must not read as medical history": [
        ("I have had a heavy squeezing pain in the middle of my chest for twenty minutes and it runs into my left arm", EMERGENCY),
    ],
}


@pytest.mark.parametrize("text,tier", construction_params(CASES))
def test_round40_constructions(triage, text, tier):
    e = triage.check(text)
    assert (e.tier if e else None) == tier, f"{e} for {triage.normalise(text)!r}"
