-- daily_metrics has one row for every calendar day from the first to the last day with any
-- activity: consecutive rows are exactly one day apart, and the range covers all activity.

with

daily as (

    select * from {{ ref('daily_metrics') }}

),

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

),

ordered as (

    select
        date_day,
        lag(date_day) over (order by date_day) as previous_day

    from daily

),

gaps as (

    select
        date_day,
        'not one day after the previous row' as problem

    from ordered
    where
        previous_day is not null
        and {{ dbt.datediff('previous_day', 'date_day', 'day') }} <> 1

),

covered as (

    select
        min(date_day) as first_day,
        max(date_day) as last_day

    from daily

),

active as (

    select
        min(activity_date) as first_day,
        max(activity_date) as last_day

    from user_days

),

uncovered as (

    select
        active.first_day as date_day,
        'activity before the first row' as problem

    from active
    cross join covered
    where covered.first_day is null or active.first_day < covered.first_day

    union all

    select
        active.last_day as date_day,
        'activity after the last row' as problem

    from active
    cross join covered
    where covered.last_day is null or active.last_day > covered.last_day

),

final as (

    select * from gaps
    union all
    select * from uncovered where date_day is not null

)

select * from final
