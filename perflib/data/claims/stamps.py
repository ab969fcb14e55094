"""Dates and reference stamps: numbers in a note that are never figures.

Officers date and sign their notes (``141001 Based on 12 decisions ...``, ``14/10/2014 ...``,
``JE100914- ...``) and write dates into them (``1 October 2014``, ``Oct-14``). Read as numbers,
these are the most common false alarm on real text, so a stamp opening a sentence is removed
before it is read (:func:`strip`) and a date anywhere is claimed whole before any figure's pattern
can see its digits (:data:`DATE`). A period a note is stamped with (``Q2 2014/15:``) is not
removed: it names the period the figures that follow are of.
"""

from __future__ import annotations

import re

MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
         r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DATE = (rf"\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})(?![\d/.-]\d)"      # 14/10/2014, 14.10.14
         rf"|\d{{4}}-\d{{2}}-\d{{2}}\b"                                         # 2014-10-01
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}\b\.?(?:\s+\d{{4}}\b|\s+'\d{{2}}\b)?"  # 1 Oct 2014
         rf"|{MONTH}\b\.?(?:\s*[-'’]\s*\d{{2}}\b|\s+\d{{4}}\b)")                # Oct-14, Oct 2014
#: A date written anywhere in a sentence: its digits are a date's, not a figure's.
DATE = re.compile(rf"(?<![\w/.,-])(?:{_DATE})")

#: One stamp at the start of a sentence, with the separator after it.
_STAMP = re.compile(
    rf"^\s*(?:\[[^\]\n]{{1,30}}\]"                       # [14/10/14 JE]
    rf"|(?P<digits>\d{{6}}(?:\d{{2}})?)(?=[\s:.,;-])"    # 141001, 20141001
    rf"|[A-Z]{{1,4}}\s?\d{{4,8}}\b"                      # JE100914
    rf"|[A-Z]{{2,4}}\s+(?:{_DATE})"                        # CS 14/04/22
    rf"|(?:{_DATE}))"
    r"(?:\s+[A-Z]{2,3}(?=\s*[-–—:]))?"                   # initials after a date: 141001 JE -
    r"(?:\s*[-–—:;,.)]+\s*|\s+)")


def _plausible(digits: str) -> bool:
    """Whether six or eight digits read as a date (yymmdd, ddmmyy, yyyymmdd, ddmmyyyy)."""
    if len(digits) == 8:
        parts = [(digits[6:8], digits[4:6]), (digits[0:2], digits[2:4])]
    else:
        parts = [(digits[4:6], digits[2:4]), (digits[0:2], digits[2:4])]
    return any(1 <= int(d) <= 31 and 1 <= int(m) <= 12 for d, m in parts)


def strip(sentence: str) -> str:
    """A sentence without the date or reference stamps that open it (there may be several)."""
    while True:
        m = _STAMP.match(sentence)
        if not m or m.end() >= len(sentence) or (m.group("digits")
                                                  and not _plausible(m.group("digits"))):
            return sentence
        sentence = sentence[m.end():]
