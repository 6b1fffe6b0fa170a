-- Thumbs up and downloads happen only on successful generations, and a generation is never
-- liked and disliked at once.

-- A business rule: a violation is reported (with its rows) but does not block the build.
{{ config(severity='warn') }}

with

generations as (

    select * from {{ ref('fct_generations') }}

),

checked as (

    select
        generation_id,
        status,
        is_thumbs_up,
        is_thumbs_down,
        is_downloaded,
        case
            when is_thumbs_up and is_thumbs_down then 'thumbs up and down'
            when is_thumbs_up and not is_success then 'thumbs up on a failed generation'
            when is_downloaded and not is_success then 'download of a failed generation'
        end as problem

    from generations

),

final as (

    select *
    from checked
    where problem is not null

)

select * from final
