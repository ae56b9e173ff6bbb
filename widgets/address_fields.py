"""The fields of one address: a box to paste a whole line into, recipient, mobile,
province / city / district (suggested from the mainland's divisions, free text for an
address abroad), detail line and postcode."""

from __future__ import annotations

import ipywidgets as ipw

from salesops.messages import add
from salesops.validate import is_masked

from .common import FieldErrors, MessageArea, guard, hook, keypad, label, styled
from .tables import fit, fit_errors

add(
    {
        "en": {
            "address.paste": "Paste",
            "address.paste_hint": "paste the whole address as the buyer sent it, e.g. "
            "张三 13800138000 浙江省杭州市西湖区文三路 90 号",
            "address.fill": "Fill in",
            "address.filled": "Filled in from the pasted line; check it, then save.",
            "address.filled_problems": "Filled in what could be read: {problems}",
            "address.recipient": "Recipient",
            "address.mobile": "Mobile",
            "address.province": "Province",
            "address.city": "City",
            "address.district": "District",
            "address.detail": "Street, no.",
            "address.postcode": "Postcode",
            "address.region_hint": "choose, or type (abroad)",
        },
        "zh_CN": {
            "address.paste": "粘贴",
            "address.paste_hint": "粘贴买家发来的整段地址，如：张三 13800138000 "
            "浙江省杭州市西湖区文三路 90 号",
            "address.fill": "识别填入",
            "address.filled": "已按粘贴的地址填好，请核对后保存。",
            "address.filled_problems": "已填入能识别的部分：{problems}",
            "address.recipient": "收货人",
            "address.mobile": "手机号",
            "address.province": "省份",
            "address.city": "城市",
            "address.district": "区县",
            "address.detail": "详细地址",
            "address.postcode": "邮编",
            "address.region_hint": "请选择，境外可直接填写",
        },
    }
)
FIELDS = ("recipient", "mobile", "province", "city", "district", "detail", "postcode")
KEYPADS = {"mobile": "tel", "postcode": "numeric"}  # the keyboard a phone brings up


class AddressFields(ipw.VBox):
    """One address's inputs (hooks `so-<form>-<field>`), filled from a pasted line.

    Data functions: `parse(text)` -> the fields plus `problems` (salesops.address_book.
    parse), `provinces()`, `cities(province)`, `districts(province, city)` for the
    suggestions. `values` is what was typed; `fill(address)` shows one; service errors
    go next to their fields through `errors` (a FieldErrors).
    """

    def __init__(self, *, parse, provinces, cities, districts, form: str = "address", **kw):
        self._parse, self._cities, self._districts = parse, cities, districts
        self.form = form
        self.message = MessageArea(f"{form}-paste")
        self.paste = fit(
            hook(ipw.Textarea(placeholder=label("address.paste_hint"), rows=2), form, "paste"),
            "520px",
        )
        self.fill_button = hook(
            ipw.Button(description=label("address.fill"), icon="magic"), form, "fill"
        )
        self.inputs = {f: self._input(f) for f in FIELDS}
        self.inputs["province"].options = list(provinces())
        self.inputs["province"].observe(self._on_province, names="value")
        self.inputs["city"].observe(self._on_city, names="value")
        self.errors = FieldErrors(form, self.inputs)
        fit_errors(self.errors)
        self.fill_button.on_click(guard(self._on_fill, self.message))
        rows = [self.errors.row(f) for f in FIELDS]
        super().__init__([self.paste, self.fill_button, self.message, *rows], **kw)
        self.add_class(f"so-{form}-fields")

    def _input(self, field: str) -> ipw.DOMWidget:
        """The input of one field: a suggesting box for the divisions, else a text box."""
        text = label(f"address.{field}")
        if field in ("province", "city", "district"):
            box = ipw.Combobox(
                description=text, placeholder=label("address.region_hint"), ensure_option=False
            )
        else:
            box = ipw.Text(description=text)
        if field in KEYPADS:
            keypad(box, KEYPADS[field])
        return fit(styled(box, self.form, field), "420px")

    def _on_province(self, change):
        """Suggest the province's cities."""
        self.inputs["city"].options = list(self._cities(change["new"] or ""))

    def _on_city(self, change):
        """Suggest the city's districts."""
        province = self.inputs["province"].value or ""
        self.inputs["district"].options = list(self._districts(province, change["new"] or ""))

    def _on_fill(self, _button=None):
        """Read the pasted line into the fields (what it could not place is said)."""
        found = self._parse(self.paste.value)
        self.fill({f: found.get(f) or "" for f in FIELDS})
        problems = "; ".join(found.get("problems") or [])
        if problems:
            self.message.error(label("address.filled_problems", problems=problems))
        else:
            self.message.success(label("address.filled"))

    @property
    def values(self) -> dict:
        """The fields as typed; without `mobile` when the filled address's number was
        masked and the box was left empty (an edit keeps the stored number)."""
        values = {f: (self.inputs[f].value or "").strip() for f in FIELDS}
        if self.inputs["mobile"].placeholder and not values["mobile"]:
            del values["mobile"]
        return values

    def fill(self, address: dict) -> None:
        """Show `address` in the fields (province first, so the suggestions follow); a
        masked mobile (staff, salesops.masking) as the empty box's hint, never as a value."""
        for field in FIELDS:
            self.inputs[field].value = str(address.get(field) or "")
        masked = is_masked(address.get("mobile"))
        self.inputs["mobile"].placeholder = address["mobile"] if masked else ""
        if masked:
            self.inputs["mobile"].value = ""

    def clear(self) -> None:
        """Empty fields, no pasted text, no messages."""
        self.fill({})
        self.paste.value = ""
        self.errors.clear()
        self.message.clear()
