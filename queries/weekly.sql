-- fragment: weeks_of
-- The weeks of :weeks (a JSON array of [label, start, end]), one row each: week_no (their
-- order), week (the label), starts_at and ends_at. SQLite reads the array with json_each.
-- dialect: sqlite
select w.key as week_no,
       json_extract(w.value, '$[0]') as week,
       json_extract(w.value, '$[1]') as starts_at,
       json_extract(w.value, '$[2]') as ends_at
  from json_each(:weeks) as w

-- fragment: weeks_of
-- dialect: postgresql
-- PostgreSQL reads it with json_array_elements, numbered by ordinality.
select w.week_no,
       w.bounds ->> 0 as week,
       cast(w.bounds ->> 1 as timestamp) as starts_at,
       cast(w.bounds ->> 2 as timestamp) as ends_at
  from json_array_elements(cast(:weeks as json)) with ordinality as w(bounds, week_no)

-- name: weekly_kpis
-- The weekly numbers for each week in :weeks, a JSON array of [label, start, end]
-- (start and end in UTC as 'YYYY-MM-DD HH:MM:SS.ffffff'; salesops.weeks.weeks_param
-- builds it), oldest first, weeks without orders as zeros. Counted orders exclude
-- cancelled and refunded ones. orders, revenue (sum of line amounts after discounts,
-- shipping apart), customers (distinct buyers), new_customers (first-ever counted order
-- in the week), repeat_customers (buyers of the week with a counted order before it),
-- aov (revenue / orders, 0 without orders), costed_revenue and cost over the lines whose
-- unit cost is known, gross_profit and gross_margin ((revenue - cost) / revenue over
-- those lines; blank when none). The weeks' orders are read from
-- ix_orders_ordered_at_cover alone: each order keeps its revenue (goods_amount) and the
-- revenue and cost of its costed lines (costed_goods, goods_cost), and each customer the
-- time of their first counted order (first_ordered_at), by triggers (migration 0007).
-- money: revenue, aov, costed_revenue, cost, gross_profit
-- utc: starts_at
-- ratio: gross_margin
with weeks as (
    {{weeks_of}}
),
in_week as (
    select w.week_no,
           o.customer_id,
           o.goods_amount,
           o.costed_goods,
           o.goods_cost
      from weeks as w
      join orders as o
        on o.ordered_at >= w.starts_at
       and o.ordered_at < w.ends_at
     where o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
),
per_week as (
    select i.week_no,
           count(*) as orders,
           sum(i.goods_amount) as revenue,
           count(distinct i.customer_id) as customers,
           sum(i.costed_goods) as costed_revenue,
           sum(i.goods_cost) as cost
      from in_week as i
     group by i.week_no
),
new_buyers as (
    -- customers whose first counted order (kept in customers.first_ordered_at) is in it
    select w.week_no,
           count(*) as new_customers
      from weeks as w
      join customers as c
        on c.first_ordered_at >= w.starts_at
       and c.first_ordered_at < w.ends_at
     group by w.week_no
)
select w.week,
       w.starts_at,
       coalesce(p.orders, 0) as orders,
       coalesce(p.revenue, 0) as revenue,
       coalesce(p.customers, 0) as customers,
       coalesce(n.new_customers, 0) as new_customers,
       coalesce(p.customers, 0) - coalesce(n.new_customers, 0) as repeat_customers,
       coalesce(p.revenue * 1.0 / nullif(p.orders, 0), 0) as aov,
       p.costed_revenue,
       p.cost,
       p.costed_revenue - p.cost as gross_profit,
       (p.costed_revenue - p.cost) * 1.0 / nullif(p.costed_revenue, 0) as gross_margin
  from weeks as w
  left join per_week as p
    on p.week_no = w.week_no
  left join new_buyers as n
    on n.week_no = w.week_no
 order by w.week_no;

