select
    indicator,
    nullif(product, '') as product_id,
    product_group,
    segment,
    month,
    cast(month || '-01' as date) as month_start,
    value,
    unit,
    method
from {{ source('smm', 'derived_indicators') }}
