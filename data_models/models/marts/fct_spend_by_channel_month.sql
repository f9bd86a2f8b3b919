-- one row per channel and calendar month of spend
with lines as (
    select * from fct_spend
),

final as (
    select
        channel,
        cast(date_trunc('month', spend_date) as date) as spend_month,
        sum(case when spend_source = 'ad_spend' then spend else 0 end) as ad_spend,
        sum(case when spend_source = 'campaign_cost' then spend else 0 end) as campaign_cost,
        sum(spend) as spend,
        sum(impressions) as impressions,
        sum(clicks) as clicks
    from lines
    where spend_date is not null
    group by channel, cast(date_trunc('month', spend_date) as date)
)

select * from final
