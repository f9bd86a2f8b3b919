"""Exact Markov attribution: hand-solved absorbing chains, self-loops, duplicates, sums."""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from data_models import journeys as J
from data_models import markov


def hand_example():
    # A > B > C  converts once (value 100)
    # A > C      does not convert once
    # B > A > B  converts once (value 50) and fails once
    return J.from_paths(["A > B > C", "A > C", "B > A > B"], [1, 0, 1], [100, 0, 50], [0, 1, 1])


def test_hand_worked_three_channel_chain():
    # transitions (weights = journeys walking them):
    #   start: A 2, B 2            -> 1/2, 1/2
    #   A: B 1 + 2 = 3, C 1        -> 3/4, 1/4
    #   B: C 1, A 2, conv 1, null 1 -> 1/5 each to C, conv, null; 2/5 to A
    #   C: conv 1, null 1          -> 1/2, 1/2
    # absorption: xC = 1/2; xA = 3/4 xB + 1/8; xB = 1/10 + 2/5 xA + 1/5 -> xB = 1/2, xA = 1/2; P = 1/2
    # remove A: xB = 1/10 + 1/5 = 3/10, P = 1/2 * 3/10 = 3/20          -> RE_A = 7/10
    # remove B: xA = 1/4 * 1/2 = 1/8, P = 1/16                         -> RE_B = 7/8
    # remove C: xB = 2/5 xA + 1/5, xA = 3/4 xB -> xB = 2/7, xA = 3/14; P = 1/4 -> RE_C = 1/2
    # sum RE = 83/40; credit = 2 * RE / (83/40): A 56/83, B 70/83, C 40/83; value 150 likewise
    result = markov.markov_model(hand_example())
    assert result.conversion_probability == pytest.approx(0.5)
    credit = result.credit.set_index("channel")
    assert credit["removal_effect"].tolist() == pytest.approx([0.7, 0.875, 0.5])
    assert credit["conversions"].tolist() == pytest.approx([56 / 83, 70 / 83, 40 / 83])
    assert credit["value"].tolist() == pytest.approx([150 * 28 / 83, 150 * 35 / 83, 150 * 20 / 83])
    probabilities = {(r.channel_from, r.channel_to): r.transition_probability for r in result.transitions.itertuples()}
    assert probabilities == pytest.approx({
        ("(start)", "A"): 0.5, ("(start)", "B"): 0.5, ("A", "B"): 0.75, ("A", "C"): 0.25,
        ("B", "A"): 0.4, ("B", "C"): 0.2, ("B", "(conversion)"): 0.2, ("B", "(null)"): 0.2,
        ("C", "(conversion)"): 0.5, ("C", "(null)"): 0.5,
    })


def test_two_channels_in_fractions():
    # A > B converts, A fails, B converts: start A 2/3, B 1/3; A: B 1/2, null 1/2; B: conv 1
    # P = 2/3 * 1/2 + 1/3 = 2/3; without A: 1/3 (RE 1/2); without B: 0 (RE 1)
    # credit of 2 conversions: A 2 * (1/2) / (3/2) = 2/3, B 4/3
    result = markov.markov_model(J.from_paths(["A > B", "A", "B"], [1, 0, 1], [10, 0, 5], [0, 1, 0]))
    got = result.credit.set_index("channel")
    assert [F(x).limit_denominator(1000) for x in got["conversions"]] == [F(2, 3), F(4, 3)]
    assert got["value"].tolist() == pytest.approx([5.0, 10.0])


def test_matches_resolving_the_chain_once_per_removed_channel():
    journeys = random_journeys(seed=3, n=3000, n_channels=7)
    fast = markov.markov_model(journeys).credit["removal_effect"].to_numpy()
    slow = markov.removal_effects_by_resolving(journeys)
    assert np.allclose(fast, slow, atol=1e-12)


def test_sparse_solver_agrees_with_dense(monkeypatch):
    journeys = random_journeys(seed=5, n=2000, n_channels=9)
    dense = markov.markov_model(journeys).credit
    monkeypatch.setattr(markov, "DENSE_LIMIT", 0)
    sparse = markov.markov_model(journeys).credit
    assert np.allclose(dense["removal_effect"], sparse["removal_effect"], atol=1e-12)


def test_self_loops_do_not_change_absorption():
    # A chain where A repeats itself with probability s: A -> A s, A -> conv (1-s)/2, A -> null (1-s)/2.
    # x_A = s x_A + (1-s)/2  ->  x_A = 1/2 whatever s is, the same as without the loop.
    for s in (0.0, 0.3, 0.9):
        q = np.array([[0.0, 1.0], [0.0, s]])  # states start, A
        r = np.array([0.0, (1 - s) / 2])
        assert np.linalg.solve(np.eye(2) - q, r)[0] == pytest.approx(0.5)
    # so repeated consecutive channels in journeys leave the credit unchanged
    with_repeats = markov.markov_model(J.from_paths(["A > A > B", "B > B", "A > A"], [2, 1, 0], [2, 1, 0], [1, 0, 3]))
    without = markov.markov_model(J.from_paths(["A > B", "B", "A"], [2, 1, 0], [2, 1, 0], [1, 0, 3]))
    assert np.allclose(with_repeats.credit["conversions"], without.credit["conversions"])


def test_identical_paths_add_up():
    split = markov.markov_model(J.from_paths(["A > B", "A > B", "B", "A"], [1, 2, 1, 0], [1, 2, 1, 0], [0, 1, 2, 1]))
    merged = markov.markov_model(J.from_paths(["A > B", "B", "A"], [3, 1, 0], [3, 1, 0], [1, 2, 1]))
    assert np.allclose(split.credit["conversions"], merged.credit["conversions"])
    assert split.credit["conversions"].sum() == pytest.approx(4.0)


def test_credit_adds_up_to_totals():
    journeys = random_journeys(seed=11, n=5000, n_channels=12)
    credit = markov.markov_model(journeys).credit
    assert credit["conversions"].sum() == pytest.approx(journeys.total_conversions)
    assert credit["value"].sum() == pytest.approx(journeys.total_value)
    assert (credit["removal_effect"].between(0, 1)).all()


def test_no_conversions_gives_zero_credit():
    result = markov.markov_model(J.from_paths(["A > B", "B"], [0, 0], None, [2, 1]))
    assert result.credit["conversions"].tolist() == [0.0, 0.0]
    assert result.conversion_probability == 0.0


def random_journeys(seed, n, n_channels):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 7, n)
    steps = rng.integers(0, n_channels, int(lengths.sum()))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    conversions = (rng.random(n) < 0.3).astype(float)
    return J.from_arrays([f"c{i}" for i in range(n_channels)], offsets, steps, conversions,
                         value=conversions * rng.integers(1, 100, n), nulls=1 - conversions)