-- name: week_channels
-- Per order channel, counted orders (not cancelled or refunded) of the week [:start, :end)
-- against the week before [:prev_start, :start): orders, revenue (line amounts),
-- customers, new_customers (buyers in the channel whose first-ever counted order is in
-- the week), aov, gross_margin over costed lines, prev_orders and prev_revenue. Channels
-- without orders in either week are left out; largest revenue first.
-- money: revenue, aov, costed_revenue, cost, prev_revenue
-- ratio: gross_margin
with counted as (
    select o.customer_id,
           o.channel_id,
           o.goods_amount,
           o.costed_goods,
           o.goods_cost,
           case when o.ordered_at >= :start then 1 else 0 end as this_week
      from orders as o
     where o.ordered_at >= :prev_start
       and o.ordered_at < :end
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
),
per_channel as (
    select c.channel_id,
           sum(c.this_week) as orders,
           coalesce(sum(case when c.this_week = 1 then c.goods_amount end), 0) as revenue,
           count(distinct case when c.this_week = 1 then c.customer_id end) as customers,
           count(distinct case when c.this_week = 1 and cu.first_ordered_at >= :start
                               then c.customer_id end) as new_customers,
           sum(case when c.this_week = 1 then c.costed_goods end) as costed_revenue,
           sum(case when c.this_week = 1 then c.goods_cost end) as cost,
           sum(1 - c.this_week) as prev_orders,
           coalesce(sum(case when c.this_week = 0 then c.goods_amount end), 0) as prev_revenue
      from counted as c
      join customers as cu
        on cu.id = c.customer_id
     group by c.channel_id
)
select ch.id as channel_id,
       ch.code,
       ch.name,
       ch.name_en,
       p.orders,
       p.revenue,
       p.customers,
       p.new_customers,
       coalesce(p.revenue * 1.0 / nullif(p.orders, 0), 0) as aov,
       p.costed_revenue,
       p.cost,
       (p.costed_revenue - p.cost) * 1.0 / nullif(p.costed_revenue, 0) as gross_margin,
       p.prev_orders,
       p.prev_revenue
  from per_channel as p
  join channels as ch
    on ch.id = p.channel_id
 order by p.revenue desc,
          ch.name;

-- name: week_products
-- Per product sold in counted orders of the week [:start, :end): units, revenue (line
-- amounts), cost and gross_margin over lines with a known cost, buyers (distinct
-- customers) and repeat_buyers (buyers who had bought the product in a counted order
-- before :start, kept in customer_products by triggers, migration 0007). Largest revenue
-- first.
-- money: revenue, costed_revenue, cost
-- ratio: gross_margin
with week_lines as (
    select l.product_id,
           o.customer_id,
           l.quantity,
           l.amount,
           l.unit_cost
      from orders as o
      join order_lines as l
        on l.order_id = o.id
     where o.ordered_at >= :start
       and o.ordered_at < :end
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
),
pairs as (
    select distinct w.product_id,
           w.customer_id
      from week_lines as w
),
per_product as (
    select w.product_id,
           sum(w.quantity) as units,
           sum(w.amount) as revenue,
           sum(case when w.unit_cost is not null then w.amount end) as costed_revenue,
           sum(w.unit_cost * w.quantity) as cost,
           count(distinct w.customer_id) as buyers
      from week_lines as w
     group by w.product_id
),
repeaters as (
    select p.product_id,
           count(*) as repeat_buyers
      from pairs as p
      join customer_products as cp
        on cp.customer_id = p.customer_id
       and cp.product_id = p.product_id
     where cp.first_bought_at < :start
     group by p.product_id
)
select p.id as product_id,
       p.sku,
       p.name,
       p.category,
       pp.units,
       pp.revenue,
       pp.costed_revenue,
       pp.cost,
       (pp.costed_revenue - pp.cost) * 1.0 / nullif(pp.costed_revenue, 0) as gross_margin,
       pp.buyers,
       coalesce(r.repeat_buyers, 0) as repeat_buyers
  from per_product as pp
  join products as p
    on p.id = pp.product_id
  left join repeaters as r
    on r.product_id = pp.product_id
 order by pp.revenue desc,
          p.sku;

-- name: week_new_customers
-- Customers whose first-ever counted order falls in [:start, :end)
-- (customers.first_ordered_at): code, name, their source channel, referrer, and that
-- first order's number, time and amount (line amounts). First order first.
-- money: first_amount
-- utc: first_at
with firsts as (
    select c.code,
           c.name,
           c.channel_id,
           c.referrer_id,
           c.first_ordered_at as first_at,
           (select min(o.id)
              from orders as o
             where o.customer_id = c.id
               and o.ordered_at = c.first_ordered_at
               and o.deleted_at is null
               and o.status not in ('cancelled', 'refunded')) as order_id
      from customers as c
     where c.first_ordered_at >= :start
       and c.first_ordered_at < :end
)
select f.code,
       f.name,
       ch.name as channel,
       (select r.code from customers as r where r.id = f.referrer_id) as referrer_code,
       (select r.name from customers as r where r.id = f.referrer_id) as referrer,
       o.order_no as first_order_no,
       f.first_at,
       o.goods_amount as first_amount
  from firsts as f
  join orders as o
    on o.id = f.order_id
  left join channels as ch
    on ch.id = f.channel_id
 order by f.first_at,
          f.code;

