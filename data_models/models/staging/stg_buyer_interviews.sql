-- one row per buyer interview insight, renamed and cast
with source as (
    select * from buyer_interviews
),

final as (
    select
        interview_id,
        cast(interview_date as date) as interview_date,
        account_id,
        opportunity_id,
        coalesce(nullif(trim(persona), ''), 'Unknown') as persona,
        lower(outcome) as outcome,
        lower(insight_area) as insight_area,
        note
    from source
)

select * from final
