{#-
    Building blocks of the dashboard's aggregate tables (models/metrics/dashboard/), which the
    browser adds up under any filter instead of scanning the marts.
-#}

{#-
    The bit of a generation model in a model mask: 2^i for model i of var('generation_models'),
    the order of MODELS in lib/shared/domain.ts, where the dashboard computes the same bits.
    A set of models is the sum of their bits; a row matches a model filter when its mask shares
    a bit with the filter's.
-#}
{% macro model_bit(model_column) -%}
    case {{ model_column }}
    {%- for model in var('generation_models') %}
        when '{{ model }}' then {{ 2 ** loop.index0 }}
    {%- endfor %}
        else 0
    end
{%- endmacro %}

{#- Whether a model mask shares a bit with a set of models (a mask too). -#}
{% macro mask_matches(mask, models_mask) -%}
    ({{ mask }} & {{ models_mask }}) <> 0
{%- endmacro %}

{#- Every model mask: 0 (no model filter) and each non-empty set of models, as rows of model_set. -#}
{% macro model_sets() -%}
    select cast(series.generated_number - 1 as {{ dbt.type_int() }}) as model_set
    from ({{ dbt.generate_series(2 ** (var('generation_models') | length)) }}) as series
{%- endmacro %}

{#- The friction histogram's bin of a score: its lower edge, the last bin closed at 100. -#}
{% macro friction_bin(friction_score) -%}
    {%- set width = var('friction_bin_width') -%}
    cast(least(floor({{ friction_score }} / {{ width }}) * {{ width }}, {{ 100 - width }}) as {{ dbt.type_int() }})
{%- endmacro %}
