-- one row per opportunity (deal), renamed and cast
with source as (
    select * from opportunities
),

final as (
    select
        opportunity_id,
        account_id,
        name as opportunity_name,
        cast(amount as decimal(18, 2)) as amount,
        currency,
        stage,
        cast(created_date as date) as created_date,
        cast(close_date as date) as close_date,
        coalesce(is_closed, false) as is_closed,
        coalesce(is_won, false) as is_won,
        cast(first_meeting_date as date) as first_meeting_date,
        nullif(trim(lead_source), '') as lead_source,
        primary_campaign_id,
        owner,
        source_system
    from source
)

select * from final
