-- name: active_products
-- The products on sale, by SKU, with their current price and unit cost.
-- money: price, unit_cost
select p.id,
       p.sku,
       p.name,
       p.category,
       p.price,
       p.unit_cost
  from products as p
 where p.active = true
 order by p.sku;

-- name: list_products
-- Products whose SKU, name or category contains :pattern (a lower-case LIKE pattern) or
-- one of whose aliases' matching keys contains :key_pattern; archived ones too when
-- :include_archived is true; by SKU.
-- money: price, unit_cost
-- bool: active
select p.id,
       p.sku,
       p.name,
       p.category,
       p.price,
       p.unit_cost,
       p.stock_on_hand,
       p.reorder_level,
       p.active,
       p.version
  from products as p
 where (p.active = true or :include_archived = true)
   and (lower(p.sku) like :pattern escape '\'
        or lower(p.name) like :pattern escape '\'
        or lower(p.category) like :pattern escape '\'
        or exists (select 1
                     from product_aliases as pa
                    where pa.product_id = p.id
                      and pa.alias_key like :key_pattern escape '\'))
 order by p.sku;

-- name: product_by_id
-- One product by :product_id, with what the Products page shows of it.
-- money: price, unit_cost
-- bool: active
select p.id,
       p.sku,
       p.name,
       p.category,
       p.price,
       p.unit_cost,
       p.stock_on_hand,
       p.reorder_level,
       p.active,
       p.version
  from products as p
 where p.id = :product_id;
