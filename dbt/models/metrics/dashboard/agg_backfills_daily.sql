-- The backfilled columns per backfill, day, user tier and region, for the dashboard's backfilled
-- metrics: rows, rows with a value, and their sum (number backfills) or their category
-- (category backfills; one row per category, null for the rows without a value).

{% for backfill in var('backfills') %}
select
    cast('{{ backfill.name }}' as {{ dbt.type_string() }}) as backfill_name,
    backfilled.batch_date as date_day,
    users.user_tier,
    users.region,
    {% if backfill.kind == 'category' -%}
    cast(backfilled.{{ backfill.column }} as {{ dbt.type_string() }}) as category,
    {%- else -%}
    cast(null as {{ dbt.type_string() }}) as category,
    {%- endif %}
    cast(count(*) as {{ dbt.type_bigint() }}) as row_count,
    cast(count(backfilled.{{ backfill.column }}) as {{ dbt.type_bigint() }}) as filled_rows,
    {% if backfill.kind == 'number' -%}
    cast(sum(cast(backfilled.{{ backfill.column }} as decimal(18, 2))) as decimal(18, 2)) as value_sum
    {%- else -%}
    cast(null as decimal(18, 2)) as value_sum
    {%- endif %}

from {{ ref(backfill.model) }} as backfilled
left join {{ ref('dim_users') }} as users
    on backfilled.user_id = users.user_id
group by
    backfilled.batch_date,
    users.user_tier,
    users.region{% if backfill.kind == 'category' %},
    backfilled.{{ backfill.column }}{% endif %}
{% if not loop.last %}
union all
{% endif %}
{%- endfor %}
