-- one row per spend line (ad platform day or CRM campaign cost), with its channel
with lines as (
    select * from int_spend_lines
),

final as (
    select
        lines.spend_line_id,
        lines.spend_source,
        lines.spend_date,
        lines.campaign_id,
        lines.match_method,
        lines.platform,
        lines.ad_campaign_name,
        lines.channel,
        coalesce(channels.is_marketing, false) as is_marketing,
        lines.impressions,
        lines.clicks,
        lines.spend
    from lines
    left join channel_map as channels
        on channels.channel = lines.channel
)

select * from final
