with

source as (

    select * from {{ source('app', 'raw_orders') }}

),

renamed as (

    select
        cast(order_id as {{ dbt.type_bigint() }}) as order_id,
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        order_type,
        product,
        cast(amount_usd as decimal(10, 2)) as amount_usd,
        cast(credits as {{ dbt.type_int() }}) as credits,
        cast(ordered_at as {{ dbt.type_timestamp() }}) as ordered_at,
        cast(ordered_at as date) as order_date,
        cast(batch_date as date) as batch_date

    from source

)

select * from renamed
