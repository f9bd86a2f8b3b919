-- one row per content asset, renamed and cast
with source as (
    select * from content_assets
),

final as (
    select
        asset_id,
        url,
        title as asset_title,
        coalesce(nullif(trim(asset_type), ''), 'other') as asset_type,
        topic,
        cast(published_date as date) as published_date
    from source
)

select * from final
