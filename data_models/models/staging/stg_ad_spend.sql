-- one row per day, ad platform and ad campaign, renamed and cast
with source as (
    select * from ad_spend
),

final as (
    select
        cast(spend_date as date) as spend_date,
        lower(platform) as platform,
        ad_campaign as ad_campaign_name,
        ad_campaign_id,
        campaign_id,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(conversions as double) as conversions,
        cast(coalesce(cost, 0) as decimal(18, 2)) as cost,
        currency
    from source
)

select * from final
