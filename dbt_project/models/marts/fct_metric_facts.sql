-- Every stated number of the latest vintage of each report, with the sentence that states it.
with latest as (
    select report_month, max(received_at) as received_at
    from {{ ref('stg_smm__metric_facts') }}
    group by report_month
)

select facts.*
from {{ ref('stg_smm__metric_facts') }} as facts
inner join latest using (report_month, received_at)
