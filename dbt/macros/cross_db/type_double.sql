{#-
    An 8-byte float. dbt.type_float() renders `float`, which is a 4-byte REAL on DuckDB and
    Spark; rates and averages need double precision to compare exactly against thresholds.
-#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'sbdk_starter')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
