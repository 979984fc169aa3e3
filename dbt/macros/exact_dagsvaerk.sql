{#-
    Dagsværk as an exact decimal with ten places. Sums of doubles depend on the order in
    which the rows are added (the last bits differ), and the order of rows is not fixed: it
    follows how raw files were appended and how DuckDB splits a scan between its threads.
    Every dagsværk that is summed is rounded to 1e-10 of a day first, so each sum is exact
    and the same figures come out of the same files, however the rows arrive.
-#}
{% macro exact_dagsvaerk(expression) -%}
    cast({{ expression }} as decimal(18, 10))
{%- endmacro %}
