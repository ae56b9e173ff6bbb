"""Create or edit one customer; the id of the customer in the form is `value`."""

from __future__ import annotations

import html

import ipywidgets as ipw
import traitlets

from salesops import messages
from salesops.validate import is_masked

from .common import FieldErrors, MessageArea, choose, guard, hook, keypad, label, styled
from .customer_picker import CustomerPicker

FORM = "customer"
# Service field names (as in ValidationError problems) -> the form's field (hook) names.
ALIASES = {
    "wechat_id": "wechat",
    "channel_id": "channel",
    "referrer_id": "referrer",
    "parent_agent_id": "parent",
    "is_agent": "agent",
}

messages.add(
    {
        "en": {
            "customer.new_title": "New customer",
            "customer.edit_title": "Customer {code} {name}",
            "customer.name": "Name",
            "customer.mobile": "Mobile",
            "customer.wechat": "WeChat ID",
            "customer.nickname": "WeChat nickname",
            "customer.region": "Region",
            "customer.channel": "Channel",
            "customer.no_channel": "(none)",
            "customer.referrer": "Referred by",
            "customer.tags": "Tags",
            "customer.tags_hint": "comma-separated, e.g. VIP, tea",
            "customer.notes": "Notes",
            "customer.agent": "Reseller (agent)",
            "customer.parent": "Parent agent",
            "customer.save": "Save",
            "customer.new": "New customer",
            "customer.created": "Added customer {code} {name}.",
            "customer.updated": "Saved customer {code} {name}.",
            "customer.gone": "This customer no longer exists (deleted by someone else).",
            "customer.to_complete": "The name is a placeholder an import made from the "
            "code: please give the real name.",
        },
        "zh_CN": {
            "customer.new_title": "新建客户",
            "customer.edit_title": "客户 {code} {name}",
            "customer.name": "姓名",
            "customer.mobile": "手机号",
            "customer.wechat": "微信号",
            "customer.nickname": "微信昵称",
            "customer.region": "地区",
            "customer.channel": "来源渠道",
            "customer.no_channel": "（无）",
            "customer.referrer": "介绍人",
            "customer.tags": "标签",
            "customer.tags_hint": "用逗号分隔，如 VIP, 茶叶",
            "customer.notes": "备注",
            "customer.agent": "代理（分销）",
            "customer.parent": "上级代理",
            "customer.save": "保存",
            "customer.new": "新建客户",
            "customer.created": "已新建客户 {code} {name}。",
            "customer.updated": "已保存客户 {code} {name}。",
            "customer.gone": "该客户已不存在（已被他人删除）。",
            "customer.to_complete": "姓名是导入时按编号生成的占位名，请补充真实姓名。",
        },
    }
)


