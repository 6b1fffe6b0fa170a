-- Generations with the user's tier and region and the prompt's category, and the status as flags.

with

generations as (

    select * from {{ ref('stg_app__generations') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

prompts as (

    select * from {{ ref('stg_app__prompts') }}

),

enriched as (

    select
        generations.generation_id,
        generations.prompt_id,
        generations.session_id,
        generations.user_id,
        users.user_tier,
        users.region,
        prompts.prompt_category,
        generations.model,
        generations.status,
        generations.status = 'success' as is_success,
        generations.latency_ms,
        generations.cost_credits,
        generations.retry_count,
        generations.generated_at,
        generations.generation_date,
        generations.is_thumbs_up,
        generations.is_thumbs_down,
        generations.is_downloaded,
        generations.batch_date

    from generations
    left join users
        on generations.user_id = users.user_id
    left join prompts
        on generations.prompt_id = prompts.prompt_id

)

select * from enriched
