"""The CRM's own totals for a filter: the reference every attributed figure reconciles to."""
from __future__ import annotations

import duckdb
import pandas as pd

from data_models.params import Params

# pipeline = amount of opportunities created in the period; revenue = amount of opportunities won in the period
CRM_TOTALS_SQL = """
with opps as (
    select o.*
    from opportunities o
    left join accounts a on a.account_id = o.account_id
    where (? is null or a.segment = ?)
      and (? is null or a.region = ?)
),
created as (
    select count(*) as opportunities, coalesce(sum(amount), 0) as pipeline
    from opps where created_date between ? and ?
),
won as (
    select count(*) as won_deals, coalesce(sum(amount), 0) as revenue
    from opps where is_won and close_date between ? and ?
),
final as (select * from created cross join won)
select * from final
"""


def crm_totals(con: duckdb.DuckDBPyConnection, params: Params) -> pd.DataFrame:
    """One row: opportunities and pipeline created in the period, won deals and revenue closed in it (domain.md "Pipeline", "Revenue")."""
    return con.execute(
        CRM_TOTALS_SQL,
        [params.segment, params.segment, params.region, params.region,
         params.start, params.end, params.start, params.end],
    ).df()
