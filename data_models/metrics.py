"""Pipeline, revenue, reconciliation, sourced and influenced pipeline, velocity.

Every metric is a function `(con, params) -> DataFrame`; definitions follow
shared/domain.md word for word. Amount columns are exact `decimal.Decimal` values
summed by the database in DECIMAL (never float), so totals equal the CRM's own totals
to the cent. Ratios (shares, win rates) are floats.

SQL texts are module-level constants (templates only take identifiers from the
whitelists below); every value a user chooses is a bound `?` parameter.
`all_sql()` renders every variant so tests can transpile them to another engine.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_FLOOR, Decimal

import pandas as pd

from data_models import attribution
from data_models.params import Params

CENT = Decimal("0.01")
SOURCE_GROUPS = ("marketing", "sales", "partner", "unknown")
GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}

# name a caller may group by -> column of the scoped CTE (identifiers, never user text)
DIMENSIONS = {
    "period": "period_index",
    "segment": "segment",
    "region": "region",
    "channel": "lead_source_channel",
    "source_group": "lead_source_group",
    "stage": "stage",
}

# ---------------------------------------------------------------------------
# helpers shared by the metric modules
# ---------------------------------------------------------------------------


def frame(con, sql: str, args: list | tuple = ()) -> pd.DataFrame:
    """Run SQL with bound parameters; keep DECIMAL as Decimal and dates as dates."""
    cur = con.execute(sql, list(args))
    cols = [d[0] for d in cur.description]
    return pd.DataFrame(cur.fetchall(), columns=cols)


def scope_args(params: Params) -> list:
    """Bound values of the segment / region filter (SCOPE_FILTER)."""
    return [params.segment, params.segment, params.region, params.region]


# filter on columns `segment` and `region` of fct_pipeline; None means all
SCOPE_FILTER = """
      and (cast(? as varchar) is null or segment = ?)
      and (cast(? as varchar) is null or region = ?)"""


def month_index_to_date(index: int) -> dt.date:
    return dt.date(int(index) // 12, int(index) % 12 + 1, 1)


def period_label(index: int, grain: str, fiscal_year_start_month: int = 1) -> str:
    """'2025-03' for months; 'FY2025 Q1' / 'FY2025' in the fiscal calendar (named for the year it ends in)."""
    start = month_index_to_date(index)
    if grain == "month":
        return f"{start:%Y-%m}"
    fiscal_index = int(index) - (fiscal_year_start_month - 1)
    fy = fiscal_index // 12 + (0 if fiscal_year_start_month == 1 else 1)
    if grain == "quarter":
        return f"FY{fy} Q{fiscal_index % 12 // 3 + 1}"
    return f"FY{fy}"


def add_period_columns(df: pd.DataFrame, grain: str, params: Params) -> pd.DataFrame:
    """Replace integer period_index by period_start (date) and period (label)."""
    if "period_index" not in df.columns:
        return df
    df = df.copy()
    idx = df.pop("period_index")
    df.insert(0, "period", [period_label(i, grain, params.fiscal_year_start_month) for i in idx])
    df.insert(0, "period_start", [month_index_to_date(i) for i in idx])
    return df


def period_args(grain: str, params: Params) -> list:
    if grain not in GRAIN_MONTHS:
        raise ValueError(f"grain must be one of {', '.join(GRAIN_MONTHS)}")
    return [params.fiscal_year_start_month, GRAIN_MONTHS[grain]]


# calendar month index of the first month of the (fiscal) period of `month_index`
PERIOD_INDEX_EXPR = "month_index - ((month_index - (? - 1)) % ?)"


def month_index_expr(date_col: str) -> str:
    return f"(extract(year from {date_col}) * 12 + extract(month from {date_col}) - 1)"


def safe_ratio(num, den) -> float:
    if den is None or num is None or float(den) == 0:
        return float("nan")
    return float(num) / float(den)


def wilson_interval(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score 95% interval of a proportion; (nan, nan) when n is 0."""
    if n <= 0:
        return float("nan"), float("nan")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def apportion(total: Decimal, weights: list[float]) -> list[Decimal]:
    """Split `total` in proportion to `weights` into cents that add up to `total` exactly (largest remainder)."""
    total = Decimal(total or 0).quantize(CENT)
    if not weights:
        return []
    wsum = math.fsum(weights)
    if wsum <= 0:
        return [Decimal(0).quantize(CENT)] * len(weights)
    cents = int(total / CENT)
    raw = [cents * w / wsum for w in weights]
    floors = [math.floor(r) for r in raw]
    rest = cents - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - floors[i]), reverse=True)
    for i in order[:rest]:
        floors[i] += 1
    return [(Decimal(c) * CENT).quantize(CENT) for c in floors]


