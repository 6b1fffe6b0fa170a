-- One row per user and calendar day with any activity (a session, a generation, a web event or
-- an order): the basis of active users and of per-user lifetime totals.

with

sessions as (

    select * from {{ ref('stg_app__sessions') }}

),

generations as (

    select * from {{ ref('stg_app__generations') }}

),

events as (

    select * from {{ ref('stg_app__events') }}

),

orders as (

    select * from {{ ref('stg_app__orders') }}

),

activities as (

    select
        user_id,
        session_date as activity_date,
        1 as session_count,
        0 as generation_count,
        0 as successful_generation_count,
        0 as event_count,
        0 as order_count,
        cast(0 as decimal(10, 2)) as revenue_usd
    from sessions

    union all

    select
        user_id,
        generation_date as activity_date,
        0 as session_count,
        1 as generation_count,
        case when status = 'success' then 1 else 0 end as successful_generation_count,
        0 as event_count,
        0 as order_count,
        cast(0 as decimal(10, 2)) as revenue_usd
    from generations

    union all

    select
        user_id,
        event_date as activity_date,
        0 as session_count,
        0 as generation_count,
        0 as successful_generation_count,
        1 as event_count,
        0 as order_count,
        cast(0 as decimal(10, 2)) as revenue_usd
    from events

    union all

    select
        user_id,
        order_date as activity_date,
        0 as session_count,
        0 as generation_count,
        0 as successful_generation_count,
        0 as event_count,
        1 as order_count,
        amount_usd as revenue_usd
    from orders

),

aggregated as (

    select
        user_id,
        activity_date,
        cast(sum(session_count) as {{ dbt.type_bigint() }}) as session_count,
        cast(sum(generation_count) as {{ dbt.type_bigint() }}) as generation_count,
        cast(sum(successful_generation_count) as {{ dbt.type_bigint() }}) as successful_generation_count,
        cast(sum(event_count) as {{ dbt.type_bigint() }}) as event_count,
        cast(sum(order_count) as {{ dbt.type_bigint() }}) as order_count,
        sum(revenue_usd) as revenue_usd

    from activities
    group by user_id, activity_date

)

select * from aggregated
