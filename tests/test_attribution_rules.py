"""Rule-based weights per deal: hand-worked cases for every model, merging, renormalising, sums."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_models.attribution_rules import (
    MILESTONES, RULE_MODELS, parse_custom_weights, path_milestones, path_weights_by_length, rule_weights,
)


def deal(n, first=0, lead=None, opp=None, won=None, last=None, ages=None, name="d"):
    """One deal of n touches with its milestones at the given positions."""
    frame = pd.DataFrame({"deal": [name] * n, "age": ages if ages is not None else [0.0] * n})
    positions = {"first": first, "lead": lead, "opp": opp, "won": won, "last": last}
    for slot in MILESTONES:
        frame[f"is_{slot}"] = [i == positions[slot] for i in range(n)]
    return frame


def weights_of(frame, model, **kwargs):
    weights, info = rule_weights(frame, model, **kwargs)
    return list(weights), info


@pytest.mark.parametrize("model, touches, expected", [
    ("first_touch", deal(3, last=2), [1, 0, 0]),
    ("last_touch", deal(3, last=1), [0, 1, 0]),                      # last before the conversion, not the last row
    ("linear", deal(4), [0.25] * 4),
    # U: first 40, lead 40, the 20 shared by the two others
    ("u_shaped", deal(4, lead=2), [0.4, 0.1, 0.4, 0.1]),
    # first touch is also the lead-creation touch: 0.4 + 0.4 merge, 0.2 over three others
    ("u_shaped", deal(4, lead=0), [0.8, 0.2 / 3, 0.2 / 3, 0.2 / 3]),
    # W: first, lead, opp 30 each; 10 over the two others
    ("w_shaped", deal(5, lead=1, opp=3), [0.3, 0.3, 0.05, 0.3, 0.05]),
    # full path: four milestones 22.5 each; 10 over the two others
    ("full_path", deal(6, lead=1, opp=3, won=5), [0.225, 0.225, 0.05, 0.225, 0.05, 0.225]),
    # J: first 20, last 60, middle 20; inverse J: first 60, last 20
    ("j_shaped", deal(4, last=3), [0.2, 0.1, 0.1, 0.6]),
    ("inverse_j", deal(4, last=3), [0.6, 0.1, 0.1, 0.2]),
])
def test_position_models_by_hand(model, touches, expected):
    weights, info = weights_of(touches, model)
    assert weights == pytest.approx(expected)
    assert not info["renormalised"].any()


def test_custom_weights_are_scaled_to_one():
    # 30,20,20,20,10 -> 0.3 first, 0.2 lead, 0.2 opp, 0.2 won, 0.1 rest (one other touch)
    weights, _ = weights_of(deal(5, lead=1, opp=2, won=4), "custom", custom_weights=(30, 20, 20, 20, 10))
    assert weights == pytest.approx([0.3, 0.2, 0.2, 0.1, 0.2])
    # 3,2,2,2,1 is the same model
    same, _ = weights_of(deal(5, lead=1, opp=2, won=4), "custom", custom_weights=(3, 2, 2, 2, 1))
    assert same == pytest.approx(weights)


def test_missing_milestone_renormalises_and_says_so():
    # W-shaped without a lead-creation touch: 0.3 + 0.3 + 0.1 = 0.7 present
    # first 0.3/0.7 = 3/7, opp 3/7, the two others 0.05/0.7 = 1/14 each
    weights, info = weights_of(deal(4, opp=2), "w_shaped")
    assert weights == pytest.approx([3 / 7, 1 / 14, 3 / 7, 1 / 14])
    assert info["renormalised"].tolist() == [True]
    assert info["note"].tolist() == ["no lead-creation touch"]


def test_no_other_touches_renormalises_position_shares():
    # U-shaped with two touches (first and lead): 0.4 / 0.8 each, rest has nowhere to go
    weights, info = weights_of(deal(2, lead=1), "u_shaped")
    assert weights == pytest.approx([0.5, 0.5])
    assert info["note"].tolist() == ["no other touches"]
    assert info["renormalised"].tolist() == [False]  # no milestone is missing


def test_last_touch_without_milestone_falls_back_to_first_touch():
    # pipeline basis, every touch after opportunity creation: no last touch before it
    weights, info = weights_of(deal(3, last=None), "last_touch")
    assert weights == [1.0, 0.0, 0.0]
    assert info["renormalised"].tolist() == [True]
    assert "credit to the first touch" in info["note"].iloc[0]


def test_time_decay_halves_every_half_life():
    # ages 14, 7, 0 days with a 7-day half-life: raw 1/4, 1/2, 1 -> / 1.75 = 1/7, 2/7, 4/7
    weights, info = weights_of(deal(3, ages=[14.0, 7.0, 0.0]), "time_decay", half_life=7.0)
    assert weights == pytest.approx([1 / 7, 2 / 7, 4 / 7])
    # half-life 14: raw 1/2, 1/sqrt2, 1
    raw = np.array([0.5, 2 ** -0.5, 1.0])
    weights, _ = weights_of(deal(3, ages=[14.0, 7.0, 0.0]), "time_decay", half_life=14.0)
    assert weights == pytest.approx(list(raw / raw.sum()))
    # touches after the conversion (negative age) count as at the conversion
    weights, _ = weights_of(deal(2, ages=[-3.0, 0.0]), "time_decay")
    assert weights == pytest.approx([0.5, 0.5])


@pytest.mark.parametrize("model", RULE_MODELS)
def test_one_touch_gets_everything(model):
    weights, _ = weights_of(deal(1, lead=0, opp=0, won=0, last=0), model, custom_weights=(1, 1, 1, 1, 1))
    assert weights == pytest.approx([1.0])


def random_deals(n_deals=400, seed=7):
    """Deals of 1-11 touches; each milestone sits on a random touch, or is missing 30% of the time."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 12, n_deals)
    deal_of_touch = np.repeat(np.arange(n_deals), lengths)
    position = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    frame = pd.DataFrame({"deal": deal_of_touch, "age": rng.uniform(-5, 200, lengths.sum())})
    frame["is_first"] = position == 0
    for slot in ("lead", "opp", "won", "last"):
        at = np.where(rng.random(n_deals) < 0.7, rng.integers(0, lengths), -1)
        frame[f"is_{slot}"] = position == at[deal_of_touch]
    return frame


