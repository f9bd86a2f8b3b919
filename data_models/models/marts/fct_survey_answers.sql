-- one row per survey answer, with the respondent role normalised and the question kind
with answers as (
    select * from stg_survey_responses
),

final as (
    select
        response_id,
        respondent_key,
        case
            when lower(respondent_role) = 'ceo' then 'CEO'
            when lower(respondent_role) = 'cmo' then 'CMO'
            when lower(respondent_role) in ('sales', 'sales leader', 'sales leaders', 'sales leadership', 'cro', 'vp sales')
                then 'Sales'
            when lower(respondent_role) in ('board', 'board member') then 'Board'
            when lower(respondent_role) in ('marketing', 'marketing team') then 'Marketing'
            else respondent_role
        end as respondent_role,
        question_id,
        case when question_id like 'maturity%' then 'maturity' else 'perception' end as question_kind,
        answer_value,
        answer_text,
        submitted_at
    from answers
)

select * from final
