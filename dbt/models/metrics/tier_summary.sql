-- One row per week and user tier: the tier mix per week. users counts everyone signed up by
-- the end of the week; share_of_users is that tier's share of them.

with

users as (

    select * from {{ ref('dim_users') }}

),

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

),

generations as (

    select * from {{ ref('fct_generations') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

daily as (

    select * from {{ ref('daily_metrics') }}

),

weeks as (

    select distinct {{ week_start('date_day') }} as week_start
    from daily

),

tiers as (

    select distinct user_tier
    from users

),

grid as (

    select
        weeks.week_start,
        tiers.user_tier

    from weeks
    cross join tiers

),

signups_per_week as (

    select
        {{ week_start('signup_date') }} as week_start,
        user_tier,
        count(*) as new_users

    from users
    group by {{ week_start('signup_date') }}, user_tier

),

active_per_week as (

    select
        {{ week_start('user_days.activity_date') }} as week_start,
        users.user_tier,
        count(distinct user_days.user_id) as active_users

    from user_days
    inner join users
        on user_days.user_id = users.user_id
    group by {{ week_start('user_days.activity_date') }}, users.user_tier

),

generations_per_week as (

    select
        {{ week_start('generation_date') }} as week_start,
        user_tier,
        count(*) as generations,
        count(case when is_success then 1 end) as successful_generations

    from generations
    group by {{ week_start('generation_date') }}, user_tier

),

orders_per_week as (

    select
        {{ week_start('order_date') }} as week_start,
        user_tier,
        count(*) as orders,
        sum(amount_usd) as revenue_usd

    from orders
    group by {{ week_start('order_date') }}, user_tier

),

joined as (

    select
        grid.week_start,
        grid.user_tier,
        coalesce(signups_per_week.new_users, 0) as new_users,
        coalesce(active_per_week.active_users, 0) as active_users,
        coalesce(generations_per_week.generations, 0) as generations,
        coalesce(generations_per_week.successful_generations, 0) as successful_generations,
        coalesce(orders_per_week.orders, 0) as orders,
        coalesce(orders_per_week.revenue_usd, 0) as revenue_usd

    from grid
    left join signups_per_week
        on grid.week_start = signups_per_week.week_start
        and grid.user_tier = signups_per_week.user_tier
    left join active_per_week
        on grid.week_start = active_per_week.week_start
        and grid.user_tier = active_per_week.user_tier
    left join generations_per_week
        on grid.week_start = generations_per_week.week_start
        and grid.user_tier = generations_per_week.user_tier
    left join orders_per_week
        on grid.week_start = orders_per_week.week_start
        and grid.user_tier = orders_per_week.user_tier

),

cumulative as (

    select
        joined.*,
        cast(sum(new_users) over (
            partition by user_tier
            order by week_start
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as users

    from joined

),

final as (

    select
        week_start,
        user_tier,
        users,
        new_users,
        active_users,
        generations,
        successful_generations,
        orders,
        {{ round_to('cast(revenue_usd as ' ~ type_double() ~ ')', 2) }} as revenue_usd,
        cast(users as {{ type_double() }})
            / nullif(sum(users) over (partition by week_start), 0) as share_of_users,
        cast(active_users as {{ type_double() }})
            / nullif(sum(active_users) over (partition by week_start), 0) as share_of_active_users

    from cumulative

)

select * from final
