-- Every prompt belongs to an existing session of the same user and was answered by a
-- generation (one generation per prompt). Returns the prompts that were not.

with

prompts as (

    select * from {{ ref('dim_prompts') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

generations as (

    select * from {{ ref('fct_generations') }}

),

checked as (

    select
        prompts.prompt_id,
        prompts.session_id,
        prompts.user_id,
        prompts.batch_date,
        case
            when sessions.session_id is null then 'session missing'
            when users.user_id is null then 'user missing'
            when sessions.user_id <> prompts.user_id then 'session belongs to another user'
            when generations.generation_id is null then 'no generation'
        end as problem

    from prompts
    left join sessions
        on prompts.session_id = sessions.session_id
    left join users
        on prompts.user_id = users.user_id
    left join generations
        on prompts.prompt_id = generations.prompt_id

),

final as (

    select *
    from checked
    where problem is not null

)

select * from final
