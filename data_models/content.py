"""Content-assisted deals: what buyers read before the first sales meeting, and how those deals went.

Definition (shared/domain.md, "Content-assisted deal"): "a closed opportunity where at least
one contact on the deal consumed at least one content asset ... before the first sales meeting
(opportunity created date when there is no meeting date)". Deals are those closed in the period
(by close date). A touch counts as before the meeting when its date is before the meeting day.
Contacts on the deal are its contact roles, or every contact of its account when it has none
(the same fallback as influenced pipeline).

Everything here is correlation, not causation: every rate comes with counts and a Wilson
95% interval, and pages show CAVEAT.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from data_models.metrics import SCOPE_FILTER, frame, safe_ratio, scope_args, velocity_from, wilson_interval
from data_models.params import Params

CAVEAT = (
    "This is correlation, not causation: buyers who read more may already be more likely to buy. "
    "Counts and 95% confidence intervals are shown so small groups are not over-read."
)
DEPTH_BUCKETS = ("0", "1-2", "3-5", "6-10", "11-20", "21+")

CONTENT_GROUPS_SQL = """
with scoped as (
    select *
    from fct_content_consumption
    where 1 = 1{scope}
),

closed as (
    select
        consumed_content,
        count(*) as deals,
        sum(case when is_won then 1 else 0 end) as won,
        coalesce(sum(case when is_won then amount end), 0) as won_amount,
        avg(case when is_won then cast(cycle_days as double) end) as avg_cycle_days
    from scoped
    where is_closed and close_date between ? and ?
    group by consumed_content
),

open_now as (
    select
        consumed_content,
        count(*) as open_opportunities
    from scoped
    where created_date <= ? and (not is_closed or close_date > ?)
    group by consumed_content
),

content_groups as (
    select true as consumed_content
    union all
    select false as consumed_content
),

final as (
    select
        content_groups.consumed_content,
        coalesce(closed.deals, 0) as deals,
        coalesce(closed.won, 0) as won,
        coalesce(closed.won_amount, 0) as won_amount,
        closed.avg_cycle_days,
        coalesce(open_now.open_opportunities, 0) as open_opportunities
    from content_groups
    left join closed
        on closed.consumed_content = content_groups.consumed_content
    left join open_now
        on open_now.consumed_content = content_groups.consumed_content
)

select * from final
""".replace("{scope}", SCOPE_FILTER)


def _closed_args(params: Params) -> list:
    return scope_args(params) + [params.start, params.end]


def _rate_columns(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["win_rate"] = [safe_ratio(w, n) for w, n in zip(df["won"], df["deals"])]
    ci = [wilson_interval(int(w), int(n)) for w, n in zip(df["won"], df["deals"])]
    df["win_rate_low"] = [c[0] for c in ci]
    df["win_rate_high"] = [c[1] for c in ci]
    return df


def assisted_comparison(con, params: Params) -> pd.DataFrame:
    """Content-assisted vs unassisted closed deals: "win rate, sales cycle days, average won amount, pipeline velocity" (shared/domain.md), with counts and Wilson 95% intervals.

    Two rows (assisted, unassisted). Cycle days are the average of won deals (created to
    close); velocity uses open deals of the same group as of params.today.
    """
    df = frame(con, CONTENT_GROUPS_SQL, _closed_args(params) + [params.today, params.today])
    df = _rate_columns(df)
    df["avg_won_amount"] = [safe_ratio(a, w) for a, w in zip(df["won_amount"], df["won"])]
    df["velocity_per_day"] = [
        velocity_from(int(o), int(w), int(n), a, c)[2]
        for o, w, n, a, c in zip(df["open_opportunities"], df["won"], df["deals"], df["won_amount"], df["avg_cycle_days"])
    ]
    df["avg_cycle_days"] = df["avg_cycle_days"].astype(float)
    df.insert(0, "group", ["assisted" if c else "unassisted" for c in df["consumed_content"]])
    df = df.drop(columns=["consumed_content"])
    return df.sort_values("group").reset_index(drop=True)


ASSETS_SQL = """
with scoped as (
    select opportunity_id, is_won, amount
    from fct_content_consumption
    where is_closed and close_date between ? and ?{scope}
),

consumed as (
    select distinct touches.opportunity_id, touches.asset_id
    from int_touchpoints_by_opportunity as touches
    inner join scoped
        on scoped.opportunity_id = touches.opportunity_id
    inner join dim_content_assets as assets
        on assets.asset_id = touches.asset_id
    where cast(touches.occurred_at as date)
        < coalesce(touches.first_meeting_date, touches.opp_created_date)
),

totals as (
    select
        count(*) as all_deals,
        coalesce(sum(case when is_won then 1 else 0 end), 0) as all_won
    from scoped
),

per_asset as (
    select
        consumed.asset_id,
        count(*) as deals,
        sum(case when scoped.is_won then 1 else 0 end) as won,
        coalesce(sum(case when scoped.is_won then scoped.amount end), 0) as assisted_won_revenue
    from consumed
    inner join scoped
        on scoped.opportunity_id = consumed.opportunity_id
    group by consumed.asset_id
),

