{#-
    The incremental boundary of the day-partitioned facts: the latest batch_date already in
    {{ this }}. Selecting `batch_date >= latest_batch_date()` re-selects the latest loaded day,
    and delete+insert on unique_key batch_date replaces it, so re-loading a day never
    duplicates. An empty table falls back to a date before any data.
-#}
{% macro latest_batch_date(column='batch_date') -%}
    (
        select coalesce(max({{ column }}), cast('1900-01-01' as date))
        from {{ this }}
    )
{%- endmacro %}
