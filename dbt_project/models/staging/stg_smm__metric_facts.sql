select
    report_month,
    product as product_id,
    segment,
    metric,
    period,
    measure,
    value,
    unit,
    qualifier,
    value_high,
    tier,
    line,
    evidence,
    sha256 as report_sha256,
    file_name as report_file,
    received_at
from {{ source('smm', 'metric_facts') }}