-- name: week_top_customers
-- The :limit customers with the most revenue (line amounts of counted orders) in
-- [:start, :end): code, name, source channel, orders, revenue; ties by code. Names are
-- looked up for the top rows (and rows tied with the last of them) only.
-- money: revenue
with per_customer as (
    select o.customer_id,
           count(*) as orders,
           sum(o.goods_amount) as revenue
      from orders as o
     where o.ordered_at >= :start
       and o.ordered_at < :end
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
     group by o.customer_id
),
last_kept as (
    select k.revenue
      from (select p.revenue
              from per_customer as p
             order by p.revenue desc
             limit :limit) as k
     order by k.revenue
     limit 1
),
top as (
    select p.customer_id,
           p.orders,
           p.revenue,
           (select c.code from customers as c where c.id = p.customer_id) as code
      from per_customer as p
      join last_kept as l
        on p.revenue >= l.revenue
)
select t.code,
       c.name,
       ch.name as channel,
       t.orders,
       t.revenue
  from (select * from top order by revenue desc, code limit :limit) as t
  join customers as c
    on c.id = t.customer_id
  left join channels as ch
    on ch.id = c.channel_id
 order by t.revenue desc,
          t.code;

-- name: week_referrers
-- Customers who referred others, with how many they referred (ever), how many of those
-- bought in [:start, :end) and the referred customers' revenue that week (line amounts of
-- counted orders). Referrers with the most referred revenue first, then the most
-- referred, then by code; at most :limit. Names are looked up for the top rows (and rows
-- tied with the last of them) only, not for every referrer.
-- money: referred_revenue
with referred_revenue as (
    select c.referrer_id,
           count(distinct o.customer_id) as buyers,
           sum(o.goods_amount) as revenue
      from orders as o
      join customers as c
        on c.id = o.customer_id
     where o.ordered_at >= :start
       and o.ordered_at < :end
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
       and c.referrer_id is not null
     group by c.referrer_id
),
scored as (
    select n.referrer_id,
           n.referred,
           coalesce(rr.buyers, 0) as buyers,
           coalesce(rr.revenue, 0) as revenue
      from (select c.referrer_id,
                   count(*) as referred
              from customers as c
             where c.referrer_id is not null
               and c.deleted_at is null
             group by c.referrer_id) as n
      left join referred_revenue as rr
        on rr.referrer_id = n.referrer_id
),
last_kept as (
    -- the last best (revenue, referred) within the limit: better or tied rows are candidates
    select k.revenue,
           k.referred
      from (select s.revenue,
                   s.referred
              from scored as s
             order by s.revenue desc,
                      s.referred desc
             limit :limit) as k
     order by k.revenue,
              k.referred
     limit 1
)
select x.code,
       x.name,
       x.referred,
       x.buyers,
       x.revenue as referred_revenue
  from (select (select r.code from customers as r where r.id = s.referrer_id) as code,
               (select r.name from customers as r where r.id = s.referrer_id) as name,
               s.referred,
               s.buyers,
               s.revenue
          from scored as s
          join last_kept as l
            on s.revenue > l.revenue
            or (s.revenue = l.revenue and s.referred >= l.referred)) as x
 order by x.revenue desc,
          x.referred desc,
          x.code
 limit :limit;

-- name: week_referral_totals
-- Revenue (line amounts of counted orders) in [:start, :end) from customers who were
-- referred by another customer, against all revenue, and how many referred customers
-- bought.
-- money: referred_revenue, revenue
select coalesce(sum(case when c.referrer_id is not null then o.goods_amount end), 0)
       as referred_revenue,
       coalesce(sum(o.goods_amount), 0) as revenue,
       count(distinct case when c.referrer_id is not null then o.customer_id end)
       as referred_buyers
  from orders as o
  join customers as c
    on c.id = o.customer_id
 where o.ordered_at >= :start
   and o.ordered_at < :end
   and o.deleted_at is null
   and o.status not in ('cancelled', 'refunded');

-- name: week_agents
-- The live reseller tree (tier 1 = recruited by the seller) with each agent's own counted
-- purchases in [:start, :end) (orders, revenue) and their direct recruits; agents at
-- tier 3 or deeper are flagged deep (multi-tier recruitment: pyramid-selling risk). The
-- tree carries each agent's name and parent along, so nothing joins back to customers.
-- money: revenue
-- bool: deep
with recursive tree (id, code, name, parent_code, tier, path) as (
    select c.id,
           c.code,
           c.name,
           cast(null as varchar(32)),
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
           t.code,
           t.tier + 1,
           cast(t.path || '/' || c.code as varchar(2000))
      from customers as c
      join tree as t
        on c.parent_agent_id = t.id
     where c.is_agent = true
       and c.deleted_at is null
),
sales as (
    -- every buyer of the week (the agents among them are joined below): one index range
    select o.customer_id,
           count(*) as orders,
           sum(o.goods_amount) as revenue
      from orders as o
     where o.ordered_at >= :start
       and o.ordered_at < :end
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
     group by o.customer_id
),
recruits as (
    select c.parent_agent_id as id,
           count(*) as recruits
      from customers as c
     where c.is_agent = true
       and c.deleted_at is null
       and c.parent_agent_id is not null
     group by c.parent_agent_id
)
select t.code,
       t.name,
       t.parent_code,
       t.tier,
       t.path,
       coalesce(r.recruits, 0) as recruits,
       coalesce(s.orders, 0) as orders,
       coalesce(s.revenue, 0) as revenue,
       t.tier >= 3 as deep
  from tree as t
  left join sales as s
    on s.customer_id = t.id
  left join recruits as r
    on r.id = t.id
 order by t.path;

