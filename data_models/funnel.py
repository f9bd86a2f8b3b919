"""Lead management funnel: lead → MQL → sales-accepted → opportunity → won.

shared/domain.md, "Lead management": "with conversion and time between stages, and the share
of MQLs that sales accepts ... by source". People are counted once (a lead converted into a
contact is one person, see fct_lead_funnel); the cohort is people created in the period.
A stage is reached when its date, or a later stage's date, is known (people skip stages);
days between stages are medians over people with both dates recorded.
"""
from __future__ import annotations

import pandas as pd

from data_models.metrics import SCOPE_FILTER, frame, safe_ratio, scope_args
from data_models.params import Params

STAGES = ("lead", "mql", "sal", "opportunity", "won")
STAGE_LABELS = {"lead": "Lead", "mql": "MQL", "sal": "Sales accepted", "opportunity": "Opportunity", "won": "Won"}

_FUNNEL_TEMPLATE = """
with scoped as (
    select *
    from fct_lead_funnel
    where cast(lead_created_at as date) between ? and ?{scope}
),

durations as (
    select
        scoped.*,
        date_diff('day', cast(lead_created_at as date), cast(mql_at as date)) as days_lead_to_mql,
        date_diff('day', cast(mql_at as date), cast(sal_at as date)) as days_mql_to_sal,
        date_diff('day', cast(sal_at as date), opportunity_created_date) as days_sal_to_opportunity,
        date_diff('day', opportunity_created_date, won_date) as days_opportunity_to_won
    from scoped
),

final as (
    select
        {select_dims}count(*) as leads,
        sum(case when reached_mql then 1 else 0 end) as mqls,
        sum(case when reached_sal then 1 else 0 end) as sals,
        sum(case when reached_opportunity then 1 else 0 end) as opportunities,
        sum(case when reached_won then 1 else 0 end) as won,
        sum(case when mql_at is not null and sal_at is not null then 1 else 0 end) as mqls_accepted_recorded,
        median(days_lead_to_mql) as median_days_lead_to_mql,
        median(days_mql_to_sal) as median_days_mql_to_sal,
        median(days_sal_to_opportunity) as median_days_sal_to_opportunity,
        median(days_opportunity_to_won) as median_days_opportunity_to_won
    from durations
    {group_by}
)

select * from final
""".replace("{scope}", SCOPE_FILTER)


def funnel_sql(by_source: bool) -> str:
    if by_source:
        return _FUNNEL_TEMPLATE.replace("{select_dims}", "lead_source_channel, ").replace(
            "{group_by}", "group by lead_source_channel")
    return _FUNNEL_TEMPLATE.replace("{select_dims}", "").replace("{group_by}", "")


def _counts(con, params: Params, by_source: bool) -> pd.DataFrame:
    return frame(con, funnel_sql(by_source), [params.start, params.end] + scope_args(params))


def lead_funnel(con, params: Params) -> pd.DataFrame:
    """Funnel "lead → MQL → sales-accepted → opportunity → won, with conversion and time between stages" (shared/domain.md) for people created in the period.

    One row per stage: people reaching it, conversion from the previous stage and from lead,
    and the median days from the previous stage.
    """
    row = _counts(con, params, False).iloc[0]
    counts = [int(row.leads), int(row.mqls or 0), int(row.sals or 0), int(row.opportunities or 0), int(row.won or 0)]
    medians = [float("nan"), row.median_days_lead_to_mql, row.median_days_mql_to_sal,
               row.median_days_sal_to_opportunity, row.median_days_opportunity_to_won]
    return pd.DataFrame({
        "stage": list(STAGES),
        "label": [STAGE_LABELS[s] for s in STAGES],
        "people": counts,
        "conversion_from_previous": [float("nan")] + [safe_ratio(b, a) for a, b in zip(counts, counts[1:])],
        "conversion_from_lead": [safe_ratio(c, counts[0]) for c in counts],
        "median_days_from_previous": [float("nan") if m is None else float(m) for m in medians],
    })


def funnel_by_source(con, params: Params) -> pd.DataFrame:
    """The same funnel counts and conversions per lead source channel, with "the share of MQLs that sales accepts" (shared/domain.md)."""
    df = _counts(con, params, True)
    for col in ("mqls", "sals", "opportunities", "won"):
        df[col] = df[col].fillna(0).astype("int64")
    df["mql_rate"] = [safe_ratio(m, n) for m, n in zip(df["mqls"], df["leads"])]
    df["mql_acceptance"] = [safe_ratio(s, m) for s, m in zip(df["sals"], df["mqls"])]
    df["opportunity_rate"] = [safe_ratio(o, n) for o, n in zip(df["opportunities"], df["leads"])]
    df["win_rate_from_lead"] = [safe_ratio(w, n) for w, n in zip(df["won"], df["leads"])]
    for col in [c for c in df.columns if c.startswith("median_")]:
        df[col] = df[col].astype(float)
    return df.sort_values(["leads", "lead_source_channel"], ascending=[False, True]).reset_index(drop=True)


def mql_acceptance(con, params: Params) -> float:
    """Share of MQLs that sales accepts, over all sources."""
    row = _counts(con, params, False).iloc[0]
    return safe_ratio(row.sals, row.mqls)


def all_sql() -> list[str]:
    return [funnel_sql(False), funnel_sql(True)]