def _dims(by) -> list[str]:
    by = [by] if isinstance(by, str) else list(by or ())
    unknown = [b for b in by if b not in DIMENSIONS]
    if unknown:
        raise ValueError(f"cannot group by {unknown}; choose from {', '.join(DIMENSIONS)}")
    return [DIMENSIONS[b] for b in by]


def _render_grouped(template: str, dims: list[str]) -> str:
    select_dims = "".join(f"{d}, " for d in dims)
    group_by = ("group by " + ", ".join(dims)) if dims else ""
    return template.replace("{select_dims}", select_dims).replace("{group_by}", group_by)


def _finish(df: pd.DataFrame, by, grain: str, params: Params) -> pd.DataFrame:
    inverse = {v: k for k, v in DIMENSIONS.items()}
    sort_cols = [c for c in df.columns if c in inverse]
    if sort_cols:
        df = df.sort_values(sort_cols, kind="stable").reset_index(drop=True)
    df = df.rename(columns={c: inverse[c] for c in df.columns if c in inverse and c != "period_index"})
    return add_period_columns(df, grain, params)


# ---------------------------------------------------------------------------
# pipeline and revenue
# ---------------------------------------------------------------------------

_AMOUNT_TEMPLATE = """
with scoped as (
    select
        opportunity_id,
        segment,
        region,
        stage,
        lead_source_channel,
        lead_source_group,
        amount,
        {month_index} as month_index
    from fct_pipeline
    where {date_col} between ? and ?{won_filter}{scope}
),

periods as (
    select scoped.*, {period_index} as period_index
    from scoped
),

final as (
    select
        {select_dims}count(*) as opportunities,
        coalesce(sum(amount), 0) as amount,
        sum(case when amount is null then 1 else 0 end) as missing_amount
    from periods
    {group_by}
)

select * from final
"""

PIPELINE_SQL = (_AMOUNT_TEMPLATE.replace("{month_index}", month_index_expr("created_date"))
                .replace("{date_col}", "created_date").replace("{won_filter}", "")
                .replace("{scope}", SCOPE_FILTER).replace("{period_index}", PERIOD_INDEX_EXPR))
REVENUE_SQL = (_AMOUNT_TEMPLATE.replace("{month_index}", month_index_expr("close_date"))
               .replace("{date_col}", "close_date").replace("{won_filter}", "\n      and is_won")
               .replace("{scope}", SCOPE_FILTER).replace("{period_index}", PERIOD_INDEX_EXPR))


def _amounts(con, params: Params, template: str, by, grain: str) -> pd.DataFrame:
    sql = _render_grouped(template, _dims(by))
    args = [params.start, params.end] + scope_args(params) + period_args(grain, params)
    return _finish(frame(con, sql, args), by, grain, params)


def pipeline(con, params: Params, by=("period",), grain: str = "quarter") -> pd.DataFrame:
    """Pipeline: "sum of amount of opportunities created in the period" (shared/domain.md), grouped by `by`."""
    return _amounts(con, params, PIPELINE_SQL, by, grain)


def revenue(con, params: Params, by=("period",), grain: str = "quarter") -> pd.DataFrame:
    """Revenue: "sum of amount of opportunities won in the period" (by close date; shared/domain.md), grouped by `by`."""
    return _amounts(con, params, REVENUE_SQL, by, grain)


# The CRM's own total, read straight from the canonical tables (not the models): the reference.
CRM_PIPELINE_SQL = """
with opps as (
    select o.opportunity_id, o.amount, o.created_date, a.segment, a.region
    from opportunities as o
    left join accounts as a
        on a.account_id = o.account_id
),

final as (
    select count(*) as opportunities, coalesce(sum(amount), 0) as amount
    from opps
    where created_date between ? and ?
      and (cast(? as varchar) is null or coalesce(segment, 'Unknown') = ?)
      and (cast(? as varchar) is null or coalesce(region, 'Unknown') = ?)
)

select * from final
"""


