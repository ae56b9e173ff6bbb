"""The Products page's components, built from plain functions (no database, no browser):
the list with price, cost, margin and stock; the form's create, edit, archive, restore;
staff see no costs and no form."""

from decimal import Decimal

import pytest

from salesops.errors import ConflictError, Problem, ValidationError
from widgets.product_form import ProductForm
from widgets.products_app import ProductsApp

FOUR = Decimal("0.0001")


pytestmark = pytest.mark.usefixtures("english")


class Catalogue:
    """A dict-backed stand-in for PageData's product functions."""

    def __init__(self):
        self.rows: dict[int, dict] = {}

    def search(self, text="", include_archived=False):
        """Products whose SKU or name contains `text`."""
        return [
            r
            for r in self.rows.values()
            if (include_archived or r["active"]) and (text in r["sku"] or text in r["name"])
        ]

    def load(self, product_id):
        """One product or None."""
        return self.rows.get(product_id)

    def create(self, data):
        """Check the price like the service, then store."""
        if not str(data["price"]).replace(".", "").isdigit():
            raise ValidationError([Problem("price", data["price"], "price: not an amount")])
        new_id = len(self.rows) + 1
        self.rows[new_id] = self._row(new_id, data, 1, True)
        return self.rows[new_id]

    def update(self, product_id, data, version):
        """Refuse a stale version like the service, else store."""
        current = self.rows[product_id]
        if current["version"] != version:
            raise ConflictError("product", current["sku"], "boss", None)
        self.rows[product_id] = self._row(product_id, data, version + 1, current["active"])
        return self.rows[product_id]

    def archive(self, product_id, version):
        """Archive."""
        self.rows[product_id] = {**self.rows[product_id], "active": False, "version": version + 1}
        return self.rows[product_id]

    def restore(self, product_id, version):
        """Restore."""
        self.rows[product_id] = {**self.rows[product_id], "active": True, "version": version + 1}
        return self.rows[product_id]

    @staticmethod
    def _row(product_id, data, version, active):
        price = Decimal(str(data["price"]))
        cost = Decimal(data["unit_cost"]) if data.get("unit_cost") else None
        stock = data.get("stock_on_hand")
        return {
            "id": product_id,
            "sku": data["sku"],
            "name": data["name"],
            "category": data.get("category", ""),
            "price": price,
            "unit_cost": cost,
            "margin": None if cost is None else ((price - cost) / price).quantize(FOUR),
            "aliases": [a.strip() for a in (data.get("aliases") or "").split(",") if a.strip()],
            "stock_on_hand": int(stock) if stock not in (None, "") else None,
            "reorder_level": int(data["reorder_level"]) if data.get("reorder_level") else None,
            "active": active,
            "version": version,
        }


def form_for(cat: Catalogue) -> ProductForm:
    """A ProductForm on the catalogue's functions."""
    return ProductForm(
        load=cat.load,
        create=cat.create,
        update=cat.update,
        archive=cat.archive,
        restore=cat.restore,
    )


def fill(form, **values):
    """Type values into the form's inputs."""
    for field, value in values.items():
        form.inputs[field].value = value


def test_a_manager_creates_a_product_and_sees_it_listed_with_its_margin():
    cat = Catalogue()
    form = form_for(cat)
    app = ProductsApp(cat.search, form=form, show_costs=True)
    assert "No products yet" in app.table.value
    fill(form, sku="BERRY-1", name="奶油草莓 500g", price="39.00", unit_cost="21.50")
    fill(form, aliases="草莓, 奶油草莓", stock="3", reorder_level="5")
    form.buttons["save"].click()
    assert form.message.kind == "success" and "BERRY-1" in form.message.value
    assert form.value == 1 and "44.9%" in form.margin.value
    table = app.table.value
    for text in ("BERRY-1", "奶油草莓 500g", "草莓, 奶油草莓", "¥39.00", "¥21.50", "44.9%"):
        assert text in table
    assert "so-low" in table and "reorder at 5" in table  # 3 on hand, reorder at 5
    assert "1 products" in app.count.value


def test_bad_input_stays_in_the_form_with_the_problem_next_to_its_field():
    cat = Catalogue()
    form = form_for(cat)
    fill(form, sku="X", name="x", price="abc")
    form.buttons["save"].click()
    assert form.message.kind == "error" and cat.rows == {}
    assert "not an amount" in form.errors.text("price")
    assert form.inputs["price"].value == "abc"


