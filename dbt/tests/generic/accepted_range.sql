{#-
    Fails for every row whose value lies outside [min_value, max_value] (or the open interval
    when inclusive is false). Either bound may be omitted; nulls pass (pair with not_null).
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("accepted_range on " ~ model ~ "." ~ column_name ~ " needs min_value or max_value") }}
{%- endif %}

with validation as (

    select {{ column_name }} as value_under_test
    from {{ model }}
    where {{ column_name }} is not null

),

failures as (

    select *
    from validation
    where
        1 = 2
        {%- if min_value is not none %}
        or not (value_under_test {{ '>=' if inclusive else '>' }} {{ min_value }})
        {%- endif %}
        {%- if max_value is not none %}
        or not (value_under_test {{ '<=' if inclusive else '<' }} {{ max_value }})
        {%- endif %}

)

select * from failures

{% endtest %}
