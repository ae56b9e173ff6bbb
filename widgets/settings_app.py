"""The Shop settings page as one component (admins): the shop's settings, its channels,
and the staff accounts."""

from __future__ import annotations

from html import escape

import ipywidgets as ipw

from salesops import messages

from .accounts_panel import AccountsPanel
from .channel_panel import ChannelPanel
from .common import label
from .settings_form import SettingsForm
from .tables import style

messages.add(
    {
        "en": {
            "settings.title": "Shop settings",
            "settings.shop": "The shop",
            "settings.channels": "Channels",
            "settings.accounts": "Staff accounts",
            "settings.admins_only": "Only admins change the shop settings; ask yours.",
        },
        "zh_CN": {
            "settings.title": "店铺设置",
            "settings.shop": "店铺",
            "settings.channels": "渠道",
            "settings.accounts": "员工账号",
            "settings.admins_only": "只有管理员可以修改店铺设置，请联系管理员。",
        },
    }
)


def _heading(key: str) -> ipw.HTML:
    """A section heading with a rule above it."""
    heading = ipw.HTML(f"<h3>{escape(label(key))}</h3>")
    heading.add_class("so-section")
    return heading


class SettingsApp(ipw.VBox):
    """The shop's settings (a SettingsForm), channels (a ChannelPanel) and staff accounts
    (an AccountsPanel), each a section; a channel added or renamed is offered at once as
    the default channel."""

    def __init__(
        self,
        form: SettingsForm,
        channels: ChannelPanel,
        accounts: AccountsPanel,
        title: bool = True,
        **kwargs,
    ):
        self.form, self.channels, self.accounts = form, channels, accounts
        channels.observe(lambda _c: form.reload_channels(), names="changed")
        top = [ipw.HTML(f"<h2>{escape(label('settings.title'))}</h2>")] if title else []
        super().__init__(
            children=[
                style(),
                *top,
                _heading("settings.shop"),
                form,
                _heading("settings.channels"),
                channels,
                _heading("settings.accounts"),
                accounts,
            ],
            **kwargs,
        )
        self.add_class("so-settings-app")

    @classmethod
    def for_page(cls, data, title: bool = True) -> ipw.Widget:
        """The page for an admin; anyone else is told, in plain words, who may use it."""
        if not data.actor.can("settings.edit"):
            refusal = ipw.HTML(f"<p>{escape(label('settings.admins_only'))}</p>")
            refusal.add_class("so-settings-refused")
            return refusal
        return cls(
            SettingsForm.for_page(data),
            ChannelPanel.for_page(data),
            AccountsPanel.for_page(data),
            title=title,
        )
