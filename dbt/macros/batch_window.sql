{#-
    The rows an incremental fact re-selects on an incremental run.

    With the vars `batch_start` and `batch_end` (dates as YYYY-MM-DD, both inclusive; `batch_end`
    defaults to `batch_start`), exactly the batch_dates of that window: the simulation passes the
    simulated day, so what a run processes follows the simulated calendar, never the wall clock.
    delete+insert on batch_date then replaces those days whole, so re-running a day is idempotent.

    Without them, the latest batch_date already in {{ this }} onwards (latest_batch_date.sql).
-#}
{% macro batch_window_filter(column='batch_date') -%}
    {%- set start = var('batch_start', none) -%}
    {%- set end = var('batch_end', start) -%}
    {%- if start is none -%}
        {{ column }} >= {{ latest_batch_date(column) }}
    {%- else -%}
        {%- for value in [start, end] -%}
            {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | string) -%}
                {{ exceptions.raise_compiler_error(
                    "vars batch_start and batch_end must be dates as YYYY-MM-DD, got '" ~ value ~ "'"
                ) }}
            {%- endif -%}
        {%- endfor -%}
        {{ column }} between cast('{{ start }}' as date) and cast('{{ end }}' as date)
    {%- endif -%}
{%- endmacro %}
