-- The dashboard's aggregate tables add up to the marts they summarise: sessions and their
-- friction, generations, orders and revenue, signups, and distinct users with a session (once
-- per model set too, for a sample set: every model).

with

mart_totals as (

    select
        (select count(*) from {{ ref('fct_sessions') }}) as sessions,
        (select sum(cast(friction_score as decimal(18, 2))) from {{ ref('fct_sessions') }}) as friction_score_sum,
        (select count(*) from {{ ref('fct_generations') }}) as generations,
        (select count(*) from {{ ref('fct_orders') }}) as orders,
        (select coalesce(sum(amount_usd), 0) from {{ ref('fct_orders') }}) as revenue_usd,
        (select count(*) from {{ ref('dim_users') }}) as signups,
        (select count(distinct user_id) from {{ ref('fct_sessions') }}) as active_users,
        (
            select count(distinct sessions.user_id)
            from {{ ref('fct_sessions') }} as sessions
            inner join {{ ref('fct_generations') }} as generations
                on sessions.session_id = generations.session_id
        ) as active_users_with_generations

),

aggregate_totals as (

    select
        (select sum(sessions) from {{ ref('agg_sessions_daily') }}) as sessions,
        (select sum(friction_score_sum) from {{ ref('agg_sessions_daily') }}) as friction_score_sum,
        (select sum(generations) from {{ ref('agg_generations_daily') }}) as generations,
        (select sum(orders) from {{ ref('agg_orders_daily') }}) as orders,
        (select coalesce(sum(revenue_usd), 0) from {{ ref('agg_orders_daily') }}) as revenue_usd,
        (select sum(new_users) from {{ ref('agg_signups_daily') }}) as signups,
        (
            select sum(users) from {{ ref('agg_active_users_daily') }}
            where model_set = 0 and previous_activity_date is null
        ) as active_users,
        (
            select sum(users) from {{ ref('agg_active_users_daily') }}
            where model_set = {{ 2 ** (var('generation_models') | length) - 1 }}
                and previous_activity_date is null
        ) as active_users_with_generations

),

final as (

    select
        mart_totals.*

    from mart_totals
    cross join aggregate_totals
    where
        coalesce(aggregate_totals.sessions, 0) <> mart_totals.sessions
        or coalesce(aggregate_totals.friction_score_sum, 0) <> coalesce(mart_totals.friction_score_sum, 0)
        or coalesce(aggregate_totals.generations, 0) <> mart_totals.generations
        or coalesce(aggregate_totals.orders, 0) <> mart_totals.orders
        or abs(aggregate_totals.revenue_usd - mart_totals.revenue_usd) > 0.005
        or coalesce(aggregate_totals.signups, 0) <> mart_totals.signups
        or coalesce(aggregate_totals.active_users, 0) <> mart_totals.active_users
        or coalesce(aggregate_totals.active_users_with_generations, 0) <> mart_totals.active_users_with_generations

)

select * from final
