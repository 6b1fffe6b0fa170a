-- One row per generation. Incremental by batch_date (config in dbt_project.yml).

with

generations as (

    select * from {{ ref('int_generations_enriched') }}
    {% if is_incremental() %}
    where {{ batch_window_filter() }}
    {% endif %}

),

final as (

    select
        generation_id,
        prompt_id,
        session_id,
        user_id,
        user_tier,
        region,
        prompt_category,
        model,
        status,
        is_success,
        latency_ms,
        cost_credits,
        retry_count,
        generated_at,
        generation_date,
        is_thumbs_up,
        is_thumbs_down,
        is_downloaded,
        batch_date

    from generations

),

-- Backfilled: the metric generation_quality_flag on the days it has filled (macros/backfills/generation_quality_flag.sql).
backfilled as (

    select
        final.*,
        {{ backfill_value('generation_quality_flag') }} as quality_tier

    from final

)

select * from backfilled