def crm_pipeline_total(con, params: Params) -> tuple[int, Decimal]:
    """Opportunities and amount created in the period, straight from the CRM table."""
    n, amount = con.execute(CRM_PIPELINE_SQL, [params.start, params.end] + scope_args(params)).fetchone()
    return int(n), Decimal(amount)


# ---------------------------------------------------------------------------
# per-opportunity touch facts: used by reconciliation, sourced and influenced
# ---------------------------------------------------------------------------

OPPORTUNITY_TOUCH_FACTS_CTES = """
with scoped as (
    select opportunity_id, amount, created_date, close_date, is_closed,
        lead_source, lead_source_channel, lead_source_group,
        {month_index} as month_index
    from fct_pipeline
    where created_date between ? and ?{scope}
),

deal_touches as (
    select
        touches.*,
        coalesce(channel_map.is_marketing, false) as is_marketing,
        touches.days_before_created <= ?
            and cast(touches.occurred_at as date)
                <= case when touches.is_closed then coalesce(touches.close_date, ?) else ? end
            as in_window
    from int_touchpoints_by_opportunity as touches
    inner join scoped
        on scoped.opportunity_id = touches.opportunity_id
    left join channel_map
        on channel_map.channel = touches.channel
    -- the scoped deals' creation dates again, on the touch table (stored in creation order): only its
    -- row groups of the period are read
    where touches.opp_created_date between ? and ?
),

-- each deal's earliest touch in the lookback before creation (ties: the lowest touchpoint id); an
-- aggregate rather than a ranking window over every touch
first_touch as (
    select
        opportunity_id,
        arg_min(channel, (occurred_at, touchpoint_id)) as first_touch_channel,
        arg_min(via_account, (occurred_at, touchpoint_id)) as first_touch_via_account
    from deal_touches
    where days_before_created between 0 and ?
    group by opportunity_id
),

touch_summary as (
    select
        opportunity_id,
        count(*) as touches,
        sum(case when in_window then 1 else 0 end) as touches_in_window,
        sum(case when in_window and is_marketing then 1 else 0 end) as marketing_touches_in_window,
        max(case when via_account then 1 else 0 end) = 1 as via_account
    from deal_touches
    group by opportunity_id
),

opportunity_facts as (
    select
        scoped.opportunity_id,
        scoped.amount,
        scoped.created_date,
        scoped.month_index,
        scoped.lead_source,
        scoped.lead_source_channel,
        scoped.lead_source_group,
        first_touch.first_touch_channel,
        coalesce(first_channel.source_group, 'unknown') as first_touch_group,
        coalesce(first_touch.first_touch_via_account, false) as first_touch_via_account,
        coalesce(touch_summary.touches, 0) as touches,
        coalesce(touch_summary.touches_in_window, 0) as touches_in_window,
        coalesce(touch_summary.marketing_touches_in_window, 0) as marketing_touches_in_window,
        coalesce(touch_summary.via_account, false) as via_account
    from scoped
    left join first_touch
        on first_touch.opportunity_id = scoped.opportunity_id
    left join channel_map as first_channel
        on first_channel.channel = first_touch.first_touch_channel
    left join touch_summary
        on touch_summary.opportunity_id = scoped.opportunity_id
)""".replace("{month_index}", month_index_expr("created_date")).replace("{scope}", SCOPE_FILTER)

OPPORTUNITY_TOUCH_FACTS_SQL = OPPORTUNITY_TOUCH_FACTS_CTES + """,

final as (
    select * from opportunity_facts
)

select * from final
"""


def _touch_fact_args(params: Params) -> list:
    return ([params.start, params.end] + scope_args(params) + [params.lookback_days, params.today, params.today]
            + [params.start, params.end, params.lookback_days])


