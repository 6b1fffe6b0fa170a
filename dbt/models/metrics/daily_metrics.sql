-- One row per calendar day from the first to the last day with data, with no gaps: days without
-- activity have zero counts and null averages.

with

users as (

    select * from {{ ref('dim_users') }}

),

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

generations as (

    select * from {{ ref('fct_generations') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

day_bounds as (

    select min(signup_date) as first_day, max(signup_date) as last_day
    from users

    union all

    select min(activity_date) as first_day, max(activity_date) as last_day
    from user_days

),

bounds as (

    select
        min(first_day) as first_day,
        max(last_day) as last_day

    from day_bounds

),

spine as (

    {{ day_spine('bounds', 'bounds.first_day', 'bounds.last_day') }}

),

signups_per_day as (

    select
        signup_date as date_day,
        count(*) as new_users

    from users
    group by signup_date

),

active_users_per_day as (

    select
        activity_date as date_day,
        count(*) as active_users

    from user_days
    group by activity_date

),

sessions_per_day as (

    select
        session_date as date_day,
        count(*) as sessions,
        {{ exact_avg("friction_score", 2) }} as avg_friction_score,
        count(case when friction_category = 'high' then 1 end) as high_friction_sessions

    from sessions
    group by session_date

),

generations_per_day as (

    select
        generation_date as date_day,
        count(*) as generations,
        count(case when is_success then 1 end) as successful_generations,
        count(case when status = 'timeout' then 1 end) as timeouts,
        count(case when status = 'safety_violation' then 1 end) as safety_violations,
        count(case when status = 'rate_limited' then 1 end) as rate_limited,
        count(case when status = 'model_error' then 1 end) as model_errors,
        avg(cast(latency_ms as {{ type_double() }})) as avg_latency_ms,
        cast({{ percentile_cont('latency_ms', 0.95) }} as {{ type_double() }}) as p95_latency_ms,
        sum(cost_credits) as total_cost_credits,
        count(case when is_thumbs_up then 1 end) as thumbs_up,
        count(case when is_thumbs_down then 1 end) as thumbs_down,
        count(case when is_downloaded then 1 end) as downloads

    from generations
    group by generation_date

),

orders_per_day as (

    select
        order_date as date_day,
        count(*) as orders,
        sum(amount_usd) as revenue_usd

    from orders
    group by order_date

),

joined as (

    select
        spine.date_day,
        coalesce(active_users_per_day.active_users, 0) as active_users,
        coalesce(signups_per_day.new_users, 0) as new_users,
        coalesce(sessions_per_day.sessions, 0) as sessions,
        coalesce(generations_per_day.generations, 0) as generations,
        coalesce(generations_per_day.successful_generations, 0) as successful_generations,
        coalesce(generations_per_day.timeouts, 0) as timeouts,
        coalesce(generations_per_day.safety_violations, 0) as safety_violations,
        coalesce(generations_per_day.rate_limited, 0) as rate_limited,
        coalesce(generations_per_day.model_errors, 0) as model_errors,
        generations_per_day.avg_latency_ms,
        generations_per_day.p95_latency_ms,
        coalesce(generations_per_day.total_cost_credits, 0) as total_cost_credits,
        coalesce(orders_per_day.orders, 0) as orders,
        coalesce(orders_per_day.revenue_usd, 0) as revenue_usd,
        coalesce(generations_per_day.thumbs_up, 0) as thumbs_up,
        coalesce(generations_per_day.thumbs_down, 0) as thumbs_down,
        coalesce(generations_per_day.downloads, 0) as downloads,
        sessions_per_day.avg_friction_score,
        coalesce(sessions_per_day.high_friction_sessions, 0) as high_friction_sessions

    from spine
    left join signups_per_day
        on spine.date_day = signups_per_day.date_day
    left join active_users_per_day
        on spine.date_day = active_users_per_day.date_day
    left join sessions_per_day
        on spine.date_day = sessions_per_day.date_day
    left join generations_per_day
        on spine.date_day = generations_per_day.date_day
    left join orders_per_day
        on spine.date_day = orders_per_day.date_day

),

final as (

    select
        date_day,
        active_users,
        new_users,
        cast(sum(new_users) over (
            order by date_day
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as total_users,
        sessions,
        generations,
        successful_generations,
        generations - successful_generations as failed_generations,
        case
            when generations > 0
                then cast(successful_generations as {{ type_double() }}) / generations
        end as success_rate,
        timeouts,
        safety_violations,
        rate_limited,
        model_errors,
        avg_latency_ms,
        p95_latency_ms,
        total_cost_credits,
        {{ round_to('cast(revenue_usd as ' ~ type_double() ~ ')', 2) }} as revenue_usd,
        orders,
        thumbs_up,
        thumbs_down,
        downloads,
        avg_friction_score,
        high_friction_sessions

    from joined

)

select * from final
