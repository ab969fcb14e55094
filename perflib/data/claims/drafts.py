"""Sentences perflib drafts for a service to finish: true of the figures whatever they become.

Every number in a drafted sentence is a placeholder, filled from the current figures at every
build, so it cannot go stale. The only words that could ("No figure is available for 2021/22",
once a figure is entered) are ones the checker reads like any other sentence: said beside a
figure, they are an error. Each ends with :data:`DRAFT_MARKER`, a to-do until a person has
written the rest.
"""

from __future__ import annotations

from perflib import units
from perflib.data.claims.figures import Figures

#: Marker that :func:`draft_sentence` leaves for a service to replace.
DRAFT_MARKER = "[Draft: service to complete.]"


def draft_sentence(figures: Figures) -> str:
    """One plain factual sentence, in placeholders, for a service to complete.

    It states only what the figures say (the figure, the target, last year) and never a cause
    or a judgement: those are the service's to write.
    """
    f = figures
    if f.value is None:
        if f.kind == "not collected":
            return f"No figure was collected for {{year}}. {DRAFT_MARKER}"
        return f"No figure is available for {{year}}. {DRAFT_MARKER}"
    if units.get(f.unit).percent and f.numerator is not None and f.denominator is not None:
        text = "In {year} the figure was {actual} ({numerator} of {denominator})"
    else:
        text = "In {year} the figure was {actual}"
    if f.target is not None:
        text += ", against a target of {target}"
    if f.previous is not None and f.previous_year:
        text += ", {change} on {previous} in {previous_year}"
    return f"{text}. {DRAFT_MARKER}"
