-- One row per prompt. Incremental by batch_date (config in dbt_project.yml).

with

prompts as (

    select * from {{ ref('stg_app__prompts') }}
    {% if is_incremental() %}
    where {{ batch_window_filter() }}
    {% endif %}

),

final as (

    select
        prompt_id,
        session_id,
        user_id,
        prompt_text,
        prompt_category,
        {{ dbt.length('prompt_text') }} as prompt_length,
        submitted_at,
        cast(submitted_at as date) as submitted_date,
        batch_date

    from prompts

),

-- Backfilled: the metric prompt_toxicity on the days it has filled (macros/backfills/prompt_toxicity.sql).
backfilled as (

    select
        final.*,
        {{ backfill_value('prompt_toxicity') }} as toxicity_score

    from final

)

select * from backfilled