def _without_first_touch(sql: str) -> str:
    """The facts without the first touch (an aggregate over every touch before creation), for the metrics
    that only count touches in the window: influenced and the reconciliation. Same rows, same counts."""
    start, end = sql.index("-- each deal's earliest touch"), sql.index("touch_summary as (")
    out = sql[:start] + sql[end:]
    for part in ("""        first_touch.first_touch_channel,
        coalesce(first_channel.source_group, 'unknown') as first_touch_group,
        coalesce(first_touch.first_touch_via_account, false) as first_touch_via_account,
""", """    left join first_touch
        on first_touch.opportunity_id = scoped.opportunity_id
    left join channel_map as first_channel
        on first_channel.channel = first_touch.first_touch_channel
"""):
        if part not in out:
            raise RuntimeError("OPPORTUNITY_TOUCH_FACTS_CTES changed; update _without_first_touch")
        out = out.replace(part, "")
    return out


WINDOW_TOUCH_FACTS_SQL = _without_first_touch(OPPORTUNITY_TOUCH_FACTS_SQL)


def _window_fact_args(params: Params) -> list:
    return _touch_fact_args(params)[:-1]  # no lookback bound for the first-touch ranking


# Sourced by lead source is decided by the opportunity's own columns: no touch needs reading,
# which on 10M touchpoints is the difference between a scan of fct_pipeline and a join with every touch.
LEAD_SOURCE_FACTS_CTES = """
with scoped as (
    select opportunity_id, amount, lead_source_group,
        {month_index} as month_index
    from fct_pipeline
    where created_date between ? and ?{scope}
),

opportunity_facts as (
    select * from scoped
)""".replace("{month_index}", month_index_expr("created_date")).replace("{scope}", SCOPE_FILTER)


# aggregate the per-opportunity facts by source group (and period) in DECIMAL
_SOURCED_TEMPLATE = """{facts},

periods as (
    select opportunity_facts.*, {period_index} as period_index
    from opportunity_facts
),

final as (
    select
        {select_dims}{group_col} as source_group,
        count(*) as opportunities,
        coalesce(sum(amount), 0) as amount
    from periods
    group by {select_dims}{group_col}
)

select * from final
"""

SOURCE_GROUP_COLUMNS = {"lead_source": "lead_source_group", "first_touch": "first_touch_group"}
DEFINITION_LABELS = {
    "lead_source": "Lead source: the opportunity's (or its primary contact's) lead source",
    "first_touch": "First touch: the earliest touch within the lookback window before creation",
}


def _sourced_sql(definition: str, with_period: bool) -> str:
    group_col = SOURCE_GROUP_COLUMNS[definition]
    facts = LEAD_SOURCE_FACTS_CTES if definition == "lead_source" else OPPORTUNITY_TOUCH_FACTS_CTES
    sql = (_SOURCED_TEMPLATE.replace("{facts}", facts)
           .replace("{period_index}", PERIOD_INDEX_EXPR).replace("{group_col}", group_col))
    return sql.replace("{select_dims}", "period_index, " if with_period else "")


def _sourced_args(definition: str, params: Params) -> list:
    if definition == "lead_source":
        return [params.start, params.end] + scope_args(params)
    return _touch_fact_args(params)


def sourced_by_opportunity(con, params: Params) -> pd.DataFrame:
    """One row per opportunity created in the period with its source group under both definitions of "Sourced pipeline" (shared/domain.md)."""
    df = frame(con, OPPORTUNITY_TOUCH_FACTS_SQL, _touch_fact_args(params))
    df["source_group"] = df[SOURCE_GROUP_COLUMNS[_definition(params)]]
    return df.drop(columns=["month_index"]).sort_values("opportunity_id").reset_index(drop=True)


def _definition(params: Params) -> str:
    if params.sourced_definition not in SOURCE_GROUP_COLUMNS:
        raise ValueError(f"sourced_definition must be one of {', '.join(SOURCE_GROUP_COLUMNS)}")
    return params.sourced_definition


