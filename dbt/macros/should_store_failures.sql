{#-
    Whether a test stores its failing rows in schema test_failures (dbt's own macro, overridden).

    The project stores them (`+store_failures: true` in dbt_project.yml), so a plain `dbt build`
    or `sbdk run` leaves a table of failing rows per test. A run can turn that off with the var
    `store_test_failures: false`: the day-by-day simulation does, because storing costs every
    test a drop, a create and a commit — about a third of a day's build — while the published
    quality report takes the failing rows of a failing test from the test's own SQL instead.
    The var is read when the test runs, so a dbt process that parsed the project once
    (lib/server/dbt/worker.py) can pass it per invocation.
-#}
{% macro should_store_failures() %}
    {%- if not var('store_test_failures', true) -%}
        {% do return(false) %}
    {%- endif -%}
    {%- set config_store_failures = config.get('store_failures') -%}
    {%- if config_store_failures is none -%}
        {%- set config_store_failures = flags.STORE_FAILURES -%}
    {%- endif -%}
    {% do return(config_store_failures) %}
{% endmacro %}
