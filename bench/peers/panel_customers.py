"""The customers form built with Panel: the peer of the customers page in bench/network.py.

A search box, the results, name / mobile / WeChat ID of the chosen customer and Save,
reading and writing the same database through the same services as the salesops page
(salesops.search, salesops.customers), so the two differ only in how the page is built
and served. Served by `panel serve bench/peers/panel_customers.py` with SALESOPS_DB_URL
set; Panel is a benchmark-only dependency (`pip install -e '.[bench]'`).
"""

import os

import panel as pn

from salesops import customers, search
from salesops.db import connect

SEARCH_PLACEHOLDER = "search-peer"  # what the benchmark waits for

db = connect(os.environ["SALESOPS_DB_URL"])
box = pn.widgets.TextInput(name="Search", placeholder=SEARCH_PLACEHOLDER)
results = pn.widgets.Select(name="Customers", options={}, size=8)
name = pn.widgets.TextInput(name="Name")
mobile = pn.widgets.TextInput(name="Mobile")
wechat = pn.widgets.TextInput(name="WeChat ID")
save = pn.widgets.Button(name="Save", button_type="primary")
status = pn.pane.Str("")
current: dict = {}


def on_search(event) -> None:
    rows = search.search_customers(db, event.new, limit=20)
    results.options = {f"{r['code']} {r['name']} {r['mobile'] or ''}": r["id"] for r in rows}


def on_pick(event) -> None:
    if event.new is None:
        return
    current.clear()
    current.update(customers.get_customer(db, event.new))
    name.value, mobile.value = current["name"], current["mobile"] or ""
    wechat.value = current["wechat_id"] or ""


def on_save(_event) -> None:
    if not current:
        return
    values = {"name": name.value, "mobile": mobile.value, "wechat_id": wechat.value}
    saved = customers.update_customer(db, current["id"], values, current["version"])
    current.update(saved)
    status.object = f"saved {saved['code']}"


box.param.watch(on_search, "value_input")
results.param.watch(on_pick, "value")
save.on_click(on_save)
pn.Column(box, results, name, mobile, wechat, save, status).servable(title="Customers (Panel)")
