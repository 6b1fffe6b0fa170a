-- In every week of tier_summary the tiers' shares of users add up to 1.

with

tiers as (

    select * from {{ ref('tier_summary') }}

),

weekly as (

    select
        week_start,
        sum(users) as users,
        sum(share_of_users) as share_of_users

    from tiers
    group by week_start

),

final as (

    select *
    from weekly
    where users > 0 and abs(share_of_users - 1) > 0.000001

)

select * from final
