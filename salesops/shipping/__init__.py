"""Shipping orders: the shipping step's rule, bulk shipping from pasted or uploaded lines,
and the orders waiting to ship with their pick list and packing slips.

- `rules`: `shipment(courier, number)` checks how an order goes out (the one rule the
  status form, bulk shipping and imports share); `correct_shipment` fixes a shipped
  order's courier or number.
- `lines`: `read_text` / `read_file` turn what courier software and spreadsheets export
  (`order_no, courier, tracking_no`, CSV, TSV or spaces, with or without a header, in
  Chinese or English) into `ShipLine`s.
- `bulk`: `check` says what each line would do, `ship` ships every valid line in one
  transaction (all or nothing unless asked to skip the invalid ones).
- `waiting`: the paid orders not shipped yet, by channel, community and day, and their
  pick list and packing slips as PDF (salesops.slips).
"""
