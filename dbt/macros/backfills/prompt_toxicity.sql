{#-
    prompt_toxicity → dim_prompts.toxicity_score, 0–1: the weights of the toxicity words
    (var('toxicity_words')) the prompt text contains as whole words, added up and capped at 1.
    0 for a clean prompt.
-#}
{% macro prompt_toxicity() -%}
    {%- set terms = [] -%}
    {%- for word, weight in var('toxicity_words').items() | sort -%}
        {%- do terms.append('case when ' ~ contains_word('prompt_text', word) ~ ' then ' ~ weight ~ ' else 0 end') -%}
    {%- endfor -%}
    {{ round_to('least(1.0, ' ~ terms | join(' + ') ~ ')', 2) }}
{%- endmacro %}