def sourced_pipeline(con, params: Params, grain: str | None = None) -> pd.DataFrame:
    """Sourced pipeline: "every opportunity is exactly one of marketing-sourced, sales-sourced, partner-sourced or unknown; the four add up to total pipeline" (shared/domain.md), by params.sourced_definition.

    One row per source group (and per period when `grain` is given), all four groups always
    present; `share` is the group's part of the (period's) total pipeline.
    """
    definition = _definition(params)
    with_period = grain is not None
    sql = _sourced_sql(definition, with_period)
    args = _sourced_args(definition, params) + period_args(grain or "quarter", params)
    df = frame(con, sql, args)
    keys = ["period_index"] if with_period else []
    if with_period:
        periods = sorted(set(df["period_index"]))
        full = pd.DataFrame([(p, g) for p in periods for g in SOURCE_GROUPS], columns=keys + ["source_group"])
    else:
        full = pd.DataFrame({"source_group": list(SOURCE_GROUPS)})
    df = full.merge(df, on=keys + ["source_group"], how="left")
    df["opportunities"] = df["opportunities"].fillna(0).astype("int64")
    df["amount"] = [a if isinstance(a, Decimal) else Decimal("0.00") for a in df["amount"]]
    totals = df.groupby(keys, sort=False)["amount"].transform(lambda s: sum(s, Decimal(0))) if keys else \
        pd.Series([sum(df["amount"], Decimal(0))] * len(df))
    df["share"] = [safe_ratio(a, t) for a, t in zip(df["amount"], totals)]
    df["definition"] = definition
    return add_period_columns(df, grain or "quarter", params)


def sourced_share(con, params: Params, group: str = "marketing") -> tuple[float, Decimal, Decimal]:
    """(share, group amount, total pipeline) for one source group over the whole period."""
    df = sourced_pipeline(con, params)
    total = sum(df["amount"], Decimal(0))
    amount = df.loc[df["source_group"] == group, "amount"].iloc[0]
    return safe_ratio(amount, total), amount, total


def sourced_share_of(by_period: pd.DataFrame, start: dt.date, group: str = "marketing") -> tuple[float, Decimal, Decimal]:
    """`sourced_share` of a period made of whole periods of a `sourced_pipeline(..., grain=...)` frame: the rows
    whose period starts on or after `start` (the frame's last periods). The same deals, so the same figures,
    without reading their touches again (the first-touch definition ranks every touch of every deal)."""
    rows = by_period[by_period["period_start"] >= start]
    total = sum(rows["amount"], Decimal(0))
    amount = sum(rows.loc[rows["source_group"] == group, "amount"], Decimal("0.00"))
    return safe_ratio(amount, total), amount, total


# ---------------------------------------------------------------------------
# reconciliation
# ---------------------------------------------------------------------------


def reconciliation(con, params: Params) -> pd.DataFrame:
    """Reconciles attributed pipeline (deals with at least one touch between created date minus the lookback and the close date or today) to the CRM's own pipeline total, "sum of amount of opportunities created in the period" (shared/domain.md), with the reasons for the difference.

    Rows: CRM total pipeline, attributed pipeline, difference, then the reasons: deals with no
    touches at all, deals whose touches are all outside the lookback window (these two make up
    the difference exactly), and two notes: attributed only through the account fallback (in
    attributed pipeline, labelled), and deals with a missing amount (counted as zero everywhere).
    """
    crm_n, crm_amount = crm_pipeline_total(con, params)
    facts = frame(con, WINDOW_TOUCH_FACTS_SQL, _window_fact_args(params))
    amounts = [a if isinstance(a, Decimal) else Decimal(0) for a in facts["amount"]] if len(facts) else []
    facts = facts.assign(amount_or_zero=amounts) if len(facts) else facts.assign(amount_or_zero=[])

    def part(mask) -> tuple[int, Decimal]:
        sub = facts.loc[mask, "amount_or_zero"]
        return int(mask.sum()), sum(sub, Decimal("0.00"))

    attributed = facts["touches_in_window"] > 0
    no_touches = facts["touches"] == 0
    outside = (facts["touches"] > 0) & ~attributed
    fallback = attributed & facts["via_account"]
    missing = facts["amount"].isna()
    att_n, att_amount = part(attributed)
    rows = [
        ("CRM total pipeline", crm_n, crm_amount, "Sum of amount of opportunities created in the period, from the CRM table"),
        ("Attributed pipeline", att_n, att_amount,
         f"Deals with at least one touch between created date minus {params.lookback_days} days and close date (or today)"),
        ("Difference", crm_n - att_n, crm_amount - att_amount, "CRM total minus attributed"),
        ("Reason: no touches at all", *part(no_touches), "No touch from any contact on the deal (or its account)"),
        ("Reason: touches only outside the lookback window", *part(outside),
         f"Touches exist but all are more than {params.lookback_days} days before creation or after close"),
        ("Note: attributed through account fallback only", *part(fallback),
         "Deal has no contact roles; touches come from contacts of its account (included above)"),
        ("Note: missing amount", *part(missing), "Amount is empty in the CRM; counted as zero in every total"),
    ]
    return pd.DataFrame(rows, columns=["line", "opportunities", "amount", "note"])


