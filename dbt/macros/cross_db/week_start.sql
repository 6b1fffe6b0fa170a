{#- The Monday of the week containing a date, as a date (ISO weeks on DuckDB, PostgreSQL, Spark). -#}
{% macro week_start(date_expression) -%}
    cast({{ dbt.date_trunc('week', date_expression) }} as date)
{%- endmacro %}
