-- A session ends at or after it starts, and both lie within the day that loaded it.

-- A business rule: a violation is reported (with its rows) but does not block the build.
{{ config(severity='warn') }}

with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

checked as (

    select
        session_id,
        started_at,
        ended_at,
        batch_date,
        case
            when ended_at < started_at then 'ends before it starts'
            when cast(started_at as date) <> batch_date then 'starts outside its batch_date'
            when cast(ended_at as date) <> batch_date then 'ends outside its batch_date'
            when session_date <> batch_date then 'session_date differs from batch_date'
        end as problem

    from sessions

),

final as (

    select *
    from checked
    where problem is not null

)

select * from final
