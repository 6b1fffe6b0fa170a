-- One row per week (weeks start on Monday) from daily_metrics: new users, generations and
-- revenue with their week-over-week change. The first and last weeks may be partial.

with

daily as (

    select * from {{ ref('daily_metrics') }}

),

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

),

weekly as (

    select
        {{ week_start('date_day') }} as week_start,
        count(*) as days_in_week,
        cast(sum(new_users) as {{ dbt.type_bigint() }}) as new_users,
        max(total_users) as total_users,
        cast(sum(sessions) as {{ dbt.type_bigint() }}) as sessions,
        cast(sum(generations) as {{ dbt.type_bigint() }}) as generations,
        cast(sum(successful_generations) as {{ dbt.type_bigint() }}) as successful_generations,
        cast(sum(orders) as {{ dbt.type_bigint() }}) as orders,
        sum(revenue_usd) as revenue_usd

    from daily
    group by {{ week_start('date_day') }}

),

active_per_week as (

    select
        {{ week_start('activity_date') }} as week_start,
        count(distinct user_id) as active_users

    from user_days
    group by {{ week_start('activity_date') }}

),

with_previous as (

    select
        weekly.*,
        coalesce(active_per_week.active_users, 0) as active_users,
        row_number() over (order by weekly.week_start) as week_number,
        lag(weekly.new_users) over (order by weekly.week_start) as previous_new_users,
        lag(weekly.generations) over (order by weekly.week_start) as previous_generations,
        lag(weekly.revenue_usd) over (order by weekly.week_start) as previous_revenue_usd

    from weekly
    left join active_per_week
        on weekly.week_start = active_per_week.week_start

),

final as (

    select
        week_start,
        week_number,
        days_in_week,
        days_in_week < 7 as is_partial_week,
        active_users,
        new_users,
        total_users,
        sessions,
        generations,
        successful_generations,
        case
            when generations > 0
                then cast(successful_generations as {{ type_double() }}) / generations
        end as success_rate,
        orders,
        {{ round_to('revenue_usd', 2) }} as revenue_usd,
        new_users - previous_new_users as new_users_wow_change,
        cast(new_users - previous_new_users as {{ type_double() }})
            / nullif(previous_new_users, 0) as new_users_wow_change_pct,
        generations - previous_generations as generations_wow_change,
        cast(generations - previous_generations as {{ type_double() }})
            / nullif(previous_generations, 0) as generations_wow_change_pct,
        {{ round_to('revenue_usd - previous_revenue_usd', 2) }} as revenue_usd_wow_change,
        (revenue_usd - previous_revenue_usd)
            / nullif(previous_revenue_usd, 0) as revenue_usd_wow_change_pct

    from with_previous

)

select * from final
