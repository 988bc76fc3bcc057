"""Whether a sentence judges something, and which way: from the words it uses, never from one report's phrases.

Inspection prose judges with a small, stable vocabulary: praise (good,
effective, strong, well, prompt, sufficient, committed) and concern (poor,
not ... enough, too high, delays, shortage, insufficient, inconsistent). A
negation ("not", "no", "never", "nor") just before a word of praise turns
it into concern ("not sufficiently effective"), and "too" before any adjective
is concern ("too high", "too long").

Some judging words judge only in one construction, and the others are read by
grammar, never by one report's phrases:

* a word of praise or a phrase of concern inside a condition ("where
  appropriate", "when done well", "where work needed to be"), and a
  negation there ("where there was no answer"), state when something
  applies, not that it was so;
* "as well as" joins two things and praises neither;
* a word of concern that is the object of a remedy ("addressing staff
  shortages", "filled a gap", "to reduce delays") tells of work on a problem,
  not of a fault found;
* word senses: "committed" after "have", "has", "had" or "who" is the verb of
  offending ("who have committed offences"), not praise; "concerning" is
  concern only after a copula or a degree word ("is concerning", "particularly
  concerning"), elsewhere it means "about"; "critical" and "minority" are
  concern only before "of" ("critical of", "a minority of cases"), elsewhere
  they mean "most important" and "minority ethnic"; "engaging" is praise only
  after a copula or degree word, elsewhere it is the verb ("engaging with
  partners").

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
    constructive focused collaborative excellence praised commendable manageable successful successfully
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
VERDICTS = frozenset(
    """
    good well excellent positive impressive commendable
    poor poorly weak weakness unacceptable unacceptably inadequate inadequately insufficient insufficiently
    """.split()
)
"""Words that are a verdict wherever they stand; the other judging words (accessible, comprehensive, clear,
committed, effective) also describe, and judge only where the sentence or its paragraph judges."""
NEGATIONS = frozenset({"not", "no", "never", "nor", "without", "rarely", "seldom", "lacked"})
CONDITIONS = frozenset({"where", "when", "if", "unless", "whether"})
JUDGING_VERBS = frozenset(
    {"found", "finds", "find", "rated", "assessed", "judged", "concluded", "highlighted", "identified", "saw"}
)


_CONCERN_PHRASES = re.compile(
    r"\bmore (?:work )?(?:was|is|were|are) (?:needed|necessary|required)\b|\b(?:needed|needs) to\b|\b(?:less|fewer) than\b"
    r"|\bin only\b|\bonly (?:a|one|two|three|four|five|six|seven|eight|nine|ten|some|half|\d)|\bthere (?:was|is) a need\b|\b(?:is|was|are|were) required\b"
    r"|\bimportant to ensure\b|\b(?:could|should) have been\b"
)
"""Concern said with plain words: what was still needed, and how few cases met a standard."""

CONTRASTS = frozenset(
    {"but", "however", "although", "though", "while", "whilst", "despite", "albeit", "yet", "nevertheless"}
)
"""Words that join a judgement to its opposite: such a sentence judges both ways, whatever its words count."""


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


REMEDIES = frozenset(
    """
    address addresses addressed addressing tackle tackles tackled tackling reduce reduces reduced reducing
    fill fills filled filling overcome overcoming resolve resolves resolved resolving prevent prevents
    preventing mitigate mitigates mitigating ease easing remedy remedied explore exploring
    """.split()
)
"""Verbs of working on a problem: the word of concern they govern names the problem, not a fault found."""
_COPULAS_AND_DEGREES = frozenset(
    "is was are were be been being seems seemed remains remained very particularly especially most more highly "
    "deeply extremely so a".split()
)
_OFFENDING_VERB = frozenset({"have", "has", "had", "having", "who", "been"})
_ONLY_BEFORE_OF = frozenset({"critical", "minority"})


def _sense(word: str, prev: str, following: str) -> bool:
    """Whether `word` is used in its judging sense here (see the module docstring for each rule)."""
    if word == "committed":
        return prev not in _OFFENDING_VERB
    if word in ("concerning", "engaging"):
        return prev in _COPULAS_AND_DEGREES
    if word in _ONLY_BEFORE_OF:
        return following == "of"
    return True


def scores(text: str) -> tuple[int, int]:
    """(praise, concern) counts of the sentence's judging words, negation, "too", conditions and remedies applied."""
    praise, concern, _ = _tally(text)
    return praise, concern


def _tally(text: str) -> tuple[int, int, int]:
    """`scores`, and the count of problems named as the object of a remedy (which judge neither way)."""
    lowered = text.lower()
    toks = words(text)
    concern = sum(
        1 for m in _CONCERN_PHRASES.finditer(lowered) if not CONDITIONS.intersection(words(lowered[: m.start()])[-2:])
    )
    praise = remedied = 0
    for i, word in enumerate(toks):
        before = toks[max(0, i - 3) : i]
        negated = any(w in NEGATIONS for w in before)
        following = toks[i + 1] if i + 1 < len(toks) else ""
        if (word in POSITIVE or word in NEGATIVE) and not _sense(word, toks[i - 1] if i else "", following):
            continue
        if i and toks[i - 1] == "too":
            concern += 1
        elif word in POSITIVE:
            if negated:
                concern += 1
            elif not (
                CONDITIONS.intersection(before[-2:]) or (word == "well" and before[-1:] == ["as"] and following == "as")
            ):
                praise += 1
        elif word in NEGATIVE:
            if REMEDIES.intersection(before):
                remedied += 1
            else:
                concern += 1
        elif (
            word in NEGATIONS
            and not any(w in POSITIVE for w in toks[i + 1 : i + 4])
            and not CONDITIONS.intersection(before)
        ):
            concern += 1  # "not understood", "not always"; but "where there was no answer" states a case, not a fault
    return praise, concern, remedied


def polarity(text: str) -> str | None:
    """ "strength", "area-for-improvement", or None (judges nothing, or as much one way as the other)."""
    praise, concern = scores(text)
    if praise > concern:
        return "strength"
    if concern > praise:
        return "area-for-improvement"
    return None


def judges(text: str) -> bool:
    """Whether the sentence judges anything: a judging word, a problem and its remedy, or a verb of finding."""
    return any(_tally(text)) or any(w in JUDGING_VERBS for w in words(text))
