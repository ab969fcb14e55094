"""Finance arithmetic and the way the reports print money and values."""

import pandas as pd
import pytest

from perflib import formatting as fmt
from perflib.finance import CashLimit, reserves_with_balance
from perflib.reports.checks import load_report


def test_cash_limit_arithmetic():
    c = CashLimit(previously_reported=5350, change=292, net_expenditure=5630, appropriations=-32)
    assert c.current == 5642
    assert c.outturn == 5598
    assert c.surplus_deficit == -44
    assert fmt.money(c.surplus_deficit) == "(44)"
    assert round(c.surplus_deficit_pct, 2) == -0.78


def test_deficit_as_share_of_cash_limit():
    c = CashLimit(4834, 0, 5322, -40)
    assert (c.current, c.outturn, c.surplus_deficit) == (4834, 5282, 448)
    assert fmt.money(c.surplus_deficit) == "448"
    assert fmt.money_pct(c.surplus_deficit_pct) == "9.3%"


def test_reserve_balances():
    res = pd.DataFrame({"approved": [80, 40, 131], "movement": [0, -40, 0]})
    out = reserves_with_balance(res)
    assert out["balance"].tolist() == [80, 0, 131]
    assert out["balance"].sum() == 211


@pytest.mark.parametrize(
    ("year", "cash_limit", "outturn", "surplus", "approved", "balance", "savings", "achieved"),
    [("2019/20", 5642, 5598, -44, 163, 131, 450, 450),
     ("2020/21", 4834, 5282, 448, 251, 211, 570, 555)],
)
def test_seed_finance(year, cash_limit, outturn, surplus, approved, balance, savings, achieved):
    r = load_report("cfe", year)
    assert (r.cash.current, r.cash.outturn, r.cash.surplus_deficit) == (cash_limit, outturn, surplus)
    assert r.reserves["approved"].sum() == approved
    assert r.reserves["balance"].sum() == balance
    assert (r.savings["value"].sum(), r.savings["achieved"].sum()) == (savings, achieved)


@pytest.mark.parametrize(("v", "text"), [(0, "0"), (-0.4, "0"), (1234.6, "1,235"), (-40, "(40)")])
def test_money(v, text):
    assert fmt.money(v) == text