# ---------------------------------------------------------------------------
# influenced pipeline
# ---------------------------------------------------------------------------


# influenced pipeline summed in the database (DECIMAL), overall or per quarter / segment: the window facts
# of each deal stay in DuckDB instead of coming back to Python row by row
INFLUENCED_TEMPLATE = (_without_first_touch(OPPORTUNITY_TOUCH_FACTS_CTES)
                       .replace("select opportunity_id, amount, created_date,",
                                "select opportunity_id, segment, amount, created_date,", 1)
                       .replace("        scoped.amount,\n", "        scoped.segment,\n        scoped.amount,\n", 1)) + """,

periods as (
    select
        opportunity_facts.*,
        {period_index} as period_index,
        marketing_touches_in_window > 0 as influenced
    from opportunity_facts
),

final as (
    select
        {select_dims}count(*) as total_opportunities,
        coalesce(sum(amount), 0) as total_amount,
        sum(case when influenced then 1 else 0 end) as influenced_opportunities,
        coalesce(sum(case when influenced then amount end), 0) as influenced_amount,
        sum(case when influenced and via_account then 1 else 0 end) as via_account_opportunities,
        coalesce(sum(case when influenced and via_account then amount end), 0) as via_account_amount
    from periods
    {group_by}
)

select * from final
""".replace("{period_index}", PERIOD_INDEX_EXPR)
if INFLUENCED_TEMPLATE.count("segment,") != 2:
    raise RuntimeError("OPPORTUNITY_TOUCH_FACTS_CTES changed; update INFLUENCED_TEMPLATE")
INFLUENCED_GROUPS = {"quarter": "period_index", "segment": "segment"}


def _influenced(con, params: Params, dims: list[str]) -> pd.DataFrame:
    sql = _render_grouped(INFLUENCED_TEMPLATE, dims)
    df = frame(con, sql, _window_fact_args(params) + period_args("quarter", params))
    for column in ("total_opportunities", "influenced_opportunities", "via_account_opportunities"):
        df[column] = [int(v or 0) for v in df[column]]
    df["influenced_share"] = [safe_ratio(a, t) for a, t in zip(df["influenced_amount"], df["total_amount"])]
    df["lookback_days"] = params.lookback_days
    return df[dims + ["total_opportunities", "total_amount", "influenced_opportunities", "influenced_amount",
                      "influenced_share", "via_account_opportunities", "via_account_amount", "lookback_days"]]


def influenced_pipeline(con, params: Params) -> pd.DataFrame:
    """Influenced pipeline: "opportunities with at least one marketing touchpoint from a contact on the deal (account fallback, labelled) between created date minus the lookback ... and the close date (or today). Each opportunity counts once in the total" (shared/domain.md).

    One row: total pipeline, influenced deals and amount, share, and how many of them are
    influenced only through the account fallback.
    """
    return _influenced(con, params, [])


def influenced_by(con, params: Params, by: str) -> pd.DataFrame:
    """Influenced pipeline (same definition as `influenced_pipeline`, shared/domain.md) for each fiscal quarter
    of the period (`by="quarter"`: a quarter cut by the period's start or end counts its part) or each segment
    (`by="segment"`): the rows equal `influenced_pipeline` run on each quarter's or segment's filters, from one
    query instead of one per group. Groups without opportunities are left out; ordered by quarter or segment.
    """
    if by not in INFLUENCED_GROUPS:
        raise ValueError(f"by must be one of {', '.join(INFLUENCED_GROUPS)}")
    df = _influenced(con, params, [INFLUENCED_GROUPS[by]])
    df = df.sort_values(INFLUENCED_GROUPS[by], kind="stable", na_position="last").reset_index(drop=True)
    return add_period_columns(df, "quarter", params)


