-- friction_score follows the formula of DESIGN.md (recomputed here independently of the
-- model's macro), a session whose generations all failed scores at least 50, and the category
-- matches the thresholds low < 10 ≤ medium < 30 ≤ high.

with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

recomputed as (

    select
        sessions.*,
        case
            when generation_count = 0 then 0
            else least(
                100.0,
                error_rate * 50
                + least(1.0, avg_latency_ms / 5000.0) * 33
                + least(1.0, avg_retry_count / 2.0) * 17
            )
        end as expected_friction_score

    from sessions

),

checked as (

    select
        session_id,
        generation_count,
        successful_generation_count,
        friction_score,
        expected_friction_score,
        friction_category,
        case
            when abs(friction_score - expected_friction_score) > 0.0051
                then 'score differs from the formula'
            when generation_count > 0 and successful_generation_count = 0 and friction_score < 50
                then 'no successful generation but friction below 50'
            when friction_score >= 30 and friction_category <> 'high' then 'category should be high'
            when friction_score >= 10 and friction_score < 30 and friction_category <> 'medium'
                then 'category should be medium'
            when friction_score < 10 and friction_category <> 'low' then 'category should be low'
        end as problem

    from recomputed

),

final as (

    select *
    from checked
    where problem is not null

)

select * from final
