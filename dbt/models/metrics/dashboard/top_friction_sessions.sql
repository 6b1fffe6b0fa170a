-- The sessions the dashboard's "highest-friction sessions" list can show, without fct_sessions:
-- for every day, user tier and region, the var('top_friction_sessions_per_slice') sessions with
-- the highest friction, and as many for each model (among the sessions that used it). The top
-- sessions of any filter (days, tiers, regions, models) are among these: a session in a
-- filter's top N is in the top N of its own day, tier, region and one of the chosen models.

with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

generations as (

    select * from {{ ref('fct_generations') }}

),

session_models as (

    select
        session_id,
        -- Distinct powers of two add up to their bitwise or.
        sum(distinct {{ model_bit('model') }}) as model_mask

    from generations
    group by session_id

),

masked as (

    select
        sessions.*,
        cast(coalesce(session_models.model_mask, 0) as {{ dbt.type_int() }}) as model_mask

    from sessions
    left join session_models
        on sessions.session_id = session_models.session_id

),

-- slot 0: every session of the slice; slot i > 0: the sessions that used model i - 1.
slots as (

    select cast(series.generated_number - 1 as {{ dbt.type_int() }}) as slot
    from ({{ dbt.generate_series((var('generation_models') | length) + 1) }}) as series

),

ranked as (

    select
        masked.session_id,
        row_number() over (
            partition by masked.session_date, masked.user_tier, masked.region, slots.slot
            order by masked.friction_score desc, masked.session_id
        ) as slice_rank

    from masked
    inner join slots
        on slots.slot = 0
        or {{ mask_matches('masked.model_mask', 'cast(power(2, slots.slot - 1) as ' ~ dbt.type_int() ~ ')') }}

),

kept as (

    select distinct session_id
    from ranked
    where slice_rank <= {{ var('top_friction_sessions_per_slice') }}

),

final as (

    select
        masked.session_id,
        masked.user_id,
        masked.user_tier,
        masked.region,
        masked.session_date,
        masked.model_mask,
        masked.generation_count,
        masked.error_rate,
        masked.avg_latency_ms,
        masked.avg_retry_count,
        masked.friction_score

    from masked
    inner join kept
        on masked.session_id = kept.session_id

)

select * from final
