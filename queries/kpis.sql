-- name: weekly_kpis
-- dialect: sqlite
-- The numbers of orders placed in [:start, :end) (aware datetimes; a business week is
-- Monday 00:00 to Monday 00:00 in the business zone). Counted orders exclude cancelled
-- and refunded ones. orders, revenue (sum of line amounts), customers (distinct buyers),
-- new_customers (first counted order in the range), repeat_customers (bought on a later
-- business day than their first purchase; :utc_offset_minutes is the business zone's
-- offset, 480 for Asia/Shanghai), aov (revenue / orders), gross_profit and gross_margin
-- over the lines whose unit cost is known.
-- money: revenue, aov, gross_profit
-- ratio: gross_margin
with week as (
    select o.id,
           o.customer_id,
           o.ordered_at
      from orders as o
     where o.ordered_at >= :start
       and o.ordered_at < :end
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
),
firsts as (
    select o.customer_id,
           min(o.ordered_at) as first_at
      from orders as o
     where o.customer_id in (select customer_id from week)
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
     group by o.customer_id
),
lines as (
    select sum(l.amount) as revenue,
           sum(case when l.unit_cost is not null then l.amount end) as costed_revenue,
           sum(l.unit_cost * l.quantity) as cost
      from order_lines as l
      join week as w
        on w.id = l.order_id
)
select (select count(*) from week) as orders,
       coalesce(lines.revenue, 0) as revenue,
       (select count(distinct customer_id) from week) as customers,
       (select count(*)
          from firsts as f
         where f.first_at >= :start) as new_customers,
       (select count(distinct w.customer_id)
          from week as w
          join firsts as f
            on f.customer_id = w.customer_id
         where date(w.ordered_at, :utc_offset_minutes || ' minutes')
             > date(f.first_at, :utc_offset_minutes || ' minutes')) as repeat_customers,
       lines.revenue / nullif((select count(*) from week), 0) as aov,
       lines.costed_revenue - lines.cost as gross_profit,
       (lines.costed_revenue - lines.cost) / nullif(lines.costed_revenue, 0) as gross_margin
  from lines;

-- name: weekly_kpis
-- dialect: postgresql
-- The same, with PostgreSQL's date arithmetic for the business day.
with week as (
    select o.id,
           o.customer_id,
           o.ordered_at
      from orders as o
     where o.ordered_at >= :start
       and o.ordered_at < :end
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
),
firsts as (
    select o.customer_id,
           min(o.ordered_at) as first_at
      from orders as o
     where o.customer_id in (select customer_id from week)
       and o.deleted_at is null
       and o.status not in ('cancelled', 'refunded')
     group by o.customer_id
),
lines as (
    select sum(l.amount) as revenue,
           sum(case when l.unit_cost is not null then l.amount end) as costed_revenue,
           sum(l.unit_cost * l.quantity) as cost
      from order_lines as l
      join week as w
        on w.id = l.order_id
)
select (select count(*) from week) as orders,
       coalesce(lines.revenue, 0) as revenue,
       (select count(distinct customer_id) from week) as customers,
       (select count(*)
          from firsts as f
         where f.first_at >= :start) as new_customers,
       (select count(distinct w.customer_id)
          from week as w
          join firsts as f
            on f.customer_id = w.customer_id
         where cast(w.ordered_at + :utc_offset_minutes * interval '1 minute' as date)
             > cast(f.first_at + :utc_offset_minutes * interval '1 minute' as date))
       as repeat_customers,
       lines.revenue / nullif((select count(*) from week), 0) as aov,
       lines.costed_revenue - lines.cost as gross_profit,
       (lines.costed_revenue - lines.cost) / nullif(lines.costed_revenue, 0) as gross_margin
  from lines;
