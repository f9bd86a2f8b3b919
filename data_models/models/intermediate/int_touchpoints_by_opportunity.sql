-- one row per opportunity and touchpoint of a contact on it (or of its account when it has no contact roles)
-- Unfiltered: every touch, before or after creation; metrics apply the lookback window.
-- Stored in deal creation order: a period's deals then sit in a few row groups, and metrics filtering
-- on opp_created_date read only those.
with opps as (
    select * from stg_crm_opportunities
),

deal_contacts as (
    select * from int_opportunity_contacts
),

touches as (
    select * from int_touchpoints
),

opportunities_with_roles as (
    select distinct opportunity_id
    from deal_contacts
    where not via_account
),

lead_created as (
    select
        opportunity_id,
        min(contact_created_at) as lead_created_at
    from deal_contacts
    group by opportunity_id
),

role_touches as (
    select
        deal_contacts.opportunity_id,
        touches.*,
        false as via_account
    from deal_contacts
    inner join touches
        on touches.contact_id = deal_contacts.contact_id
    where not deal_contacts.via_account
),

account_touches as (
    select
        opps.opportunity_id,
        touches.*,
        true as via_account
    from opps
    left join opportunities_with_roles
        on opportunities_with_roles.opportunity_id = opps.opportunity_id
    inner join touches
        on touches.account_id = opps.account_id
    where opportunities_with_roles.opportunity_id is null
),

deal_touches as (
    select * from role_touches
    union all
    select * from account_touches
),

final as (
    select
        deal_touches.opportunity_id,
        deal_touches.touchpoint_id,
        deal_touches.contact_id,
        opps.account_id,
        cast(deal_touches.occurred_at as timestamp) as occurred_at,
        deal_touches.channel,
        deal_touches.campaign_id,
        deal_touches.asset_id,
        deal_touches.touch_type,
        deal_touches.via_account,
        opps.created_date as opp_created_date,
        opps.close_date,
        opps.is_closed,
        opps.is_won,
        opps.amount,
        cast(lead_created.lead_created_at as timestamp) as lead_created_at,
        opps.first_meeting_date,
        cast(date_diff('day', cast(deal_touches.occurred_at as date), opps.created_date) as integer) as days_before_created
    from deal_touches
    inner join opps
        on opps.opportunity_id = deal_touches.opportunity_id
    left join lead_created
        on lead_created.opportunity_id = deal_touches.opportunity_id
    order by opps.created_date, deal_touches.opportunity_id, occurred_at, deal_touches.touchpoint_id
)

select * from final
