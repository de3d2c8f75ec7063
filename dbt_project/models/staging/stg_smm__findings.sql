select
    report_month,
    sha256 as report_sha256,
    nullif(product, '') as product_id,
    rule,
    severity,
    message,
    facts,
    line,
    lines,
    evidence
from {{ source('smm', 'data_quality_findings') }}
