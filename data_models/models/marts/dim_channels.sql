-- one row per channel: label, source group and whether it is a marketing channel
with seeded as (
    select channel, label, source_group, is_marketing from channel_map
),

seen as (
    select distinct channel from int_touchpoints
    union
    select distinct channel from stg_crm_campaigns
    union
    select distinct channel from int_spend_lines
),

unseeded as (
    select
        seen.channel,
        seen.channel as label,
        'unknown' as source_group,
        false as is_marketing
    from seen
    left join seeded
        on seeded.channel = seen.channel
    where seeded.channel is null
        and seen.channel is not null
),

final as (
    select * from seeded
    union all
    select * from unseeded
)

select * from final
