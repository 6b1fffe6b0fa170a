-- A prompt is submitted within its session, and its generation completes at or after the
-- prompt and no later than the session's end.

-- A business rule: a violation is reported (with its rows) but does not block the build.
{{ config(severity='warn') }}

with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

prompts as (

    select * from {{ ref('dim_prompts') }}

),

generations as (

    select * from {{ ref('fct_generations') }}

),

checked as (

    select
        prompts.prompt_id,
        generations.generation_id,
        sessions.session_id,
        sessions.started_at,
        prompts.submitted_at,
        generations.generated_at,
        sessions.ended_at,
        case
            when prompts.submitted_at < sessions.started_at then 'prompt before session start'
            when prompts.submitted_at > sessions.ended_at then 'prompt after session end'
            when generations.generated_at < prompts.submitted_at then 'generation before its prompt'
            when generations.generated_at > sessions.ended_at then 'generation after session end'
        end as problem

    from prompts
    inner join sessions
        on prompts.session_id = sessions.session_id
    left join generations
        on prompts.prompt_id = generations.prompt_id

),

final as (

    select *
    from checked
    where problem is not null

)

select * from final