RANDOM_DEALS = random_deals()


@pytest.mark.parametrize("model", RULE_MODELS)
def test_weights_of_every_random_deal_add_to_one(model):
    weights, info = rule_weights(RANDOM_DEALS, model, half_life=7.0, custom_weights=(5, 0, 3, 1, 1))
    sums = pd.Series(weights).groupby(RANDOM_DEALS["deal"]).sum()
    assert len(sums) == 400 and len(info) == 400
    assert np.allclose(sums.to_numpy(), 1.0, atol=1e-12)
    assert (weights >= 0).all()


def test_custom_weight_parsing():
    assert parse_custom_weights("30,20,20,20,10") == (30, 20, 20, 20, 10)
    with pytest.raises(ValueError, match="five numbers"):
        parse_custom_weights("30,20,x")
    with pytest.raises(ValueError, match="non-negative"):
        parse_custom_weights("30,20,20,20")
    with pytest.raises(ValueError, match="non-negative"):
        parse_custom_weights("0,0,0,0,0")


def test_path_milestones_spread_evenly():
    assert path_milestones("u_shaped", 4) == {"first": 0, "last": 3, "lead": 3}
    # W on 5 steps: lead at floor(1 * 4 / 2 + 1/2) = 2, opp at 4
    assert path_milestones("w_shaped", 5) == {"first": 0, "last": 4, "lead": 2, "opp": 4}
    # full path on 7 steps: lead floor(2 + 1/2) = 2, opp floor(4 + 1/2) = 4, won 6
    assert path_milestones("full_path", 7) == {"first": 0, "last": 6, "lead": 2, "opp": 4, "won": 6}
    assert path_milestones("full_path", 1) == {"first": 0, "last": 0, "lead": 0, "opp": 0, "won": 0}


def test_path_weight_table():
    table, renormalised = path_weights_by_length("u_shaped", 4)
    assert list(table[1, :1]) == [1.0]
    assert list(table[2, :2]) == pytest.approx([0.5, 0.5])        # no middle: 0.4/0.8 each
    assert list(table[4, :4]) == pytest.approx([0.4, 0.1, 0.1, 0.4])
    assert not renormalised.any()  # on paths the lead milestone is the last step, never missing
