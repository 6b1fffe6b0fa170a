{#-
    The average of a column of values with at most <scale> decimals, computed on decimals so the
    sum is exact. A parallel average of doubles adds in a varying order and can land on either
    side of a rounding boundary (0.125 vs 0.12499…), so equal warehouses would disagree.
-#}
{% macro exact_avg(expression, scale) -%}
    cast(avg(cast({{ expression }} as decimal(18, {{ scale }}))) as {{ type_double() }})
{%- endmacro %}
