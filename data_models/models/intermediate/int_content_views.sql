-- one row per page view of a content asset by an identified visitor
with page_views as (
    select *
    from stg_web_events
    where event_name in ('page_view', 'pageview', 'page')
),

asset_views as (
    select
        page_views.event_id,
        page_views.visitor_id,
        page_views.occurred_at,
        page_views.utm_source,
        page_views.utm_medium,
        page_views.utm_campaign,
        stg_content_assets.asset_id,
        stg_content_assets.asset_type
    from page_views
    inner join stg_content_assets
        on stg_content_assets.url = page_views.url
),

identified as (
    select
        asset_views.*,
        int_identity_map.contact_id,
        int_identity_map.account_id
    from asset_views
    inner join int_identity_map
        on int_identity_map.visitor_id = asset_views.visitor_id
),

campaign_ids as (
    select campaign_id from stg_crm_campaigns
),

final as (
    select
        'web:' || identified.event_id as touchpoint_id,
        identified.event_id,
        identified.visitor_id,
        identified.contact_id,
        identified.account_id,
        identified.occurred_at,
        case
            when identified.utm_medium in ('paid_social', 'paidsocial', 'paid-social', 'social_paid', 'social-paid')
                then 'paid_social'
            when identified.utm_medium in ('cpc', 'ppc', 'paid', 'paidsearch', 'paid_search', 'paid-search', 'sem')
                and identified.utm_source in ('linkedin', 'facebook', 'fb', 'meta', 'instagram', 'twitter', 'x')
                then 'paid_social'
            when identified.utm_medium in ('cpc', 'ppc', 'paidsearch', 'paid_search', 'paid-search', 'sem')
                then 'paid_search'
            when identified.utm_medium = 'paid'
                and identified.utm_source in ('google', 'bing', 'adwords', 'google_ads', 'microsoft')
                then 'paid_search'
            when identified.utm_medium in ('email', 'e-mail', 'newsletter')
                then 'email'
            else 'content'
        end as channel,
        'content_view' as touch_type,
        campaign_ids.campaign_id,
        identified.asset_id
    from identified
    left join campaign_ids
        on campaign_ids.campaign_id = identified.utm_campaign
)

select * from final