def influenced_of(by_quarter: pd.DataFrame, start: dt.date, params: Params) -> pd.DataFrame:
    """`influenced_pipeline` of a period made of whole quarters of an `influenced_by(..., by="quarter")` frame:
    the quarters starting on or after `start` (the frame's last ones), added up: the same deals, one query fewer."""
    rows = by_quarter[by_quarter["period_start"] >= start]
    out = {c: sum((int(v) for v in rows[c]), 0)
           for c in ("total_opportunities", "influenced_opportunities", "via_account_opportunities")}
    out |= {c: sum(rows[c], Decimal("0.00")) for c in ("total_amount", "influenced_amount", "via_account_amount")}
    out["influenced_share"] = safe_ratio(out["influenced_amount"], out["total_amount"])
    out["lookback_days"] = params.lookback_days
    return pd.DataFrame([out])[["total_opportunities", "total_amount", "influenced_opportunities", "influenced_amount",
                                "influenced_share", "via_account_opportunities", "via_account_amount", "lookback_days"]]


# linear weights of each influenced deal's marketing touches in the window, by channel
INFLUENCED_CHANNEL_SQL = """
with scoped as (
    select opportunity_id, amount
    from fct_pipeline
    where created_date between ? and ?{scope}
),

window_touches as (
    select touches.opportunity_id, touches.channel, scoped.amount
    from int_touchpoints_by_opportunity as touches
    inner join scoped
        on scoped.opportunity_id = touches.opportunity_id
    inner join channel_map
        on channel_map.channel = touches.channel
        and channel_map.is_marketing
    where touches.opp_created_date between ? and ?   -- as scoped: reads the period's row groups only
        and touches.days_before_created <= ?
        and cast(touches.occurred_at as date)
            <= case when touches.is_closed then coalesce(touches.close_date, ?) else ? end
),

per_deal_channel as (
    select opportunity_id, channel, max(amount) as amount, count(*) as touches
    from window_touches
    group by opportunity_id, channel
),

weighted as (
    select
        per_deal_channel.*,
        cast(touches as double) / sum(touches) over (partition by opportunity_id) as weight
    from per_deal_channel
),

final as (
    select
        channel,
        count(*) as opportunities,
        sum(weight) as credited_opportunities,
        sum(weight * cast(coalesce(amount, 0) as double)) as raw_amount
    from weighted
    group by channel
)

select * from final
""".replace("{scope}", SCOPE_FILTER)


def influenced_by_channel(con, params: Params, model: str | None = None) -> pd.DataFrame:
    """Influenced pipeline per channel: "per-campaign or per-channel influence is split by the chosen attribution model so the parts add up to the total" (shared/domain.md).

    Marketing channels' credit from the attribution model (params.model) is scaled to the
    influenced total and rounded to cents by largest remainder, so the parts add up to the
    influenced amount exactly. When the model gives the marketing channels no credit, or cannot
    run, the split is linear over each deal's marketing touches in the window and `method` says
    so. `opportunities` counts deals with a touch in
    the channel (a deal can appear under several channels); `credited_opportunities` adds up
    to the influenced deal count.
    """
    model = model or params.model
    total = influenced_pipeline(con, params)
    infl_amount = total["influenced_amount"].iloc[0]
    infl_n = int(total["influenced_opportunities"].iloc[0])
    linear = frame(con, INFLUENCED_CHANNEL_SQL,
                   [params.start, params.end] + scope_args(params)
                   + [params.start, params.end, params.lookback_days, params.today, params.today])
    method = "linear over marketing touches in the window"
    weights = linear["raw_amount"].astype(float).tolist() if len(linear) else []
    credited = linear.get("credited_opportunities", pd.Series(dtype=float)).astype(float).tolist()
    if model != "linear":
        try:
            credit = attribution.credit(con, params, model, by="channel", basis="pipeline")
        except Exception:  # noqa: BLE001 - a model that cannot run falls back to linear, labelled
            credit = None
        if credit is not None and len(credit) and len(linear):
            by_channel = {r.channel: float(r.amount) for r in credit.itertuples()}
            marketing = [by_channel.get(c, 0.0) for c in linear["channel"]]
            if sum(marketing) > 0:
                weights = marketing
                ops = {r.channel: float(r.opportunities) for r in credit.itertuples()}
                credited = [ops.get(c, 0.0) for c in linear["channel"]]
                method = f"{model}, scaled to the influenced total"
    out = pd.DataFrame({
        "channel": linear["channel"].tolist() if len(linear) else [],
        "opportunities": linear["opportunities"].astype("int64").tolist() if len(linear) else [],
        "credited_opportunities": [c * infl_n / sum(credited) if sum(credited) else 0.0 for c in credited],
        "amount": apportion(infl_amount, weights),
    })
    out["share"] = [safe_ratio(a, infl_amount) for a in out["amount"]]
    out["method"] = method
    return out.sort_values(["amount", "channel"], ascending=[False, True]).reset_index(drop=True)


