-- One row per catalogue product, with how many months of panel data it has.
with coverage as (
    select
        product_id,
        count(distinct month) filter (where actual_report_month is not null) as months_reported,
        min(month) filter (where actual_report_month is not null) as first_month,
        max(month) filter (where actual_report_month is not null) as last_month
    from {{ ref('stg_smm__monthly_panel') }}
    group by product_id
)

select
    products.product_id,
    products.heading,
    products.product_group,
    products.level_unit,
    coalesce(coverage.months_reported, 0) as months_reported,
    coverage.first_month,
    coverage.last_month
from {{ ref('stg_smm__products') }} as products
left join coverage using (product_id)