class CustomerForm(ipw.VBox):
    """Create or edit a customer; `value` is the id in the form (None: a new one).

    Data functions: `load(id) -> profile dict or None`, `create(data) -> row`,
    `update(id, changes, version) -> row`, `search(text, limit) -> rows` (for referrer and
    parent agent), and `channels`, a list of {id, name}. Bad input leaves every value in
    place, shows each problem next to its field and writes nothing; a save over someone
    else's newer change says who and when and offers to reload. `saved` counts saves.
    """

    value = traitlets.Int(None, allow_none=True)
    saved = traitlets.Int(0)

    @classmethod
    def for_page(cls, data, **kwargs) -> CustomerForm:
        """The form wired to a salesops.web.pagedata.PageData."""
        return cls(
            load=data.customer,
            create=data.create_customer,
            update=data.update_customer,
            search=data.search,
            channels=data.channels(),
            **kwargs,
        )

    def __init__(self, *, load, create, update, search, channels, **kwargs):
        self._load_fn, self._create, self._update = load, create, update
        self._version = None
        self._masked_mobile = False
        self.title = ipw.HTML()
        self.inputs = self._build_inputs(search, channels)
        self.errors = FieldErrors(FORM, self.inputs)
        self.save = hook(
            ipw.Button(description=label("customer.save"), button_style="primary"), FORM, "save"
        )
        self.new = hook(ipw.Button(description=label("customer.new")), FORM, "new")
        self.message = MessageArea(FORM)
        self.save.on_click(
            guard(self._on_save, self.message, self.errors, on_reload=self.reload, aliases=ALIASES)
        )
        self.new.on_click(guard(self._on_new, self.message, self.errors))
        self.observe(self._on_value, names="value")
        row = self.errors.row
        fields = ("name", "mobile", "wechat", "nickname", "region", "channel", "tags")
        left = ipw.VBox([row(f) for f in fields])
        right = ipw.VBox([row(f) for f in ("referrer", "agent", "parent", "notes")])
        super().__init__(
            children=[
                self.title,
                ipw.HBox([left, right]),
                ipw.HBox([self.save, self.new]),
                self.message,
            ],
            **kwargs,
        )
        self.add_class("so-customer-form")
        self._fill(None)

    def _build_inputs(self, search, channels) -> dict[str, ipw.DOMWidget]:
        """The form's inputs by field name, each hooked as so-customer-<field>."""

        def text(field, **kw):
            return styled(ipw.Text(description=label(f"customer.{field}"), **kw), FORM, field)

        def agents_only(term, limit=20):
            return [r for r in search(term, limit=limit) if r.get("is_agent")]

        options = [(label("customer.no_channel"), None)]
        options += [(c["name"], c["id"]) for c in channels]
        return {
            "name": text("name"),
            "mobile": keypad(text("mobile"), "tel"),
            "wechat": text("wechat"),
            "nickname": text("nickname"),
            "region": text("region"),
            "channel": styled(
                ipw.Dropdown(description=label("customer.channel"), options=options),
                FORM,
                "channel",
            ),
            "tags": text("tags", placeholder=label("customer.tags_hint")),
            "referrer": CustomerPicker(
                search, description=label("customer.referrer"), form=FORM, field="referrer", rows=4
            ),
            "agent": styled(
                ipw.Checkbox(description=label("customer.agent"), indent=True), FORM, "agent"
            ),
            "parent": CustomerPicker(
                agents_only, description=label("customer.parent"), form=FORM, field="parent", rows=4
            ),
            "notes": styled(
                ipw.Textarea(description=label("customer.notes"), rows=3), FORM, "notes"
            ),
        }

    def data(self) -> dict:
        """What the form holds, in the service's field names; without `mobile` when the
        stored number was shown masked and the box was left empty (the number stays)."""
        data = self._data()
        if self._masked_mobile and not data["mobile"].strip():
            del data["mobile"]
        return data

    def _data(self) -> dict:
        """Every input's value, in the service's field names."""
        i = self.inputs
        return {
            "name": i["name"].value,
            "mobile": i["mobile"].value,
            "wechat_id": i["wechat"].value,
            "nickname": i["nickname"].value,
            "region": i["region"].value,
            "channel_id": i["channel"].value,
            "referrer_id": i["referrer"].value,
            "tags": i["tags"].value,
            "notes": i["notes"].value,
            "is_agent": i["agent"].value,
            "parent_agent_id": i["parent"].value,
        }

    def _fill(self, row: dict | None) -> None:
        """Show `row` (a customer profile) in the inputs, or blank inputs for a new one."""
        row = row or {}
        i = self.inputs
        for field, key in (
            ("name", "name"),
            ("mobile", "mobile"),
            ("wechat", "wechat_id"),
            ("nickname", "nickname"),
            ("region", "region"),
            ("tags", "tags"),
            ("notes", "notes"),
        ):
            i[field].value = row.get(key) or ""
        # Staff see a stored mobile masked (salesops.masking): the box starts empty with the
        # masked number as its hint, and an empty box keeps the stored number on save.
        self._masked_mobile = is_masked(row.get("mobile"))
        i["mobile"].placeholder = row["mobile"] if self._masked_mobile else ""
        if self._masked_mobile:
            i["mobile"].value = ""
        if row.get("channel_id") is None:
            choose(i["channel"], None)  # "(none)", shown: a blank dropdown looks broken
        else:
            i["channel"].value = row["channel_id"]
        i["agent"].value = bool(row.get("is_agent"))
        for field, key in (("referrer", "referrer"), ("parent", "parent_agent")):
            i[field].term.value = ""
            i[field].choose(row.get(f"{key}_id"), row.get(f"{key}_name") or "")
        self._version = row.get("version")
        title = (
            label("customer.edit_title", code=row["code"], name=row["name"])
            if row
            else label("customer.new_title")
        )
        self.title.value = f"<h3>{html.escape(title)}</h3>" + (
            f"<p class='so-customer-to-complete'>{html.escape(label('customer.to_complete'))}</p>"
            if row.get("to_complete") == "name"
            else ""
        )

    def _on_value(self, change):
        """Another customer was chosen: show them (blank for None)."""
        self.errors.clear()
        self.message.clear()
        guard(self.reload, self.message)()

    def reload(self) -> None:
        """Show the stored copy of the customer in the form (discarding unsaved edits)."""
        if self.value is None:
            self._fill(None)
            return
        row = self._load_fn(self.value)
        if row is None:
            self.message.error(label("customer.gone"))
            return
        self._fill(row)

    def _on_save(self, _button):
        """Create the customer, or save the edits on the version that was loaded."""
        if self.value is None:
            row = self._create(self.data())
            self.value = row["id"]  # loads the stored copy (with its code and version)
            self.message.success(label("customer.created", code=row["code"], name=row["name"]))
        else:
            row = self._update(self.value, self.data(), self._version)
            self.reload()
            self.message.success(label("customer.updated", code=row["code"], name=row["name"]))
        self.saved += 1

    def _on_new(self, _button):
        """Start a blank form for a new customer."""
        if self.value is None:
            self._fill(None)
        self.value = None
        self.message.clear()
