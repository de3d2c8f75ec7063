-- Derived indicators (implied levels, forecast errors, production index, diffusion index), long format.
select
    indicators.indicator,
    indicators.product_id,
    coalesce(products.product_group, indicators.product_group) as product_group,
    indicators.segment,
    indicators.month,
    indicators.month_start,
    indicators.value,
    indicators.unit,
    indicators.method
from {{ ref('stg_smm__derived_indicators') }} as indicators
left join {{ ref('stg_smm__products') }} as products using (product_id)