def test_an_edit_on_a_stale_copy_names_who_changed_it_and_offers_a_reload():
    cat = Catalogue()
    made = cat.create({"sku": "A", "name": "a", "price": "1"})
    form = form_for(cat)
    form.value = made["id"]
    cat.update(made["id"], {"sku": "A", "name": "changed", "price": "2"}, 1)
    fill(form, price="3")
    form.buttons["save"].click()
    assert form.message.kind == "error" and "boss" in form.message.value
    assert form.message.reload.layout.display == ""
    form.message.reload.click()
    assert form.inputs["name"].value == "changed"


def test_archive_and_restore_switch_buttons_and_the_list_marks_archived():
    cat = Catalogue()
    made = cat.create({"sku": "A", "name": "a", "price": "1"})
    form = form_for(cat)
    app = ProductsApp(cat.search, form=form, show_costs=True)
    app.pick.value = made["id"]
    assert form.value == made["id"]
    assert form.buttons["restore"].layout.display == "none"
    form.buttons["archive"].click()
    assert "archived" in form.title.value and form.buttons["archive"].layout.display == "none"
    assert "No products yet" in app.table.value  # archived ones hidden by default
    app.archived.value = True
    assert "so-archived" in app.table.value
    form.buttons["restore"].click()
    assert cat.rows[made["id"]]["active"] is True


def test_staff_see_prices_without_cost_columns_and_no_form():
    cat = Catalogue()
    cat.create({"sku": "A", "name": "草莓", "price": "39", "unit_cost": "20"})
    staff_rows = lambda text, archived: [  # noqa: E731 - what PageData gives staff
        {k: v for k, v in r.items() if k not in ("unit_cost", "margin")}
        for r in cat.search(text, archived)
    ]
    app = ProductsApp(staff_rows, form=None, show_costs=False)
    assert "¥39.00" in app.table.value
    assert "¥20.00" not in app.table.value and "Margin" not in app.table.value
    assert app.form is None and app.pick not in app.children


def test_search_narrows_the_list():
    cat = Catalogue()
    cat.create({"sku": "A", "name": "草莓", "price": "39"})
    cat.create({"sku": "B", "name": "车厘子", "price": "99"})
    app = ProductsApp(cat.search, form=None)
    app.term.value = "车"
    assert "车厘子" in app.table.value and "草莓" not in app.table.value
    app.term.value = "香蕉"
    assert "No product matches" in app.table.value


def test_the_picker_always_shows_the_product_in_the_form():
    cat = Catalogue()
    a = cat.create({"sku": "A", "name": "草莓", "price": "39"})
    form = form_for(cat)
    app = ProductsApp(cat.search, form=form, show_costs=True)
    assert app.pick.index == 0 and app.pick.value is None  # "choose…", not a blank box
    app.pick.value = a["id"]
    form.buttons["new"].click()  # a new product: the picker no longer names A
    assert app.pick.index == 0 and app.pick.value is None
    fill(form, sku="B", name="车厘子", price="99")
    form.buttons["save"].click()
    b = next(r for r in cat.rows.values() if r["sku"] == "B")
    assert form.value == b["id"] and app.pick.value == b["id"]
    app.pick.value = a["id"]  # picking A again takes A up, so an edit goes to A
    assert form.value == a["id"] and form.inputs["name"].value == "草莓"
    fill(form, name="奶油草莓")
    form.buttons["save"].click()
    assert cat.rows[a["id"]]["name"] == "奶油草莓" and cat.rows[b["id"]]["name"] == "车厘子"


def test_a_long_list_shows_twenty_products_at_a_time():
    cat = Catalogue()
    for n in range(45):
        cat.create({"sku": f"P{n:02d}", "name": f"商品{n:02d}", "price": "10"})
    form = form_for(cat)
    app = ProductsApp(cat.search, form=form, show_costs=True)
    rows = lambda: app.table.value.count("so-product-row")  # noqa: E731
    assert rows() == 20 and app.pager.more.layout.display == ""
    assert app.pager.more.description == "Show 20 more (25 not shown)"
    assert "45 products" in app.count.value  # the count is of all of them
    app.pager.more.click()
    assert rows() == 40 and app.pager.more.description == "Show 5 more (5 not shown)"
    app.pick.value = 1
    fill(form, name="改名")
    form.buttons["save"].click()  # a save keeps the rows shown
    assert rows() == 40 and "改名" in app.table.value
    app.pager.more.click()
    assert rows() == 45 and app.pager.more.layout.display == "none"
    app.term.value = "商品1"  # a new search starts at its first page
    assert rows() == 10 and app.pager.more.layout.display == "none"
