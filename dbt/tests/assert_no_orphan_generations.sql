-- Every generation answers an existing prompt of the same session, in an existing session of
-- the same user, by an existing user. Returns the generations that do not.

with

generations as (

    select * from {{ ref('fct_generations') }}

),

prompts as (

    select * from {{ ref('dim_prompts') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

checked as (

    select
        generations.generation_id,
        generations.prompt_id,
        generations.session_id,
        generations.user_id,
        generations.batch_date,
        case
            when prompts.prompt_id is null then 'prompt missing'
            when sessions.session_id is null then 'session missing'
            when users.user_id is null then 'user missing'
            when prompts.session_id <> generations.session_id then 'prompt belongs to another session'
            when sessions.user_id <> generations.user_id then 'session belongs to another user'
        end as problem

    from generations
    left join prompts
        on generations.prompt_id = prompts.prompt_id
    left join sessions
        on generations.session_id = sessions.session_id
    left join users
        on generations.user_id = users.user_id

),

final as (

    select *
    from checked
    where problem is not null

)

select * from final
