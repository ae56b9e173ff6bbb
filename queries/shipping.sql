-- fragment: waiting_to_ship
-- The orders waiting to ship: live and paid, placed in [:since, :until), of channel
-- :channel_id (any when null) and of a customer who was a member of community
-- :community_id when ordering (any when null). Used as the where clause of `o`.
o.status = 'paid'
   and o.deleted_at is null
   and o.ordered_at >= :since
   and o.ordered_at < :until
   and (cast(:channel_id as integer) is null
        or o.channel_id = :channel_id)
   and (cast(:community_id as integer) is null
        or exists (select 1
                     from community_members as m
                    where m.community_id = :community_id
                      and m.customer_id = o.customer_id
                      and m.joined_at <= o.ordered_at
                      and (m.left_at is null or m.left_at > o.ordered_at)))

-- name: orders_to_ship
-- The orders waiting to ship (paid, not shipped), oldest first, at most :limit, with the
-- buyer, channel, who entered it, note, ship-to, and the courier when already chosen
-- (self pickup, say): placed in [:since, :until), of channel :channel_id and of a
-- customer who was in community :community_id when ordering (any when null).
-- utc: ordered_at
select o.id,
       o.order_no,
       o.ordered_at,
       o.customer_id,
       c.code as customer_code,
       c.name as customer_name,
       ch.name as channel_name,
       o.created_by,
       o.note,
       o.ship_recipient,
       o.ship_mobile,
       o.ship_province,
       o.ship_city,
       o.ship_district,
       o.ship_detail,
       o.ship_postcode,
       o.courier,
       o.tracking_no
  from orders as o
  join customers as c
    on c.id = o.customer_id
  join channels as ch
    on ch.id = o.channel_id
 where {{waiting_to_ship}}
 order by o.ordered_at,
          o.id
 limit :limit;

-- name: order_lines_to_ship
-- The lines of the orders `orders_to_ship` gives for the same :since, :until,
-- :channel_id, :community_id and :limit, in that order: what to pick and pack (SKU,
-- name as sold, quantity).
select l.order_id,
       l.line_no,
       l.sku,
       l.product_name,
       l.quantity
  from order_lines as l
  join orders as lo
    on lo.id = l.order_id
 where l.order_id in (select o.id
                        from orders as o
                       where {{waiting_to_ship}}
                       order by o.ordered_at,
                                o.id
                       limit :limit)
 order by lo.ordered_at,
          lo.id,
          l.line_no;
