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
