{#-
    user_lifetime_value → dim_users.lifetime_value, US dollars ≥ 0: the user's revenue to date
    plus 0.02 for every successful generation (what the use is worth in credits), times the
    tier's multiplier (var('lifetime_value_tier_multipliers'): paid tiers stay longer).
-#}
{% macro user_lifetime_value() -%}
    {%- set cases = [] -%}
    {%- for tier, multiplier in var('lifetime_value_tier_multipliers').items() | sort -%}
        {%- do cases.append("when '" ~ tier ~ "' then " ~ multiplier) -%}
    {%- endfor -%}
    {{ round_to(
        '(cast(total_revenue_usd as ' ~ type_double() ~ ') + 0.02 * successful_generation_count)'
        ~ ' * case user_tier ' ~ cases | join(' ') ~ ' else 1.0 end',
        2
    ) }}
{%- endmacro %}
