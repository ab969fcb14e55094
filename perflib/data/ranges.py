"""Every figure within what its measure's unit allows, over whole columns at once.

The unit decides (:mod:`perflib.units`): a percentage within 0 to 100 unless ``may_exceed_100``,
a count whole unless it is printed with decimals, a figure below zero only for a ``number``,
``rate`` or ``money`` measure whose ``may_be_negative`` is yes, a fraction only for a percentage
or a rate, and a rate's or money's own settings (``per``, ``scale``) only where they mean
something. A column's reader cannot know the unit of the measure on a row, so these run once the
register is read; a figure refused for its range is emptied, as the reader empties a cell it
cannot read, so no later check works on it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from perflib import units
from perflib.data import specs
from perflib.data.schema import CheckedTable, Found, emit, refuse

#: How to mend a rate without its base.
PER_FIX = "write what the rate is per, as a whole number: 100000 for a rate per 100,000"


def _fix_for(f: pd.DataFrame) -> Any:
    """The fix of a figure below zero on a row of ``f``, by its unit (a row -> text)."""
    return lambda r: specs.negative_fix(f.loc[r.Index])


def check_register(t: CheckedTable, found: Found) -> None:
    """A measure's unit settings agree with its unit, and its target with its range."""
    f = t.frame
    unit = f["unit"]
    given = unit.notna()
    refuse(t, f["target"].lt(0) & ~specs.negative_ok(f), "target",
           lambda r: f"{r.target:g} is below 0, but {r.measure_id} is a {r.unit} that may not "
                     "go below zero" if units.get(r.unit).signed
           else f"{r.target:g} is below 0, but {r.measure_id} is a {r.unit}",
           _fix_for(f), found, 3)
    signed = specs.unit_is(f, "signed")
    emit(t, f["may_be_negative"].eq(True) & given & ~signed, "may_be_negative",
         lambda r: f"is yes but the measure's unit is {r.unit}, which is never below zero",
         "clear it; if the figure may go below zero (a backlog, a net change), set the unit to "
         "number (money for pounds, rate for a figure per a base)", found, 5)
    rate = unit == "rate"
    emit(t, rate & f["per"].isna() & ~_bad(t, "per"), "per", "is empty but the unit is rate",
         PER_FIX, found, 6)
    emit(t, given & ~rate & f["per"].notna(), "per",
         lambda r: f"is {r.per:,.0f} but the measure's unit is {r.unit}",
         "clear it: only a rate has a base; or set the unit to rate", found, 6)
    emit(t, given & (unit != "money") & f["scale"].notna(), "scale",
         lambda r: f"is {r.scale} but the measure's unit is {r.unit}",
         "clear it: only money is written in thousands (k) or millions (m); a figure in "
         "millions of something else has the unit millions", found, 7)
    emit(t, given & (unit != "number") & f["suffix"].notna(), "suffix",
         lambda r: f"is '{r.suffix}' but the measure's unit is {r.unit}",
         "clear it: only a number prints words after it (a rate prints its per, money its £); "
         "or set the unit to number", found, 8)
    allowed = pd.Series([units.get(u).years for u in unit], index=f.index, dtype=object)
    odd = f["year_from_parts"].notna() & given & pd.Series(
        [y not in a for y, a in zip(f["year_from_parts"], allowed, strict=True)], index=f.index)
    emit(t, odd, "year_from_parts",
         lambda r: f"is {r.year_from_parts}, but a {r.unit}'s year cannot be "
                   f"{_rule_words(r.year_from_parts)}",
         lambda r: f"write one of {', '.join(units.get(r.unit).years)}, or leave it empty "
                   f"(a {r.unit}'s year is {_rule_words(units.get(r.unit).year)})", found, 9)


def _rule_words(rule: str) -> str:
    return {"sum": "the sum of its parts", "mean": "the mean of its parts (a percentage or rate "
            "from its numerators and denominators where given)", "last": "its last part",
            "none": "said from its parts"}.get(rule, rule)


def _bad(t: CheckedTable, column: str) -> pd.Series:
    """Rows whose ``column`` the reader could not read (their problem is already said)."""
    rows = {i for i, c in t.bad if c == column}
    return pd.Series([i in rows for i in range(len(t.frame))], index=t.frame.index)


def register_of(f: pd.DataFrame, measures: CheckedTable) -> pd.DataFrame:
    """Each row of ``f`` (with report and measure_id) beside its measure's register row."""
    m = measures.frame.drop_duplicates(["year", "measure_id"]).set_index(["year", "measure_id"])
    at = pd.MultiIndex.from_arrays([f["report"], f["measure_id"]])
    return m.reindex(at).reset_index(drop=True).set_axis(f.index)


def refuse_negative(t: CheckedTable, reg: pd.DataFrame, found: Found) -> None:
    """A figure below zero, where its measure's unit does not allow it, is refused and emptied."""
    f = t.frame
    refuse(t, f["value"].lt(0) & reg["unit"].notna() & ~specs.negative_ok(reg), "value",
           lambda r: (f"{r.value:g} is below 0, but {r.measure_id} is a {reg.at[r.Index, 'unit']}"
                      + (" that may not go below zero" if units.get(reg.at[r.Index, "unit"]).signed
                         else "")),
           _fix_for(reg), found, 0)


def check_figures(t: CheckedTable, reg: pd.DataFrame, found: Found) -> None:
    """Figures within 100, whole, and agreeing with their fraction, by their measure's unit."""
    f = t.frame
    unit = reg["unit"]
    value, num, den = f["value"], f["numerator"], f["denominator"]
    has_value = value.notna()
    decimals = reg["decimals"].astype(float)
    emit(t, specs.capped(reg) & (value > 100), "value", lambda r: f"{r.value:g} is above 100%",
         specs.ABOVE_100_FIX, found, 8)
    emit(t, specs.whole(reg) & has_value & (value != value.round()), "value",
         lambda r: f"{r.value:g} is not a whole number, but {r.measure_id} is a {unit[r.Index]}",
         "write the count as a whole number, or correct the measure's unit in measures.csv",
         found, 8)
    fraction = specs.unit_is(reg, "base")
    emit(t, unit.notna() & ~fraction & num.notna(), "numerator",
         lambda r: f"is given but the measure's unit is {unit[r.Index]}",
         "clear numerator and denominator, or change the unit", found, 9)
    # numerator / denominator times 100, or the rate's per: over whole columns, a million rows
    named = unit.map({n: u.base for n, u in units.UNITS.items()})
    base = named.where(named != "per", reg["per"]).astype(float)
    exact = base * num / den.where(den != 0)
    tolerance = 0.5 * 10.0 ** -decimals + 1e-9
    checkable = (fraction & has_value & num.notna() & (den > 0) & base.notna()
                 & ((num <= den) | (unit == "rate")) & f["discrepancy"].isna()
                 & decimals.notna())

    def mark(i: Any) -> str:
        return units.style(reg.loc[i]).mark

    emit(t, checkable & ((exact - value).abs() > tolerance), "value",
         lambda r: (f"{r.value:g}{mark(r.Index)} does not match {int(r.numerator):,} of "
                    f"{int(r.denominator):,} ({exact[r.Index]:.{int(decimals[r.Index]) + 1}f}"
                    f"{mark(r.Index)})"),
         "correct the figures, or if the report printed it so, explain it in "
         "the discrepancy column", found, 10)


__all__ = ["PER_FIX", "check_figures", "check_register", "refuse_negative", "register_of"]
