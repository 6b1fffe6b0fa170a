-- One row per order, the source of revenue. Incremental by batch_date (config in dbt_project.yml).

with

orders as (

    select * from {{ ref('stg_app__orders') }}
    {% if is_incremental() %}
    where {{ batch_window_filter() }}
    {% endif %}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

final as (

    select
        orders.order_id,
        orders.user_id,
        users.user_tier,
        users.region,
        orders.order_type,
        orders.product,
        orders.amount_usd,
        orders.credits,
        orders.ordered_at,
        orders.order_date,
        orders.batch_date

    from orders
    left join users
        on orders.user_id = users.user_id

)

select * from final
