{#-
    Custom schemas are used verbatim (staging, intermediate, marts, metrics, test_failures)
    instead of dbt's default `<target_schema>_<custom>`, so the publish step and the browser
    can name them without knowing the target.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
