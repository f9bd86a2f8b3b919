"""Buyer insight: how deals go by persona and buying-committee size, and what buyers said.

shared/domain.md, "Buyer insight": "win rate, cycle and content consumption by persona (job
title buckets) and buying-committee size", beside win/loss and buyer interview notes tagged
with the five areas of buying insight. Deals are those closed in the period. A deal counts
once under every persona among its contact roles (so persona rows do not add up to the deal
total); deals without contact roles are one bucket. Committee size = contacts with a role.
"""
from __future__ import annotations

import pandas as pd

from data_models.metrics import SCOPE_FILTER, frame, safe_ratio, scope_args, wilson_interval
from data_models.params import Params

INSIGHT_AREAS = ("priority_initiative", "success_factors", "perceived_barriers", "decision_criteria", "buyer_journey")
INSIGHT_LABELS = {
    "priority_initiative": "Priority initiative",
    "success_factors": "Success factors",
    "perceived_barriers": "Perceived barriers",
    "decision_criteria": "Decision criteria",
    "buyer_journey": "Buyer's journey",
}
COMMITTEE_BUCKETS = ("0 (no contact roles)", "1", "2-3", "4-6", "7+")
NO_ROLES = "(no contact roles)"

_DEALS_CTE = """
with scoped as (
    select
        consumption.opportunity_id,
        consumption.is_won,
        consumption.cycle_days,
        consumption.assets_consumed,
        consumption.consumed_content,
        pipeline.committee_size
    from fct_content_consumption as consumption
    inner join fct_pipeline as pipeline
        on pipeline.opportunity_id = consumption.opportunity_id
    where consumption.is_closed and consumption.close_date between ? and ?{scope}
),
"""

_MEASURES = """
        count(*) as deals,
        sum(case when is_won then 1 else 0 end) as won,
        avg(case when is_won then cast(cycle_days as double) end) as avg_cycle_days_won,
        avg(cast(assets_consumed as double)) as avg_assets_consumed,
        avg(case when consumed_content then 1.0 else 0.0 end) as share_consumed_content"""

PERSONA_SQL = (_DEALS_CTE.replace("{scope}", SCOPE_FILTER.replace("segment", "consumption.segment")
                                  .replace("region", "consumption.region")) + """
personas as (
    select distinct opportunity_id, persona
    from int_opportunity_contacts
    where not via_account
),

deal_personas as (
    select
        scoped.*,
        coalesce(personas.persona, '(no contact roles)') as persona
    from scoped
    left join personas
        on personas.opportunity_id = scoped.opportunity_id
),

final as (
    select
        persona,""" + _MEASURES + """
    from deal_personas
    group by persona
)

select * from final
""")

COMMITTEE_SQL = (_DEALS_CTE.replace("{scope}", SCOPE_FILTER.replace("segment", "consumption.segment")
                                    .replace("region", "consumption.region")) + """
bucketed as (
    select
        scoped.*,
        case
            when committee_size = 0 then '0 (no contact roles)'
            when committee_size = 1 then '1'
            when committee_size <= 3 then '2-3'
            when committee_size <= 6 then '4-6'
            else '7+'
        end as committee_bucket
    from scoped
),

final as (
    select
        committee_bucket,""" + _MEASURES + """
    from bucketed
    group by committee_bucket
)

select * from final
""")

INTERVIEWS_SQL = """
with interviews as (
    select *
    from stg_buyer_interviews
    where (cast(? as date) is null or interview_date >= ?)
        and (cast(? as date) is null or interview_date <= ?)
),

final as (
    select
        persona,
        insight_area,
        count(*) as interviews,
        sum(case when outcome = 'won' then 1 else 0 end) as won,
        sum(case when outcome = 'lost' then 1 else 0 end) as lost,
        sum(case when outcome = 'no_decision' then 1 else 0 end) as no_decision
    from interviews
    group by persona, insight_area
)

select * from final
"""

INTERVIEW_NOTES_SQL = """
with interviews as (
    select *
    from stg_buyer_interviews
    where (cast(? as varchar) is null or persona = ?)
        and (cast(? as varchar) is null or insight_area = ?)
),

final as (
    select interview_id, interview_date, persona, outcome, insight_area, note, account_id, opportunity_id
    from interviews
)

select * from final
"""


def _with_rates(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["won"] = df["won"].fillna(0).astype("int64")
    df["win_rate"] = [safe_ratio(w, n) for w, n in zip(df["won"], df["deals"])]
    ci = [wilson_interval(int(w), int(n)) for w, n in zip(df["won"], df["deals"])]
    df["win_rate_low"] = [c[0] for c in ci]
    df["win_rate_high"] = [c[1] for c in ci]
    for col in ("avg_cycle_days_won", "avg_assets_consumed", "share_consumed_content"):
        df[col] = df[col].astype(float)
    return df


def by_persona(con, params: Params) -> pd.DataFrame:
    """Win rate (Wilson 95%), cycle days of won deals and content consumption by persona, over deals closed in the period ("Buyer insight", shared/domain.md)."""
    df = frame(con, PERSONA_SQL, [params.start, params.end] + scope_args(params))
    return _with_rates(df).sort_values(["deals", "persona"], ascending=[False, True]).reset_index(drop=True)


def by_committee_size(con, params: Params) -> pd.DataFrame:
    """The same measures by buying-committee size (contacts with a role on the deal), in buckets; every bucket present."""
    df = frame(con, COMMITTEE_SQL, [params.start, params.end] + scope_args(params))
    df = pd.DataFrame({"committee_bucket": list(COMMITTEE_BUCKETS)}).merge(df, on="committee_bucket", how="left")
    df["deals"] = df["deals"].fillna(0).astype("int64")
    return _with_rates(df)


def interviews(con, params: Params, in_period: bool = False) -> pd.DataFrame:
    """Interviews per persona and insight area, with outcomes (all interviews, or those dated in the period)."""
    lo, hi = (params.start, params.end) if in_period else (None, None)
    df = frame(con, INTERVIEWS_SQL, [lo, lo, hi, hi])
    return df.sort_values(["persona", "insight_area"]).reset_index(drop=True)


def interview_notes(con, params: Params, persona: str | None = None, insight_area: str | None = None) -> pd.DataFrame:
    """The notes themselves, newest first, optionally for one persona and one insight area."""
    df = frame(con, INTERVIEW_NOTES_SQL, [persona, persona, insight_area, insight_area])
    return df.sort_values(["interview_date", "interview_id"], ascending=[False, True], na_position="last").reset_index(drop=True)


def all_sql() -> list[str]:
    return [PERSONA_SQL, COMMITTEE_SQL, INTERVIEWS_SQL, INTERVIEW_NOTES_SQL]
