-- one row per touchpoint: campaign responses, identified content views and exported touches
with people as (
    select * from int_people
),

campaign_responses as (
    select
        'cm:' || members.campaign_id || ':' || members.contact_id as touchpoint_id,
        coalesce(people.person_id, members.contact_id) as contact_id,
        people.account_id,
        coalesce(members.first_responded_at, members.created_at) as occurred_at,
        campaigns.channel,
        'campaign_response' as touch_type,
        members.campaign_id,
        cast(null as varchar) as asset_id,
        'campaign_members' as touch_source
    from stg_crm_campaign_members as members
    inner join stg_crm_campaigns as campaigns
        on campaigns.campaign_id = members.campaign_id
    left join people
        on people.contact_id = members.contact_id
    where members.has_responded
        and coalesce(members.first_responded_at, members.created_at) is not null
),

content_views as (
    select
        touchpoint_id,
        contact_id,
        account_id,
        occurred_at,
        channel,
        touch_type,
        campaign_id,
        asset_id,
        'web_events' as touch_source
    from int_content_views
),

exported as (
    select
        tp.touchpoint_id,
        coalesce(people.person_id, tp.contact_id) as contact_id,
        coalesce(tp.account_id, people.account_id) as account_id,
        tp.occurred_at,
        coalesce(tp.channel, 'other') as channel,
        tp.touch_type,
        tp.campaign_id,
        tp.asset_id,
        'touchpoints' as touch_source
    from stg_touchpoints as tp
    left join people
        on people.contact_id = tp.contact_id
),

unioned as (
    select * from campaign_responses
    union all
    select * from content_views
    union all
    select * from exported
),

final as (
    select * from unioned
)

select * from final
