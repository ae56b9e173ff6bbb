"""A customer's address book on the customer page: the addresses (the default marked),
add one (typed or pasted), edit, delete, make one the default."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops.errors import Problem, ValidationError
from salesops.messages import add

from .address_fields import AddressFields
from .common import MessageArea, guard, hook, label
from .mobile_reveal import MobileReveal

add(
    {
        "en": {
            "book.title": "Addresses",
            "book.none": "No addresses yet.",
            "book.pick_customer": "Choose or save a customer to keep their addresses.",
            "book.default_mark": "★ default",
            "book.new": "New address",
            "book.edit": "Edit",
            "book.delete": "Delete",
            "book.make_default": "Make default",
            "book.is_default": "Default address",
            "book.save": "Save address",
            "book.cancel": "Cancel",
            "book.saved": "Address saved: {line}",
            "book.deleted": "Address deleted (orders keep their own copy).",
            "book.defaulted": "Default address: {line}",
            "book.pick": "Pick an address above first.",
        },
        "zh_CN": {
            "book.title": "收货地址",
            "book.none": "还没有收货地址。",
            "book.pick_customer": "请先选择或保存客户，再管理其收货地址。",
            "book.default_mark": "★ 默认",
            "book.new": "新增地址",
            "book.edit": "修改",
            "book.delete": "删除",
            "book.make_default": "设为默认",
            "book.is_default": "默认地址",
            "book.save": "保存地址",
            "book.cancel": "取消",
            "book.saved": "地址已保存：{line}",
            "book.deleted": "地址已删除（订单里保留各自的收货地址）。",
            "book.defaulted": "默认地址：{line}",
            "book.pick": "请先在上方选择一个地址。",
        },
    }
)
FORM = "book"
# Long address lines wrap under their radio button instead of running into the next one.
CSS = """<style>
.so-book-list .widget-radio-box label { height: auto !important; line-height: 1.4 !important;
  white-space: normal; display: flex; flex-direction: row-reverse; justify-content: flex-end;
  align-items: flex-start; gap: 6px; margin: 0 0 6px 0; }
