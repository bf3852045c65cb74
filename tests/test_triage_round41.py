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
from conftest import construction_params

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
    "suicide: markers around a place, a date of death, calm after affairs, a goodbye post, an exit": [
        ("the viaduct has been on my mind every night lately", EMERGENCY),
        ("gave my camera to my brother and paid the rent ahead. weirdly calm now", EMERGENCY),
        ("what happens to my bookings if I die? asking because it might be soon", EMERGENCY),
        ("bought a rope this morning, and it's not for climbing", EMERGENCY),
        ("gave my old bike to my nephew, he was thrilled", None),
    ],
    "self-harm: a barcode on the thighs, scratches made with a compass or key": [
        ("my forearms look like a barcode again", EMERGENCY),
        ("I scratched the word 'useless' into my arm with a key", EMERGENCY),
        ("I scratched my car door with my key this morning, so annoying", None),
    ],
    "overdose: taken twice or six times by mistake + heavy, far away, vision going dark": [
        ("took my night tablets twice I think and now I feel very heavy and slow", EMERGENCY),
        ("accidentally did the spray like 5 times because I forgot, feel really weird", EMERGENCY),
        ("I've been getting more and more confused lately", PROVIDER),
    ],
    "body: breastbone pain, chest pain + grey and sweaty, seizures in the last hour, post-ictal, tongue massive, stridor": [
        ("crushing pressure behind my breastbone for ten minutes now", EMERGENCY),
        ("two seizures in the last hour, second one longer", EMERGENCY),
        ("my tongue feels huge and my voice is going hoarse", EMERGENCY),
        ("my dog is seizing? no, he's just dreaming, all good lol", None),
    ],
    "stroke: words come out wrong + a leg dragging or a cup dropped; a face fallen on one side": [
        ("his words came out all jumbled and now he's dragging his right leg", EMERGENCY),
        ("her mouth dropped on one side while we were eating", EMERGENCY),
        ("I got my words all jumbled in the meeting, so embarrassing", None),
    ],
    "unresponsive: can't get him to wake, out cold, GCS low, not answering and eyes closed": [
        ("can't get my husband to wake up after his lozenge", EMERGENCY),
        ("mum's out cold, not moving", EMERGENCY),
        ("couldn't get him to wake up for school again, typical teenager", None),
    ],
    "breathing: shallow and far apart, sats in the 80s, RR 6, breathless at rest": [
        ("his breaths are shallow and far apart since the dose", EMERGENCY),
        ("home monitor says sats 86 and she's breathless", EMERGENCY),
        ("my sats were 98 at the pharmacy, all fine", None),
    ],
    "bleeding: vomiting blood, a mouth filling for hours, a nosebleed over an hour, warfarin and soaking": [
        ("just vomited a lot of bright red blood", EMERGENCY),
        ("nosebleed going for over an hour and still dripping", EMERGENCY),
        ("my gums bleed a little when I floss, is that normal?", None),
    ],
    "headache and vision: worst ever, never one like this, half of everything dark, sight lost in one eye": [
        ("headache came on in a second, never had one like this", EMERGENCY),
        ("the left half of everything went dark a few minutes ago", EMERGENCY),
        ("years ago I lost vision in one eye for a minute with a migraine, it came back", None),
    ],
    "dependence: more than the label, lying about amounts, run out early, a second prescriber, borrowed doses": [
        ("I've been using the spray more often than the sheet says", PROVIDER),
        ("I hide from my partner how many troches I've had", PROVIDER),
        ("my brother is buying street ketamine to top up between sessions", PROVIDER),
        ("can you get addicted to the lozenges? asking before I start", None),
    ],
    "mania: too little sleep + grand plans or spending; grandiosity + spending": [
        ("slept 2 hours in three nights and I've signed up to start my own airline", PROVIDER),
        ("feel unstoppable, maxed out two credit cards this week", PROVIDER),
        ("up all night with the baby again, so tired", None),
    ],
    "dissociation: unreality or hallucinations + days since the session": [
        ("everything still looks fake, like a video game, and it's day five after the spray", PROVIDER),
        ("not sure if I'm awake or dreaming a few times a day since Tuesday's session", PROVIDER),
        ("felt a bit spaced out for the rest of the day after my infusion, is that normal?", None),
    ],
    "bladder: blood or stinging when peeing; the loo every few minutes, up at night to pee, new leaking": [
        ("there's blood in my wee again this morning", PROVIDER),
        ("is it normal to be running to the loo every 20 minutes? been a fortnight", PROVIDER),
        ("up 7 times a night to pee since my third session", PROVIDER),
        ("can ketamine cause blood in the urine? it's for a school project", None),
        ("my toddler wakes up 5 times a night, can I bring her to my appointment?", None),
    ],
    "vomiting: barfing, can't keep water down + since yesterday, 30 hours, day 3": [
        ("been chundering since Monday's session, it's Wednesday now", PROVIDER),
        ("can't keep even water down, 30 hours now", PROVIDER),
        ("threw up once on the way home, fine now, is that normal?", None),
    ],
    "depression: flat, numb, hopeless, in bed + days or weeks, since the booster": [
        ("so flat and hopeless, it's been like this for three weeks", PROVIDER),
        ("haven't left the flat in nine days, just can't face anything", PROVIDER),
        ("I'm down 2 stone since the summer, feeling great", None),
        ("I'm not sad constantly any more, the treatment works", None),
    ],
    "memory: forgetting, losing the thread, walking into rooms + weeks, since the spring, getting worse": [
        ("keep walking into rooms with no idea why, dozens of times a day", PROVIDER),
        ("mum asks me the same question over and over, it's been like this since the spring", PROVIDER),
        ("I forgot what time my session is, can you remind me?", None),
    ],
    "guard enquiry-41: a prospective patient asking, not a patient worsening": [
        ("I've been feeling low for a few months and would like to know more about ketamine", None),
        ("I've been feeling really low for a few months since starting the infusions", PROVIDER),
    ],
    "guard past-story-after (PAST_NOT_OVER): 'before the treatment never' is a new symptom": [
        ("I wake up 6 times in the night to pee, before the treatment never", PROVIDER),
        ("I had kidney stones years ago, no problems since", None),
    ],
    "overdose: a dose mixed with alcohol or sedatives + very sleepy, grey; a whole bottle + strange; a child who swallowed lozenges": [
        ("had my lozenge then a bottle of wine and now I'm so sleepy I can't stand", EMERGENCY),
        ("finished the whole box of troches this afternoon, feel very strange", EMERGENCY),
        ("my 3 year old swallowed some of my lozenges, she's very drowsy", EMERGENCY),
        ("I ate the whole packet of biscuits, no regrets", None),
        ("I did the spray 10 minutes ago and my nose is running, did I waste it?", None),
    ],
    "self-harm: cutting said plainly, burning, biting till it bleeds, fresh marks, hiding fresh arms": [
        ("i cut. deep", EMERGENCY),
        ("pressed a hot pan to my arm after the row", EMERGENCY),
        ("can I wear long sleeves so the nurse doesn't see my arms? they're fresh", EMERGENCY),
        ("scratching my skin raw at night because of the eczema, any cream you recommend?", None),
    ],
    "mania: big decisions piled into days; too little sleep + feeling certain or reckless": [
        ("quit my job, bought a van and booked a flight to Peru, all this week", PROVIDER),
        ("awake 48 hours and my mind won't stop, it's brilliant", PROVIDER),
        ("booked the flights and the hotel, all in one day, so organised", None),
    ],
    "dependence: extra doses on top of the prescription, 'no extra spray' then doing it anyway": [
        ("I've been taking extra lozenges on top of my prescription most days", PROVIDER),
        ("every evening I tell myself no more spray and I use it anyway", PROVIDER),
        ("I take my lozenges exactly as prescribed, on Mondays", None),
    ],
    "guard as-prescribed: street ketamine 'in addition to' prescribed sessions is not as prescribed": [
        ("he's using street ketamine at weekends in addition to his prescribed sessions", PROVIDER),
        ("I use the spray as prescribed, twice a week", None),
    ],
    # look-alikes written after the rules, to probe them (each shares a cue with a -41 rule)
    "look-alikes probing the -41 rules": [
        ("can you cancel my appointment on Friday, I won't be needing it as I'm feeling so much better", None),
        ("I counted my tablets and there are enough for the holiday", None),
        ("spent 500 on the new sofa and haven't slept properly since, it's so uncomfortable", None),
        ("the lift is completely gone in our building, we take the stairs for weeks now", None),
        ("my nose was bleeding a bit, stopped after 5 minutes", None),
        ("please cancel all my future bookings, I won't be needing them", EMERGENCY),
        ("I'll be dead by Friday if this workload keeps up haha", None),
        ("threw up twice after dinner, food poisoning probably, since yesterday evening, feeling better", None),
        ("I ran out of my vitamins early this month", None),
        ("I hope the session doesn't end too early, I like the music", None),
        ("it'd be easier for everyone if I didn't wake up so early, I disturb the whole house", None),
        ("we've got an exit planned from the lease in March", None),
        ("my son gets my car if anything happens, it's all in my will, I'm doing estate planning", None),
        ("my legs look like a barcode from the tan lines", None),
        ("pressure behind my breastbone when I eat too fast, goes quickly", None),
        ("half of the screen went dark on my phone", None),
        ("I leak a bit when I laugh since having my baby", None),
        ("don't be sad when I'm gone on my trip", None),
        ("the view from the cliff top is so tempting to photograph", None),
        ("gave my sister my bike and my guitar today. she thinks I'm moving abroad", EMERGENCY),
        ("haven't left the house in 3 days because of the snow", None),
        ("my grandad keeled over laughing at the joke", None),
        ("desaturating on the treadmill to 91 is normal for me", None),
        ("how long does it take to bleed out a radiator?", None),
        ("my PHQ-9 was 18 last month and now it's 6, amazing", None),
        ("PHQ-9 22 today, it was 12 last month", PROVIDER),
    ],
    "holdout12 leftovers: a wish masked by laughter, 'if I don't wake up tell my friends', chest pain + grey despite 'lol', seizures in the last hour despite epilepsy": [
        ("haha imagine if I just never woke up from the session", EMERGENCY),
        ("if I don't wake up tomorrow can somebody tell my brother", EMERGENCY),
        ("chest pain lol, not the heartbreak kind. crushing. and I'm sweaty and grey", EMERGENCY),
        ("I'm epileptic and I've had 3 seizures in the past hour", EMERGENCY),
        ("if I don't wake up in time for my appointment can you text me?", None),
        ("I'm epileptic, well controlled, no seizures for years; any issue with ketamine?", None),
    ],
    # guards loosened next to the old rules: the red flags they used to veto
    "guard fiction: a 'funny story' is an anecdote, not a film": [
        ("funny story, I bought a noose today", EMERGENCY),
        ("the story ends with the hero buying a rope to climb the tower", None),
    ],
    "guard do-it-object: 'after the session' is a time, not the thing done": [
        ("been thinking of walking into the river after the session on Friday", EMERGENCY),
        ("I'm going to do it tonight, the journaling exercise", None),
    ],
    "guard session-normal and history: 'worst I've ever had' is not the usual session headache": [
        ("sudden headache after the infusion, the worst I've ever had, nothing like my migraines", EMERGENCY),
        ("mild headache after the session, it went after a nap", None),
    ],
    "guard laughing: 'no, actually' and 'how many of my' lift the joke": [
        ("lol cant breathe... no actually cant breathe, chest is locking", EMERGENCY),
        ("I can't breathe I'm laughing so hard at this video", None),
    ],
    "guard weather-idiom: a heatwave that is 'suffocating' out here": [
        ("this heat wave is suffocating, will the clinic have fans?", None),
        ("I'm suffocating, my throat is closing", EMERGENCY),
    ],
    "guard overdose-idiom and named-thing: 'an overdose of meetings', a band called The Overdoses": [
        ("today was an overdose of emails and admin", None),
        ("my cousin's band is called The Overdose Club", None),
        ("I think I took an overdose of my sleeping tablets", EMERGENCY),
    ],
    "guard scene-41: a film's overdose scene": [
        ("that overdose scene in the series was hard to watch", None),
        ("I took an overdose an hour ago", EMERGENCY),
    ],
    "guard past-story-after: 'the winter before' is background": [
        ("he was in hospital after an overdose the winter before, and now he's thriving", None),
        ("she took an overdose this evening and won't wake", EMERGENCY),
    ],
    "guard panic-passed-41: a panic attack that passed": [
        ("had a panic attack on the bus and couldn't breathe, but it passed after a few minutes", None),
        ("panic attack right now, I can't breathe and it's not passing", EMERGENCY),
    ],
    "guard harm-topic-41: self-harm asked about as a topic": [
        ("is self-harm more common in people with PTSD?", None),
        ("how do I clean fresh self-harm cuts without going to A&E", EMERGENCY),
        ("is it bad that I self-harm after sessions?", EMERGENCY),
    ],
    "guard seizure-noun-41 / seizure-seized-41: the word, not a fit": [
        ("the police seizure of his car is still going through court", None),
        ("repeat please: my seizure medication, the usual pharmacy", None),
        ("she's having a seizure right now on the kitchen floor", EMERGENCY),
    ],
    "suicide: goodbyes said as instructions, a tempting place, urges to crash, a goodbye video then missing": [
        ("don't cry when I'm gone, ok", EMERGENCY),
        ("the multi storey roof is looking really tempting after every session", EMERGENCY),
        ("my daughter posted a goodbye video and now we can't find her", EMERGENCY),
        ("I keep wanting to swerve the car into the barrier on the way home", EMERGENCY),
        ("the cake at the cafe looks so tempting, is it ok to eat before the infusion?", None),
    ],
    "guard benign-reason-41: a cancelled booking with an ordinary reason": [
        ("please cancel my remaining sessions, I've moved to a new clinic closer to home, thanks for everything", None),
        ("please cancel my remaining sessions, thanks for trying, I won't be needing them", EMERGENCY),
    ],
    "guard gaming: a console given away, or 'not talking about the game', is no game talk": [
        ("gave my ps5 and my guitar to my cousin, won't be needing them", EMERGENCY),
        ("respawned after I died in the final level, so close!", None),
    ],
    "guard continues-activity: 'sleep and not wake up forever' is no activity": [
        ("I want to go to sleep and not wake up forever", EMERGENCY),
        ("I don't want to be here forever, can I leave early after my session?", None),
    ],
    "guard not-living-idiom: 'end it after the exams' times a plan": [
        ("she said she's going to end it after her exams", EMERGENCY),
        ("i can't take it anymore, these exams", None),
    ],
}

@pytest.mark.parametrize("text,expected", construction_params(CASES))
def test_round41_construction(triage, text, expected):
    got = triage.check(text)
    assert (got.tier if got else None) == expected, (text, got)