-- name: week_communities
-- Per community: members (in it at :end: joined before, not left by then), members who
-- bought in [:start, :end) and who ever bought up to :end (counted orders), conversion
-- (ever bought / members) and the members' revenue in the week (line amounts). Most
-- members first. Whether a member ever bought is their first counted order
-- (customers.first_ordered_at), not a look through their orders.
-- money: revenue
-- ratio: conversion
with week_revenue as (
    select o.customer_id,
           sum(o.goods_amount) as revenue
      from orders as o
     where o.ordered_at >= :start
       and o.ordered_at < :end
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
     group by o.customer_id
),
members as (
    select m.community_id,
           m.customer_id,
           case when c.first_ordered_at < :end then 1 else 0 end as bought_ever
      from community_members as m
      join customers as c
        on c.id = m.customer_id
       and c.deleted_at is null
     where m.joined_at < :end
       and (m.left_at is null or m.left_at >= :end)
),
per_community as (
    select m.community_id,
           count(*) as members,
           count(r.customer_id) as bought_this_week,
           sum(m.bought_ever) as bought_ever,
           coalesce(sum(r.revenue), 0) as revenue
      from members as m
      left join week_revenue as r
        on r.customer_id = m.customer_id
     group by m.community_id
)
select cm.name,
       ow.name as owner,
       ch.name as channel,
       p.members,
       p.bought_this_week,
       p.bought_ever,
       p.bought_ever * 1.0 / nullif(p.members, 0) as conversion,
       p.revenue
  from per_community as p
  join communities as cm
    on cm.id = p.community_id
  left join customers as ow
    on ow.id = cm.owner_id
  left join channels as ch
    on ch.id = cm.channel_id
 order by p.members desc,
          cm.name;

-- name: week_staff
-- Per staff member (active accounts, plus anyone who entered an order or owns a
-- follow-up of the week): orders entered in [:start, :end) (by created_at, any status),
-- follow-ups done in the week, and follow-ups overdue at :end (due before it, not done by
-- then). Each part reads an index range (ix_orders_created_at, ix_followups_done_at), not
-- every order and follow-up.
with entered as (
    select o.created_by as staff,
           count(*) as orders_entered
      from orders as o
     where o.created_at >= :start
       and o.created_at < :end
       and o.deleted_at is null
     group by o.created_by
),
touched as (
    select f.staff,
           1 as done,
           0 as overdue,
           f.customer_id
      from followups as f
     where f.done_at >= :start
       and f.done_at < :end
     union all
    select f.staff,
           0,
           1,
           f.customer_id
      from followups as f
     where f.done_at is null
       and f.due_at < :end
     union all
    select f.staff,
           0,
           1,
           f.customer_id
      from followups as f
     where f.done_at >= :end
       and f.due_at < :end
),
work as (
    select t.staff,
           sum(t.done) as done,
           sum(t.overdue) as overdue
      from touched as t
      join customers as c
        on c.id = t.customer_id
     where c.deleted_at is null
     group by t.staff
),
people as (
    select u.username as staff
      from staff_users as u
     where u.disabled_at is null
     union
    select e.staff from entered as e
     union
    select w.staff from work as w
)
select p.staff,
       u.display_name,
       coalesce(e.orders_entered, 0) as orders_entered,
       coalesce(w.done, 0) as followups_done,
       coalesce(w.overdue, 0) as followups_overdue
  from people as p
  left join staff_users as u
    on u.username = p.staff
  left join entered as e
    on e.staff = p.staff
  left join work as w
    on w.staff = p.staff
 order by p.staff;

-- name: week_refunds
-- Refunds issued in the week [:start, :end) and the week before [:prev_start, :start),
-- counted by when they were issued (full and partial alike; orders deleted as entered by
-- mistake left out): how many and how much, each. Reads ix_order_refunds_refunded_at.
-- money: amount, prev_amount
select count(case when r.refunded_at >= :start then 1 end) as refunds,
       coalesce(sum(case when r.refunded_at >= :start then r.amount end), 0) as amount,
       count(case when r.refunded_at < :start then 1 end) as prev_refunds,
       coalesce(sum(case when r.refunded_at < :start then r.amount end), 0) as prev_amount
  from order_refunds as r
  join orders as o
    on o.id = r.order_id
 where r.refunded_at >= :prev_start
   and r.refunded_at < :end
   and o.deleted_at is null;
