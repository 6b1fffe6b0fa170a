-- The tier mix is close to its 70/25/5 target: free 60–80%, pro 15–35%, enterprise 1–10% of
-- all users. Checked only from 500 users on, where sampling noise is small enough.

-- A business rule: a violation is reported (with its rows) but does not block the build.
{{ config(severity='warn') }}

with

users as (

    select * from {{ ref('dim_users') }}

),

totals as (

    select
        count(*) as user_count,
        count(case when user_tier = 'free' then 1 end) as free_users,
        count(case when user_tier = 'pro' then 1 end) as pro_users,
        count(case when user_tier = 'enterprise' then 1 end) as enterprise_users

    from users

),

shares as (

    select
        user_count,
        cast(free_users as {{ type_double() }}) / user_count as free_share,
        cast(pro_users as {{ type_double() }}) / user_count as pro_share,
        cast(enterprise_users as {{ type_double() }}) / user_count as enterprise_share

    from totals
    where user_count >= 500

),

final as (

    select *
    from shares
    where
        free_share < 0.60 or free_share > 0.80
        or pro_share < 0.15 or pro_share > 0.35
        or enterprise_share < 0.01 or enterprise_share > 0.10

)

select * from final