# ---------------------------------------------------------------------------
# velocity
# ---------------------------------------------------------------------------

VELOCITY_SQL = """
with scoped as (
    select *
    from fct_pipeline
    where 1 = 1{scope}
),

closed_in_period as (
    select *
    from scoped
    where is_closed and close_date between ? and ?
),

closed_stats as (
    select
        count(*) as closed_deals,
        sum(case when is_won then 1 else 0 end) as won_deals,
        coalesce(sum(case when is_won then amount end), 0) as won_amount,
        avg(case when is_won then cast(cycle_days as double) end) as avg_cycle_days
    from closed_in_period
),

open_now as (
    select
        count(*) as open_opportunities,
        coalesce(sum(amount), 0) as open_amount
    from scoped
    where created_date <= ?
        and (not is_closed or close_date > ?)
),

final as (
    select * from open_now cross join closed_stats
)

select * from final
""".replace("{scope}", SCOPE_FILTER)


def velocity_from(open_opps: int, won: int, closed: int, won_amount, avg_cycle_days) -> tuple[float, float, float]:
    """(win rate, average won amount, velocity per day) from the parts of the velocity formula."""
    win_rate = safe_ratio(won, closed)
    avg_won = safe_ratio(won_amount, won)
    v = open_opps * win_rate * avg_won / avg_cycle_days if avg_cycle_days else float("nan")
    return win_rate, avg_won, v


def velocity(con, params: Params) -> pd.DataFrame:
    """Pipeline velocity: "(open opportunities × win rate × average won amount) ÷ average cycle days" (shared/domain.md).

    Open opportunities: open as of params.today; win rate, average won amount and average
    cycle days (created to close) from deals closed in the period. Velocity is money per day.
    """
    args = scope_args(params) + [params.start, params.end, params.today, params.today]
    row = frame(con, VELOCITY_SQL, args).iloc[0]
    win_rate, avg_won, v = velocity_from(int(row.open_opportunities), int(row.won_deals or 0),
                                         int(row.closed_deals), row.won_amount, row.avg_cycle_days)
    return pd.DataFrame([{
        "open_opportunities": int(row.open_opportunities),
        "open_amount": row.open_amount,
        "closed_deals": int(row.closed_deals),
        "won_deals": int(row.won_deals or 0),
        "win_rate": win_rate,
        "won_amount": row.won_amount,
        "avg_won_amount": avg_won,
        "avg_cycle_days": float(row.avg_cycle_days) if row.avg_cycle_days is not None else float("nan"),
        "velocity_per_day": v,
    }])


def all_sql() -> list[str]:
    """Every SQL text this module can run, rendered for each whitelisted grouping."""
    out = [CRM_PIPELINE_SQL, OPPORTUNITY_TOUCH_FACTS_SQL, WINDOW_TOUCH_FACTS_SQL,
           INFLUENCED_CHANNEL_SQL, VELOCITY_SQL]
    for template in (PIPELINE_SQL, REVENUE_SQL):
        out.append(_render_grouped(template, []))
        out += [_render_grouped(template, [d]) for d in DIMENSIONS.values()]
    for definition in SOURCE_GROUP_COLUMNS:
        out += [_sourced_sql(definition, True), _sourced_sql(definition, False)]
    out += [_render_grouped(INFLUENCED_TEMPLATE, dims) for dims in ([], *([d] for d in INFLUENCED_GROUPS.values()))]
    return out
