"""The three plain-language headlines that open the overview page.

Each headline is a sentence a CEO can repeat ("Marketing sourced 38% of new pipeline this
quarter, $4.1M, up from 31%.") plus the figures behind it as data, so pages render the
numbers their own way and tests assert exact values. Every figure compares the period with
the same-length period just before it (Params.previous()).

1. sourced: marketing-sourced share of new pipeline (params.sourced_definition);
2. influenced: share of new pipeline with a marketing touch in the window;
3. content: win rate of content-assisted vs unassisted deals closed in the period.
"""
from __future__ import annotations

import dataclasses
import math

import pandas as pd

from data_models import content, metrics
from data_models.params import Params, fiscal_quarter_bounds, fiscal_year_bounds
from data_models.formatting import money
from data_models.periods import period_label



@dataclasses.dataclass(frozen=True)
class Headline:
    key: str
    text: str
    value: float                 # the headline ratio (0–1)
    previous: float              # the same ratio for the previous period (nan when undefined)
    change_points: float         # (value − previous) × 100
    figures: dict                # every number the sentence uses


def pct(x: float) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x * 100:.0f}%"


def period_phrase(params: Params) -> str:
    """'this quarter' / 'this year' when the period is the fiscal quarter / year containing today, else 'in <label>'."""
    fsm = params.fiscal_year_start_month
    if fiscal_quarter_bounds(params.start, fsm) == (params.start, params.end) and params.start <= params.today <= params.end:
        return "this quarter"
    if fiscal_year_bounds(params.start, fsm) == (params.start, params.end) and params.start <= params.today <= params.end:
        return "this year"
    return f"in {period_label(params.start, params.end, fsm)}"


def _trend(value: float, previous: float) -> str:
    if previous is None or math.isnan(previous) or math.isnan(value):
        return ""
    if round(value * 100) == round(previous * 100):
        return f", level with {pct(previous)} the period before"
    return f", {'up' if value > previous else 'down'} from {pct(previous)}"


def _change(value: float, previous: float) -> float:
    return (value - previous) * 100 if not (math.isnan(value) or math.isnan(previous)) else float("nan")


def sourced_headline(con, params: Params) -> Headline:
    share, amount, total = metrics.sourced_share(con, params, "marketing")
    prev_share, prev_amount, prev_total = metrics.sourced_share(con, params.previous(), "marketing")
    text = (f"Marketing sourced {pct(share)} of new pipeline {period_phrase(params)}, "
            f"{money(amount, params.currency)}{_trend(share, prev_share)}.")
    return Headline("sourced", text, share, prev_share, _change(share, prev_share), {
        "definition": params.sourced_definition, "marketing_amount": amount, "total_pipeline": total,
        "previous_marketing_amount": prev_amount, "previous_total_pipeline": prev_total,
    })


def influenced_headline(con, params: Params) -> Headline:
    cur = metrics.influenced_pipeline(con, params).iloc[0]
    prev = metrics.influenced_pipeline(con, params.previous()).iloc[0]
    share, prev_share = float(cur.influenced_share), float(prev.influenced_share)
    text = (f"Marketing touched {pct(share)} of new pipeline {period_phrase(params)} "
            f"({money(cur.influenced_amount, params.currency)}, {int(cur.influenced_opportunities)} of "
            f"{int(cur.total_opportunities)} deals){_trend(share, prev_share)}.")
    return Headline("influenced", text, share, prev_share, _change(share, prev_share), {
        "influenced_amount": cur.influenced_amount, "influenced_opportunities": int(cur.influenced_opportunities),
        "total_opportunities": int(cur.total_opportunities), "total_amount": cur.total_amount,
        "via_account_opportunities": int(cur.via_account_opportunities), "lookback_days": params.lookback_days,
        "previous_influenced_amount": prev.influenced_amount,
    })


def content_headline(con, params: Params) -> Headline:
    cur = content.assisted_comparison(con, params).set_index("group")
    prev = content.assisted_comparison(con, params.previous()).set_index("group")
    a, u = cur.loc["assisted"], cur.loc["unassisted"]
    value, previous = float(a.win_rate), float(prev.loc["assisted", "win_rate"])
    if int(a.deals) == 0:
        text = (f"No deal that closed {period_phrase(params)} had a buyer read content before the first sales "
                f"meeting ({int(u.deals)} closed deals).")
    else:
        text = (f"Deals whose buyers read content before the first sales meeting won {pct(value)} of the time "
                f"{period_phrase(params)}, vs {pct(float(u.win_rate))} without "
                f"({int(a.deals)} and {int(u.deals)} closed deals){_trend(value, previous)}.")
    return Headline("content", text, value, previous, _change(value, previous), {
        "assisted_deals": int(a.deals), "assisted_won": int(a.won), "assisted_win_rate": value,
        "assisted_win_rate_low": float(a.win_rate_low), "assisted_win_rate_high": float(a.win_rate_high),
        "unassisted_deals": int(u.deals), "unassisted_won": int(u.won), "unassisted_win_rate": float(u.win_rate),
        "previous_assisted_win_rate": previous, "caveat": content.CAVEAT,
    })


def headlines(con, params: Params) -> list[Headline]:
    """The three headlines for the period, each compared with the previous period."""
    return [sourced_headline(con, params), influenced_headline(con, params), content_headline(con, params)]


def headlines_frame(con, params: Params) -> pd.DataFrame:
    """The headlines as a frame: key, text, value, previous, change_points, figures."""
    return pd.DataFrame([dataclasses.asdict(h) for h in headlines(con, params)])


__all__ = ["Headline", "headlines", "headlines_frame", "money", "pct", "period_phrase"]
