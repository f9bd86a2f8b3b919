-- one row per touchpoint, with channel group, campaign and asset descriptors
with touches as (
    select * from int_touchpoints
),

final as (
    select
        touches.touchpoint_id,
        touches.contact_id,
        touches.account_id,
        touches.occurred_at,
        cast(touches.occurred_at as date) as occurred_date,
        touches.channel,
        coalesce(channels.label, touches.channel) as channel_label,
        coalesce(channels.source_group, 'unknown') as source_group,
        coalesce(channels.is_marketing, false) as is_marketing,
        touches.touch_type,
        touches.touch_source,
        touches.campaign_id,
        campaigns.campaign_name,
        touches.asset_id,
        assets.asset_type,
        assets.asset_title
    from touches
    left join channel_map as channels
        on channels.channel = touches.channel
    left join stg_crm_campaigns as campaigns
        on campaigns.campaign_id = touches.campaign_id
    left join stg_content_assets as assets
        on assets.asset_id = touches.asset_id
)

select * from final
