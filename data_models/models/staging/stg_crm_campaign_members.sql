-- one row per person in a campaign, renamed and cast
with source as (
    select * from campaign_members
),

final as (
    select
        campaign_id,
        contact_id,
        status as member_status,
        coalesce(has_responded, false) as has_responded,
        cast(first_responded_at as timestamp) as first_responded_at,
        cast(created_at as timestamp) as created_at,
        source_system
    from source
)

select * from final
