{#-
    One row per calendar day (`date_day`) from first_day to last_day inclusive, both SQL
    expressions (e.g. columns of a one-row CTE named in `from_relation`). Built from
    dbt.generate_series with a fixed bound, so nothing is queried at compile time; the bound
    (max_days) must exceed the longest span (the config allows at most 3,650 days).
-#}
{% macro day_spine(from_relation, first_day, last_day, max_days=16384) -%}
    select
        cast({{ dbt.dateadd('day', 'series.generated_number - 1', first_day) }} as date) as date_day

    from ({{ dbt.generate_series(max_days) }}) as series
    cross join {{ from_relation }}

    where series.generated_number - 1 <= {{ dbt.datediff(first_day, last_day, 'day') }}
{%- endmacro %}
