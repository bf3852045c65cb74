"""Turning a patient's message (or an FAQ line) into comparable terms.

Patients write on phones: lowercase, no apostrophes ("dont", "cant"), curly quotes, typos,
run-on sentences.  The matcher compares *terms*: normalised, stemmed words, so that "remembering",
"remembered" and "remember" are the same thing and "can't" is "can not" whichever way it was typed.
Both the FAQ and the incoming message go through exactly the same functions here, which is what
makes the comparison fair.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")

# Curly quotes and dashes phones insert; everything is mapped before the apostrophe rules run.
_CHAR_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2013": "-", "\u2014": "-",
    "\u00df": "ss", "\u00e6": "ae", "\u0153": "oe", "\u00f8": "o", "\u0142": "l",
})

_CONTRACTIONS = [
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bshan'?t\b"), "shall not"),
    (re.compile(r"\bain'?t\b"), "is not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'s\b"), ""),  # possessive or "is": both carry nothing for matching
]

# Apostrophe-less contractions and frequent misspellings, word -> replacement words.
# Only words that are not themselves ordinary English words ("ill", "wed", "were" are left alone).
MISSPELLINGS: dict[str, str] = {
    # contractions typed without the apostrophe
    "dont": "do not", "doesnt": "does not", "didnt": "did not", "isnt": "is not",
    "arent": "are not", "wasnt": "was not", "werent": "were not", "havent": "have not",
    "hasnt": "has not", "hadnt": "had not", "couldnt": "could not", "shouldnt": "should not",
    "wouldnt": "would not", "mustnt": "must not", "cant": "can not", "wont": "will not",
    "im": "i am", "ive": "i have", "youre": "you are", "youve": "you have", "theyre": "they are",
    "whats": "what is", "thats": "that is", "hows": "how is", "wheres": "where is",
    "whos": "who is", "theres": "there is", "heres": "here is", "lets": "let us",
    "idk": "i do not know", "dunno": "do not know", "gonna": "going to", "wanna": "want to",
    "gotta": "have to", "kinda": "kind of", "sorta": "sort of", "outta": "out of",
    # chat shorthand
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thanks",
    "b4": "before", "bc": "because", "cuz": "because", "coz": "because", "w": "with",
    "wo": "without", "abt": "about", "tmrw": "tomorrow", "rn": "right now", "tho": "though",
    "smth": "something", "sth": "something", "ppl": "people", "prob": "probably",
    "def": "definitely", "ok": "okay",
    # common misspellings (general English)
    "alot": "a lot", "becuase": "because", "becasue": "because", "beacuse": "because",
    "becaus": "because", "definately": "definitely", "definatly": "definitely",
    "wierd": "weird", "recieve": "receive", "recieved": "received", "seperate": "separate",
    "untill": "until", "tommorow": "tomorrow", "tomorow": "tomorrow", "tommorrow": "tomorrow",
    "anyting": "anything", "somthing": "something", "nothin": "nothing", "evrything": "everything",
    "everthing": "everything", "wat": "what", "wut": "what", "waht": "what", "hw": "how",
    "shoud": "should", "shold": "should", "woud": "would", "coud": "could", "cna": "can",
    "teh": "the", "adn": "and", "thier": "their", "freind": "friend", "beleive": "believe",
    "normaly": "normally", "noraml": "normal", "norml": "normal", "wory": "worry",
    "worryed": "worried", "afterwords": "afterwards", "aftewards": "afterwards",
    "probelm": "problem", "problm": "problem", "medecine": "medicine",
    "medicin": "medicine", "medcine": "medicine", "docter": "doctor", "doc": "doctor",
    "remeber": "remember", "rember": "remember", "remembr": "remember", "remmeber": "remember",
    "rememeber": "remember", "memmory": "memory", "memroy": "memory", "memeory": "memory",
    "momory": "memory", "forgeting": "forgetting",
    "appt": "appointment", "apt": "appointment", "sesh": "session", "sesion": "session",
    "infussion": "infusion", "infution": "infusion", "perminent": "permanent",
    "permenant": "permanent", "permanant": "permanent", "permanet": "permanent",
    "anaesthesia": "anesthesia", "anasthesia": "anesthesia", "anaesthetic": "anesthetic",
}

# Irregular forms the stemmer cannot join to their base ("drove" is not "drive" to Snowball).
IRREGULAR: dict[str, str] = {
    "forgot": "forget", "forgotten": "forget", "drove": "drive", "driven": "drive",
    "ate": "eat", "eaten": "eat", "felt": "feel", "took": "take", "taken": "take",
    "slept": "sleep", "woke": "wake", "woken": "wake", "went": "go", "gone": "go",
    "thought": "think", "saw": "see", "seen": "see", "gave": "give", "given": "give",
    "did": "do", "done": "do", "does": "do", "doing": "do", "was": "be", "were": "be",
    "been": "be", "am": "be", "is": "be", "are": "be", "has": "have", "had": "have",
    "having": "have", "got": "get", "gotten": "get", "began": "begin", "begun": "begin",
    "became": "become", "came": "come", "drank": "drink", "drunk": "drink",
    "children": "child", "kids": "kid", "women": "woman", "men": "man", "people": "person",
    "worse": "worse", "worst": "worse", "worsening": "worse", "worsen": "worse", "worsened": "worse",
    "mice": "mouse", "lying": "lie", "lay": "lie", "memories": "memory",
    # Snowball gives these the stem of a word with another meaning here:
    "feelings": "emotions",  # not "feel" (what a session feels like)
    "lasting": "permanent",  # not "last" (how long something lasts)
    # "does it depend on ..." is not "dependence" (Snowball gives both the stem "depend")
    "depend": "hinge", "depends": "hinge", "depending": "hinge", "depended": "hinge",
}

# Words that carry little meaning in a question.  They still count a little (weight STOP_FACTOR in
# the matcher), because "can I ..." and "should I ..." are not quite nothing.
STOPWORDS = frozenset("""
a an the and or but if then so than that this these those there here
i me my mine myself we us our ours you your yours he him his she her hers they them their it its itself
am is are was were be been being do does did doing done have has had having
to of in on at by for from with about into onto over under up down out off as
just really very quite pretty lot lots some any all also too even still yet already
get got getting gets go going went goes thing things stuff something anything
please thanks thank hi hello hey hiya okay ok yeah yes um uh oh well like kind sort
would could will shall might may must
one someone anyone everyone
im ive id
make makes making made need needs want wants know think thinks thought say says said guess
wonder wondering curious actually basically honestly totally literally definitely probably
maybe perhaps guys folks lol
""".split())

# Light words: meaningful enough to separate "why ..." from "how ..." entries, or "tonight" from
# "next week", but never what a question is *about*: a message that meets the FAQ only in these
# ("what is the weather like tomorrow") is not matched.
LIGHT_WORDS = frozenset("""
what how why when where which who whom whose can should many much
today tonight tomorrow yesterday morning afternoon evening week weekend month year now soon
monday tuesday wednesday thursday friday saturday sunday
""".split())

_NON_WORD = re.compile(r"[^a-z0-9]+")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")


def fold(text: str) -> str:
    """Lowercase, accent-free, straight quotes: the form every later step expects."""
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP).casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Folded text with contractions expanded and punctuation gone, words single-spaced."""
    text = fold(text)
    for rx, rep in _CONTRACTIONS:
        text = rx.sub(rep, text)
    text = _NON_WORD.sub(" ", text)
    text = _LETTER_DIGIT.sub(" ", text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Normalised words with apostrophe-less contractions and common misspellings fixed."""
    out: list[str] = []
    for w in normalize(text).split():
        rep = MISSPELLINGS.get(w)
        if rep is None:
            out.append(w)
        else:
            out.extend(rep.split())
    return out


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English stem, after mapping irregular forms to their base."""
    base = IRREGULAR.get(word, word)
    if base.isdigit():
        return base
    return _STEMMER.stemWord(base)


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


STOP_STEMS = frozenset(stem(w) for w in STOPWORDS)
LIGHT_STEMS = frozenset(stem(w) for w in LIGHT_WORDS)


@lru_cache(maxsize=65536)
def word_grams(word: str, lo: int = 3, hi: int = 5) -> tuple[str, ...]:
    """Character n-grams (``lo``..``hi``) of one word padded with spaces, repeats kept."""
    p = " " + word + " "
    n_chars = len(p)
    if n_chars <= lo:
        return (p,)
    return tuple(p[i:i + n] for n in range(lo, min(hi, n_chars) + 1) for i in range(n_chars - n + 1))


def char_grams(words_: list[str]) -> dict[str, int]:
    """Character 3-5-grams of each word padded with spaces, with their counts.

    The second ranker's view of a text: "remembering" and "remembered" share most of their
    grams, and so do "infusoin" and "infusion", without any dictionary or stemmer deciding.
    """
    out: dict[str, int] = {}
    for w in words_:
        for g in word_grams(w):
            out[g] = out.get(g, 0) + 1
    return out
