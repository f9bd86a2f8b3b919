-- one row per touchpoint exported directly by a tool, renamed and cast
with source as (
    select * from touchpoints
),

final as (
    select
        touchpoint_id,
        contact_id,
        account_id,
        cast(occurred_at as timestamp) as occurred_at,
        channel,
        touch_type,
        campaign_id,
        asset_id,
        source_system
    from source
)

select * from final
