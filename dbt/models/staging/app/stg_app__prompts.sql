with

source as (

    select * from {{ source('app', 'raw_prompts') }}

),

renamed as (

    select
        cast(prompt_id as {{ dbt.type_bigint() }}) as prompt_id,
        cast(session_id as {{ dbt.type_bigint() }}) as session_id,
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        prompt_text,
        prompt_category,
        cast(submitted_at as {{ dbt.type_timestamp() }}) as submitted_at,
        cast(batch_date as date) as batch_date

    from source

)

select * from renamed
