-- name: community_choices
-- Every community, by name: what a filter offers.
select m.id,
       m.name
  from communities as m
 order by m.name,
          m.id;
