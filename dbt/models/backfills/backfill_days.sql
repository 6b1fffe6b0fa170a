-- The days each backfill has filled: one row per backfill and batch_date. The marts fill a
-- backfilled column on exactly these days (macros/backfills/backfill_value.sql).
--
-- `sbdk backfill` fills a backfill's history with the vars backfill_apply (its name),
-- batch_start and batch_end: the days of that window are added for that backfill alone, and the
-- mart is rebuilt for them in the same dbt build. Every other run adds the days it builds (its
-- window, or the latest loaded day on) for every backfill already started, so new days follow.
-- Incremental and never fully refreshed (dbt_project.yml): a full refresh keeps what was filled.

{%- set applying = var('backfill_apply', none) %}
{%- set known = var('backfills') | map(attribute='name') | list %}
{%- if applying is not none and applying not in known %}
    {{ exceptions.raise_compiler_error("var backfill_apply: unknown backfill '" ~ applying ~ "'; known: " ~ known | join(", ")) }}
{%- endif %}

with

loaded_days as (

    select batch_date from {{ ref('stg_app__users') }}
    union
    select batch_date from {{ ref('stg_app__sessions') }}

),

window_days as (

    select distinct batch_date
    from loaded_days
    {% if var('batch_start', none) is not none or is_incremental() %}
    where {{ batch_window_filter() }}
    {% endif %}

),

backfills as (

    {% if applying is not none %}
    select cast('{{ applying }}' as {{ dbt.type_string() }}) as backfill_name
    {% elif is_incremental() %}
    select distinct backfill_name from {{ this }}
    {% else %}
    -- A new table: no backfill has started yet.
    select cast(null as {{ dbt.type_string() }}) as backfill_name
    where 1 = 0
    {% endif %}

),

final as (

    select
        backfills.backfill_name,
        window_days.batch_date

    from backfills
    cross join window_days

)

select * from final
