-- one row per account (buying company), renamed and cast
with source as (
    select * from accounts
),

final as (
    select
        account_id,
        name as account_name,
        industry,
        cast(employees as integer) as employees,
        coalesce(nullif(trim(region), ''), 'Unknown') as region,
        coalesce(nullif(trim(segment), ''), 'Unknown') as segment,
        source_system
    from source
)

select * from final
