-- fragment: bytewise
-- How the prefix searches compare text: byte by byte, so that the strings from :prefix
-- up to :prefix_end are exactly those starting with :prefix, and the index on the column
-- serves the range. SQLite's default collation already compares bytes: nothing to add.

-- fragment: bytewise
-- dialect: postgresql
-- PostgreSQL compares in the database's collation unless told: C collation, which the
-- search indexes of migration 0004_search are built in.
collate "C"

-- name: search_customers_by_code
-- Live customers whose code starts with :prefix (:prefix_end is the first string after
-- every such value, bytewise), in that order from the keyset position after
-- (:after_key, :after_id) ('' and 0 for the first page); at most :limit. Called by
-- salesops.search.search_customers, which builds these parameters from what was typed.
-- bool: is_agent
select c.id,
       c.code,
       c.name,
       c.mobile,
       c.wechat_id,
       c.region,
       c.is_agent,
       c.to_complete,
       c.nickname
  from customers as c
 where c.code {{bytewise}} >= :prefix
   and c.code {{bytewise}} < :prefix_end
   and (c.code {{bytewise}}, c.id) > (:after_key, :after_id)
   and c.deleted_at is null
 order by c.code {{bytewise}},
          c.id
 limit :limit;

-- name: search_customers_by_wechat
-- Live customers whose WeChat key (lower-cased WeChat ID) starts with :prefix
-- (:prefix_end is the first string after every such value, bytewise), in that order from the keyset position after
-- (:after_key, :after_id) ('' and 0 for the first page); at most :limit. Called by
-- salesops.search.search_customers, which builds these parameters from what was typed.
-- bool: is_agent
select c.id,
       c.code,
       c.name,
       c.mobile,
       c.wechat_id,
       c.region,
       c.is_agent,
       c.to_complete,
       c.nickname
  from customers as c
 where c.wechat_key {{bytewise}} >= :prefix
   and c.wechat_key {{bytewise}} < :prefix_end
   and (c.wechat_key {{bytewise}}, c.id) > (:after_key, :after_id)
   and c.deleted_at is null
 order by c.wechat_key {{bytewise}},
          c.id
 limit :limit;

-- name: search_customers_by_name
-- Live customers whose name starts with :prefix (:prefix_end is the first string after
-- every such value, bytewise), in that order from the keyset position after
-- (:after_key, :after_id) ('' and 0 for the first page); at most :limit. Called by
-- salesops.search.search_customers, which builds these parameters from what was typed.
-- bool: is_agent
select c.id,
       c.code,
       c.name,
       c.mobile,
       c.wechat_id,
       c.region,
       c.is_agent,
       c.to_complete,
       c.nickname
  from customers as c
 where c.name {{bytewise}} >= :prefix
   and c.name {{bytewise}} < :prefix_end
   and (c.name {{bytewise}}, c.id) > (:after_key, :after_id)
   and c.deleted_at is null
 order by c.name {{bytewise}},
          c.id
 limit :limit;

-- name: search_customers_by_nickname
-- Live customers whose WeChat nickname (微信昵称) starts with :prefix (:prefix_end is the
-- first string after every such value, bytewise), in that order from the keyset position
-- after (:after_key, :after_id) ('' and 0 for the first page); at most :limit. Called by
-- salesops.search.search_customers, which builds these parameters from what was typed.
-- bool: is_agent
select c.id,
       c.code,
       c.name,
       c.mobile,
       c.wechat_id,
       c.region,
       c.is_agent,
       c.to_complete,
       c.nickname
  from customers as c
 where c.nickname {{bytewise}} >= :prefix
   and c.nickname {{bytewise}} < :prefix_end
   and (c.nickname {{bytewise}}, c.id) > (:after_key, :after_id)
   and c.deleted_at is null
 order by c.nickname {{bytewise}},
          c.id
 limit :limit;

-- name: search_customers_by_mobile_start
-- Live customers whose mobile starts with :prefix (:prefix_end is the first string after
-- every such value, bytewise), in that order from the keyset position after
-- (:after_key, :after_id) ('' and 0 for the first page); at most :limit. Called by
-- salesops.search.search_customers, which builds these parameters from what was typed.
-- bool: is_agent
select c.id,
       c.code,
       c.name,
       c.mobile,
       c.wechat_id,
       c.region,
       c.is_agent,
       c.to_complete,
       c.nickname
  from customers as c
 where c.mobile {{bytewise}} >= :prefix
   and c.mobile {{bytewise}} < :prefix_end
   and (c.mobile {{bytewise}}, c.id) > (:after_key, :after_id)
   and c.deleted_at is null
 order by c.mobile {{bytewise}},
          c.id
 limit :limit;

-- name: search_customers_by_mobile_fragment
-- Live customers whose mobile contains :fragment (3 characters or more) anywhere, in id
-- order after :after_id (0 for the first page); at most :limit. SQLite finds them in the
-- FTS5 trigram table customers_search (migration 0004_search).
-- bool: is_agent
select c.id,
       c.code,
       c.name,
       c.mobile,
       c.wechat_id,
       c.region,
       c.is_agent,
       c.to_complete,
       c.nickname
  from customers_search
  join customers as c
    on c.id = customers_search.rowid
 where customers_search match '"' || :fragment || '"'
   and customers_search.rowid > :after_id
   and c.deleted_at is null
 order by customers_search.rowid
 limit :limit;

