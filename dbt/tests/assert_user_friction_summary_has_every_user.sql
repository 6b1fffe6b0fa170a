-- user_friction_summary has a row for every user of dim_users.

with

users as (

    select * from {{ ref('dim_users') }}

),

summary as (

    select * from {{ ref('user_friction_summary') }}

),

final as (

    select users.user_id

    from users
    left join summary
        on users.user_id = summary.user_id
    where summary.user_id is null

)

select * from final
