"""XmR charts, Making Data Count style icons and plain-words summaries for :mod:`perflib.spc`.

Nothing here depends on seeing colour: special-cause points differ by marker shape, lines by
style (average solid, limits dashed, target dotted), icons carry a letter and an ``aria-label``,
and every chart comes with alt text and the table of figures it plots.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from perflib.data import periods
from perflib.present import axes
from perflib.present.blocks import Figure
from perflib.present.charts import PALETTE, _png, figure, subplots, theme
from perflib.spc import Result, enough_points, minimum_points, rule_words
from perflib.units import Style, derived

IMPROVING, CONCERNING, NEITHER, COMMON = PALETTE[0], PALETTE[1], "#CC79A7", "#8C8C8C"
#: Marker shape per variation, so signals read in greyscale and without colour vision.
MARKER = {"common cause": "o", "special cause improving": "^",
          "special cause concerning": "v", "special cause neither": "s"}
COLOUR = {"common cause": COMMON, "special cause improving": IMPROVING,
          "special cause concerning": CONCERNING, "special cause neither": NEITHER}
ASSURANCE_WORDS = {
    "pass": "the target lies beyond the process limits on the good side, so it will be met "
            "every time unless the process changes",
    "fail": "the target lies beyond the process limits on the wrong side, so it will be missed "
            "every time unless the process changes",
    "hit or miss": "the target lies within the process limits, so it will be hit or missed at "
                   "random",
}


def _period(label: object) -> str:
    """A point's period as the committee reads it: "April 2021", "Quarter 1 2021/22"."""
    if isinstance(label, pd.Timestamp):
        return label.strftime("%B %Y")
    if isinstance(label, pd.Period):
        return label.strftime("%B %Y") if label.freqstr.startswith("M") else str(label)
    return periods.words(label)


def _variation_words(result: Result) -> str:
    if result.variation == "special cause neither":
        return (f"Special cause variation ({result.frame.iloc[-1]['side']} values; neither "
                "direction is better)")
    return f"{result.variation.capitalize()} variation"


def no_assurance(result: Result) -> str:
    """Why a chart has no assurance: no target, or no better direction."""
    return "there is no target" if result.target is None else "neither direction counts as better"


def assurance_words(result: Result) -> str:
    """What the assurance means, for the chart's summary sentence."""
    if result.assurance is not None:
        return ASSURANCE_WORDS[result.assurance]
    if result.target is None:
        return no_assurance(result)
    return f"there is no target assurance because {no_assurance(result)}"


def assurance_key(result: Result) -> str:
    """The assurance as the chart's key gives it: 'Pass: the target lies ...', 'None: ...'."""
    if result.assurance is not None:
        return f"{result.assurance.capitalize()}: {ASSURANCE_WORDS[result.assurance]}"
    return f"None: {no_assurance(result)}"


def spc_summary_words(result: Result) -> str:
    """One plain sentence on the latest variation and whether the target will be met.

    Written for committee papers, where members need the conclusion rather than the method.

    >>> from perflib.spc import analyse
    >>> r = analyse([10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9], "increase", 12)
    >>> spc_summary_words(r)  # doctest: +ELLIPSIS
    'Common cause variation; the target lies within the process limits, so it will be hit or...'
    """
    if not enough_points(len(result.frame)):
        return (f"Only {len(result.frame)} points, fewer than the {minimum_points} needed for a "
                "statistical process control chart.")
    return f"{_variation_words(result)}; {assurance_words(result)}."


