"""Trust figures for the data-quality page: freshness of each source and coverage of the joins that matter."""
from __future__ import annotations

import duckdb
import pandas as pd

# one row per canonical table: rows, newest record date, last accepted load
FRESHNESS_SQL = """
with newest as (
    select 'opportunities' as table_name, count(*) as row_count, max(created_date) as newest_record from opportunities
    union all select 'accounts', count(*), null from accounts
    union all select 'contacts', count(*), cast(max(created_at) as date) from contacts
    union all select 'opportunity_contact_roles', count(*), null from opportunity_contact_roles
    union all select 'campaigns', count(*), max(start_date) from campaigns
    union all select 'campaign_members', count(*), cast(max(coalesce(first_responded_at, created_at)) as date) from campaign_members
    union all select 'content_assets', count(*), max(published_date) from content_assets
    union all select 'touchpoints', count(*), cast(max(occurred_at) as date) from touchpoints
    union all select 'web_events', count(*), cast(max(occurred_at) as date) from web_events
    union all select 'ad_spend', count(*), max(spend_date) from ad_spend
    union all select 'survey_responses', count(*), cast(max(submitted_at) as date) from survey_responses
    union all select 'buyer_interviews', count(*), max(interview_date) from buyer_interviews
),
last_loads as (
    select kind, max(loaded_at) as last_loaded_at, count(*) as loads
    from load_log where result = 'accepted' group by kind
),
final as (
    select n.table_name, n.row_count, n.newest_record, l.kind, l.last_loaded_at, l.loads
    from newest n
    left join last_loads l on l.kind in (
        select k from (values
            ('crm.opportunities', 'opportunities'), ('crm.accounts', 'accounts'), ('crm.contacts', 'contacts'),
            ('crm.opportunity_contact_roles', 'opportunity_contact_roles'), ('crm.campaigns', 'campaigns'),
            ('crm.campaign_members', 'campaign_members'), ('content.assets', 'content_assets'),
            ('crm.touchpoints', 'touchpoints'), ('web.page_views', 'web_events'), ('ads.spend', 'ad_spend'),
            ('survey.responses', 'survey_responses'), ('buyer.interviews', 'buyer_interviews')
        ) as m(k, t) where m.t = n.table_name)
)
select * from final order by table_name
"""

# the shares that decide whether attribution can be trusted
COVERAGE_SQL = """
with opp_roles as (
    select count(*) as total,
           count(*) filter (where exists (
               select 1 from opportunity_contact_roles r where r.opportunity_id = o.opportunity_id)) as covered
    from opportunities o
),
web_identified as (
    select count(*) as total,
           count(*) filter (where visitor_id in (select visitor_id from web_events where user_id is not null)) as covered
    from web_events
),
touch_contacts as (
    select count(*) as total,
           count(*) filter (where t.contact_id in (select contact_id from contacts)) as covered
    from int_touchpoints t
),
spend_matched as (
    select coalesce(sum(spend), 0) as total,
           coalesce(sum(spend) filter (where match_method <> 'unmatched'), 0) as covered
    from int_spend_lines where spend_source = 'ad_spend'
),
final as (
    select 'Opportunities with contact roles' as measure, covered, total from opp_roles
    union all select 'Page views from identified visitors', covered, total from web_identified
    union all select 'Touchpoints matched to a CRM contact', covered, total from touch_contacts
    union all select 'Ad spend matched to a CRM campaign ($)', covered, total from spend_matched
)
select * from final
"""


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per canonical table: rows, newest record date, last accepted load time and load count."""
    return con.execute(FRESHNESS_SQL).df()


def coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Shares of records that join where attribution needs them to (covered ÷ total; share is None when total is 0)."""
    frame = con.execute(COVERAGE_SQL).df()
    frame["share"] = [float(c) / float(t) if t else None for c, t in zip(frame["covered"], frame["total"])]
    return frame


def latest_validation(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The latest Great Expectations result of every expectation, per export kind."""
    return con.execute(
        "select kind, validated_at, load_id, expectation, column_name, severity, success, unexpected_count"
        " from validation_results order by kind, success, severity, expectation, column_name"
    ).df()
