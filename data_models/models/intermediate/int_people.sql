-- one row per CRM person record (lead or contact), resolved to the person it became
-- A lead converted into a contact is the same person: its touches and its (earlier)
-- creation date belong to that contact.
with records as (
    select * from stg_crm_contacts
),

resolved as (
    select
        r.contact_id,
        coalesce(converted.contact_id, r.contact_id) as person_id,
        coalesce(converted.account_id, r.account_id) as account_id,
        r.created_at
    from records as r
    left join records as converted
        on converted.contact_id = r.converted_contact_id
),

person_created as (
    select
        person_id,
        min(created_at) as person_created_at
    from resolved
    group by person_id
),

final as (
    select
        resolved.contact_id,
        resolved.person_id,
        resolved.account_id,
        person_created.person_created_at
    from resolved
    inner join person_created
        on person_created.person_id = resolved.person_id
)

select * from final
