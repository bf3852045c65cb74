"""Red-flag lexicon round 42: constructions that colleagues who never saw the detector wrote into
tests/data/triage_train/x_voices.jsonl and y_contrast.jsonl and that rules + model missed (or fired
on), written as GENERAL cue combinations (ids ending in ``-42`` in bot/data/redflags.yaml, plus
widened round-40 macros and narrowed guards).

Why these tables exist: a widened macro or a new rule is only safe next to a look-alike that shares
its words and must stay quiet (a sleep question that says "not wake up", a colleague who is "better
without me" on the rota, a dress fitting), and a narrowed guard is only right when the red flag it
used to veto now fires ("worse than before treatment" is a comparison, not a story of the past;
"seizing on the floor" is not "seize on an idea").  Every message is in our own words, not the
training lines, and is checked through ``Triage().check`` (rules and model) like
tests/test_triage.py.
"""
from __future__ import annotations

import pytest

from bot.triage import EMERGENCY, PROVIDER
from conftest import construction_params

CASES: dict[str, list[tuple[str, str | None]]] = {
    "suicide: 'better without me', fewer problems for others after a date": [
        ("honestly my kids are better without me", EMERGENCY),
        ("they would all have less stress and more money w/o me around", EMERGENCY),
        ("from next week I'll no longer be a burden to anyone", EMERGENCY),
        ("the quiz team is better without me on the music round lol", None),
    ],
    "suicide: the amount that would stop one waking up, asked as a goal": [
        ("how many of my sleeping tablets would it take to never wake up", EMERGENCY),
        ("what quantity of morphine would be sufficient so that one does not wake?", EMERGENCY),
        ("how much melatonin do I need to not wake up at 3am every night?", None),
    ],
    "suicide in Spanish, French, Polish, Tagalog (code-switching)": [
        ("mi abuela dice que está cansada de vivir, she said it twice today", EMERGENCY),
        ("il m'a dit qu'il en a marre de vivre and he went quiet", EMERGENCY),
        ("jestem zmęczona życiem, every day the same", EMERGENCY),
        ("she says she is tired of living in a flat without a garden", None),
    ],
    "other-language physical emergencies: not waking, bleeding, overdose, self-harm": [
        ("mi hermano no despierta, I'm shaking him", EMERGENCY),
        ("le genou saigne sans arrêt depuis une demi-heure", EMERGENCY),
        ("mi prima se tomó un montón de pastillas de su mamá", EMERGENCY),
        ("la clínica no responde mis mensajes, can someone call me back?", None),
    ],
    "seizure: a person, then fitting/seizing/convulsing in the present": [
        ("grandad fitting on the kitchen floor, 2 minutes now", EMERGENCY),
        ("my roommate's seizing on the couch and won't stop", EMERGENCY),
        ("she's fitting the new blinds in the lounge this afternoon", None),
    ],
    "dependence: ketamine from the internet, abroad, a neighbour; someone else's script; next week's pack": [
        ("I found out my brother orders ketamine from an overseas website", PROVIDER),
        ("she's been asking the neighbours if they could get her some ketamine", PROVIDER),
        ("he's been pinching lozenges from his wife's prescription", PROVIDER),
        ("I took two troches out of next week's pack because this week's felt too weak", PROVIDER),
        ("can I order my prescribed spray online through your clinic portal?", None),
    ],
    "mania: up 72 hours / not slept in days + spending, in English, Spanish, French": [
        ("he's been up 72 hours straight and spent his savings on crypto", PROVIDER),
        ("mi papá no ha dormido en cuatro noches y gastó 5000 en un barco", PROVIDER),
        ("we were up 72 hours driving to the coast, worth it for the sunrise", None),
    ],
    "guard: 'worse than before treatment' is a comparison, not a story of the past": [
        ("my mood has been low for three weeks, worse than before ketamine", PROVIDER),
        ("I used to be so low before treatment, it's much better now", None),
    ],
    "guards: snoring with no answer, seizing on the floor, a patient shouting for the nurse": [
        ("found my uncle on the floor snoring and I can't rouse him", EMERGENCY),
        ("the man in the next bed is jerking all over and his eyes rolled back, I'm calling for the nurse", EMERGENCY),
        ("my husband snores so loudly at night, is that from the session?", None),
    ],
    "dissociation: unreality, voices or figures at night + a week or more after the session": [
        ("since my last session I don't feel real, it's been three weeks now", PROVIDER),
        ("he keeps seeing his late brother at the end of the bed every night, his infusion was 10 days ago", PROVIDER),
        ("nothin feels real still, a week after the sesh, like im in a dream", PROVIDER),
        ("I keep seeing my late brother in my dreams every night since the funeral a week ago", None),
    ],
    "suicide: a belonging handed on + 'I won't need these' (also Spanish)": [
        ("Grandpa gave the carer his medals yesterday and told her he won't need those", EMERGENCY),
        ("mi tía regaló su rosario a la vecina y dijo que ya no lo voy a necesitar", EMERGENCY),
        ("I gave my old bike to my niece, I won't need it now that I've upgraded to an e-bike", None),
    ],
    "suicide: going off somewhere and not coming back": [
        ("tell mum I'm driving out to the coast tonight and I'm not coming back", EMERGENCY),
        ("we're moving to Lisbon in June and not coming back, can you transfer my records?", None),
    ],
    "unresponsive: can't get them to wake / can't rouse them": [
        ("I can't get my son to wake up properly, he only groans", EMERGENCY),
        ("I can't get her to wake up for school since the holidays, any tips?", None),
    ],
    "bleeding: arterial spurting; 'bled' despite pressure": [
        ("blood spurting from his wrist where the glass went in", EMERGENCY),
        ("my leg has bled through the bandage for an hour despite pressure", EMERGENCY),
        ("the nurse said my arterial line site looked clean today", None),
    ],
    "bladder: burning with peeing in a long letter; five or six times a night; French and Spanish": [
        ("also, for the doctor: peeing has been painful for a fortnight, a burning sensation every time", PROVIDER),
        ("I get up four or five times a night to pee now", PROVIDER),
        ("ma mère dit que ça brûle quand elle urine depuis dix jours", PROVIDER),
        ("can ketamine cause burning when peeing? asking before my first session", None),
    ],
    "memory / vomiting / headache: widened duration and symptom words": [
        ("he's been losing words and names at work for a couple of months", PROVIDER),
        ("she throws up after every meal since Saturday", PROVIDER),
        ("sudden headache at the back of my head, worst in my life, I've been sick twice", EMERGENCY),
    ],
    "guards: ordinary reasons to be away; a donation of old clothes": [
        ("won't be around next Thursday, off to my cousin's wedding, can we move it?", None),
        ("giving away my old clothes to the charity shop this weekend", None),
        ("I won't be around much longer. goodbye to everyone at the clinic", EMERGENCY),
        ("my bags are packed but not for a trip, I've said my goodbyes and I'm heading to the cliffs", EMERGENCY),
    ],
    "guard: 'worse than before treatment' / dependence 'to supplement my prescription'": [
        ("I've bought ketamine online to supplement my prescribed troches", PROVIDER),
        ("I take my troches as prescribed, is that right?", None),
    ],
    "overdose: doses taken again + sedation (thick speech, can't feel limbs, woozy)": [
        ("I had my troche, then forgot and took two more, now my speech is thick and I can't feel my feet", EMERGENCY),
        ("not sure if I took my evening pills twice today, I'm so dizzy and woozy", EMERGENCY),
        ("I took two more steps and felt dizzy, is that normal after the session?", None),
    ],
    "suicide: tablets saved up + 'enough now'": [
        ("I've been putting aside my sleeping tablets for weeks, I have enough now", EMERGENCY),
        ("the pills I've hidden in the drawer should be enough", EMERGENCY),
        ("I've been saving my travel sickness tablets, I have enough for the whole cruise", None),
    ],
    "suicide: a farewell, then hung up / not answering; 'nice knowing you'": [
        ("my brother rang, said 'love you, sorry' and hung up, now his phone is off", EMERGENCY),
        ("posted on my story that it was nice knowing everyone", EMERGENCY),
        ("Mum rang to say goodbye before her flight and hung up because of boarding", None),
    ],
    "suicide: what's the point of X if I won't be around; no wish to wake any longer; a rope over a beam": [
        ("no point booking the follow-up if I won't be around for it", EMERGENCY),
        ("I have no real wish to wake up anymore", EMERGENCY),
        ("tied a rope over the beam in the garage last night", EMERGENCY),
        ("we hung a rope over the beam in the barn for the kids' tyre swing", None),
    ],
    "self-harm / bleeding: found cutting; blood through several dressings; tourniquet not holding": [
        ("walked in on my daughter cutting in her room", EMERGENCY),
        ("blood through four dressings now and the tourniquet isn't holding", EMERGENCY),
        ("found my son cutting the grass without shoes again", None),
    ],
    "depression: a screening score that rose; 'more sad than before'": [
        ("her PHQ-9 went up from 9 to 19 since the last visit", PROVIDER),
        ("what does a PHQ-9 score of 14 mean?", None),
    ],
    "guards: a chore complaint; peace with a bereavement; a sick child and a missed dose; a letter to the nurse": [
        ("my son says he's done with life every time he has to take the bins out", None),
        ("my mother died last spring and I have made my peace with it", None),
        ("my little one was sick all night so I missed my troche, do I just carry on?", None),
        ("Dear nurse, I have stopped taking my insulin on purpose and will not start again", EMERGENCY),
        ("I'm done with life. every time I have to get up it's worse", EMERGENCY),
    ],
    "suicide, plain: 'just end it', dead by a date, 'what's the point anymore', no reason to stick around": [
        ("tbh I'll probably just end it tonight", EMERGENCY),
        ("I'm going to be dead before Christmas, I can feel it", EMERGENCY),
        ("what's the point of living", EMERGENCY),
        ("I'm going to just end it with my boyfriend, he's awful", None),
        ("what's the point of the pre-session fasting?", None),
    ],
    "vision / sats / stroke words no longer vetoed as 'can't see the app'": [
        ("all at once I lost the sight in my left eye", EMERGENCY),
        ("sats on his finger monitor reading 86 now", EMERGENCY),
        ("I think dad is having a stroke, his mouth drooped on one side", EMERGENCY),
        ("I can't see the appointment in the app", None),
    ],
    "dependence: can't get through a day without one; for fun; finished early; a second script": [
        ("can't get through a weekend without a troche anymore", PROVIDER),
        ("been using the spray at parties with mates", PROVIDER),
        ("she finished her lozenges early again this month", PROVIDER),
        ("my son got another prescription from a second clinic without telling you", PROVIDER),
        ("can't get through a Monday without coffee, is that ok before my session?", None),
    ],
    "depression, plain: mood off a cliff, lower than all year, no joy in anything, crying every day": [
        ("since the break my mood has gone off a cliff", PROVIDER),
        ("no joy in anything anymore", PROVIDER),
        ("she's crying every day and won't leave her room", PROVIDER),
        ("the baby cries every night with her teeth coming through", None),
    ],
    "bladder: blood in the wee, wee came out red, 'when I make urine'": [
        ("there's blood in my wee again", PROVIDER),
        ("it hurts low in my belly when I make urine, two weeks now", PROVIDER),
        ("my wee came out bright orange after those vitamins, is that normal?", None),
    ],
    "memory: recalling, train of thought, weeks into treatment": [
        ("increasing difficulty recalling names since early October", PROVIDER),
        ("I keep losing my train of thought, it's been daily for a while now", PROVIDER),
        ("I lost my train of thought during the quiz last night haha", None),
    ],
    "guards: cuts on the arms are not an accident 'on my ...'; cut myself on a nail still is": [
        ("found fresh cuts on her arms this evening", EMERGENCY),
        ("cut myself on a rusty nail in the shed, do I need a tetanus jab?", None),
    ],
    "suicide: a method asked for; a dose of my own drug that would stop my heart; a gun taken out again and again": [
        ("what's the least painful way to die", EMERGENCY),
        ("what dose of my propranolol would stop my heart", EMERGENCY),
        ("there's a rifle in the shed and I keep getting it out", EMERGENCY),
        ("what's the quickest way to the clinic from the station?", None),
    ],
    "self-harm described: hot iron, razor to the hip, words scratched into skin, old scars opened": [
        ("held a lighter against my wrist till it blistered", EMERGENCY),
        ("she's scratched words into her arm with a pin", EMERGENCY),
        ("burned my hand on the iron while ironing a shirt, ouch", None),
    ],
    "overdose: a whole supply / a count / an unknown quantity consumed": [
        ("my dad swallowed the entire box of his sleeping pills", EMERGENCY),
        ("she has eaten 20 of the ibuprofen", EMERGENCY),
        ("drank the whole bottle of water before my infusion, is that ok?", None),
    ],
    "unresponsive: out cold; keeled over and not waking": [
        ("my brother is out cold on the bathroom floor", EMERGENCY),
        ("the kids were out cold by eight after the beach", None),
    ],
    "headache: 'the worst I've ever had' is neither history nor session-day ache": [
        ("sudden crushing headache after the session, the worst I've ever had", EMERGENCY),
        ("I've had a mild headache after every session, is that normal?", None),
    ],
    "dependence: ahead on the supply, chasing the high, lying about use, withdrawal, two clinics": [
        ("I'm three weeks ahead on my troches, they ran out early", PROVIDER),
        ("honestly I'm chasing the high now more than anything", PROVIDER),
        ("I get sweaty and restless when I go without", PROVIDER),
        ("still chasing it up with the pharmacy, the script hasn't arrived", None),
    ],
    "bladder: always in the loo, can't be far from a toilet, new leaking, repeated UTIs": [
        ("I can't be far from a toilet anymore, it's ruining work", PROVIDER),
        ("started leaking before I reach the bathroom, never happened before the troches", PROVIDER),
        ("my toddler is always in the loo playing with the taps", None),
        ("the cat keeps getting water infections, third one this year says the vet", None),
    ],
    "psychosis after treatment: thoughts read, messages through the TV, walls breathing": [
        ("he says the neighbours are sending him signals through the TV", PROVIDER),
        ("he is convinced someone is reading his thoughts", PROVIDER),
        ("during the session the walls were breathing, is that normal?", None),
    ],
    "depression / mania / vomiting: widened cue words": [
        ("the crash after each infusion now lasts the whole week", PROVIDER),
        ("who needs sleep, I've got so much energy I'm starting two companies", PROVIDER),
        ("still spewing, day 3 now", PROVIDER),
        ("I've got so much energy since the session, went for a long run", None),
    ],
    "suicide, short and plain: end it, want it over, gone by then, talking about ending it": [
        ("end it", EMERGENCY),
        ("don't book me for March, I'll be gone by then", EMERGENCY),
        ("my sister keeps talking about ending it", EMERGENCY),
        ("bye. love you", EMERGENCY),
        ("I'll be gone by Friday, off to a conference, can we move my slot?", None),
        ("I just want it over with, the dentist is at 3", None),
    ],
    "overdose: a small child and lozenges; 'did way too much'": [
        ("my 2 year old chewed some of my troches, she's very floppy", EMERGENCY),
        ("did way too much ket tonight", EMERGENCY),
        ("what if my 4 year old swallowed a lozenge, how should I store them?", None),
    ],
    "allergy / GI bleed / self-harm on purpose / bleeding that soaks": [
        ("my lips are ballooning after the infusion", EMERGENCY),
        ("vomiting what looks like coffee grounds", EMERGENCY),
        ("burned my arm on purpose with the hair straighteners", EMERGENCY),
        ("my eyes puffed up from crying at the film last night", None),
    ],
    "farewell + 'look after my dog'; a non-native 'he not wake up'; convulsing in the chair": [
        ("He said goodbye son, look after my dog for me, then the line went quiet", EMERGENCY),
        ("my wife not wake up, I shake her", EMERGENCY),
        ("grandma's convulsing in her chair and the nurse isn't here", EMERGENCY),
        ("my son does not wake up until noon on weekends, is that the treatment?", None),
    ],
    "guards: an overdose of meetings, a customs seizure, bowel prep and the loo": [
        ("honestly an overdose of admin this week, can we move Friday?", None),
        ("police seizure of my car means I can't drive in, any buses?", None),
        ("the colonoscopy bowel prep has me dashing to the loo every 15 minutes", None),
        ("I think I took an overdose of my sleeping pills", EMERGENCY),
        ("he's had a seizure on the kitchen floor", EMERGENCY),
        ("peeing every 15 minutes and it burns, the bowel prep was last week", PROVIDER),
    ],
    "look-alikes next to the round-42 plain rules: nerves before a session, a game, a journal, flu": [
        ("I am so nervous about my first infusion, I just want it over", None),
        ("going for the high score tonight", None),
        ("I like reading my thoughts back in my journal", None),
        ("I was back in bed all day with flu", None),
        ("I just want it all to be over", EMERGENCY),
    ],
    "guards: a thing that is low (a battery), a thing that should disappear (a rash)": [
        ("my phone battery is low all the time, so call me on the landline", None),
        ("I want this rash to disappear forever", None),
        ("I've been low all the time for weeks", PROVIDER),
        ("I want to disappear forever", EMERGENCY),
    ],
}


@pytest.mark.parametrize("text,tier", construction_params(CASES))
def test_round42_constructions(triage, text, tier):
    e = triage.check(text)
    assert (e.tier if e else None) == tier, f"{e} for {triage.normalise(text)!r}"
