-- The totals of daily_metrics equal the marts they summarise: users, sessions, generations,
-- orders and revenue (to the cent).

with

daily as (

    select * from {{ ref('daily_metrics') }}

),

daily_totals as (

    select
        sum(new_users) as users,
        sum(sessions) as sessions,
        sum(generations) as generations,
        sum(successful_generations) as successful_generations,
        sum(orders) as orders,
        sum(revenue_usd) as revenue_usd

    from daily

),

mart_totals as (

    select
        (select count(*) from {{ ref('dim_users') }}) as users,
        (select count(*) from {{ ref('fct_sessions') }}) as sessions,
        (select count(*) from {{ ref('fct_generations') }}) as generations,
        (select count(*) from {{ ref('fct_generations') }} where is_success) as successful_generations,
        (select count(*) from {{ ref('fct_orders') }}) as orders,
        (select coalesce(sum(amount_usd), 0) from {{ ref('fct_orders') }}) as revenue_usd

),

final as (

    select
        daily_totals.users as daily_users,
        mart_totals.users as mart_users,
        daily_totals.sessions as daily_sessions,
        mart_totals.sessions as mart_sessions,
        daily_totals.generations as daily_generations,
        mart_totals.generations as mart_generations,
        daily_totals.orders as daily_orders,
        mart_totals.orders as mart_orders,
        daily_totals.revenue_usd as daily_revenue_usd,
        mart_totals.revenue_usd as mart_revenue_usd

    from daily_totals
    cross join mart_totals
    where
        coalesce(daily_totals.users, 0) <> mart_totals.users
        or coalesce(daily_totals.sessions, 0) <> mart_totals.sessions
        or coalesce(daily_totals.generations, 0) <> mart_totals.generations
        or coalesce(daily_totals.successful_generations, 0) <> mart_totals.successful_generations
        or coalesce(daily_totals.orders, 0) <> mart_totals.orders
        or abs(coalesce(daily_totals.revenue_usd, 0) - mart_totals.revenue_usd) > 0.005

)

select * from final
