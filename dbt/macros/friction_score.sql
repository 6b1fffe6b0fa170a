{#-
    fct_sessions.friction_score (DESIGN.md): error_rate×50 + min(1, avg_latency_ms/5000)×33
    + min(1, avg_retry_count/2)×17, capped at 100, rounded to 2 decimals. Inputs are doubles;
    null inputs (a session without generations) count as no friction.
-#}
{% macro friction_score(error_rate, avg_latency_ms, avg_retry_count) -%}
    {{ round_to(
        'least(100.0, '
            ~ 'coalesce(' ~ error_rate ~ ', 0) * 50'
            ~ ' + least(1.0, coalesce(' ~ avg_latency_ms ~ ', 0) / 5000.0) * 33'
            ~ ' + least(1.0, coalesce(' ~ avg_retry_count ~ ', 0) / 2.0) * 17'
        ~ ')',
        2
    ) }}
{%- endmacro %}

{#- low < 10 ≤ medium < 30 ≤ high (FRICTION_THRESHOLDS in lib/shared/domain.ts). -#}
{% macro friction_category(friction_score) -%}
    case
        when {{ friction_score }} >= 30 then 'high'
        when {{ friction_score }} >= 10 then 'medium'
        else 'low'
    end
{%- endmacro %}
