-- One row per session with its friction score (DESIGN.md). Incremental by batch_date (config in
-- dbt_project.yml). A session without generations has friction 0 (no errors, latency or retries).

with

sessions as (

    select * from {{ ref('int_sessions_aggregated') }}
    {% if is_incremental() %}
    where {{ batch_window_filter() }}
    {% endif %}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

scored as (

    select
        sessions.*,
        users.user_tier,
        users.region,
        {{ dbt.datediff('sessions.started_at', 'sessions.ended_at', 'second') }} as duration_seconds,
        {{ friction_score('sessions.error_rate', 'sessions.avg_latency_ms', 'sessions.avg_retry_count') }}
            as friction_score

    from sessions
    left join users
        on sessions.user_id = users.user_id

),

final as (

    select
        session_id,
        user_id,
        user_tier,
        region,
        device_type,
        started_at,
        ended_at,
        session_date,
        duration_seconds,
        generation_count,
        successful_generation_count,
        failed_generation_count,
        error_rate,
        avg_latency_ms,
        max_latency_ms,
        avg_retry_count,
        total_retry_count,
        total_cost_credits,
        thumbs_up_count,
        thumbs_down_count,
        download_count,
        friction_score,
        {{ friction_category('friction_score') }} as friction_category,
        batch_date

    from scored

),

-- Backfilled: the metric session_engagement_score on the days it has filled (macros/backfills/session_engagement_score.sql).
backfilled as (

    select
        final.*,
        {{ backfill_value('session_engagement_score') }} as engagement_score

    from final

)

select * from backfilled
