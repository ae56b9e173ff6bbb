-- name: community_choices
-- Every community, by name: what a filter offers.
select m.id,
       m.name
  from communities as m
 order by m.name,
          m.id;

-- name: community_list
-- Every community by name with its channel and owner, members now (in it, not left),
-- members ever (distinct people), and present members who ever bought (a counted order).
-- utc: created_at, updated_at
select g.id,
       g.name,
       g.channel_id,
       ch.name as channel,
       g.owner_id,
       ow.code as owner_code,
       ow.name as owner,
       g.version,
       g.created_at,
       g.created_by,
       g.updated_at,
       g.updated_by,
       (select count(*)
          from community_members as m
          join customers as c
            on c.id = m.customer_id
           and c.deleted_at is null
         where m.community_id = g.id
           and m.left_at is null) as members,
       (select count(distinct m.customer_id)
          from community_members as m
         where m.community_id = g.id) as members_ever,
       (select count(*)
          from community_members as m
          join customers as c
            on c.id = m.customer_id
           and c.deleted_at is null
         where m.community_id = g.id
           and m.left_at is null
           and c.first_ordered_at is not null) as buyers
  from communities as g
  left join channels as ch
    on ch.id = g.channel_id
  left join customers as ow
    on ow.id = g.owner_id
 order by g.name,
          g.id;

-- name: community_members
-- The stays of community :community_id's live customers, newest first: only current ones
-- unless :include_left is 1. With each person's counted orders (not cancelled, refunded
-- or deleted), their revenue (goods) and their last order time.
-- bool: brought_in
-- money: revenue
-- utc: joined_at, left_at, last_ordered_at
select m.id,
       m.customer_id,
       c.code,
       c.name,
       c.nickname,
       c.mobile,
       c.wechat_id,
       m.joined_at,
       m.left_at,
       m.brought_in,
       coalesce(o.orders, 0) as orders,
       coalesce(o.revenue, 0) as revenue,
       o.last_ordered_at
  from community_members as m
  join customers as c
    on c.id = m.customer_id
   and c.deleted_at is null
  left join (select x.customer_id,
                    count(*) as orders,
                    sum(x.goods_amount) as revenue,
                    max(x.ordered_at) as last_ordered_at
               from orders as x
              where x.deleted_at is null
                and x.status not in ('cancelled', 'refunded')
                and x.customer_id in (select customer_id
                                        from community_members
                                       where community_id = :community_id)
              group by x.customer_id) as o
    on o.customer_id = m.customer_id
 where m.community_id = :community_id
   and (m.left_at is null or :include_left = 1)
 order by m.joined_at desc,
          m.id desc;

-- name: community_member_products
-- What the people of community :community_id have bought (in counted orders): customer
-- and product name, earliest first bought first.
-- utc: first_bought_at
select cp.customer_id,
       p.name as product,
       cp.first_bought_at
  from customer_products as cp
  join products as p
    on p.id = cp.product_id
 where cp.customer_id in (select customer_id
                            from community_members
                           where community_id = :community_id)
 order by cp.customer_id,
          cp.first_bought_at,
          p.name;

-- name: customer_communities
-- Customer :customer_id's stays in communities: current ones first, then by when they
-- joined, newest first.
-- bool: brought_in
-- utc: joined_at, left_at
select m.id,
       m.community_id,
       g.name as community,
       m.joined_at,
       m.left_at,
       m.brought_in
  from community_members as m
  join communities as g
    on g.id = m.community_id
 where m.customer_id = :customer_id
 order by case when m.left_at is null then 0 else 1 end,
          m.joined_at desc,
          m.id desc;
