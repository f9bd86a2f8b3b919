-- one row per CRM campaign, with its spend: matched ad spend, else its CRM cost (never both)
with campaigns as (
    select * from stg_crm_campaigns
),

spend as (
    select
        campaign_id,
        sum(case when spend_source = 'ad_spend' then spend else 0 end) as ad_spend,
        sum(case when spend_source = 'campaign_cost' then spend else 0 end) as costed_campaign_cost,
        sum(spend) as spend,
        sum(case when spend_source = 'ad_spend' then 1 else 0 end) as ad_spend_days,
        sum(impressions) as impressions,
        sum(clicks) as clicks
    from int_spend_lines
    where campaign_id is not null
    group by campaign_id
),

responses as (
    select
        campaign_id,
        count(*) as responses
    from int_touchpoints
    where touch_type = 'campaign_response'
    group by campaign_id
),

final as (
    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.channel,
        coalesce(channels.source_group, 'unknown') as source_group,
        coalesce(channels.is_marketing, false) as is_marketing,
        campaigns.campaign_type,
        campaigns.start_date,
        campaigns.end_date,
        campaigns.cost as campaign_cost,
        coalesce(spend.ad_spend, 0) as ad_spend,
        coalesce(spend.spend, 0) as spend,
        case
            when coalesce(spend.ad_spend_days, 0) > 0 then 'ad_spend'
            when campaigns.cost is not null then 'campaign_cost'
            else 'none'
        end as spend_basis,
        spend.impressions,
        spend.clicks,
        coalesce(responses.responses, 0) as responses
    from campaigns
    left join spend
        on spend.campaign_id = campaigns.campaign_id
    left join responses
        on responses.campaign_id = campaigns.campaign_id
    left join channel_map as channels
        on channels.channel = campaigns.channel
)

select * from final
