-- name: orders_of_week
-- Live orders placed in [:start, :end) (aware datetimes, stored UTC), oldest first,
-- with customer and channel.
-- money: goods_amount, discount, shipping, total
-- utc: ordered_at
select o.id,
       o.order_no,
       o.ordered_at,
       o.status,
       o.customer_id,
       c.code as customer_code,
       c.name as customer_name,
       ch.name as channel_name,
       o.goods_amount,
       o.discount,
       o.shipping,
       o.total
  from orders as o
  join customers as c
    on c.id = o.customer_id
  join channels as ch
    on ch.id = o.channel_id
 where o.ordered_at >= :start
   and o.ordered_at < :end
   and o.deleted_at is null
 order by o.ordered_at,
          o.id;

-- name: order_lines_of_order
-- The lines of order :order_id in line order, with prices and costs as sold.
-- money: unit_price, unit_cost, discount, amount
select l.id,
       l.line_no,
       l.product_id,
       l.sku,
       l.product_name,
       l.quantity,
       l.unit_price,
       l.unit_cost,
       l.discount,
       l.amount
  from order_lines as l
 where l.order_id = :order_id
 order by l.line_no;

-- name: find_orders
-- Live orders whose number is :number (upper case) or ends with it (so "123" finds
-- SO00000123), or whose tracking number is :tracking (cleaned: upper case, no spaces);
-- exact matches first, then newest; at most :limit, with the customer and courier.
-- money: total
-- utc: ordered_at
select o.id,
       o.order_no,
       o.ordered_at,
       o.status,
       o.customer_id,
       c.code as customer_code,
       c.name as customer_name,
       o.total,
       o.courier,
       o.tracking_no
  from orders as o
  join customers as c
    on c.id = o.customer_id
 where o.deleted_at is null
   and (o.order_no = :number
        or o.order_no like '%' || :number
        or o.tracking_no = :tracking)
 order by case when o.order_no = :number or o.tracking_no = :tracking then 0 else 1 end,
          o.ordered_at desc,
          o.id desc
 limit :limit;
