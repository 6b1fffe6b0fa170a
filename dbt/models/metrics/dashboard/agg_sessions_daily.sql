-- Sessions per day, user tier, region and model mask: the dashboard's session figures and
-- friction views add these rows up under any filter instead of scanning fct_sessions.
-- model_mask has the bit of every model the session's generations used (macros/dashboard.sql;
-- 0 for a session without generations), so a model filter keeps the rows whose mask shares a
-- bit with the chosen models, as "a session used one of them" asks. The friction histogram's
-- bins are columns (friction_bin_0 … friction_bin_95), not rows, which keeps the table small.

with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

generations as (

    select * from {{ ref('fct_generations') }}

),

session_models as (

    select
        session_id,
        -- Distinct powers of two add up to their bitwise or.
        sum(distinct {{ model_bit('model') }}) as model_mask

    from generations
    group by session_id

),

binned as (

    select
        sessions.session_date,
        sessions.user_tier,
        sessions.region,
        cast(coalesce(session_models.model_mask, 0) as {{ dbt.type_int() }}) as model_mask,
        {{ friction_bin('sessions.friction_score') }} as friction_bin,
        sessions.friction_score,
        sessions.friction_category

    from sessions
    left join session_models
        on sessions.session_id = session_models.session_id

),

final as (

    select
        session_date,
        user_tier,
        region,
        model_mask,
        cast(count(*) as {{ dbt.type_bigint() }}) as sessions,
        -- Scores have 2 decimals: summed as decimals, the total is exact in any order.
        cast(sum(cast(friction_score as decimal(18, 2))) as decimal(18, 2)) as friction_score_sum,
        cast(count(case when friction_category = 'high' then 1 end) as {{ dbt.type_bigint() }})
            as high_friction_sessions
        {%- for bin in range(0, 100, var('friction_bin_width')) %},
        cast(count(case when friction_bin = {{ bin }} then 1 end) as {{ dbt.type_bigint() }})
            as friction_bin_{{ bin }}
        {%- endfor %}

    from binned
    group by session_date, user_tier, region, model_mask

)

select * from final
