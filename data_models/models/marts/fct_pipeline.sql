-- one row per opportunity: amount, dates, stage, account segment and region, lead source channel and group
with opps as (
    select * from stg_crm_opportunities
),

accounts as (
    select * from stg_crm_accounts
),

deal_contacts as (
    select * from int_opportunity_contacts
),

primary_contacts as (
    select
        opportunity_id,
        min(contact_id) as primary_contact_id
    from deal_contacts
    where is_primary
    group by opportunity_id
),

committees as (
    select
        opportunity_id,
        sum(case when via_account then 0 else 1 end) as committee_size,
        max(case when via_account then 1 else 0 end) = 1 as contacts_via_account
    from deal_contacts
    group by opportunity_id
),

with_lead_source as (
    select
        opps.*,
        primary_contacts.primary_contact_id,
        coalesce(opps.lead_source, contacts.lead_source) as effective_lead_source,
        case
            when opps.lead_source is not null then 'opportunity'
            when contacts.lead_source is not null then 'primary_contact'
        end as lead_source_origin
    from opps
    left join primary_contacts
        on primary_contacts.opportunity_id = opps.opportunity_id
    left join stg_crm_contacts as contacts
        on contacts.contact_id = primary_contacts.primary_contact_id
),

final as (
    select
        w.opportunity_id,
        w.opportunity_name,
        w.account_id,
        accounts.account_name,
        coalesce(accounts.segment, 'Unknown') as segment,
        coalesce(accounts.region, 'Unknown') as region,
        w.amount,
        w.currency,
        w.stage,
        w.created_date,
        w.close_date,
        w.is_closed,
        w.is_won,
        not w.is_closed as is_open,
        w.first_meeting_date,
        w.effective_lead_source as lead_source,
        w.lead_source_origin,
        case
            when w.effective_lead_source is null then 'other'
            else coalesce(lead_source_map.channel, 'other')
        end as lead_source_channel,
        coalesce(lead_source_map.source_group, 'unknown') as lead_source_group,
        w.primary_contact_id,
        w.primary_campaign_id,
        w.owner,
        coalesce(committees.committee_size, 0) as committee_size,
        coalesce(committees.contacts_via_account, false) as contacts_via_account,
        case
            when w.is_closed then date_diff('day', w.created_date, w.close_date)
        end as cycle_days
    from with_lead_source as w
    left join accounts
        on accounts.account_id = w.account_id
    left join lead_source_map
        on lead_source_map.lead_source = lower(trim(w.effective_lead_source))
    left join committees
        on committees.opportunity_id = w.opportunity_id
)

select * from final
