-- one row per answer of one respondent to one question, renamed and cast
with source as (
    select * from survey_responses
),

final as (
    select
        response_id,
        respondent_key,
        trim(respondent_role) as respondent_role,
        lower(trim(question_id)) as question_id,
        cast(answer_value as double) as answer_value,
        answer_text,
        cast(submitted_at as timestamp) as submitted_at
    from source
)

select * from final
