{#-
    The rows a test checks (dbt's own macro, overridden as dbt's docs show for custom `where`
    placeholders). A test whose `where` config is `__batch_window__` checks only the rows of the
    run's batch window when the run names one (the vars batch_start / batch_end, as the
    day-by-day simulation passes the simulated day), and every row otherwise (`dbt build`,
    `sbdk run`).

    Only per-row tests of day-partitioned rows use it (not_null, accepted values and ranges,
    relationships from the rows to their parents): the rows of an earlier day were checked on
    their day and no later build changes them, so checking the new day's rows keeps the whole
    table checked. Uniqueness and the business rules still check every row.

    The placeholder is replaced when the test runs, not when the project is parsed, so one dbt
    process (lib/server/dbt/worker.py) can run every day with that day's window.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__batch_window__' in where -%}
        {%- if var('batch_start', none) is none -%}
            {%- set where = '' if where | trim == '__batch_window__' else where | replace('__batch_window__', '1 = 1') -%}
        {%- else -%}
            {%- set where = where | replace('__batch_window__', batch_window_filter()) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
