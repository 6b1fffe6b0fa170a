-- Users with a session per day, kept so that the distinct users of any filter are a sum of
-- rows rather than a scan of fct_sessions. A user active in [from, to] has exactly one active
-- day in the range whose previous active day is before `from` (or who has none), so
--
--   users active in [from, to] = sum(users) where activity_date between from and to
--                                and (previous_activity_date is null or previous_activity_date < from)
--
-- and the users of one day are the rows of that day. Which days count depends on the model
-- filter (a session counts when one of its generations used a chosen model), so the rows come
-- once per model_set: 0 = any session, otherwise a mask of models (macros/dashboard.sql) with
-- only the days on which the user had a session using one of them.

with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

generations as (

    select * from {{ ref('fct_generations') }}

),

session_generations as (

    select
        sessions.user_id,
        sessions.session_date,
        sessions.user_tier,
        sessions.region,
        {{ model_bit('generations.model') }} as model_bit

    from sessions
    left join generations
        on sessions.session_id = generations.session_id

),

user_days as (

    select
        user_id,
        session_date as activity_date,
        -- A user's tier and region are the same on every session.
        max(user_tier) as user_tier,
        max(region) as region,
        -- Distinct powers of two add up to their bitwise or.
        cast(sum(distinct coalesce(model_bit, 0)) as {{ dbt.type_int() }}) as model_mask

    from session_generations
    group by user_id, session_date

),

with_previous as (

    select
        user_days.*,
        max(activity_date) over (
            partition by user_id
            order by activity_date
            rows between unbounded preceding and 1 preceding
        ) as previous_any
        {%- for model in var('generation_models') %},
        max(case when {{ mask_matches('model_mask', 2 ** loop.index0) }} then activity_date end) over (
            partition by user_id
            order by activity_date
            rows between unbounded preceding and 1 preceding
        ) as previous_{{ loop.index0 }}
        {%- endfor %}

    from user_days

),

model_sets as (

    {{ model_sets() }}

),

expanded as (

    select
        model_sets.model_set,
        with_previous.activity_date,
        case
            when model_sets.model_set = 0 then with_previous.previous_any
            -- The last earlier day with any of the set's models (greatest skips nulls).
            else greatest(
                {%- for model in var('generation_models') %}
                case when {{ mask_matches('model_sets.model_set', 2 ** loop.index0) }}
                    then with_previous.previous_{{ loop.index0 }} end{{ "," if not loop.last }}
                {%- endfor %}
            )
        end as previous_activity_date,
        with_previous.user_tier,
        with_previous.region

    from with_previous
    inner join model_sets
        on model_sets.model_set = 0
        or {{ mask_matches('with_previous.model_mask', 'model_sets.model_set') }}

),

final as (

    select
        model_set,
        activity_date,
        previous_activity_date,
        user_tier,
        region,
        cast(count(*) as {{ dbt.type_bigint() }}) as users

    from expanded
    group by model_set, activity_date, previous_activity_date, user_tier, region

)

select * from final
