-- one row per opportunity and contact on it (contact roles; else every contact of its account)
-- The account fallback is flagged via_account so pages can label it.
with people as (
    select * from int_people
),

roles as (
    select
        roles.opportunity_id,
        coalesce(people.person_id, roles.contact_id) as contact_id,
        roles.contact_role,
        roles.is_primary
    from stg_crm_opportunity_contact_roles as roles
    left join people
        on people.contact_id = roles.contact_id
),

role_contacts as (
    select
        opportunity_id,
        contact_id,
        max(contact_role) as contact_role,
        max(case when is_primary then 1 else 0 end) = 1 as is_primary,
        false as via_account
    from roles
    group by opportunity_id, contact_id
),

opportunities_with_roles as (
    select distinct opportunity_id from roles
),

account_contacts as (
    select
        opps.opportunity_id,
        people.person_id as contact_id,
        cast(null as varchar) as contact_role,
        false as is_primary,
        true as via_account
    from stg_crm_opportunities as opps
    left join opportunities_with_roles
        on opportunities_with_roles.opportunity_id = opps.opportunity_id
    inner join people
        on people.account_id = opps.account_id
        and people.person_id = people.contact_id
    where opportunities_with_roles.opportunity_id is null
),

unioned as (
    select * from role_contacts
    union all
    select * from account_contacts
),

final as (
    select
        unioned.opportunity_id,
        unioned.contact_id,
        unioned.contact_role,
        unioned.is_primary,
        unioned.via_account,
        people.person_created_at as contact_created_at,
        contacts.persona,
        contacts.title
    from unioned
    left join people
        on people.contact_id = unioned.contact_id
    left join stg_crm_contacts as contacts
        on contacts.contact_id = unioned.contact_id
)

select * from final
