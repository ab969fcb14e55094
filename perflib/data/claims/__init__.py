"""Check that a measure's commentary cannot contradict the figures printed beside it.

Commentary is written by services and read next to a table that perflib computes. When the two
disagree a committee cannot tell which to believe, so each measure's text is read as claims
(:mod:`.read`: a quantity or a word, and the period it is said of) and each claim is judged
against that period's figure for the measure (:mod:`.judge`). :mod:`.placeholders` fills
``{actual}`` and the rest from the figures; :mod:`.drafts` writes the sentences perflib drafts.
"""

from perflib.data.claims.drafts import DRAFT_MARKER, draft_sentence
from perflib.data.claims.figures import (
    ERROR,
    WARNING,
    Figures,
    Finding,
    PeriodFigure,
    figures_from_report,
)
from perflib.data.claims.placeholders import (
    PLACEHOLDERS,
    PlaceholderProblem,
    change_words,
    placeholder_problems,
    render,
)
from perflib.data.claims.review import check, check_commentary

__all__ = ["DRAFT_MARKER", "ERROR", "PLACEHOLDERS", "WARNING", "Figures", "Finding",
           "PeriodFigure", "PlaceholderProblem", "change_words", "check", "check_commentary",
           "draft_sentence", "figures_from_report", "placeholder_problems", "render"]
