-- name: followups_due
-- Open follow-ups (not done) due up to :until for staff member :staff (everyone's when
-- :staff is null), most overdue first, with the customer's name and contacts.
-- utc: due_at, created_at
select f.id,
       f.customer_id,
       c.code as customer_code,
       c.name as customer_name,
       c.mobile,
       c.wechat_id,
       f.staff,
       f.kind,
       f.due_at,
       f.note,
       f.version,
       f.created_at
  from followups as f
  join customers as c
    on c.id = f.customer_id
 where f.done_at is null
   and f.due_at <= :until
   and (cast(:staff as varchar(64)) is null or f.staff = :staff)
   and c.deleted_at is null
 order by f.due_at,
          f.id;

-- name: customer_followups
-- Follow-ups of customer :customer_id, planned and done, newest first: what staff see
-- beside the customer (who, how, when due, when done, note and outcome).
-- utc: due_at, done_at
select f.id,
       f.staff,
       f.kind,
       f.due_at,
       f.done_at,
       f.note,
       f.outcome,
       f.version
  from followups as f
 where f.customer_id = :customer_id
 order by coalesce(f.done_at, f.due_at) desc,
          f.id desc;
