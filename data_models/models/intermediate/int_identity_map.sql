-- one row per identified web visitor: the CRM person it belongs to
-- Identity stitching: once a visitor is identified (form fill, login, email click),
-- all of that visitor's events, including anonymous ones before, belong to that person.
-- A visitor seen with several user ids keeps the first one.
with identified_events as (
    select
        visitor_id,
        user_id,
        occurred_at,
        row_number() over (
            partition by visitor_id
            order by occurred_at, event_id
        ) as identification_order
    from stg_web_events
    where user_id is not null
),

first_identification as (
    select visitor_id, user_id, occurred_at as identified_at
    from identified_events
    where identification_order = 1
),

final as (
    select
        first_identification.visitor_id,
        first_identification.user_id,
        int_people.person_id as contact_id,
        int_people.account_id,
        first_identification.identified_at
    from first_identification
    inner join int_people
        on int_people.contact_id = first_identification.user_id
)

select * from final
