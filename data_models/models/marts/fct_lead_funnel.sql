-- one row per person (lead or contact; a converted lead is merged into its contact) with funnel stage dates
-- A stage counts as reached when its own date or any later stage's date is known
-- (people skip stages); the days between stages use recorded dates only.
with records as (
    select
        contacts.*,
        people.person_id
    from stg_crm_contacts as contacts
    inner join int_people as people
        on people.contact_id = contacts.contact_id
),

persons as (
    select
        person_id,
        min(created_at) as lead_created_at,
        min(mql_at) as mql_at,
        min(sal_at) as sal_at,
        min(sql_at) as sql_at
    from records
    group by person_id
),

first_lead_source as (
    select
        person_id,
        lead_source,
        row_number() over (partition by person_id order by created_at, contact_id) as source_order
    from records
    where lead_source is not null
),

deals as (
    select
        deal_contacts.contact_id as person_id,
        min(opps.created_date) as opportunity_created_date,
        min(case when opps.is_won then opps.close_date end) as won_date
    from int_opportunity_contacts as deal_contacts
    inner join stg_crm_opportunities as opps
        on opps.opportunity_id = deal_contacts.opportunity_id
    where not deal_contacts.via_account
    group by deal_contacts.contact_id
),

final as (
    select
        persons.person_id as contact_id,
        person.account_id,
        coalesce(accounts.segment, 'Unknown') as segment,
        coalesce(accounts.region, 'Unknown') as region,
        person.persona,
        first_lead_source.lead_source,
        case
            when first_lead_source.lead_source is null then 'other'
            else coalesce(lead_source_map.channel, 'other')
        end as lead_source_channel,
        coalesce(lead_source_map.source_group, 'unknown') as lead_source_group,
        persons.lead_created_at,
        persons.mql_at,
        persons.sal_at,
        persons.sql_at,
        deals.opportunity_created_date,
        deals.won_date,
        deals.won_date is not null as reached_won,
        deals.opportunity_created_date is not null as reached_opportunity,
        persons.sal_at is not null or persons.sql_at is not null
            or deals.opportunity_created_date is not null as reached_sal,
        persons.mql_at is not null or persons.sal_at is not null or persons.sql_at is not null
            or deals.opportunity_created_date is not null as reached_mql
    from persons
    inner join stg_crm_contacts as person
        on person.contact_id = persons.person_id
    left join stg_crm_accounts as accounts
        on accounts.account_id = person.account_id
    left join first_lead_source
        on first_lead_source.person_id = persons.person_id
        and first_lead_source.source_order = 1
    left join lead_source_map
        on lead_source_map.lead_source = lower(trim(first_lead_source.lead_source))
    left join deals
        on deals.person_id = persons.person_id
)

select * from final
