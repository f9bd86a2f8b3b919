"""Shapley attribution: hand-worked game, formula vs dividends, coalition table, many channels."""
from __future__ import annotations

import numpy as np
import pytest

from data_models import journeys as J
from data_models import shapley


def hand_example():
    # w({A}) = 2 (value 20); w({A,B}) = 3 + 1 = 4 (value 60 + 10); w({B,C}) = 2 (value 40); C alone never converts
    return J.from_paths(
        ["A", "A > B", "B > A > B", "B > C", "C"],
        [2, 3, 1, 2, 0], [20, 60, 10, 40, 0], [1, 0, 0, 0, 5],
    )


def test_hand_worked_shapley_values():
    # dividends / |T|: A = 2 + 4/2 = 4, B = 4/2 + 2/2 = 3, C = 2/2 = 1  (sum 8 conversions)
    # value: A = 20 + 70/2 = 55, B = 35 + 40/2 = 55, C = 20                (sum 130)
    credit = shapley.shapley_model(hand_example()).credit
    assert credit["conversions"].tolist() == [4.0, 3.0, 1.0]
    assert credit["value"].tolist() == [55.0, 55.0, 20.0]


def test_textbook_formula_by_hand():
    # v: A 2, B 0, C 0, AB 6, AC 2, BC 2, ABC 8; weights |S|=0: 1/3, 1: 1/6, 2: 1/3
    # phi_A = 1/3 * 2 + 1/6 * (6 - 0) + 1/6 * (2 - 0) + 1/3 * (8 - 2) = 2/3 + 1 + 1/3 + 2 = 4
    formula = shapley.shapley_by_formula(hand_example())
    assert formula["conversions"].tolist() == pytest.approx([4.0, 3.0, 1.0])
    assert formula["value"].tolist() == pytest.approx([55.0, 55.0, 20.0])


def test_coalition_table_by_hand():
    table = shapley.coalition_table(hand_example())
    assert table["coalition"].tolist() == ["A", "B", "C", "A + B", "A + C", "B + C", "A + B + C"]
    assert table["exact_conversions"].tolist() == [2, 0, 0, 4, 0, 2, 0]
    assert table["conversions"].tolist() == [2, 0, 0, 6, 2, 2, 8]
    assert table["value"].tolist() == [20, 0, 0, 90, 20, 40, 130]


def test_coalition_table_lists_observed_sets_when_too_many_channels():
    table = shapley.coalition_table(hand_example(), max_channels=2)
    # observed sets only: {A}, {C} (no conversions), {A,B}, {B,C}
    assert table["coalition"].tolist() == ["A", "C", "A + B", "B + C"]
    assert table["conversions"].tolist() == [2, 0, 6, 2]


@pytest.mark.parametrize("seed, n_channels", [(1, 3), (2, 6), (3, 9)])
def test_formula_and_dividends_agree(seed, n_channels):
    rng = np.random.default_rng(seed)
    n = 800
    lengths = rng.integers(1, 6, n)
    steps = rng.integers(0, n_channels, int(lengths.sum()))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    conversions = rng.integers(0, 3, n).astype(float)
    journeys = J.from_arrays([f"c{i}" for i in range(n_channels)], offsets, steps, conversions,
                             value=conversions * rng.uniform(1, 50, n))
    fast = shapley.shapley_model(journeys).credit
    slow = shapley.shapley_by_formula(journeys)
    assert np.allclose(fast["conversions"], slow["conversions"], atol=1e-9)
    assert np.allclose(fast["value"], slow["value"], atol=1e-7)
    assert fast["conversions"].sum() == pytest.approx(conversions.sum())  # efficiency


def test_more_channels_than_a_bitmask_holds():
    # 70 channels: journey 1 visits c0..c69 (converts 70 times), journey 2 visits c0 twice (converts once)
    names = [f"c{i:02d}" for i in range(70)]
    journeys = J.from_sequences([names, ["c00", "c00"]], [70, 1], [700, 10])
    credit = shapley.shapley_model(journeys).credit.set_index("channel")
    # c00: 70/70 + 1 = 2; every other channel 70/70 = 1
    assert credit.loc["c00", "conversions"] == pytest.approx(2.0)
    assert credit.loc["c69", "conversions"] == pytest.approx(1.0)
    assert credit["value"].sum() == pytest.approx(710.0)


def test_formula_text_is_provided():
    result = shapley.shapley_model(hand_example())
    assert "v(S" in result.formula and "w(T)" in result.explanation
