-- one row per contact on an opportunity, renamed and cast
with source as (
    select * from opportunity_contact_roles
),

final as (
    select
        opportunity_id,
        contact_id,
        role as contact_role,
        coalesce(is_primary, false) as is_primary,
        source_system
    from source
)

select * from final
