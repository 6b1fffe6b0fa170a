-- Signups per day, user tier and region, for the dashboard's new-user figures.

with

users as (

    select * from {{ ref('dim_users') }}

),

final as (

    select
        signup_date,
        user_tier,
        region,
        cast(count(*) as {{ dbt.type_bigint() }}) as new_users

    from users
    group by signup_date, user_tier, region

)

select * from final
