"""Whether a sentence judges something, and which way: from the words it uses, never from one report's phrases.

Inspection prose judges with a small, stable vocabulary: praise (good,
effective, strong, well, prompt, sufficient, committed) and concern (poor,
not ... enough, too high, delays, shortage, insufficient, inconsistent). A
negation ("not", "no", "never", "nor") just before a word of praise turns
it into concern ("not sufficiently effective"), and "too" before any adjective
is concern ("too high", "too long").

`polarity` counts both kinds and returns the one that wins, or None when the
sentence judges nothing or both kinds tie (a mixed sentence: "good, but not
good enough" is left for the curator).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z]+(?:[-'’][a-z]+)*")

POSITIVE = frozenset(
    """
    good well effective effectively strong strength strengths excellent positive positively
    improved improving committed enthusiastic dynamic clear clearly comprehensive sufficient sufficiently
    appropriate appropriately prompt promptly satisfactory innovative encouraged welcomed valued supportive
    motivated skilled knowledgeable thorough timely robust consistent consistently high-quality impressive
    impressed confident confidently proactive proactively helpful accessible engaged engaging purposeful
    constructive focused collaborative excellence praised commendable manageable
    """.split()
)
# "outstanding" is left out: in prose it as often means "still to do" (outstanding tasks); the band is read elsewhere.
NEGATIVE = frozenset(
    """
    poor poorly lack lacked lacking lacks shortage shortages shortfall shortfalls delay delays delayed
    insufficient insufficiently unacceptable unacceptably inadequate inadequately concern
    concerning critical criticised troubling fail failed fails failing failure weak weakness weaknesses
    limited inconsistent inconsistently unmanageable confused disrupted vacancies backlog backlogs
    struggling struggled ineffective unclear unable unsafe gaps gap missed lengthy worse worrying
    deteriorated declined barrier barriers overwhelmed excessive undermined undermine undermining omission
    omissions disappointing difficult difficulty difficulties minority below unmet variable variations challenge
    challenging pressure pressures
    """.split()
)
NEGATIONS = frozenset({"not", "no", "never", "nor", "without", "rarely", "seldom", "lacked"})
CONDITIONS = frozenset({"where", "when", "if", "unless", "whether"})
JUDGING_VERBS = frozenset(
    {"found", "finds", "find", "rated", "assessed", "judged", "concluded", "highlighted", "identified", "saw"}
)


_CONCERN_PHRASES = re.compile(
    r"\bmore (?:work )?(?:was|is|were|are) (?:needed|necessary|required)\b|\b(?:needed|needs) to\b|\b(?:less|fewer) than\b"
    r"|\bin only\b|\bonly (?:a|one|two|three|half|\d)|\bthere (?:was|is) a need\b|\b(?:is|was|are|were) required\b"
    r"|\bimportant to ensure\b"
)
"""Concern said with plain words: what was still needed, and how few cases met a standard."""

CONTRASTS = frozenset(
    {"but", "however", "although", "though", "while", "whilst", "despite", "albeit", "yet", "nevertheless"}
)
"""Words that join a judgement to its opposite: such a sentence judges both ways, whatever its words count."""


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def scores(text: str) -> tuple[int, int]:
    """(praise, concern) counts of the sentence's judging words, negation and "too" applied."""
    toks = words(text)
    praise, concern = 0, len(_CONCERN_PHRASES.findall(text.lower()))
    for i, word in enumerate(toks):
        before = toks[max(0, i - 3) : i]
        negated = any(w in NEGATIONS for w in before)
        if i and toks[i - 1] == "too":
            concern += 1
        elif word in POSITIVE:
            if negated:
                concern += 1
            else:
                praise += 1
        elif word in NEGATIVE:
            concern += 1
        elif (
            word in NEGATIONS
            and not any(w in POSITIVE for w in toks[i + 1 : i + 4])
            and not any(w in CONDITIONS for w in before[-2:])
        ):
            concern += 1  # "not understood", "not always"; but "where no response came" states a case, not a fault
    return praise, concern


def polarity(text: str) -> str | None:
    """ "strength", "area-for-improvement", or None (judges nothing, or as much one way as the other)."""
    praise, concern = scores(text)
    if praise > concern:
        return "strength"
    if concern > praise:
        return "area-for-improvement"
    return None


def judges(text: str) -> bool:
    """Whether the sentence judges anything: a judging word, or a verb of inspecting and finding."""
    praise, concern = scores(text)
    return bool(praise or concern) or any(w in JUDGING_VERBS for w in words(text))
