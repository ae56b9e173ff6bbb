-- name: customer_reviews
-- Customer :customer_id's order-shares (晒单), not deleted, newest first, with the order
-- number they are about.
-- utc: posted_at, updated_at
select r.id,
       r.order_id,
       o.order_no,
       r.platform,
       r.posted_at,
       r.rating,
       r.content,
       r.link,
       r.version,
       r.created_by,
       r.updated_at,
       r.updated_by
  from reviews as r
  left join orders as o
    on o.id = r.order_id
 where r.customer_id = :customer_id
   and r.deleted_at is null
 order by r.posted_at desc,
          r.id desc;

-- name: order_reviews
-- Order :order_id's order-shares (晒单), not deleted, newest first.
-- utc: posted_at, updated_at
select r.id,
       r.order_id,
       o.order_no,
       r.platform,
       r.posted_at,
       r.rating,
       r.content,
       r.link,
       r.version,
       r.created_by,
       r.updated_at,
       r.updated_by
  from reviews as r
  join orders as o
    on o.id = r.order_id
 where r.order_id = :order_id
   and r.deleted_at is null
 order by r.posted_at desc,
          r.id desc;