.so-book-list .widget-radio-box input { flex: none; margin-top: 3px; }
.so-book-list > .widget-label { display: none; }
</style>"""


class AddressBook(ipw.VBox):
    """The addresses of customer `value`: a list to pick from and a form to add or edit.

    Data functions: `addresses(customer_id)` (rows with `line`, `is_default`, `version`),
    `add_address(customer_id, data)`, `update_address(id, changes, version)`,
    `delete_address(id, version)`, and the AddressFields' `parse`, `provinces`, `cities`,
    `districts`. With `reveal(customer_id, address_id)` (PageData.reveal_address_mobile)
    a picked address whose mobile is masked (staff) has a "show" button (so-book-show-mobile)
    that puts the whole number into its line, logged. Hooks: so-book-list, -new, -edit,
    -delete, -default, -save, -cancel, -is_default, -message; the fields are so-address-*.
    """

    value = traitlets.Int(None, allow_none=True)

    @classmethod
    def for_page(cls, data, **kwargs) -> AddressBook:
        """The address book wired to a salesops.web.pagedata.PageData."""
        return cls(
            addresses=data.addresses,
            add_address=data.add_address,
            update_address=data.update_address,
            delete_address=data.delete_address,
            reveal=data.reveal_address_mobile,
            fields=AddressFields(
                parse=data.parse_address,
                provinces=data.provinces,
                cities=data.cities,
                districts=data.districts,
            ),
            **kwargs,
        )

    def __init__(
        self, *, addresses, add_address, update_address, delete_address, fields, reveal=None, **kw
    ):
        self._addresses, self._add = addresses, add_address
        self._update, self._delete = update_address, delete_address
        self._rows: dict[int, dict] = {}
        self._editing: dict | None = None
        self.message = MessageArea(FORM)
        self.list = hook(ipw.RadioButtons(options=[], layout={"width": "auto"}), FORM, "list")
        self.empty = hook(ipw.HTML(label("book.pick_customer")), FORM, "empty")
        self.buttons = {
            name: hook(ipw.Button(description=label(f"book.{key}")), FORM, name)
            for name, key in (
                ("new", "new"),
                ("edit", "edit"),
                ("default", "make_default"),
                ("delete", "delete"),
            )
        }
        self.fields = fields
        self.is_default = hook(
            ipw.Checkbox(description=label("book.is_default")), FORM, "is_default"
        )
        self.save = hook(
            ipw.Button(description=label("book.save"), button_style="primary"), FORM, "save"
        )
        self.cancel = hook(ipw.Button(description=label("book.cancel")), FORM, "cancel")
        self.editor = ipw.VBox(
            [self.fields, self.is_default, ipw.HBox([self.save, self.cancel])],
            layout=ipw.Layout(display="none"),
        )
        self._wire()
        # the reveal's "customer" is the address picked; the customer is this book's
        self.reveal = MobileReveal(lambda address: reveal(self.value, address), FORM)
        self.reveal.layout.display = "" if reveal else "none"
        self.reveal.observe(self._on_revealed, names="shown")
        self.list.observe(self._on_pick, names="value")
        actions = ipw.HBox(
            [*self.buttons.values(), self.reveal], layout=ipw.Layout(flex_flow="row wrap")
        )
        css = ipw.HTML(CSS, layout=ipw.Layout(display="none"))
        super().__init__([css, self.empty, self.list, actions, self.message, self.editor], **kw)
        self.add_class("so-book")
        self._show()

    def _wire(self) -> None:
        """Buttons to handlers, each guarded so a mistake is shown, never raised."""
        on = {
            "new": self._on_new,
            "edit": self._on_edit,
            "default": self._on_default,
            "delete": self._on_delete,
        }
        for name, handler in on.items():
            self.buttons[name].on_click(guard(handler, self.message, on_reload=self.refresh))
        self.save.on_click(guard(self._on_save, self.message, self.fields.errors, self.refresh))
        self.cancel.on_click(lambda _b: self._close())
        self.observe(guard(lambda _c: self.refresh(), self.message), names="value")

    def refresh(self) -> None:
        """Read the customer's addresses afresh and list them."""
        rows = self._addresses(self.value) if self.value is not None else []
        self._rows = {r["id"]: r for r in rows}
        self._close()
        self._show()

    def _show(self) -> None:
        """The list, or why there is none; the buttons that make sense now."""
        rows = list(self._rows.values())
        mark = label("book.default_mark")
        self.list.options = [
            (f"{r['line']}{'  ' + mark if r['is_default'] else ''}", r["id"]) for r in rows
        ]
        self.list.value = rows[0]["id"] if rows else None
        self.list.layout.display = "" if rows else "none"
        none = label("book.none") if self.value is not None else label("book.pick_customer")
        self.empty.value = "" if rows else none
        self.buttons["new"].disabled = self.value is None
        for name in ("edit", "default", "delete"):
            self.buttons[name].layout.display = "" if rows else "none"

    def _on_pick(self, _change=None) -> None:
        """Another address picked: the show button when its mobile is masked."""
        row = self._rows.get(self.list.value) or {}
        self.reveal.customer_id = row.get("id")
        self.reveal.masked = row.get("mobile") or ""

    def _on_revealed(self, change) -> None:
        """The picked address's whole number: into its line in the list."""
        row = self._rows.get(self.reveal.customer_id)
        if not change["new"] or row is None:
            return
        row["line"] = row["line"].replace(row["mobile"], change["new"])
        row["mobile"] = change["new"]
        picked = self.list.value
        self._show()
        self.list.value = picked

    def _picked(self) -> dict:
        """The address picked in the list (ValidationError saying to pick one)."""
        row = self._rows.get(self.list.value)
        if row is None:
            raise ValidationError([Problem("address", None, label("book.pick"))])
        return row

    def _on_new(self, _button=None):
        """An empty form for a new address."""
        self._open(None)

    def _on_edit(self, _button=None):
        """The picked address in the form."""
        self._open(self._picked())

    def _open(self, row: dict | None) -> None:
        """Show the form, empty or with `row`."""
        self._editing = row
        self.fields.clear()
        if row:
            self.fields.fill(row)
        self.is_default.value = bool(row and row["is_default"]) or not self._rows
        self.editor.layout.display = ""

    def _close(self) -> None:
        """Hide the form."""
        self._editing = None
        self.editor.layout.display = "none"

    def _on_save(self, _button=None):
        """Add the new address or save the edited one; list them again."""
        data = {**self.fields.values, "is_default": self.is_default.value}
        editing = self._editing
        if editing is None:
            saved = self._add(self.value, data)
        else:
            saved = self._update(editing["id"], data, editing["version"])
        self.refresh()
        self.list.value = saved["id"] if saved["id"] in self._rows else self.list.value
        line = self._rows.get(saved["id"], {}).get("line", "")
        self.message.success(label("book.saved", line=line))

    def _on_default(self, _button=None):
        """Make the picked address the default."""
        row = self._picked()
        self._update(row["id"], {"is_default": True}, row["version"])
        self.refresh()
        self.message.success(label("book.defaulted", line=row["line"]))

    def _on_delete(self, _button=None):
        """Delete the picked address."""
        row = self._picked()
        self._delete(row["id"], row["version"])
        self.refresh()
        self.message.success(label("book.deleted"))
