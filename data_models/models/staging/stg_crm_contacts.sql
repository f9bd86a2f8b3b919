-- one row per person (lead or contact), renamed and cast
with source as (
    select * from contacts
),

final as (
    select
        contact_id,
        account_id,
        lower(coalesce(record_type, 'contact')) as record_type,
        email,
        title,
        coalesce(nullif(trim(persona), ''), 'Unknown') as persona,
        nullif(trim(lead_source), '') as lead_source,
        cast(created_at as timestamp) as created_at,
        cast(mql_at as timestamp) as mql_at,
        cast(sal_at as timestamp) as sal_at,
        cast(sql_at as timestamp) as sql_at,
        converted_contact_id,
        source_system
    from source
)

select * from final
