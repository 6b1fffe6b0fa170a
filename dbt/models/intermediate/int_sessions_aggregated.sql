-- One row per session with its generations summarised: counts, error rate, latency, retries,
-- cost and feedback. A session without generations has zero counts and null rates/averages.

with

sessions as (

    select * from {{ ref('stg_app__sessions') }}

),

generations as (

    select * from {{ ref('int_generations_enriched') }}

),

generations_per_session as (

    select
        session_id,
        count(*) as generation_count,
        count(case when is_success then 1 end) as successful_generation_count,
        avg(cast(latency_ms as {{ type_double() }})) as avg_latency_ms,
        max(latency_ms) as max_latency_ms,
        avg(cast(retry_count as {{ type_double() }})) as avg_retry_count,
        cast(sum(retry_count) as {{ dbt.type_bigint() }}) as total_retry_count,
        sum(cost_credits) as total_cost_credits,
        count(case when is_thumbs_up then 1 end) as thumbs_up_count,
        count(case when is_thumbs_down then 1 end) as thumbs_down_count,
        count(case when is_downloaded then 1 end) as download_count

    from generations
    group by session_id

),

aggregated as (

    select
        sessions.session_id,
        sessions.user_id,
        sessions.device_type,
        sessions.started_at,
        sessions.ended_at,
        sessions.session_date,
        coalesce(generations_per_session.generation_count, 0) as generation_count,
        coalesce(generations_per_session.successful_generation_count, 0) as successful_generation_count,
        coalesce(generations_per_session.generation_count, 0)
            - coalesce(generations_per_session.successful_generation_count, 0) as failed_generation_count,
        case
            when generations_per_session.generation_count > 0
                then cast(
                    generations_per_session.generation_count
                    - generations_per_session.successful_generation_count as {{ type_double() }}
                ) / generations_per_session.generation_count
        end as error_rate,
        generations_per_session.avg_latency_ms,
        generations_per_session.max_latency_ms,
        generations_per_session.avg_retry_count,
        coalesce(generations_per_session.total_retry_count, 0) as total_retry_count,
        coalesce(generations_per_session.total_cost_credits, 0) as total_cost_credits,
        coalesce(generations_per_session.thumbs_up_count, 0) as thumbs_up_count,
        coalesce(generations_per_session.thumbs_down_count, 0) as thumbs_down_count,
        coalesce(generations_per_session.download_count, 0) as download_count,
        sessions.batch_date

    from sessions
    left join generations_per_session
        on sessions.session_id = generations_per_session.session_id

)

select * from aggregated
