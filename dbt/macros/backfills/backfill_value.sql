{#-
    A backfilled column of a mart: the backfill's value on the days it has filled, null on the
    others. Which days those are is the table backfill_days (models/backfills/): `sbdk backfill`
    adds past days to it batch by batch, and every later run adds the days it builds, so history
    is filled on purpose and new days follow on their own. The list survives a full refresh, so
    a rebuilt mart has the values of exactly the days it had before.

    `name` is the backfill (var('backfills')); its value is the macro of the same name in this
    folder, an expression over the mart's own columns (so the preview can compute it from the
    mart alone, see backfill_candidates).
-#}
{% macro backfill_value(name, batch_date='batch_date') -%}
    {%- set known = var('backfills') | map(attribute='name') | list -%}
    {%- if name not in known -%}
        {{ exceptions.raise_compiler_error("backfill_value: unknown backfill '" ~ name ~ "'; var('backfills') has " ~ known | join(", ")) }}
    {%- endif -%}
    case
        when {{ batch_date }} in (
            select backfill_days.batch_date
            from {{ ref('backfill_days') }} as backfill_days
            where backfill_days.backfill_name = '{{ name }}'
        )
            then {{ backfill_expression(name) }}
    end
{%- endmacro %}

{#- The value of backfill `name`: its macro (macros/backfills/<name>.sql) rendered. -#}
{% macro backfill_expression(name) -%}
    {%- set macro = context.get(name) -%}
    {%- if macro is none -%}
        {{ exceptions.raise_compiler_error("backfill '" ~ name ~ "' has no macro " ~ name ~ "() in macros/backfills/") }}
    {%- endif -%}
    {{ macro() }}
{%- endmacro %}
