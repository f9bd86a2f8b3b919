"""Rule-based attribution weights: how one deal's credit (1 per deal) is split over its touches.

Definitions follow shared/domain.md, "Attribution models":
- first touch; last touch (the milestone `last`: last before opportunity creation for the
  pipeline basis, before close for revenue); linear (equal shares);
- position-based, each milestone touch taking its share and the rest shared equally by the
  other touches: U-shaped 40/20/40 (first 40, lead creation 40, rest 20); W-shaped 30/30/30/10
  (first, lead creation, opportunity creation, rest); full path 22.5 x 4 + 10 (first, lead
  creation, opportunity creation, closed won, rest); J-shaped (first 20, last 60, rest 20) and
  inverse J (first 60, last 20, rest 20); custom (first, lead, opportunity, won, rest) entered
  by the user and scaled to add up to 1;
- time decay: a touch's weight halves every half-life before the conversion.

When milestone touches coincide, their shares add up on that touch. When a share has no touch
to go to (a milestone is missing, or there are no other touches for "rest"), the remaining
shares are renormalised to add up to 1. A deal whose model lacks a milestone touch is flagged
`renormalised`, so pages can say "renormalised for N deals"; the note names what was missing
(including "no other touches", the ordinary case of a short deal, which is not flagged). If none of a model's
shares has a touch (last touch on the pipeline basis when every touch came after opportunity
creation) the first touch, the one nearest the missing milestone, takes the credit.

The engine works on a frame of touches, sorted by deal and time, with one boolean column per
milestone (`is_first`, `is_lead`, `is_opp`, `is_won`, `is_last`) and `age` (time before the
conversion, days or steps) and is vectorised over all deals at once.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MILESTONES = ("first", "lead", "opp", "won", "last")
MILESTONE_LABELS = {
    "first": "first touch",
    "lead": "lead-creation touch",
    "opp": "opportunity-creation touch",
    "won": "closed-won touch",
    "last": "last touch before the conversion",
    "rest": "other touches",
}
RULE_MODELS = (
    "first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "full_path",
    "time_decay", "j_shaped", "inverse_j", "custom",
)
POSITION_SHARES: dict[str, dict[str, float]] = {
    "first_touch": {"first": 1.0},
    "last_touch": {"last": 1.0},
    "u_shaped": {"first": 0.4, "lead": 0.4, "rest": 0.2},
    "w_shaped": {"first": 0.3, "lead": 0.3, "opp": 0.3, "rest": 0.1},
    "full_path": {"first": 0.225, "lead": 0.225, "opp": 0.225, "won": 0.225, "rest": 0.1},
    "j_shaped": {"first": 0.2, "last": 0.6, "rest": 0.2},
    "inverse_j": {"first": 0.6, "last": 0.2, "rest": 0.2},
}
CUSTOM_SLOTS = ("first", "lead", "opp", "won", "rest")
DEFAULT_HALF_LIFE = 7.0


def model_shares(model: str, custom_weights: Sequence[float] | None = None) -> dict[str, float]:
    """The shares a position-based model gives each milestone and the rest (adding up to 1)."""
    if model == "custom":
        if custom_weights is None:
            raise ValueError("the custom model needs five weights: first, lead, opportunity, won, rest")
        weights = [float(w) for w in custom_weights]
        if len(weights) != 5 or any(not np.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError(
                f"custom weights must be five non-negative numbers (first, lead, opportunity, won, rest) "
                f"with a positive sum, got {custom_weights!r}"
            )
        total = sum(weights)
        return {slot: w / total for slot, w in zip(CUSTOM_SLOTS, weights) if w > 0}
    if model not in POSITION_SHARES:
        raise ValueError(f"{model!r} is not a position-based model; choose one of {', '.join(POSITION_SHARES)}, custom")
    return POSITION_SHARES[model]


def parse_custom_weights(text: str) -> tuple[float, float, float, float, float]:
    """'30,20,20,20,10' -> (30, 20, 20, 20, 10), checked."""
    try:
        values = tuple(float(part) for part in text.replace(";", ",").split(","))
    except ValueError:
        raise ValueError(f"custom weights '{text}' must be five numbers like 30,20,20,20,10") from None
    model_shares("custom", values)  # validates
    return values  # type: ignore[return-value]


def rule_weights(
    touches: pd.DataFrame,
    model: str,
    half_life: float = DEFAULT_HALF_LIFE,
    custom_weights: Sequence[float] | None = None,
    deal_column: str = "deal",
) -> tuple[np.ndarray, pd.DataFrame]:
    """Each touch's weight under `model`, and per deal whether the weights were renormalised.

    `touches` holds one row per touch, sorted by deal then time, with the milestone flags
    described in the module docstring. Returns (weights aligned with the rows, a frame with one
    row per deal: deal, renormalised, note). The weights of every deal add up to 1.
    """
    if model not in RULE_MODELS:
        raise ValueError(f"unknown rule-based model {model!r}; choose one of {', '.join(RULE_MODELS)}")
    codes, deals = pd.factorize(touches[deal_column], sort=False)
    n_deals = len(deals)
    n_touches = np.bincount(codes, minlength=n_deals).astype(np.float64)
    renormalised = np.zeros(n_deals, dtype=bool)
    notes = np.full(n_deals, "", dtype=object)

    if model == "linear":
        weights = 1.0 / n_touches[codes]
    elif model == "time_decay":
        if not half_life or half_life <= 0:
            raise ValueError(f"the time-decay half-life must be positive, got {half_life}")
        age = np.clip(touches["age"].to_numpy(dtype=np.float64), 0.0, None)
        raw = np.exp2(-age / half_life)
        weights = raw / np.bincount(codes, weights=raw, minlength=n_deals)[codes]
    else:
        shares = model_shares(model, custom_weights)
        contribution = np.zeros(len(touches))
        present = np.zeros(n_deals)
        is_milestone = np.zeros(len(touches), dtype=bool)
        missing: list[tuple[str, np.ndarray]] = []
        for slot, share in shares.items():
            if slot == "rest":
                continue
            flag = touches[f"is_{slot}"].to_numpy(dtype=bool)
            count = np.bincount(codes, weights=flag, minlength=n_deals)
            if np.any(count > 1):
                raise ValueError(f"a deal has more than one {MILESTONE_LABELS[slot]}")
            is_milestone |= flag
            contribution += share * flag
            present += share * count
            missing.append((slot, count == 0))
        if "rest" in shares:
            rest = ~is_milestone
            n_rest = np.bincount(codes, weights=rest, minlength=n_deals)
            with np.errstate(divide="ignore", invalid="ignore"):
                contribution += np.where(rest, shares["rest"] / n_rest[codes], 0.0)
            present += shares["rest"] * (n_rest > 0)
            missing.append(("rest", n_rest == 0))
        none_present = present <= 1e-12
        with np.errstate(divide="ignore", invalid="ignore"):
            weights = contribution / present[codes]
        if none_present.any():
            fallback = touches["is_first"].to_numpy(dtype=bool).astype(np.float64)
            weights = np.where(none_present[codes], fallback, weights)
        # the domain's "renormalised" is about missing milestones; a share for "other touches"
        # with no other touch is the ordinary small-deal case and only gets a note
        renormalised = none_present.copy()
        for slot, is_missing in missing:
            if slot != "rest":
                renormalised |= is_missing
        for slot, is_missing in missing:
            label = "no " + MILESTONE_LABELS[slot]
            notes = np.where(is_missing, np.where(notes == "", label, notes + "; " + label), notes)
        notes = np.where(none_present, np.where(notes == "", "", notes + "; ") + "credit to the first touch", notes)
    deal_info = pd.DataFrame({deal_column: deals, "renormalised": renormalised, "note": notes.astype(str)})
    return weights, deal_info


# ------------------------------------------------------- journeys without timestamps

def path_milestones(model: str, length: int) -> dict[str, int]:
    """Where a model's milestones sit on a path of `length` steps that has no timestamps.

    Rule (documented for journey files): the first step is the first touch and the last step
    stands for the conversion, so it is the `last` touch and the model's final milestone; the
    model's intermediate milestones are spread evenly between them, at step
    floor(k (n - 1) / (m - 1) + 1/2) for the k-th of m milestones. So U-shaped is first/last
    40/40 with 20 over the middle; W-shaped puts its lead-creation share on the middle step;
    full path and custom put lead and opportunity creation at one and two thirds of the path.
    Coinciding milestones merge as usual.
    """
    order = {
        "u_shaped": ("first", "lead"),
        "w_shaped": ("first", "lead", "opp"),
        "full_path": ("first", "lead", "opp", "won"),
        "custom": ("first", "lead", "opp", "won"),
    }.get(model, ("first",))
    last = length - 1
    positions = {"first": 0, "last": last}
    m = len(order)
    for k, slot in enumerate(order[1:], start=1):
        positions[slot] = int(np.floor(k * last / (m - 1) + 0.5))
    return positions


def path_weights_by_length(
    model: str,
    max_length: int,
    half_life: float = DEFAULT_HALF_LIFE,
    custom_weights: Sequence[float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Weights of each step of a path as a function of its length alone.

    Returns (table, renormalised): table[n, i] is the weight of step i of an n-step path
    (rows 0 unused), renormalised[n] whether n-step paths needed renormalising. Time decay
    on paths counts steps: the last step has age 0 and `half_life` is in steps.
    """
    lengths = np.arange(1, max_length + 1)
    deal = np.repeat(lengths, lengths)
    position = np.concatenate([np.arange(n) for n in lengths]) if max_length else np.zeros(0, dtype=int)
    frame = pd.DataFrame({"deal": deal, "position": position})
    frame["age"] = (frame["deal"] - 1 - frame["position"]).astype(np.float64)
    for slot in MILESTONES:
        frame[f"is_{slot}"] = False
    for n in lengths:
        rows = frame["deal"].to_numpy() == n
        for slot, pos in path_milestones(model, int(n)).items():
            frame.loc[rows & (frame["position"].to_numpy() == pos), f"is_{slot}"] = True
    weights, info = rule_weights(frame, model, half_life=half_life, custom_weights=custom_weights)
    table = np.zeros((max_length + 1, max_length))
    table[deal, position] = weights
    renormalised = np.zeros(max_length + 1, dtype=bool)
    renormalised[info["deal"].to_numpy()] = info["renormalised"].to_numpy()
    return table, renormalised
