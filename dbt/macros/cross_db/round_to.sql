{#-
    round(<double>, <scale>) as a double. PostgreSQL has round(numeric, int) only, so there the
    value goes through numeric and back.
-#}
{% macro round_to(expression, scale) -%}
    {{ return(adapter.dispatch('round_to', 'sbdk_starter')(expression, scale)) }}
{%- endmacro %}

{% macro default__round_to(expression, scale) -%}
    round({{ expression }}, {{ scale }})
{%- endmacro %}

{% macro postgres__round_to(expression, scale) -%}
    cast(round(cast({{ expression }} as numeric), {{ scale }}) as {{ type_double() }})
{%- endmacro %}
