-- Every backfill's value for every row of its mart, computed from the mart's columns by the
-- backfill's macro (macros/backfills/<name>.sql) whether or not the backfill has filled that
-- row's day: what a backfill would write. A view, so it costs nothing until read; the preview
-- (`sbdk backfill --dry-run`, the backfills page) reads it read-only, next to the mart's
-- current values, and writes nothing.

{% for backfill in var('backfills') %}
select
    cast('{{ backfill.name }}' as {{ dbt.type_string() }}) as backfill_name,
    cast({{ backfill.key }} as {{ dbt.type_bigint() }}) as row_key,
    batch_date,
    {% if backfill.kind == 'number' -%}
    cast({{ backfill_expression(backfill.name) }} as {{ type_double() }}) as number_value,
    cast(null as {{ dbt.type_string() }}) as category_value
    {%- else -%}
    cast(null as {{ type_double() }}) as number_value,
    cast({{ backfill_expression(backfill.name) }} as {{ dbt.type_string() }}) as category_value
    {%- endif %}

from {{ ref(backfill.model) }}
{% if not loop.last %}
union all
{% endif %}
{%- endfor %}
