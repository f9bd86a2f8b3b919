-- one row per web analytics event (page view), renamed and cast
with source as (
    select * from web_events
),

final as (
    select
        event_id,
        visitor_id,
        user_id,
        cast(occurred_at as timestamp) as occurred_at,
        lower(coalesce(event_name, 'page_view')) as event_name,
        url,
        referrer,
        lower(utm_source) as utm_source,
        lower(utm_medium) as utm_medium,
        utm_campaign,
        source_system
    from source
)

select * from final
