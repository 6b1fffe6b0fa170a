-- Orders and revenue per day, user tier and region, for the dashboard's revenue figures.

with

orders as (

    select * from {{ ref('fct_orders') }}

),

final as (

    select
        order_date,
        user_tier,
        region,
        cast(count(*) as {{ dbt.type_bigint() }}) as orders,
        cast(sum(amount_usd) as decimal(18, 2)) as revenue_usd

    from orders
    group by order_date, user_tier, region

)

select * from final
