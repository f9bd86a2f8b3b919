-- one row per campaign (marketing or sales programme), renamed and cast
with source as (
    select * from campaigns
),

final as (
    select
        campaign_id,
        name as campaign_name,
        coalesce(nullif(trim(channel), ''), 'other') as channel,
        type as campaign_type,
        cast(cost as decimal(18, 2)) as cost,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        source_system
    from source
)

select * from final
