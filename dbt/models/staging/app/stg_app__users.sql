with

source as (

    select * from {{ source('app', 'raw_users') }}

),

renamed as (

    select
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        email,
        name as user_name,
        region,
        device_type as signup_device_type,
        user_tier,
        cast(signed_up_at as {{ dbt.type_timestamp() }}) as signed_up_at,
        cast(signed_up_at as date) as signup_date,
        cast(batch_date as date) as batch_date

    from source

)

select * from renamed
