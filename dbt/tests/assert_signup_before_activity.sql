-- Nobody does anything before signing up: sessions, prompts, generations, web events and
-- orders all happen at or after the user's signed_up_at.

-- A business rule: a violation is reported (with its rows) but does not block the build.
{{ config(severity='warn') }}

with

users as (

    select * from {{ ref('dim_users') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

prompts as (

    select * from {{ ref('dim_prompts') }}

),

generations as (

    select * from {{ ref('fct_generations') }}

),

events as (

    select * from {{ ref('stg_app__events') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

activities as (

    select 'session' as activity, session_id as activity_id, user_id, started_at as happened_at
    from sessions

    union all

    select 'prompt' as activity, prompt_id as activity_id, user_id, submitted_at as happened_at
    from prompts

    union all

    select 'generation' as activity, generation_id as activity_id, user_id, generated_at as happened_at
    from generations

    union all

    select 'event' as activity, event_id as activity_id, user_id, occurred_at as happened_at
    from events

    union all

    select 'order' as activity, order_id as activity_id, user_id, ordered_at as happened_at
    from orders

),

final as (

    select
        activities.activity,
        activities.activity_id,
        activities.user_id,
        activities.happened_at,
        users.signed_up_at

    from activities
    inner join users
        on activities.user_id = users.user_id
    where activities.happened_at < users.signed_up_at

)

select * from final
