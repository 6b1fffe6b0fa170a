with

source as (

    select * from {{ source('app', 'raw_sessions') }}

),

renamed as (

    select
        cast(session_id as {{ dbt.type_bigint() }}) as session_id,
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        device_type,
        cast(started_at as {{ dbt.type_timestamp() }}) as started_at,
        cast(ended_at as {{ dbt.type_timestamp() }}) as ended_at,
        cast(started_at as date) as session_date,
        cast(batch_date as date) as batch_date

    from source

)

select * from renamed
