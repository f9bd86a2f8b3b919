-- one row per content asset, with how often identified people consumed it
with assets as (
    select * from stg_content_assets
),

consumption as (
    select
        asset_id,
        count(*) as touches,
        count(distinct contact_id) as people,
        min(occurred_at) as first_consumed_at,
        max(occurred_at) as last_consumed_at
    from int_touchpoints
    where asset_id is not null
    group by asset_id
),

final as (
    select
        assets.asset_id,
        assets.url,
        assets.asset_title,
        assets.asset_type,
        assets.topic,
        assets.published_date,
        coalesce(consumption.touches, 0) as touches,
        coalesce(consumption.people, 0) as people,
        consumption.first_consumed_at,
        consumption.last_consumed_at
    from assets
    left join consumption
        on consumption.asset_id = assets.asset_id
)

select * from final
