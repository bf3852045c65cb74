"""The FAQ confusion check: warn staff when two entries are so alike that patients would get the
wrong one.

It is advice, never an error: a file that only has warnings loads, and a failure of the matcher
here is logged and costs only the advice. The check ranks each wording with the real matcher, so
what it warns about is what patients would see.
"""
from __future__ import annotations

import logging
import re

from .faq import SIMILAR_MARGIN, SIMILAR_MAX_WORK, Entry, Faq
from .faq_yaml import Checker

# A child of bot.faq's logger, so whoever watches FAQ loading under that name (operators, the
# property tests) still sees these records now that the checks live in their own module.
log = logging.getLogger("bot.faq.confusion")


def norm_text(s: str) -> str:
    """Two wordings are the same one when they differ only in case, punctuation and spacing."""
    return " ".join(re.sub(r"[^\w\s]", " ", s.casefold()).split())


def confusion_warnings(c: Checker, faq: Faq, max_work: int | None = SIMILAR_MAX_WORK) -> None:
    """Warn when two entries are so alike that the matcher picks the wrong one for their own wording.

    An exact duplicate wording is caught without the matcher; then each entry's question and
    alternates are ranked by the real matcher, and a rival entry that wins or ties is reported.
    """
    reported: set[frozenset] = set()

    def report(a: Entry, b: Entry, variant: str, detail: str) -> None:
        pair = frozenset((a.id, b.id))
        if pair in reported:
            return
        reported.add(pair)
        vline = c.variant_lines.get((a.id, variant)) or a.line
        c.warn(vline, f"entries '{a.id}' (line {a.line}) and '{b.id}' (line {b.line}) are so alike that "
                      f"the bot may confuse them: {detail}",
               "reword the question and alternates of one so they use words that fit only its topic, "
               "or merge the two entries.")

    owner: dict[str, tuple[Entry, str]] = {}
    for e in faq.entries:
        for v in (e.question, *e.alternates):
            n = norm_text(v)
            if n in owner and owner[n][0].id != e.id:
                report(e, owner[n][0], v, f"'{v}' is written in both.")
            owner.setdefault(n, (e, v))
    # Ranking every variant against every other is quadratic: a big FAQ gets its questions checked
    # only, a huge one no matcher check, so that a reload never stalls the bot for long.
    n_variants = sum(1 + len(e.alternates) for e in faq.entries)
    questions_only = max_work is not None and n_variants * n_variants > max_work
    if questions_only and len(faq.entries) * n_variants > max_work:
        log.info("faq confusion check skipped: %d variants (faqbot check runs it in full)", n_variants)
        return
    if questions_only:
        log.info("faq confusion check on questions only: %d variants", n_variants)
    try:
        # Imported here so that a matcher that fails even to import only costs this advice.
        from .matching import Matcher  # noqa: PLC0415

        matcher = Matcher(faq)
        by_id = {e.id: e for e in faq.entries}
        for e in faq.entries:
            for v in (e.question,) if questions_only else (e.question, *e.alternates):
                cands = matcher.rank(v, 3)
                own = next((x.score for x in cands if x.id == e.id), 0.0)
                rival = next((x for x in cands if x.id != e.id and x.id in by_id), None)
                if rival is not None and rival.score >= own - SIMILAR_MARGIN:
                    report(e, by_id[rival.id], v,
                           f"'{v}' scores {rival.score:.0f} for '{rival.id}' and {own:.0f} for its own entry.")
    except Exception:  # the check is advice; a matcher bug must not stop the FAQ from loading
        log.exception("faq confusion check failed")
