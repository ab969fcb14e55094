"""Finance arithmetic: every total and balance is computed here, never typed into a report."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class CashLimit:
    """The revenue cash limit and its outturn, in £000."""

    previously_reported: float
    change: float
    net_expenditure: float
    appropriations: float

    @property
    def current(self) -> float:
        """Current cash limit: what was reported plus the change since."""
        return self.previously_reported + self.change

    @property
    def outturn(self) -> float:
        """Outturn: net expenditure after appropriations to and from reserves."""
        return self.net_expenditure + self.appropriations

    @property
    def surplus_deficit(self) -> float:
        """(Surplus)/deficit against the cash limit; negative is a surplus."""
        return self.outturn - self.current

    @property
    def surplus_deficit_pct(self) -> float:
        """(Surplus)/deficit as a percentage of the cash limit."""
        return 100.0 * self.surplus_deficit / self.current if self.current else float("nan")


def reserves_with_balance(reserves: pd.DataFrame) -> pd.DataFrame:
    """Add each reserve's closing balance (approved plus the year's movement)."""
    out = reserves.copy()
    out["balance"] = out["approved"] + out["movement"]
    return out
