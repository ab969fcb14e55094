"""A measure's commentary reviewed: placeholders filled, claims found, then claims judged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from perflib.data.claims import judge, read, subjects
from perflib.data.claims.drafts import DRAFT_MARKER
from perflib.data.claims.figures import ERROR, WARNING, Figures, Finding, Severity
from perflib.data.claims.placeholders import placeholder_problems, render


def check(text: str, figures: Figures, file: str = "", first_line: int | None = 1,
          status_of_report: str = "draft", areas: tuple[str, ...] = ()) -> list[Finding]:
    """Everything in one measure's commentary that its figures contradict or cannot confirm.

    Parameters
    ----------
    text
        The commentary as written (placeholders are rendered before it is read).
    figures
        The measure's figures for this report.
    file, first_line
        Where the text is, so each finding names the line to edit (``first_line`` is None for
        a measure with no commentary: its finding has no line to name).
    status_of_report
        ``"draft"`` or ``"final"``: a draft marker left in a final report is an error, in a draft
        only a warning, because drafts are meant to carry them.
    areas
        Names of the areas the portfolio's commentary compares with (a region, say): a clause
        naming one is about that area, not the measure.
    """
    f = figures
    out: list[Finding] = []
    line: list[int | None] = [first_line]

    def find(severity: Severity, finding: str, words: str, data_says: str, fix: str) -> None:
        out.append(Finding(file=file, line=line[0], measure_id=f.measure_id, pi_code=f.pi_code,
                           severity=severity, finding=finding, words=words.strip(),
                           data_says=data_says, fix=fix))

    if not text.strip():
        if f.value is not None:
            find(WARNING, "the measure has a figure but no commentary", "",
                 f"{f.fmt(f.value)} in {f.year}", "write commentary, e.g. start from draft_sentence")
        return out
    start = 1 if first_line is None else first_line
    for p in placeholder_problems(text, start):
        line[0] = p.line
        find(ERROR, p.message, p.words, "", p.fix)
    if out:
        return out
    try:
        text = render(text, f)
    except ValueError as exc:
        if status_of_report == "final":  # in a draft the blank figure is on the to-do list
            find(ERROR, str(exc), "", "", "remove the placeholder or add the figure")
        return out

    figures_known = judge.known(f)
    measure = subjects.measure(f.short_name, f.measure_id, f.suffix, f.unit)
    for n, text_line in enumerate(text.splitlines(), start=start):
        line[0] = n
        if "[Draft" in text_line and status_of_report == "final":  # a draft lists it as a to-do
            find(ERROR, "a draft marker is still in the text", DRAFT_MARKER, "",
                 "complete the sentence and delete the marker")
        for s in read.sentences(text_line):
            sentence = read.read_sentence(s, tuple(areas), measure)
            judge.judge_years(sentence, f, find)
            judge.judge_figures(sentence, f, figures_known, find)
            for clause in sentence.clauses:
                judge.judge_words(clause, f, find)
    return out


def check_commentary(commentary: Mapping[str, Any], figures: Mapping[str, Figures],
                     file: str = "", status_of_report: str = "draft",
                     areas: tuple[str, ...] = ()) -> list[Finding]:
    """Check every measure's commentary, including measures that have none.

    ``commentary`` maps measure_id to its text and first line, as
    :func:`perflib.data.commentary.parse` reads them (anything with ``text`` and ``line``).
    """
    out: list[Finding] = []
    for mid, f in figures.items():
        c = commentary.get(mid)
        out += check(c.text if c else "", f, file, c.line if c else None, status_of_report,
                     areas)
    return out
