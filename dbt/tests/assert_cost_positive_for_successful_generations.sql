-- A successful generation costs credits (> 0); a failed one costs nothing (= 0).

-- A business rule: a violation is reported (with its rows) but does not block the build.
{{ config(severity='warn') }}

with

generations as (

    select * from {{ ref('fct_generations') }}

),

final as (

    select
        generation_id,
        status,
        cost_credits,
        batch_date

    from generations
    where
        (is_success and cost_credits <= 0)
        or (not is_success and cost_credits <> 0)

)

select * from final
