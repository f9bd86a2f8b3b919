"""Shapley-value attribution (shared/domain.md, "Shapley").

Players are channels. The worth of a coalition S of channels is
    v(S) = conversions of the journeys whose set of distinct channels lies within S
(value likewise, with conversion value). A channel's credit is its Shapley value.

Exact for any number of channels: write w(T) for the conversions of journeys whose channel set
is exactly T. Then v(S) = sum of w(T) over T within S, so w(T) are the Harsanyi dividends of
the game and the Shapley value is
    phi_i = sum over observed sets T containing i of w(T) / |T|
(each journey's conversions are shared equally by its distinct channels). Only the channel
sets that occur are visited, so this is linear in the data. The textbook coalition formula
    phi_i = sum over S not containing i of |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S))
is implemented as well for up to MAX_FORMULA_CHANNELS channels; the tests check both agree.
Non-converting journeys have no worth and so no influence on the result; the Shapley values
add up to v(all channels) = total conversions (efficiency).
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from data_models.journeys import Journeys

MAX_FORMULA_CHANNELS = 15
MAX_BITMASK_CHANNELS = 62

SHAPLEY_FORMULA = (
    r"\varphi_i = \sum_{S \subseteq N \setminus \{i\}} \frac{|S|!\,(n-|S|-1)!}{n!}"
    r"\,\bigl(v(S \cup \{i\}) - v(S)\bigr),\qquad v(S) = \sum_{T \subseteq S} w(T)"
)
SHAPLEY_FORMULA_TEXT = (
    "Each channel's credit is its Shapley value: the average, over every order in which channels "
    "could join, of the conversions it adds when it joins. v(S) counts the conversions of journeys "
    "whose channels all lie in S; w(T) counts those whose channel set is exactly T. Because "
    "v(S) = sum of w(T) for T within S, the Shapley value equals each journey's conversions shared "
    "equally among its distinct channels: phi_i = sum over T containing i of w(T) / |T|."
)


@dataclasses.dataclass(frozen=True)
class ShapleyResult:
    credit: pd.DataFrame        # channel, conversions, value
    coalitions: pd.DataFrame    # see coalition_table
    formula: str = SHAPLEY_FORMULA
    explanation: str = SHAPLEY_FORMULA_TEXT


def exact_sets(journeys: Journeys) -> tuple[list[tuple[int, ...]], np.ndarray, np.ndarray]:
    """The distinct channel sets that occur, with w(T) in conversions and in value.

    Returns (sets as sorted tuples of channel codes, conversions per set, value per set).
    """
    n_channels = len(journeys.channels)
    journey = journeys.journey_of_step
    if n_channels <= MAX_BITMASK_CHANNELS:
        bits = np.left_shift(np.int64(1), journeys.steps.astype(np.int64))
        masks = np.bitwise_or.reduceat(bits, journeys.offsets[:-1]) if len(journeys) else np.zeros(0, np.int64)
        unique_masks, inverse = np.unique(masks, return_inverse=True)
        conv = np.bincount(inverse, weights=journeys.conversions, minlength=len(unique_masks))
        val = np.bincount(inverse, weights=journeys.value, minlength=len(unique_masks))
        sets = [tuple(i for i in range(n_channels) if (int(m) >> i) & 1) for m in unique_masks]
        return sets, conv, val
    # many channels: a set is the sorted distinct codes of a journey, written as a key
    pairs = pd.DataFrame({"j": journey, "c": journeys.steps}).drop_duplicates().sort_values(["j", "c"])
    keys = pairs.groupby("j", sort=True)["c"].agg(lambda s: tuple(int(v) for v in s))
    frame = pd.DataFrame({"set": keys.to_numpy(), "c": journeys.conversions, "v": journeys.value})
    grouped = frame.groupby("set", sort=True)[["c", "v"]].sum()
    return list(grouped.index), grouped["c"].to_numpy(), grouped["v"].to_numpy()


def shapley_model(
    journeys: Journeys, coalition_limit: int = MAX_FORMULA_CHANNELS, with_table: bool = True,
) -> ShapleyResult:
    """Shapley credit per channel via the dividends w(T) / |T|, plus the coalition table
    (skipped, and left empty, with `with_table=False` when only the credit is needed)."""
    sets, conv, val = exact_sets(journeys)
    n_channels = len(journeys.channels)
    phi_conv = np.zeros(n_channels)
    phi_val = np.zeros(n_channels)
    for members, c, v in zip(sets, conv, val):
        idx = list(members)
        phi_conv[idx] += c / len(members)
        phi_val[idx] += v / len(members)
    credit = pd.DataFrame({"channel": list(journeys.channels), "conversions": phi_conv, "value": phi_val})
    table = coalition_table(journeys, coalition_limit, _sets=(sets, conv, val)) if with_table else pd.DataFrame()
    return ShapleyResult(credit, table)


def shapley_by_formula(journeys: Journeys) -> pd.DataFrame:
    """Shapley credit by the textbook coalition formula (at most MAX_FORMULA_CHANNELS channels)."""
    n = len(journeys.channels)
    if n > MAX_FORMULA_CHANNELS:
        raise ValueError(f"the coalition formula enumerates 2^n coalitions; {n} channels is too many")
    v_conv, v_val = _worth_of_every_coalition(journeys)
    masks = np.arange(1 << n)
    size = _popcount(masks)
    weight_by_size = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]) if n else np.zeros(0)
    phi_conv = np.zeros(n)
    phi_val = np.zeros(n)
    for i in range(n):
        without = masks[(masks >> i) & 1 == 0]
        w = weight_by_size[size[without]]
        phi_conv[i] = np.sum(w * (v_conv[without | (1 << i)] - v_conv[without]))
        phi_val[i] = np.sum(w * (v_val[without | (1 << i)] - v_val[without]))
    return pd.DataFrame({"channel": list(journeys.channels), "conversions": phi_conv, "value": phi_val})


def coalition_table(journeys: Journeys, max_channels: int = MAX_FORMULA_CHANNELS, _sets=None) -> pd.DataFrame:
    """Every coalition S with its worth, for the page to show behind the Shapley numbers.

    Columns: coalition ("a + b"), size, exact_conversions / exact_value (w(S): journeys whose
    channel set is exactly S), conversions / value (v(S): journeys whose channels lie within S).
    With up to `max_channels` channels every non-empty coalition is listed; with more, only the
    coalitions that occur as a journey's channel set (the ones with a non-zero dividend).
    """
    names = journeys.channels
    n = len(names)
    sets, conv, val = _sets if _sets is not None else exact_sets(journeys)
    if n <= max_channels:
        v_conv, v_val = _worth_of_every_coalition(journeys, (sets, conv, val))
        exact_c = np.zeros(1 << n)
        exact_v = np.zeros(1 << n)
        for members, c, v in zip(sets, conv, val):
            m = sum(1 << i for i in members)
            exact_c[m] += c
            exact_v[m] += v
        masks = np.arange(1, 1 << n)
        size = _popcount(masks)
        order = np.lexsort((masks, size))
        masks, size = masks[order], size[order]
        return pd.DataFrame({
            "coalition": [" + ".join(names[i] for i in range(n) if (int(m) >> i) & 1) for m in masks],
            "size": size,
            "exact_conversions": exact_c[masks],
            "exact_value": exact_v[masks],
            "conversions": v_conv[masks],
            "value": v_val[masks],
        })
    within_c, within_v = _worth_of_observed(sets, np.asarray(conv), np.asarray(val))
    table = pd.DataFrame({
        "coalition": [" + ".join(names[i] for i in s) for s in sets],
        "size": [len(s) for s in sets],
        "exact_conversions": conv,
        "exact_value": val,
        "conversions": within_c,
        "value": within_v,
    })
    return table.sort_values(["size", "coalition"], kind="stable").reset_index(drop=True)


def _worth_of_observed(sets, conv: np.ndarray, val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """v(S) for the observed sets S only: the dividends of the observed sets T within S."""
    if sets and max((max(s) for s in sets), default=0) < MAX_BITMASK_CHANNELS:
        masks = np.array([sum(1 << i for i in s) for s in sets], dtype=np.int64)
        within_c = np.zeros(len(sets))
        within_v = np.zeros(len(sets))
        block = 2048  # rows of the subset test at a time, to bound memory
        for start in range(0, len(sets), block):
            s = masks[start:start + block, None]
            inside = (masks[None, :] & ~s) == 0  # T within S
            within_c[start:start + block] = inside @ conv
            within_v[start:start + block] = inside @ val
        return within_c, within_v
    member_sets = [frozenset(s) for s in sets]
    within_c = np.array([sum(c for t, c in zip(member_sets, conv) if t <= s) for s in member_sets])
    within_v = np.array([sum(v for t, v in zip(member_sets, val) if t <= s) for s in member_sets])
    return within_c, within_v


def _worth_of_every_coalition(journeys: Journeys, sets=None) -> tuple[np.ndarray, np.ndarray]:
    """v(S) for all 2^n coalitions S (indexed by bitmask), by summing dividends over subsets."""
    n = len(journeys.channels)
    sets, conv, val = sets if sets is not None else exact_sets(journeys)
    v_conv = np.zeros(1 << n)
    v_val = np.zeros(1 << n)
    for members, c, v in zip(sets, conv, val):
        m = sum(1 << i for i in members)
        v_conv[m] += c
        v_val[m] += v
    # subset-sum (zeta) transform: afterwards v[S] = sum of w[T] over T within S
    for i in range(n):
        for arr in (v_conv, v_val):
            view = arr.reshape(-1, 2, 1 << i)
            view[:, 1, :] += view[:, 0, :]
    return v_conv, v_val


def _popcount(masks: np.ndarray) -> np.ndarray:
    counts = np.zeros(len(masks), dtype=np.int64)
    m = masks.astype(np.int64).copy()
    while np.any(m):
        counts += m & 1
        m >>= 1
    return counts
