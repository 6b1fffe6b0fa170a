with

source as (

    select * from {{ source('app', 'raw_generations') }}

),

renamed as (

    select
        cast(generation_id as {{ dbt.type_bigint() }}) as generation_id,
        cast(prompt_id as {{ dbt.type_bigint() }}) as prompt_id,
        cast(session_id as {{ dbt.type_bigint() }}) as session_id,
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        model,
        status,
        cast(latency_ms as {{ dbt.type_int() }}) as latency_ms,
        cast(cost_credits as {{ type_double() }}) as cost_credits,
        cast(retry_count as {{ dbt.type_int() }}) as retry_count,
        cast(generated_at as {{ dbt.type_timestamp() }}) as generated_at,
        cast(generated_at as date) as generation_date,
        cast(is_thumbs_up as {{ dbt.type_boolean() }}) as is_thumbs_up,
        cast(is_thumbs_down as {{ dbt.type_boolean() }}) as is_thumbs_down,
        cast(is_downloaded as {{ dbt.type_boolean() }}) as is_downloaded,
        cast(batch_date as date) as batch_date

    from source

)

select * from renamed
