{#-
    Whether `text` contains `word` as a whole word, case-insensitively: "kill" matches "how to
    kill time," but not "skills". Punctuation counts as a word boundary. Portable: lower,
    translate and like exist on every target (no engine's regular expressions).
-#}
{% macro contains_word(text, word) -%}
    {%- set punctuation = ",.;:!?\"'()[]-" -%}
    ({{ dbt.concat(["' '", "translate(lower(" ~ text ~ "), '" ~ punctuation | replace("'", "''") ~ "', '" ~ " " * (punctuation | length) ~ "')", "' '"]) }}
        like '% {{ word | lower }} %')
{%- endmacro %}
