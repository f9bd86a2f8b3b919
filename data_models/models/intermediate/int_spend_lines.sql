-- one row per spend line: an ad platform day of one ad campaign, or a CRM campaign's own cost
-- Rule against double counting: a CRM campaign with matched ad spend is costed by its ad
-- spend only (the platform bills the same money the CRM cost field repeats); a campaign
-- without matched ad spend is costed by its CRM cost, dated on its start date (else end date).
-- Ad spend matches a campaign by campaign_id, else by normalised name when that name is unique.
with campaigns as (
    select
        campaign_id,
        campaign_name,
        channel,
        cost,
        start_date,
        end_date,
        replace(replace(replace(lower(trim(campaign_name)), ' ', ''), '_', ''), '-', '') as name_key
    from stg_crm_campaigns
),

unique_campaign_names as (
    select
        name_key,
        min(campaign_id) as campaign_id
    from campaigns
    where name_key is not null
    group by name_key
    having count(*) = 1
),

ad_spend as (
    select
        *,
        replace(replace(replace(lower(trim(ad_campaign_name)), ' ', ''), '_', ''), '-', '') as name_key
    from stg_ad_spend
),

ad_matched as (
    select
        ad_spend.*,
        coalesce(by_id.campaign_id, by_name.campaign_id) as matched_campaign_id,
        case
            when by_id.campaign_id is not null then 'campaign_id'
            when by_name.campaign_id is not null then 'campaign_name'
            else 'unmatched'
        end as match_method
    from ad_spend
    left join campaigns as by_id
        on by_id.campaign_id = ad_spend.campaign_id
    left join unique_campaign_names as by_name
        on by_name.name_key = ad_spend.name_key
),

ad_lines as (
    select
        'ad:' || ad_matched.platform || ':' || ad_matched.ad_campaign_name || ':' || cast(ad_matched.spend_date as varchar) as spend_line_id,
        'ad_spend' as spend_source,
        ad_matched.spend_date,
        ad_matched.matched_campaign_id as campaign_id,
        ad_matched.match_method,
        ad_matched.platform,
        ad_matched.ad_campaign_name,
        coalesce(
            campaigns.channel,
            case
                when ad_matched.platform like '%google%' or ad_matched.platform like '%bing%'
                    or ad_matched.platform like '%microsoft%' then 'paid_search'
                when ad_matched.platform like '%linkedin%' or ad_matched.platform like '%facebook%'
                    or ad_matched.platform like '%meta%' or ad_matched.platform like '%twitter%'
                    or ad_matched.platform like '%reddit%' then 'paid_social'
                else 'other'
            end
        ) as channel,
        ad_matched.impressions,
        ad_matched.clicks,
        ad_matched.cost as spend
    from ad_matched
    left join campaigns
        on campaigns.campaign_id = ad_matched.matched_campaign_id
),

campaigns_with_ad_spend as (
    select distinct campaign_id
    from ad_lines
    where campaign_id is not null
),

campaign_cost_lines as (
    select
        'campaign:' || campaigns.campaign_id as spend_line_id,
        'campaign_cost' as spend_source,
        coalesce(campaigns.start_date, campaigns.end_date) as spend_date,
        campaigns.campaign_id,
        'campaign_cost' as match_method,
        cast(null as varchar) as platform,
        cast(null as varchar) as ad_campaign_name,
        campaigns.channel,
        cast(null as bigint) as impressions,
        cast(null as bigint) as clicks,
        campaigns.cost as spend
    from campaigns
    left join campaigns_with_ad_spend
        on campaigns_with_ad_spend.campaign_id = campaigns.campaign_id
    where campaigns_with_ad_spend.campaign_id is null
        and campaigns.cost is not null
        and campaigns.cost <> 0
),

final as (
    select * from ad_lines
    union all
    select * from campaign_cost_lines
)

select * from final
