"""Marketing ROI by channel and campaign.

ROI = (attributed revenue × gross margin − marketing spend) ÷ marketing spend
(shared/domain.md, "ROI"); also pipeline per dollar spent, cost per opportunity and
customer acquisition cost.

Spend rule (no double counting, see int_spend_lines.sql): a CRM campaign with matched ad
spend (by campaign id, else by unique normalised name) is costed by its ad spend only; a
campaign without matched ad spend by its CRM cost, dated on its start date; ad spend that
matches no campaign is costed under the channel of its platform. Spend is dated by day, so
the period filter applies to it; it has no segment or region, so those filters do not.

Attributed revenue and pipeline come from `data_models.attribution.credit` (params.model).
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from data_models.channels import MARKETING_CHANNELS
from data_models.metrics import SCOPE_FILTER, frame, safe_ratio, scope_args
from data_models.params import Params

CREDIT_KEYS = ("channel", "campaign")
BASES = ("pipeline", "revenue")


def credit(con, params: Params, by: str = "channel", basis: str = "revenue") -> tuple[pd.DataFrame, str]:
    """(frame [key, opportunities, amount], method label): the attribution model's credit (params.model)."""
    if by not in CREDIT_KEYS or basis not in BASES:
        raise ValueError("by must be channel|campaign, basis pipeline|revenue")
    from data_models import attribution

    result = attribution.credit(con, params, params.model, by=by, basis=basis)
    result = result.rename(columns={"channel": "key", "campaign": "key", "campaign_id": "key"})
    return result[["key", "opportunities", "amount"]], params.model


SPEND_BY_CHANNEL_SQL = """
with lines as (
    select channel, spend_source, spend
    from fct_spend
    where spend_date between ? and ?
),

final as (
    select
        channel,
        coalesce(sum(case when spend_source = 'ad_spend' then spend end), 0) as ad_spend,
        coalesce(sum(case when spend_source = 'campaign_cost' then spend end), 0) as campaign_cost,
        coalesce(sum(spend), 0) as spend
    from lines
    group by channel
)

select * from final
"""

SPEND_BY_CAMPAIGN_SQL = """
with lines as (
    select campaign_id, channel, spend_source, spend
    from fct_spend
    where spend_date between ? and ?
),

final as (
    select
        coalesce(lines.campaign_id, '(unmatched ad spend)') as campaign_id,
        max(campaigns.campaign_name) as campaign_name,
        max(lines.channel) as channel,
        coalesce(sum(case when lines.spend_source = 'ad_spend' then lines.spend end), 0) as ad_spend,
        coalesce(sum(case when lines.spend_source = 'campaign_cost' then lines.spend end), 0) as campaign_cost,
        coalesce(sum(lines.spend), 0) as spend
    from lines
    left join dim_campaigns as campaigns
        on campaigns.campaign_id = lines.campaign_id
    group by coalesce(lines.campaign_id, '(unmatched ad spend)')
)

select * from final
"""

NEW_CUSTOMERS_SQL = """
with won as (
    select account_id, min(close_date) as first_won_date
    from fct_pipeline
    where is_won and account_id is not null{scope}
    group by account_id
),

final as (
    select count(*) as new_customers
    from won
    where first_won_date between ? and ?
)

select * from final
""".replace("{scope}", SCOPE_FILTER)


def spend_by_channel(con, params: Params) -> pd.DataFrame:
    """Marketing spend per channel in the period (ad spend + CRM campaign costs, by the rule in this module's docstring)."""
    return frame(con, SPEND_BY_CHANNEL_SQL, [params.start, params.end]).sort_values("channel").reset_index(drop=True)


def spend_by_campaign(con, params: Params) -> pd.DataFrame:
    """Marketing spend per CRM campaign in the period; ad spend matching no campaign is one row."""
    return frame(con, SPEND_BY_CAMPAIGN_SQL, [params.start, params.end]).sort_values("campaign_id").reset_index(drop=True)


def campaign_names(con, params: Params) -> pd.Series:
    """Every CRM campaign's name by campaign id (campaigns without a name left out); `params` only
    keys the page cache."""
    names = frame(con, "select campaign_id, campaign_name from dim_campaigns where campaign_name is not null"
                       " order by campaign_id", [])
    return names.set_index("campaign_id")["campaign_name"]


def new_customers(con, params: Params) -> int:
    """Accounts whose first won deal closed in the period."""
    return int(frame(con, NEW_CUSTOMERS_SQL, scope_args(params) + [params.start, params.end]).iloc[0, 0])


