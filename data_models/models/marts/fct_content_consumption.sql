-- one row per opportunity: content assets its contacts consumed before the first sales meeting
-- The cut-off is the first meeting date, else the created date; a touch counts when its date
-- is before the cut-off day. A closed deal with at least one such asset is content-assisted.
with opps as (
    select * from fct_pipeline
),

consumed as (
    select
        touches.opportunity_id,
        touches.asset_id,
        touches.via_account
    from int_touchpoints_by_opportunity as touches
    inner join stg_content_assets as assets
        on assets.asset_id = touches.asset_id
    where cast(touches.occurred_at as date)
        < coalesce(touches.first_meeting_date, touches.opp_created_date)
),

per_opportunity as (
    select
        opportunity_id,
        count(distinct asset_id) as assets_consumed,
        count(*) as content_touches,
        string_agg(distinct asset_id, ',' order by asset_id) as asset_ids,   -- ordered: the same data gives the same text
        max(case when via_account then 1 else 0 end) = 1 as via_account
    from consumed
    group by opportunity_id
),

final as (
    select
        opps.opportunity_id,
        opps.account_id,
        opps.segment,
        opps.region,
        opps.amount,
        opps.created_date,
        opps.close_date,
        opps.first_meeting_date,
        coalesce(opps.first_meeting_date, opps.created_date) as meeting_cutoff_date,
        opps.is_closed,
        opps.is_won,
        opps.cycle_days,
        coalesce(per_opportunity.assets_consumed, 0) as assets_consumed,
        coalesce(per_opportunity.content_touches, 0) as content_touches,
        per_opportunity.asset_ids,
        coalesce(per_opportunity.assets_consumed, 0) > 0 as consumed_content,
        opps.is_closed and coalesce(per_opportunity.assets_consumed, 0) > 0 as is_content_assisted,
        coalesce(per_opportunity.via_account, false) as via_account,
        case
            when coalesce(per_opportunity.assets_consumed, 0) = 0 then '0'
            when per_opportunity.assets_consumed <= 2 then '1-2'
            when per_opportunity.assets_consumed <= 5 then '3-5'
            when per_opportunity.assets_consumed <= 10 then '6-10'
            when per_opportunity.assets_consumed <= 20 then '11-20'
            else '21+'
        end as depth_bucket
    from opps
    left join per_opportunity
        on per_opportunity.opportunity_id = opps.opportunity_id
)

select * from final