def xmr_chart(result: Result, title: str, ylabel: str, percent: bool = False,
              style: Style | None = None) -> Figure:
    """Draw an XmR chart of an SPC :class:`~perflib.spc.Result`, with alt text and data table.

    The average (mean) is solid, the limits dashed and the target dotted; limits break where the
    process was rebased. Special-cause points are marked by shape as well as colour: improving an
    upward triangle, concerning a downward triangle, neither a square. ``style`` is the
    measure's (its unit prints the figures of the alt text); without it, a percentage or count.
    """
    style = style or Style("percentage" if percent else "count")

    def say(v: float) -> str:
        return derived(style, v)

    frame, target = result.frame, result.target
    m = theme()
    fig, ax = subplots(figsize=(7.5, 3.8))
    x = pd.RangeIndex(len(frame))
    labels = [_period(p) for p in frame.index]
    ax.plot(x, frame["value"], color="#4d4d4d", linewidth=1.2, zorder=2)
    for i, (_, part) in enumerate(frame.assign(x=x).groupby("period_group")):
        ax.plot(part["x"], part["mean"], color="#000000", linestyle="-", linewidth=1.5,
                label="Average" if i == 0 else None)
        for col, name in (("upper", "Process limits"), ("lower", None)):
            ax.plot(part["x"], part[col], color="#555555", linestyle="--", linewidth=1.5,
                    label=name if i == 0 else None)
    if target is not None and pd.notna(target):
        ax.axhline(target, color="#333333", linestyle=":", linewidth=2, label="Target")
    for variation, marker in MARKER.items():
        pts = frame["variation"].to_numpy() == variation
        if pts.any():
            ax.scatter(x[pts], frame["value"].to_numpy()[pts], marker=marker, s=36 if
                       variation == "common cause" else 70, color=COLOUR[variation],
                       edgecolor="#000000", linewidth=0.6, zorder=3,
                       label=variation.capitalize())
    step = max(1, len(frame) // 12)
    ax.set_xticks(list(x[::step]), labels[::step], rotation=45, ha="right")
    if percent:
        ax.yaxis.set_major_formatter(m.ticker.PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel("Period")
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    # matplotlib fits the axis to the points and limits; a line chart may start above zero,
    # and then says so (the title is the figure's caption, so it is not drawn twice)
    from_zero = not axes.say_not_from_zero(ax, ax.get_ylim()[0])

    last = frame.iloc[-1]
    signals = int(frame["special_cause"].sum())
    alt = (f"XmR chart of {title}: {len(frame)} points from {labels[0]} to {labels[-1]}. "
           f"Latest value {say(last['value'])}, average {say(last['mean'])}, "
           f"process limits {say(last['lower'])} to {say(last['upper'])}"
           + (f", target {say(target)}" if target is not None and pd.notna(target)
              else "")
           + f". {signals} point{'s' if signals != 1 else ''} show special cause variation. "
           + spc_summary_words(result)
           + ("" if from_zero else f" {axes.NOT_FROM_ZERO}"))
    rules = frame["rule"].map(rule_words)
    words = frame["variation"].str.capitalize().where(
        ~frame["special_cause"], frame["variation"].str.capitalize() + " (" + rules + ")")
    data = pd.DataFrame({"Period": labels, "Value": frame["value"].to_numpy(),
                         "Average": frame["mean"].to_numpy(),
                         "Lower limit": frame["lower"].to_numpy(),
                         "Upper limit": frame["upper"].to_numpy(),
                         "Special cause": words.to_numpy()})
    caption = (f"The latest limits rest on fewer than {minimum_points} points, so they are "
               "only trial limits." if frame["short_group"].iloc[-1] else "")
    return figure(title, alt, data, _png(fig), caption)


def _icon(label: str, letter: str, fill: str, ink: str) -> str:
    label = escape(label, quote=True)
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32" '
            f'role="img" aria-label="{label}"><title>{label}</title>'
            f'<circle cx="16" cy="16" r="14" fill="{fill}" stroke="#000000" stroke-width="1.5"/>'
            f'<text x="16" y="21.5" text-anchor="middle" font-family="DejaVu Sans, Arial, '
            f'sans-serif" font-size="15" font-weight="bold" fill="{ink}">{letter}</text></svg>')


def variation_icon(variation: str, improvement: str, side: str | None = None) -> str:
    """A Making Data Count style variation icon as inline SVG: colour, letter and label.

    H or L says whether the signal is high or low values (C for common cause); for
    "special cause neither" pass ``side`` ("high" or "low") from the :func:`xmr` frame.

    >>> svg = variation_icon("special cause improving", "decrease")
    >>> 'role="img"' in svg, 'aria-label="Special cause improving variation: low values"' in svg
    (True, True)
    """
    if variation == "common cause":
        return _icon("Common cause variation", "C", COMMON, "#000000")
    if variation in ("special cause improving", "special cause concerning"):
        good_high = improvement == "increase"
        high = good_high == (variation == "special cause improving")
        side = "high" if high else "low"
        fill, ink = ((IMPROVING, "#ffffff") if variation == "special cause improving"
                     else (CONCERNING, "#000000"))
    elif variation == "special cause neither":
        fill, ink = NEITHER, "#000000"
    else:
        raise ValueError(f"unknown variation {variation!r}")
    words = f"{variation.capitalize()} variation" + (f": {side} values" if side else "")
    return _icon(words, {"high": "H", "low": "L"}.get(side or "", "N"), fill, ink)


def assurance_icon(result: str | None) -> str:
    """A Making Data Count style assurance icon as inline SVG: P, F or ? with its meaning.

    >>> 'aria-label="Target assurance: fail' in assurance_icon("fail")
    True
    """
    icons = {"pass": ("will consistently pass the target", "P", IMPROVING, "#ffffff"),
             "fail": ("will consistently fail the target", "F", CONCERNING, "#000000"),
             "hit or miss": ("will hit or miss the target at random", "?", COMMON, "#000000"),
             None: ("none (no target, or neither direction is better)", "–", "#ffffff",
                    "#000000")}
    if result not in icons:
        raise ValueError(f"unknown assurance {result!r}")
    words, letter, fill, ink = icons[result]
    return _icon(f"Target assurance: {result or 'none'}, {words}" if result
                 else f"Target assurance: {words}", letter, fill, ink)
