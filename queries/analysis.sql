-- name: analysis_orders
-- Counted orders placed in [:start, :end) with revenue, cost of costed lines, customer and channel.
-- money: revenue, costed_revenue, cost
-- utc: ordered_at
select o.id as order_id,
       o.customer_id,
       c.code as customer_code,
       ch.code as channel,
       o.ordered_at,
       sum(l.amount) as revenue,
       sum(case when l.unit_cost is not null then l.amount else 0 end) as costed_revenue,
       sum(case when l.unit_cost is not null then l.quantity * l.unit_cost else 0 end) as cost
  from orders as o
  join customers as c on c.id = o.customer_id
  join channels as ch on ch.id = o.channel_id
  join order_lines as l on l.order_id = o.id
 where o.deleted_at is null
   and o.status not in ('cancelled', 'refunded')
   and o.ordered_at >= :start
   and o.ordered_at < :end
 group by o.id,
          o.customer_id,
          c.code,
          ch.code,
          o.ordered_at
 order by o.ordered_at,
          o.id;

-- name: analysis_order_lines
-- Lines of counted orders placed in [:start, :end): who bought which product, when, for how much.
-- money: amount
-- utc: ordered_at
select o.id as order_id,
       o.customer_id,
       o.ordered_at,
       l.sku,
       l.product_name,
       l.quantity,
       l.amount
  from orders as o
  join order_lines as l on l.order_id = o.id
 where o.deleted_at is null
   and o.status not in ('cancelled', 'refunded')
   and o.ordered_at >= :start
   and o.ordered_at < :end
 order by o.ordered_at,
          o.id,
          l.line_no;

-- name: analysis_customers
-- Active customers with their source channel, referrer and place in the reseller tree.
-- bool: is_agent
-- utc: created_at
select c.id as customer_id,
       c.code,
       c.name,
       ch.code as channel,
       c.referrer_id,
       c.is_agent,
       c.parent_agent_id,
       c.created_at
  from customers as c
  left join channels as ch on ch.id = c.channel_id
 where c.deleted_at is null
 order by c.id;

-- name: analysis_community_members
-- Every community with its owner, and each stay of a member in it: when they joined and
-- when they left (null while still in). Someone who left and came back has two rows.
-- utc: joined_at, left_at
select m.community_id,
       g.name as community,
       g.owner_id,
       m.customer_id,
       m.joined_at,
       m.left_at
  from community_members as m
  join communities as g on g.id = m.community_id
 order by m.community_id,
          m.customer_id,
          m.joined_at;

-- name: analysis_reviews
-- Order-shares (晒单) posted in [:start, :end), not deleted: who posted and when.
-- utc: posted_at
select r.id as review_id,
       r.customer_id,
       r.posted_at
  from reviews as r
 where r.posted_at >= :start
   and r.posted_at < :end
   and r.deleted_at is null
 order by r.posted_at,
          r.id;
