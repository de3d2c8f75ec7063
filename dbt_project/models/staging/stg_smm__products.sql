select
    product as product_id,
    heading,
    "group" as product_group,
    unit as level_unit
from {{ source('smm', 'product_catalogue') }}