-- name: search_customers_by_mobile_fragment
-- dialect: postgresql
-- PostgreSQL finds them with the pg_trgm GIN index on mobile (migration 0004_search).
-- bool: is_agent
select c.id,
       c.code,
       c.name,
       c.mobile,
       c.wechat_id,
       c.region,
       c.is_agent,
       c.to_complete,
       c.nickname
  from customers as c
 where c.mobile like '%' || :fragment || '%'
   and c.id > :after_id
   and c.deleted_at is null
 order by c.id
 limit :limit;

-- name: customers_to_complete
-- Live customers staff should still complete (to_complete is set: `name`, a placeholder
-- name an import made from the code) whose name, code or mobile starts with :prefix (''
-- for all of them), by code; at most :limit. The customers page's "to complete" list.
-- bool: is_agent
select c.id,
       c.code,
       c.name,
       c.mobile,
       c.wechat_id,
       c.region,
       c.is_agent,
       c.to_complete
  from customers as c
 where c.to_complete is not null
   and c.deleted_at is null
   and (:prefix = ''
        or c.name like :prefix || '%'
        or c.code like :prefix || '%'
        or c.mobile like :prefix || '%')
 order by c.code,
          c.id
 limit :limit;

-- name: customer_profile
-- One customer (:customer_id) with channel, referrer and parent agent by name.
-- bool: is_agent
-- utc: created_at, updated_at, deleted_at
select c.id,
       c.code,
       c.name,
       c.mobile,
       c.wechat_id,
       c.nickname,
       c.region,
       c.tags,
       c.notes,
       c.is_agent,
       c.to_complete,
       c.channel_id,
       ch.name as channel_name,
       c.referrer_id,
       r.name as referrer_name,
       c.parent_agent_id,
       p.name as parent_agent_name,
       c.version,
       c.created_at,
       c.created_by,
       c.updated_at,
       c.updated_by,
       c.deleted_at
  from customers as c
  left join channels as ch
    on ch.id = c.channel_id
  left join customers as r
    on r.id = c.referrer_id
  left join customers as p
    on p.id = c.parent_agent_id
 where c.id = :customer_id;

-- name: customer_orders
-- The live orders of customer :customer_id, newest first, with channel, line count,
-- courier and tracking number, and the city and recipient they were sent to.
-- money: goods_amount, discount, shipping, total
-- utc: ordered_at
select o.id,
       o.order_no,
       o.ordered_at,
       o.status,
       ch.name as channel_name,
       (select count(*)
          from order_lines as l
         where l.order_id = o.id) as lines,
       o.goods_amount,
       o.discount,
       o.shipping,
       o.total,
       o.courier,
       o.tracking_no,
       o.ship_recipient,
       o.ship_city
  from orders as o
  join channels as ch
    on ch.id = o.channel_id
 where o.customer_id = :customer_id
   and o.deleted_at is null
 order by o.ordered_at desc,
          o.id desc;

-- name: customer_referrals
-- Live customers referred by customer :customer_id, with what each has bought since
-- (counted orders: not cancelled or refunded), most valuable first.
-- money: revenue
-- utc: created_at
select c.id,
       c.code,
       c.name,
       c.created_at,
       count(o.id) as orders,
       coalesce(sum(o.goods_amount), 0) as revenue
  from customers as c
  left join orders as o
    on o.customer_id = c.id
   and o.deleted_at is null
   and o.status not in ('cancelled', 'refunded')
 where c.referrer_id = :customer_id
   and c.deleted_at is null
 group by c.id,
          c.code,
          c.name,
          c.created_at
 order by revenue desc,
          c.code;

-- name: customer_totals
-- Lifetime numbers of customer :customer_id over counted orders (not cancelled or
-- refunded): orders, revenue (sum of line amounts), AOV, first and last order, and gross
-- margin over the lines whose unit cost is known.
-- money: revenue, aov, gross_profit
-- ratio: gross_margin
-- utc: first_order_at, last_order_at
with counted as (
    select o.id,
           o.ordered_at
      from orders as o
     where o.customer_id = :customer_id
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
),
lines as (
    select sum(l.amount) as revenue,
           sum(case when l.unit_cost is not null then l.amount end) as costed_revenue,
           sum(l.unit_cost * l.quantity) as cost
      from order_lines as l
      join counted as k
        on k.id = l.order_id
)
select (select count(*) from counted) as orders,
       coalesce(lines.revenue, 0) as revenue,
       lines.revenue / nullif((select count(*) from counted), 0) as aov,
       (select min(ordered_at) from counted) as first_order_at,
       (select max(ordered_at) from counted) as last_order_at,
       lines.costed_revenue - lines.cost as gross_profit,
       (lines.costed_revenue - lines.cost) / nullif(lines.costed_revenue, 0) as gross_margin
  from lines;

-- name: agent_tree
-- The live reseller tree, root agents (tier 1) first, each agent followed by its
-- downline; `path` is the chain of agent codes from the root, for sorting and display.
-- bool: is_agent
with recursive tree (id, code, name, parent_agent_id, tier, path) as (
    select c.id,
           c.code,
           c.name,
           c.parent_agent_id,
           1,
           cast(c.code as varchar(2000))
      from customers as c
     where c.is_agent = true
       and c.parent_agent_id is null
       and c.deleted_at is null
     union all
    select c.id,
           c.code,
           c.name,
           c.parent_agent_id,
           t.tier + 1,
           cast(t.path || '/' || c.code as varchar(2000))
      from customers as c
      join tree as t
        on c.parent_agent_id = t.id
     where c.is_agent = true
       and c.deleted_at is null
)
select t.id,
       t.code,
       t.name,
       t.parent_agent_id,
       t.tier,
       t.path,
       c.is_agent
  from tree as t
  join customers as c
    on c.id = t.id
 order by t.path;
