-- Generations per day, user tier, region and model: the dashboard's generation figures add
-- these rows up under any filter instead of scanning fct_generations.

with

generations as (

    select * from {{ ref('fct_generations') }}

),

final as (

    select
        generation_date,
        user_tier,
        region,
        model,
        cast(count(*) as {{ dbt.type_bigint() }}) as generations,
        cast(count(case when is_success then 1 end) as {{ dbt.type_bigint() }}) as successful_generations

    from generations
    group by generation_date, user_tier, region, model

)

select * from final
