-- name: active_channels
-- The channels staff may pick for a customer or an order, in a stable order.
select ch.id,
       ch.code,
       ch.name,
       ch.name_en
  from channels as ch
 where ch.active = true
 order by ch.id;
