-- One row per user: how much friction their sessions had. Users without sessions have zero
-- counts and null averages and shares.

with

users as (

    select * from {{ ref('dim_users') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

friction_per_user as (

    select
        user_id,
        count(*) as session_count,
        cast(sum(generation_count) as {{ dbt.type_bigint() }}) as generation_count,
        {{ exact_avg("friction_score", 2) }} as avg_friction_score,
        max(friction_score) as max_friction_score,
        count(case when friction_category = 'medium' then 1 end) as medium_friction_session_count,
        count(case when friction_category = 'high' then 1 end) as high_friction_session_count

    from sessions
    group by user_id

),

final as (

    select
        users.user_id,
        users.user_tier,
        users.region,
        coalesce(friction_per_user.session_count, 0) as session_count,
        coalesce(friction_per_user.generation_count, 0) as generation_count,
        {{ round_to('friction_per_user.avg_friction_score', 2) }} as avg_friction_score,
        friction_per_user.max_friction_score,
        coalesce(friction_per_user.medium_friction_session_count, 0) as medium_friction_session_count,
        coalesce(friction_per_user.high_friction_session_count, 0) as high_friction_session_count,
        cast(friction_per_user.high_friction_session_count as {{ type_double() }})
            / nullif(friction_per_user.session_count, 0) as high_friction_session_share

    from users
    left join friction_per_user
        on users.user_id = friction_per_user.user_id

)

select * from final