final as (
    select
        per_asset.asset_id,
        assets.asset_title,
        assets.asset_type,
        assets.url,
        per_asset.deals,
        per_asset.won,
        per_asset.assisted_won_revenue,
        totals.all_deals - per_asset.deals as deals_without,
        totals.all_won - per_asset.won as won_without
    from per_asset
    cross join totals
    inner join dim_content_assets as assets
        on assets.asset_id = per_asset.asset_id
)

select * from final
""".replace("{scope}", SCOPE_FILTER)


def assets(con, params: Params) -> pd.DataFrame:
    """Per asset: closed deals that consumed it before the first meeting, their win rate (Wilson 95%), assisted won revenue, and the win rate of closed deals without it; lift = ratio of the two rates, lift_points = their difference."""
    df = frame(con, ASSETS_SQL, [params.start, params.end] + scope_args(params))
    df = _rate_columns(df)
    df["win_rate_without"] = [safe_ratio(w, n) for w, n in zip(df["won_without"], df["deals_without"])]
    df["lift"] = [safe_ratio(a, b) if b else float("nan") for a, b in zip(df["win_rate"], df["win_rate_without"])]
    df["lift_points"] = df["win_rate"] - df["win_rate_without"]
    return df


def top_assets(con, params: Params, order: str = "revenue", n: int = 10, min_deals: int = 3) -> pd.DataFrame:
    """Assets ranked "by assisted won revenue and by lift" (shared/domain.md); lift ranking only among assets with at least `min_deals` closed deals."""
    return rank_assets(assets(con, params), order, n, min_deals)


def rank_assets(df: pd.DataFrame, order: str = "revenue", n: int = 10, min_deals: int = 3) -> pd.DataFrame:
    """`top_assets` on an already computed `assets` frame (one query serves both rankings)."""
    if order == "revenue":
        df = df.sort_values(["assisted_won_revenue", "asset_id"], ascending=[False, True], key=_sort_key)
    elif order == "lift":
        df = df[df["deals"] >= min_deals]
        df = df.sort_values(["lift_points", "deals", "asset_id"], ascending=[False, False, True])
    else:
        raise ValueError("order must be 'revenue' or 'lift'")
    return df.head(n).reset_index(drop=True)


def _sort_key(s: pd.Series) -> pd.Series:
    return s.map(float) if s.name == "assisted_won_revenue" else s


DEPTH_SQL = """
with scoped as (
    select depth_bucket, is_won
    from fct_content_consumption
    where is_closed and close_date between ? and ?{scope}
),

final as (
    select
        depth_bucket,
        count(*) as deals,
        sum(case when is_won then 1 else 0 end) as won
    from scoped
    group by depth_bucket
)

select * from final
""".replace("{scope}", SCOPE_FILTER)


def content_depth(con, params: Params) -> pd.DataFrame:
    """"Win rate by number of assets consumed before the first meeting, in buckets, with counts" (shared/domain.md), with Wilson 95% intervals; all six buckets always present."""
    df = frame(con, DEPTH_SQL, [params.start, params.end] + scope_args(params))
    df = pd.DataFrame({"depth_bucket": list(DEPTH_BUCKETS)}).merge(df, on="depth_bucket", how="left")
    df["deals"] = df["deals"].fillna(0).astype("int64")
    df["won"] = df["won"].fillna(0).astype("int64")
    return _rate_columns(df)


JOURNEY_SQL = """
with scoped as (
    select opportunity_id, close_date, meeting_cutoff_date
    from fct_content_consumption
    where is_won and close_date between ? and ?{scope}
),

journey as (
    select
        touches.opportunity_id,
        case when cast(touches.occurred_at as date) < scoped.meeting_cutoff_date then 1 else 0 end as before_meeting
    from int_touchpoints_by_opportunity as touches
    inner join scoped
        on scoped.opportunity_id = touches.opportunity_id
    where cast(touches.occurred_at as date) <= scoped.close_date
),

per_deal as (
    select
        opportunity_id,
        count(*) as touches,
        sum(before_meeting) as touches_before_meeting
    from journey
    group by opportunity_id
),

final as (
    select
        (select count(*) from scoped) as won_deals,
        count(*) as won_deals_with_touches,
        coalesce(sum(touches), 0) as touches,
        coalesce(sum(touches_before_meeting), 0) as touches_before_meeting,
        avg(cast(touches_before_meeting as double) / touches) as mean_deal_share
    from per_deal
)

select * from final
""".replace("{scope}", SCOPE_FILTER)


def journey_before_meeting(con, params: Params) -> pd.DataFrame:
    """Share of the buying journey before the first sales meeting: touches before the meeting ÷ all touches up to close, over won deals closed in the period (pooled; mean_deal_share averages per deal)."""
    df = frame(con, JOURNEY_SQL, [params.start, params.end] + scope_args(params))
    df["share"] = [safe_ratio(b, t) for b, t in zip(df["touches_before_meeting"], df["touches"])]
    df["mean_deal_share"] = df["mean_deal_share"].astype(float)
    return df


def assisted_won_revenue(con, params: Params) -> Decimal:
    """Won amount of content-assisted deals closed in the period (exact)."""
    df = assisted_comparison(con, params)
    return df.loc[df["group"] == "assisted", "won_amount"].iloc[0]


def all_sql() -> list[str]:
    return [CONTENT_GROUPS_SQL, ASSETS_SQL, DEPTH_SQL, JOURNEY_SQL]
