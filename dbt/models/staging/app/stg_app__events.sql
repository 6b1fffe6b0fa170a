with

source as (

    select * from {{ source('app', 'raw_events') }}

),

renamed as (

    select
        cast(event_id as {{ dbt.type_bigint() }}) as event_id,
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        cast(session_id as {{ dbt.type_bigint() }}) as session_id,
        event_type,
        page_path,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(occurred_at as date) as event_date,
        cast(batch_date as date) as batch_date

    from source

)

select * from renamed
