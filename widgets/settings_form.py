"""The shop's own settings: name, business time zone, how money is shown, and the default
channel for imports (admins)."""

from __future__ import annotations

import html

import ipywidgets as ipw

from salesops import messages

from .common import FieldErrors, MessageArea, choose, guard, hook, label
from .tables import fit, fit_errors

FORM = "settings"
ALIASES = {"default_channel_id": "default_channel"}
SAMPLE = "1,234.50"

messages.add(
    {
        "en": {
            "settings.shop_name": "Shop name",
            "settings.shop_name_hint": "shown on the pages, e.g. 小雨水果",
            "settings.business_zone": "Time zone",
            "settings.zone_hint": "Asia/Shanghai (default)",
            "settings.zone_env": "The server fixes the time zone at {zone} (SALESOPS_TZ); "
            "the choice here applies when that is not set.",
            "settings.zone_note": "Days and weeks (today's numbers, the weekly sheet) are "
            "counted in this zone.",
            "settings.currency_format": "Money shown as",
            "settings.default_channel": "Default channel",
            "settings.no_channel": "(none: imports use 'offline')",
            "settings.channel_note": "Imported orders without a channel go to this one.",
            "settings.allow_backorder": "Sell into backorder",
            "settings.backorder_note": "Ticked: an order may take a product's stock below "
            "zero. Not ticked: paying an order with too little stock is refused.",
            "settings.save": "Save settings",
            "settings.saved": "Settings saved.",
        },
        "zh_CN": {
            "settings.shop_name": "店铺名称",
            "settings.shop_name_hint": "显示在页面上，如 小雨水果",
            "settings.business_zone": "时区",
            "settings.zone_hint": "Asia/Shanghai（默认）",
            "settings.zone_env": "服务器已用 SALESOPS_TZ 把时区固定为 {zone}；"
            "未设置时才使用这里的选择。",
            "settings.zone_note": "每天和每周的统计（今日概况、周报）按此时区计算。",
            "settings.currency_format": "金额显示",
            "settings.default_channel": "默认渠道",
            "settings.no_channel": "（无：导入时用 offline）",
            "settings.channel_note": "导入的订单没有渠道时记入此渠道。",
            "settings.allow_backorder": "允许缺货销售",
            "settings.backorder_note": "勾选：订单可使库存低于零。不勾选：库存不足时不能付款。",
            "settings.save": "保存设置",
            "settings.saved": "设置已保存。",
        },
    }
)


KEEP = object()  # reload_channels: keep what the dropdown shows


def _muted(text: str) -> ipw.HTML:
    """A quiet note under a field."""
    return ipw.HTML(f"<span class='so-muted'>{html.escape(text)}</span>")


class SettingsForm(ipw.VBox):
    """Shop name, time zone, currency display and default channel, saved together.

    Data functions: `load() -> settings` (as salesops.settings.get_settings),
    `save(changes, version)`, `choices() -> {zones, currencies}`, `channels() -> rows`
    (id, code, name, active). A zone fixed by the server's environment is shown, not
    offered. Hooks: so-settings-shop_name, -business_zone, -currency_format,
    -default_channel, -allow_backorder, -zone-note, -save, -message.
    """

    def __init__(self, *, load, save, choices, channels, **kwargs):
        self._load, self._save, self._channels = load, save, channels
        self._version = 0
        options = choices()
        self.inputs = {
            "shop_name": ipw.Text(placeholder=label("settings.shop_name_hint")),
            "business_zone": ipw.Combobox(
                options=options["zones"],
                ensure_option=True,
                placeholder=label("settings.zone_hint"),
            ),
            "currency_format": ipw.Dropdown(
                options=[(c.replace("{}", SAMPLE), c) for c in options["currencies"]]
            ),
            "default_channel": ipw.Dropdown(),
            "allow_backorder": ipw.Checkbox(indent=False),
        }
        for field, widget in self.inputs.items():
            widget.description = label(f"settings.{field}")
            widget.style.description_width = "110px"
            fit(hook(widget, FORM, field))
        self.errors = FieldErrors(FORM, self.inputs)
        fit_errors(self.errors)
        self.zone_note = hook(ipw.HTML(), FORM, "zone-note")
        self.save = hook(
            ipw.Button(description=label("settings.save"), button_style="primary"), FORM, "save"
        )
        self.message = MessageArea(FORM)
        self.save.on_click(
            guard(self._on_save, self.message, self.errors, on_reload=self.reload, aliases=ALIASES)
        )
        row = self.errors.row
        note = _muted(label("settings.channel_note"))
        super().__init__(
            children=[
                row("shop_name"),
                row("business_zone"),
                self.zone_note,
                row("currency_format"),
                row("default_channel"),
                note,
                row("allow_backorder"),
                _muted(label("settings.backorder_note")),
                self.save,
                self.message,
            ],
            **kwargs,
        )
        self.add_class("so-settings-form")
        self.reload()

    @classmethod
    def for_page(cls, data) -> SettingsForm:
        """The form on PageData's settings methods."""
        return cls(
            load=data.shop_settings,
            save=data.save_shop_settings,
            choices=data.settings_choices,
            channels=data.channel_list,
        )

    def reload(self) -> None:
        """Show the stored settings (discarding unsaved edits)."""
        current = self._load()
        self._version = current["version"]
        self.reload_channels(current["default_channel_id"])
        i = self.inputs
        i["shop_name"].value = current["shop_name"]
        i["business_zone"].value = current["business_zone"] or ""
        i["currency_format"].value = current["currency_format"]
        i["allow_backorder"].value = bool(current.get("allow_backorder"))
        fixed = current["zone_source"] == "environment"
        i["business_zone"].disabled = fixed
        text = (
            label("settings.zone_env", zone=current["zone"])
            if fixed
            else label("settings.zone_note")
        )
        self.zone_note.value = f"<span class='so-muted'>{html.escape(text)}</span>"

    def reload_channels(self, chosen=KEEP) -> None:
        """Offer the active channels and show `chosen` (an id, or None for "(none)"); by
        default the current choice stays. One that is no longer offered shows "(none)"."""
        box = self.inputs["default_channel"]
        keep = box.value if chosen is KEEP else chosen
        rows = [r for r in self._channels() if r["active"]]
        options = [(label("settings.no_channel"), None)]
        options += [(f"{r['name']} ({r['code']})", r["id"]) for r in rows]
        box.options = options
        choose(box, keep)  # never a blank box

    def data(self) -> dict:
        """What the form holds, in the service's field names."""
        i = self.inputs
        values = {
            "shop_name": i["shop_name"].value,
            "currency_format": i["currency_format"].value,
            "default_channel_id": i["default_channel"].value,
            "allow_backorder": i["allow_backorder"].value,
        }
        if not i["business_zone"].disabled:
            values["business_zone"] = i["business_zone"].value
        return values

    def _on_save(self, _button) -> None:
        """Save the settings on the version that was loaded."""
        self._save(self.data(), self._version)
        self.reload()
        self.message.success(label("settings.saved"))
