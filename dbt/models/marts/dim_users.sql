-- One row per user with lifetime activity totals. Rebuilt whole on every run.

with

users as (

    select * from {{ ref('stg_app__users') }}

),

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

),

lifetime as (

    select
        user_id,
        min(activity_date) as first_active_date,
        max(activity_date) as last_active_date,
        count(*) as active_days,
        cast(sum(session_count) as {{ dbt.type_bigint() }}) as session_count,
        cast(sum(generation_count) as {{ dbt.type_bigint() }}) as generation_count,
        cast(sum(successful_generation_count) as {{ dbt.type_bigint() }}) as successful_generation_count,
        cast(sum(order_count) as {{ dbt.type_bigint() }}) as order_count,
        sum(revenue_usd) as total_revenue_usd

    from user_days
    group by user_id

),

final as (

    select
        users.user_id,
        users.email,
        users.user_name,
        users.region,
        users.signup_device_type,
        users.user_tier,
        users.signed_up_at,
        users.signup_date,
        lifetime.first_active_date,
        lifetime.last_active_date,
        coalesce(lifetime.active_days, 0) as active_days,
        coalesce(lifetime.session_count, 0) as session_count,
        coalesce(lifetime.generation_count, 0) as generation_count,
        coalesce(lifetime.successful_generation_count, 0) as successful_generation_count,
        coalesce(lifetime.order_count, 0) as order_count,
        {{ round_to('cast(coalesce(lifetime.total_revenue_usd, 0) as ' ~ type_double() ~ ')', 2) }}
            as total_revenue_usd,
        users.batch_date

    from users
    left join lifetime
        on users.user_id = lifetime.user_id

),

-- Backfilled: the metric user_lifetime_value on the days it has filled (macros/backfills/user_lifetime_value.sql).
backfilled as (

    select
        final.*,
        {{ backfill_value('user_lifetime_value') }} as lifetime_value

    from final

)

select * from backfilled
