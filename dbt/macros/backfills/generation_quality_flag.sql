{#-
    generation_quality_flag → fct_generations.quality_tier:
      failed      the generation did not succeed;
      poor        disliked, retried twice or more, or 10 s or slower;
      excellent   liked or downloaded, first try, under 4 s;
      good        first try, under 6 s;
      acceptable  every other success.
-#}
{% macro generation_quality_flag() -%}
    case
        when not is_success then 'failed'
        when is_thumbs_down or retry_count >= 2 or latency_ms >= 10000 then 'poor'
        when (is_thumbs_up or is_downloaded) and retry_count = 0 and latency_ms < 4000 then 'excellent'
        when retry_count = 0 and latency_ms < 6000 then 'good'
        else 'acceptable'
    end
{%- endmacro %}
