-- Where each report contradicts itself, misuses a unit, leaves a change unlabelled or restates a figure
-- (rules in smm_pipeline/consistency.py), with the product group for filtering.
select
    findings.report_month,
    findings.product_id,
    products.product_group,
    findings.rule,
    findings.severity,
    findings.severity in ('warning', 'error') as is_serious,
    findings.message,
    findings.line,
    findings.lines,
    findings.evidence,
    findings.facts,
    findings.report_sha256
from {{ ref('stg_smm__findings') }} as findings
left join {{ ref('stg_smm__products') }} as products using (product_id)
