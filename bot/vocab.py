"""Built-in vocabulary: groups of words and phrases patients use for the same thing.

A clinic's ``synonyms:`` block in faq.yaml adds groups to these (it never removes any).
A match through a synonym counts a little less than the word itself (see ``SYNONYM_CREDIT`` in
bot.matching), so an entry that uses the patient's own word still wins a close call.
Groups are about *meaning to a patient*, not dictionary synonymy: "forget" sits with "remember"
because both ask about memory.  Keep them general: these groups serve every clinic's FAQ, not one.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from . import text as tx

DOMAIN_SYNONYMS: tuple[tuple[str, ...], ...] = (
    # the treatment itself
    ("session", "infusion", "treatment", "appointment", "visit", "dosing", "dose session",
     "dosing session", "sitting", "round", "rounds"),
    ("dose", "dosage", "amount", "how much ketamine", "mg", "milligrams"),
    ("ketamine", "k", "ket", "special k", "esketamine", "spravato", "the medicine"),
    ("iv", "intravenous", "drip", "through a vein", "in my arm"),
    ("nasal", "intranasal", "nose", "nasal spray", "spray"),
    ("sublingual", "under the tongue", "lozenge", "troche", "rdt", "dissolving tablet"),
    ("oral", "by mouth", "swallow", "swallowed"),
    ("route", "method", "way it is given", "form", "administration", "administered", "delivered"),
    ("repeat", "repeated", "multiple", "several", "series", "course", "more sessions",
     "each session", "every session", "later sessions", "next session"),
    # memory and the mind
    ("remember", "recall", "memory", "forget", "recollection", "remembering", "recalling",
     "blank", "blanked", "blackout", "black out", "memory loss", "amnesia", "forgetful",
     "lose", "lost", "gaps", "no idea what", "sticks in my head", "making memories",
     "form memories", "retain"),
    ("why", "reason", "how come", "what causes", "cause", "causes", "causing",
     "whats going on", "why does that happen", "explain"),
    ("nothing", "zero", "none of it", "not a thing", "little"),
    ("best", "better", "ideal", "prefer", "preferable", "preferred", "recommended"),
    ("fog", "foggy", "hazy", "haze", "brain fog", "fuzzy", "groggy", "cloudy", "muddled",
     "spacey", "spacy", "out of it", "blur", "blurry", "clear", "clearer", "sharp"),
    ("fragment", "fragments", "bits", "pieces", "patchy", "snippets", "glimpses", "spotty",
     "bits and pieces", "flashes", "partial"),
    ("permanent", "permanently", "lasting", "forever", "irreversible", "for good", "long term",
     "long lasting", "never come back", "never go away", "stay like this", "rest of my life",
     "years from now", "years later", "lifelong"),
    ("brain", "mind", "cognitive", "cognition", "thinking", "mental"),
    ("emotion", "emotional", "emotions", "feelings"),  # "feelings": see text.IRREGULAR
    ("dissociate", "dissociation", "dissociative", "detached", "out of body", "floaty",
     "unreal", "disconnected", "k hole", "khole"),
    ("hallucinate", "hallucination", "hallucinations", "visions", "visuals", "seeing things",
     "see things", "trip", "tripping", "trippy", "psychedelic", "dream", "dreamlike", "dreamy"),
    ("conscious", "awake", "aware", "knocked out", "unconscious", "asleep", "put under",
     "put to sleep", "go under", "going under", "totally out", "out cold", "pass out"),
    ("anesthesia", "anesthetic", "general anesthesia", "sedation", "sedated", "surgery",
     "operation", "put under", "put to sleep", "go under", "er", "emergency room", "hospital"),
    ("trauma", "traumatic", "ptsd", "abuse", "bad memories", "painful memories",
     "flashbacks"),
    ("depression", "depressed", "depressive", "low mood", "mood"),
    ("anxious", "anxiety", "nervous", "scared", "afraid", "fear", "worried", "worry",
     "panic", "panicky", "on edge", "stressed"),
    ("journal", "journaling", "diary", "write down", "writing", "notes", "voice note",
     "voice memo", "record"),
    ("therapist", "therapy", "counselor", "counsellor", "counseling", "counselling",
     "psychotherapy", "talk therapy"),
    ("integration", "integrate", "integrating", "process", "processing", "make sense"),
    ("intention", "intentions", "intent", "goal", "goals", "set an intention", "in mind",
     "focus on", "purpose"),
    ("improve", "improvement", "boost", "enhance", "tips", "ways to", "strategies"),
    ("retain", "hold on to", "hang on to", "keep hold of", "capture", "preserve", "save",
     "keep more", "sticks", "stick", "write down", "writing down"),
    ("tips", "advice", "suggestions", "recommendations", "dos and donts", "recommend",
     "anything i should do"),
    ("work", "works", "working", "effective", "effectiveness", "benefit", "benefits", "help",
     "helps", "pointless", "wasted", "no effect", "useless",
     "point", "fix"),
    ("mechanism", "science", "how does it work", "what does it do", "bdnf", "glutamate", "nmda",
     "synapses", "neuroplasticity", "neurons", "receptors", "brain chemistry"),
    ("results", "feel better", "notice a difference", "feel any different", "feel nothing",
     "improvement", "how many sessions", "how many treatments", "how many infusions",
     "effects last", "kick in", "kicks in", "start working", "start to work", "take effect",
     "takes effect"),
    ("wear off", "wears off", "go away", "goes away", "clear up", "clears up", "fade", "fades",
     "subside", "pass"),
    ("cure", "fix", "heal", "solve"),
    # safety
    ("safe", "safety", "dangerous", "danger", "risk", "risky", "harmful", "harm", "damage",
     "damaging", "bad for", "hurt", "toxic", "wreck", "wrecks", "ruin", "ruins", "destroy",
     "fry", "mess up", "messes up", "screw up"),
    ("side effect", "side effects", "adverse", "reaction", "reactions", "dizzy", "dizziness",
     "blood pressure", "heart rate", "heart race", "racing heart", "heart racing",
     "palpitations", "nausea", "headache", "sweating", "shaky"),
    ("warning signs", "red flags", "watch for", "watch out for", "look out for",
     "danger signs", "serious enough", "serious", "when to call", "report", "something is wrong",
     "something wrong", "not right"),
    ("scary", "frightening", "frightened", "terrifying", "terrified", "horrible", "awful",
     "disturbing", "upsetting", "upset", "freak out", "freaking out", "freaked out",
     "bad trip", "too much", "overwhelming", "overwhelmed", "shaken", "panic", "nightmare",
     "dark place"),
    ("come up", "came up", "bring up", "brought up", "surface", "resurface", "relive",
     "reliving", "flashbacks"),
    ("pee", "urinate", "urine", "urination", "bladder", "wee", "peeing", "urinary", "cystitis"),
    ("addictive", "addiction", "addicted", "dependence", "dependent", "hooked",
     "habit forming", "craving", "cravings", "abuse potential", "needing", "relapse",
     "in recovery", "recovery", "set me off", "sober", "sobriety", "drug problem"),
    ("recreational", "party", "party drug", "street", "illicit", "illegal", "abuse", "misuse",
     "rave", "raves", "club", "clubbing", "festival", "getting high", "high"),
    ("drive", "driving", "car", "behind the wheel", "vehicle", "uber", "taxi", "ride home",
     "lift home", "pick me up", "get home", "take myself home", "bike", "cycle"),
    ("alcohol", "drink", "drinking", "booze", "wine", "beer", "beers", "liquor",
     "glass of wine", "drunk", "champagne", "prosecco", "cocktail", "cocktails", "vodka",
     "whiskey", "drinks"),
    ("medication", "medications", "medicine", "medicines", "meds", "pill", "pills",
     "prescription", "prescriptions", "drug", "drugs", "antidepressant", "antidepressants",
     "ssri", "ssris", "snri", "benzo", "benzos", "benzodiazepine", "benzodiazepines",
     "xanax", "alprazolam", "klonopin", "clonazepam", "ativan", "lorazepam", "valium",
     "diazepam", "lamictal", "lamotrigine", "wellbutrin", "bupropion", "zoloft", "sertraline",
     "prozac", "fluoxetine", "lexapro", "escitalopram", "celexa", "citalopram", "paxil",
     "effexor", "venlafaxine", "cymbalta", "duloxetine", "lithium", "adderall", "ritalin",
     "stimulant", "stimulants", "maoi", "naltrexone", "gabapentin", "trazodone", "ambien",
     "seroquel", "quetiapine", "abilify", "sleeping pills", "blood pressure pills", "interact",
     "interaction", "interfere"),
    ("provider", "doctor", "physician", "clinician", "psychiatrist", "nurse", "prescriber",
     "care team", "dr", "md", "clinic staff", "medical team"),
    ("call", "contact", "phone", "reach", "get in touch", "tell", "talk to", "let know"),
    ("nausea", "nauseous", "nauseated", "vomit", "vomiting", "throw up", "throwing up",
     "puke", "sick to my stomach", "queasy"),
    ("headache", "head hurts", "migraine"),
    ("sleep", "sleepy", "tired", "drowsy", "fatigue", "fatigued", "exhausted", "nap", "rest",
     "resting"),
    ("pregnant", "pregnancy", "expecting a baby", "trying to conceive"),
    ("breastfeeding", "breast feeding", "lactating"),
    # around the session
    ("eat", "eating", "food", "meal", "meals", "fast", "fasting", "empty stomach", "breakfast",
     "lunch", "dinner", "snack"),
    ("water", "fluids", "hydrate", "hydration", "hydrated", "drink water"),
    ("prepare", "preparation", "prep", "get ready", "ready", "beforehand", "before my session",
     "checklist", "night before", "day before", "treatment day", "day of"),
    ("after", "afterwards", "afterward", "post session", "aftercare", "after care",
     "following", "later that day", "the day after", "rest of the day"),
    ("feel", "feeling", "experience", "what happens", "sensation", "sensations",
     "what is it like"),
    ("bring", "pack", "take with me", "wear", "clothes"),
    ("companion", "escort", "someone with me", "support person", "come with me",
     "come along", "bring someone", "accompany", "hold my hand", "wait with me", "sit with me",
     "stay with me", "stay in the room", "in the room", "allowed in", "there with me",
     "wait outside", "pick me up"),
    ("long", "duration", "how long", "time", "hours", "hrs", "last", "lasts", "whole thing",
     "start to finish", "block out"),
    ("mean", "means", "meaning", "definition"),
    ("normal", "expected", "usual", "typical", "common", "ordinary", "to be expected",
     "other patients", "everyone", "other people", "just me", "concerned"),
    ("change", "changed", "changes", "adjust", "adjusted", "raise", "raised", "lower",
     "lowered", "increase", "increased", "decrease", "decreased", "reduce", "reduced", "higher",
     "bump", "bump up", "titrate", "stronger", "weaker", "strong enough",
     "same dose", "up the dose"),
    ("stop", "quit", "stopping", "discontinue", "come off", "end treatment"),
    ("exercise", "gym", "workout", "work out", "running", "sport", "sports", "physical activity",
     "lift weights"),
    ("coffee", "caffeine", "tea", "energy drink"),
    ("cannabis", "weed", "marijuana", "thc", "cbd", "edibles", "pot"),
    ("smoke", "smoking", "cigarette", "cigarettes", "vape", "vaping", "nicotine"),
    ("eligible", "eligibility", "candidate", "qualify", "suitable", "contraindication",
     "contraindications", "who can have", "allowed to have"),
    ("how often", "frequency", "times a week", "per week", "every week", "spacing"),
    ("seizure", "seizures", "convulsion", "convulsions", "epilepsy", "fit"),
    # from the clinical background every ketamine clinic's FAQ draws on
    ("hippocampus", "nmda", "ampa", "glutamate", "receptor", "bdnf", "neuron", "neurons",
     "synapse", "synapses", "plasticity", "neuroplasticity", "new connections", "rewire",
     "rewiring"),
    ("encode", "encoding", "store memories", "form memories", "lay down memories",
     "new memories"),
    ("environment", "surroundings", "the room", "music", "eyeshades", "eye mask", "blindfold",
     "familiar"),  # not "setting": its stem is "set", as in "set an intention"
    ("persistent", "persisting", "ongoing", "lingering", "not going away", "still there",
     "getting worse", "worsening", "keeps happening"),
    ("tolerance", "need more", "stops working", "stopped working", "less effective",
     "wearing off sooner"),
    ("maintenance", "booster", "boosters", "top up", "top ups", "top-up"),
    ("debrief", "integration session", "follow up session", "processing session"),
    ("reconsolidation", "reprocess", "reprocessing", "rewrite memories", "amygdala"),
    ("uti", "urinary tract", "urinary tract infection"),
    # practicalities every clinic gets asked
    ("cost", "price", "pay", "payment", "fee", "fees", "expensive", "afford", "charge"),
    ("insurance", "insured", "covered", "coverage", "insurer", "medicare", "medicaid"),
    ("cancel", "reschedule", "postpone", "move my appointment", "change my appointment"),
    ("book", "schedule", "booking", "sign up", "make an appointment"),
    ("park", "parking", "car park"),
    ("kid", "child", "teen", "teenager", "son", "daughter", "minor"),
)


class Lexicon:
    """Synonym groups as stems: single words map to group ids, phrases are matched in sequence.

    A word may sit in several groups ("abuse" is both trauma and misuse); a phrase match yields one
    phrase term ("~behind_the_wheel") that carries its groups.
    """

    def __init__(self, groups: Iterable[Sequence[str]], clinic: Iterable[Sequence[str]] = ()):
        self.single: dict[str, set[int]] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.phrase_groups: dict[str, set[int]] = {}
        self.surface: dict[str, str] = {}  # plain word -> stem, for typo correction
        groups = [list(g) for g in groups]
        for gid, group in enumerate(groups):
            for member in group:
                self._add(str(member), {gid})
        # A clinic group that shares a word with built-in groups joins them: with [troche, rdt]
        # in faq.yaml, "rdt" also means "lozenge" and "under the tongue".
        for k, group in enumerate(clinic):
            gids = {len(groups) + k}
            for member in group:
                gids |= self.groups(self._term(str(member)))
            for member in group:
                self._add(str(member), gids)
        for lst in self.phrases.values():
            lst.sort(key=lambda p: -len(p[0]))  # longest phrase first

    @staticmethod
    def _term(member: str) -> str:
        st = tx.stems(member)
        return st[0] if len(st) == 1 else "~" + "_".join(st)

    def _add(self, member: str, gids: set[int]) -> None:
        st = tuple(tx.stems(member))
        if not st:
            return
        if len(st) == 1:
            self.single.setdefault(st[0], set()).update(gids)
            for w in tx.words(member):
                self.surface[w] = st[0]
        else:
            name = "~" + "_".join(st)
            self.phrase_groups.setdefault(name, set()).update(gids)
            lst = self.phrases.setdefault(st[0], [])
            if (st, name) not in lst:
                lst.append((st, name))

    def groups(self, term: str) -> frozenset[int]:
        if term.startswith("~"):
            return frozenset(self.phrase_groups.get(term, ()))
        return frozenset(self.single.get(term, ()))

    def terms(self, stems: list[str], keep_words: bool = False) -> list[str]:
        """Stems with multi-word phrases replaced by one phrase term (plus, with ``keep_words``,
        the phrase's own content words, so "brain fog" in the FAQ still matches "brain")."""
        out: list[str] = []
        i, n = 0, len(stems)
        while i < n:
            for st, name in self.phrases.get(stems[i], ()):
                k = len(st)
                if tuple(stems[i:i + k]) == st:
                    out.append(name)
                    if keep_words:
                        out.extend(w for w in st if w not in tx.STOP_STEMS)
                    i += k
                    break
            else:
                out.append(stems[i])
                i += 1
        return out
