-- name: audit_changes
-- Changes in the audit log, newest first: of table :table_name and record :row_id (any
-- when null), by :actor (anyone when null), of :action (any when null; show_mobile:
-- a staff member was shown a customer's mobile), at or after :since and before :until;
-- the page after the row at (:before_at, :before_id), at most :limit rows. Each with the
-- record as people know it (customer code and name, order number, user name, product SKU
-- and name, channel code and name; an address's customer, a community's or agent level's
-- name, an agent statement's agent and month).
-- utc: at
select a.id,
       a.at,
       a.actor,
       a.table_name,
       a.row_id,
       a.action,
       a.old_values,
       a.new_values,
       coalesce(c.code || ' ' || c.name,
                o.order_no,
                fc.code || ' ' || fc.name,
                u.username,
                p.sku || ' ' || p.name,
                ch.code || ' ' || ch.name,
                adc.code || ' ' || adc.name,
                cm.name,
                lv.name,
                sc.code || ' ' || sc.name || ' ' || st.month) as record
  from audit_log as a
  left join customers as c
    on a.table_name = 'customers'
   and c.id = a.row_id
  left join orders as o
    on a.table_name = 'orders'
   and o.id = a.row_id
  left join followups as f
    on a.table_name = 'followups'
   and f.id = a.row_id
  left join customers as fc
    on fc.id = f.customer_id
  left join staff_users as u
    on a.table_name = 'staff_users'
   and u.id = a.row_id
  left join products as p
    on a.table_name = 'products'
   and p.id = a.row_id
  left join channels as ch
    on a.table_name = 'channels'
   and ch.id = a.row_id
  left join customer_addresses as ad
    on a.table_name = 'customer_addresses'
   and ad.id = a.row_id
  left join customers as adc
    on adc.id = ad.customer_id
  left join communities as cm
    on a.table_name = 'communities'
   and cm.id = a.row_id
  left join agent_levels as lv
    on a.table_name = 'agent_levels'
   and lv.id = a.row_id
  left join agent_statements as st
    on a.table_name = 'agent_statements'
   and st.id = a.row_id
  left join customers as sc
    on sc.id = st.agent_id
 where (cast(:table_name as varchar(64)) is null or a.table_name = :table_name)
   and (cast(:row_id as integer) is null or a.row_id = :row_id)
   and (cast(:actor as varchar(64)) is null or a.actor = :actor)
   and (cast(:action as varchar(16)) is null or a.action = :action)
   and a.at >= :since
   and a.at < :until
   and (a.at < :before_at or (a.at = :before_at and a.id < :before_id))
 order by a.at desc,
          a.id desc
 limit :limit;

-- name: customer_history
-- The changes to customer :customer_id, to its orders and to its follow-ups, newest
-- first; the page after the row at (:before_at, :before_id), at most :limit rows.
-- utc: at
select a.id,
       a.at,
       a.actor,
       a.table_name,
       a.row_id,
       a.action,
       a.old_values,
       a.new_values,
       coalesce(c.code || ' ' || c.name,
                o.order_no,
                fc.code || ' ' || fc.name) as record
  from audit_log as a
  left join customers as c
    on a.table_name = 'customers'
   and c.id = a.row_id
  left join orders as o
    on a.table_name = 'orders'
   and o.id = a.row_id
  left join followups as f
    on a.table_name = 'followups'
   and f.id = a.row_id
  left join customers as fc
    on fc.id = f.customer_id
 where ((a.table_name = 'customers' and a.row_id = :customer_id)
        or (a.table_name = 'orders'
            and a.row_id in (select oo.id
                               from orders as oo
                              where oo.customer_id = :customer_id))
        or (a.table_name = 'followups'
            and a.row_id in (select ff.id
                               from followups as ff
                              where ff.customer_id = :customer_id)))
   and (a.at < :before_at or (a.at = :before_at and a.id < :before_id))
 order by a.at desc,
          a.id desc
 limit :limit;

-- name: audit_actors
-- Everyone the audit log names, alphabetically: the people a change may be looked up by.
select distinct a.actor
  from audit_log as a
 order by a.actor;
