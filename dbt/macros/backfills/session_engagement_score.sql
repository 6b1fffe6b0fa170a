{#-
    session_engagement_score → fct_sessions.engagement_score, 0–100: 40 × the share of the
    session's generations downloaded + 30 × the share liked + 30 × its activity (generations,
    full at 5). 0 for a session without generations.
-#}
{% macro session_engagement_score() -%}
    case
        when generation_count = 0 then 0.0
        else {{ round_to(
            'least(100.0, '
            ~ '40.0 * download_count / generation_count'
            ~ ' + 30.0 * thumbs_up_count / generation_count'
            ~ ' + 30.0 * least(1.0, generation_count / 5.0))',
            2
        ) }}
    end
{%- endmacro %}
