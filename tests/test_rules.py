"""RAG and trend rules at their boundaries, both polarities, every kind of missing value."""

import math

import numpy as np
import pytest

from perflib.rules import AMBER, BETTER, GREEN, RED, STABLE, WORSE, rag, trend

NAN = math.nan


@pytest.mark.parametrize(
    ("value", "target", "polarity", "expected"),
    [
        # High is good: on target, better, exactly 5% worse, just beyond 5% worse
        (90.0, 90.0, "High", GREEN),
        (95.0, 90.0, "High", GREEN),
        (89.99, 90.0, "High", AMBER),
        (85.5, 90.0, "High", AMBER),  # exactly 5% of the target below
        (85.49, 90.0, "High", RED),
        (9500, 10000, "High", AMBER),
        (9499, 10000, "High", RED),
        # Low is good: the same boundaries mirrored
        (31.0, 31.0, "Low", GREEN),
        (28.9, 33.0, "Low", GREEN),
        (31.1, 31.0, "Low", AMBER),
        (32.55, 31.0, "Low", AMBER),  # exactly 5% of the target above
        (32.56, 31.0, "Low", RED),
        (37.0, 34.0, "Low", RED),
        # zero target
        (0.0, 0.0, "Low", GREEN),
        (1.0, 0.0, "Low", RED),
        # no rating: missing value, missing target, no polarity
        (NAN, 90.0, "High", ""),
        (90.0, NAN, "High", ""),
        (90.0, 90.0, "Not applicable", ""),
    ],
)
def test_rag(value, target, polarity, expected):
    assert rag([value], [target], [polarity]).tolist() == [expected]


def test_rag_not_rateable_gives_no_rating():
    # contextual measures and non-numerical targets are passed as rateable=False
    assert rag([50, 50], [90, 90], ["High", "High"], [False, True]).tolist() == ["", RED]


def test_rag_tolerance_is_read_not_fixed():
    assert rag([80.0], [90.0], ["High"], tolerance=0.2).tolist() == [AMBER]
    assert rag([80.0], [90.0], ["High"], tolerance=0.05).tolist() == [RED]


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "expected"),
    [
        (100.0, 100.0, "High", STABLE),
        (100.99, 100.0, "High", STABLE),  # under 1%
        (101.0, 100.0, "High", BETTER),  # exactly 1% is a change
        (99.0, 100.0, "High", WORSE),
        (90.9, 90.0, "High", BETTER),  # 1% in floating point
        (101.0, 100.0, "Low", WORSE),
        (99.0, 100.0, "Low", BETTER),
        (99.01, 100.0, "Low", STABLE),
        (88.9, 88.4, "High", STABLE),  # 2020/21 Stage 1 on time: +0.57%
        (80.7, 81.3, "High", STABLE),  # 2019/20 calls answered: -0.74%
        (0.0, 0.0, "High", STABLE),
        (5.0, 0.0, "High", BETTER),
        (NAN, 100.0, "High", ""),
        (100.0, NAN, "High", ""),
        (100.0, 90.0, "Not applicable", ""),
    ],
)
def test_trend(current, previous, polarity, expected):
    assert trend([current], [previous], [polarity]).tolist() == [expected]


def test_rules_are_vectorised_over_columns():
    n = 10_000
    values = np.linspace(80, 100, n)
    out = rag(values, np.full(n, 90.0), np.array(["High"] * n))
    assert set(out) == {RED, AMBER, GREEN}
    assert out[0] == RED and out[-1] == GREEN