def _roi_table(spend: pd.DataFrame, key: str, params: Params, revenue: pd.DataFrame,
               pipe: pd.DataFrame) -> pd.DataFrame:
    rev = revenue.rename(columns={"key": key, "amount": "attributed_revenue", "opportunities": "won_deals_credited"})
    pip = pipe.rename(columns={"key": key, "amount": "attributed_pipeline", "opportunities": "opportunities_credited"})
    df = spend.merge(rev, on=key, how="outer").merge(pip, on=key, how="outer")
    for col in ("spend", "ad_spend", "campaign_cost"):
        df[col] = [v if isinstance(v, Decimal) else Decimal("0.00") for v in df[col]]
    for col in ("attributed_revenue", "attributed_pipeline", "won_deals_credited", "opportunities_credited"):
        df[col] = df[col].astype(float).fillna(0.0)
    gm = params.gross_margin
    df["gross_margin"] = gm
    df["roi"] = [safe_ratio(r * gm - float(s), s) for r, s in zip(df["attributed_revenue"], df["spend"])]
    df["pipeline_per_dollar"] = [safe_ratio(p, s) for p, s in zip(df["attributed_pipeline"], df["spend"])]
    df["cost_per_opportunity"] = [safe_ratio(s, o) for s, o in zip(df["spend"], df["opportunities_credited"])]
    df["cac"] = [safe_ratio(s, w) for s, w in zip(df["spend"], df["won_deals_credited"])]
    df["pays_back"] = [None if s == 0 else bool(r >= 0) for s, r in zip(df["spend"], df["roi"])]
    return df.sort_values(key).reset_index(drop=True)


def roi_by_channel(con, params: Params) -> pd.DataFrame:
    """ROI per channel: "(attributed revenue × gross margin − marketing spend) ÷ marketing spend; also pipeline per dollar spent, cost per opportunity, customer acquisition cost" (shared/domain.md).

    `pays_back` is False where margin on attributed revenue does not cover the spend (ROI < 0),
    None where there was no spend. `method` names the attribution behind the credit.
    """
    revenue, method = credit(con, params, "channel", "revenue")
    pipe, _ = credit(con, params, "channel", "pipeline")
    df = _roi_table(spend_by_channel(con, params), "channel", params, revenue, pipe)
    df["method"] = method
    return df


def roi_by_campaign(con, params: Params) -> pd.DataFrame:
    """ROI per campaign, same definitions as roi_by_channel."""
    revenue, method = credit(con, params, "campaign", "revenue")
    pipe, _ = credit(con, params, "campaign", "pipeline")
    spend = spend_by_campaign(con, params)
    revenue = revenue.assign(key=revenue["key"].fillna("(no campaign)"))
    pipe = pipe.assign(key=pipe["key"].fillna("(no campaign)"))
    df = _roi_table(spend, "campaign_id", params, revenue, pipe)
    df["method"] = method
    return df


def marketing_totals(by_channel: pd.DataFrame, params: Params) -> tuple[Decimal, float, float, float]:
    """(marketing spend, revenue and pipeline attributed to marketing channels, ROI) from roi_by_channel.

    Only marketing channels count on both sides: sales outbound and partner spend is not marketing
    spend, and revenue credited to their touches is not marketing's return.
    """
    marketing = by_channel[by_channel["channel"].isin(MARKETING_CHANNELS)]
    spend = sum(marketing["spend"], Decimal("0.00"))
    revenue = float(marketing["attributed_revenue"].sum())
    pipe = float(marketing["attributed_pipeline"].sum())
    return spend, revenue, pipe, safe_ratio(revenue * params.gross_margin - float(spend), spend)


def roi_summary(con, params: Params) -> pd.DataFrame:
    """One row for marketing as a whole: spend, attributed revenue and pipeline, ROI, pipeline per dollar, CAC = marketing spend ÷ new won customers (accounts whose first won deal closed in the period)."""
    by_channel = roi_by_channel(con, params)
    spend, rev, pipe, roi_value = marketing_totals(by_channel, params)
    customers = new_customers(con, params)
    marketing = by_channel[by_channel["channel"].isin(MARKETING_CHANNELS)]
    return pd.DataFrame([{
        "spend": spend,
        "attributed_revenue": rev,
        "attributed_pipeline": pipe,
        "gross_margin": params.gross_margin,
        "roi": roi_value,
        "pipeline_per_dollar": safe_ratio(pipe, spend),
        "new_customers": customers,
        "cac": safe_ratio(spend, customers),
        "channels_not_paying_back": int((marketing["pays_back"] == False).sum()),  # noqa: E712
        "method": by_channel["method"].iloc[0] if len(by_channel) else "",
    }])


def all_sql() -> list[str]:
    out = [SPEND_BY_CHANNEL_SQL, SPEND_BY_CAMPAIGN_SQL, NEW_CUSTOMERS_SQL]
    return out
