"""Erase a customer's personal data on their request (PIPL): an admin's action on the
customers page, for the customer shown (`value`).

`ErasePanel(erase, can_erase)` takes PageData.erase_customer and whether the person may
(admins); others never see it, and the service refuses them anyway. It asks for the
reason (kept in the erasure record) and a tick that this cannot be undone.
"""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops import messages

from .common import MessageArea, guard, hook, label, styled

FORM = "erase"

messages.add(
    {
        "en": {
            "erase.title": "Erase personal data",
            "erase.explain": "At the customer's request: their name, mobile, WeChat ID, "
            "addresses and notes are removed everywhere, for good, also from the change "
            "log; their orders stay, with amounts and dates, under an anonymous record.",
            "erase.reason": "Reason",
            "erase.reason_hint": "e.g. asked by WeChat on 12-01 (no name or number)",
            "erase.sure": "I understand this cannot be undone",
            "erase.go": "Erase personal data",
            "erase.confirm_first": "Tick the box to confirm first; nothing was changed.",
            "erase.erased": "Personal data of {code} erased (erasure #{id}).",
        },
        "zh_CN": {
            "erase.title": "删除个人信息",
            "erase.explain": "应客户要求：其姓名、手机号、微信号、地址和备注将从各处彻底删除，"
            "包括修改记录；订单及金额、日期保留在一条匿名记录下。",
            "erase.reason": "原因",
            "erase.reason_hint": "例如：12-01 微信上提出（不要写姓名或号码）",
            "erase.sure": "我知道删除后无法恢复",
            "erase.go": "删除个人信息",
            "erase.confirm_first": "请先勾选确认；未做任何修改。",
            "erase.erased": "已删除 {code} 的个人信息（删除记录 #{id}）。",
        },
    }
)


class ErasePanel(ipw.VBox):
    """The reason, the tick, the button; `erased` counts erasures done here (a view that
    shows the customer should let go of them). Hooks: so-erase-reason, so-erase-sure,
    so-erase-go, so-erase-message."""

    value = traitlets.Int(None, allow_none=True)
    erased = traitlets.Int(0)

    @classmethod
    def for_page(cls, data, **kwargs) -> ErasePanel:
        """The panel wired to a salesops.web.pagedata.PageData."""
        return cls(data.erase_customer, data.may_erase(), **kwargs)

    def __init__(self, erase, can_erase: bool, **kwargs):
        self._erase = erase
        self.can_erase = can_erase
        title = ipw.HTML(f"<h4>{label('erase.title')}</h4>")
        title.add_class("so-section")
        explain = ipw.HTML(f"<p class='so-empty'>{label('erase.explain')}</p>")
        self.reason = styled(
            ipw.Text(description=label("erase.reason"), placeholder=label("erase.reason_hint")),
            FORM,
            "reason",
            width="min(420px, 100%)",
        )
        self.sure = hook(ipw.Checkbox(description=label("erase.sure"), indent=False), FORM, "sure")
        self.go = hook(
            ipw.Button(description=label("erase.go"), button_style="danger", icon="trash"),
            FORM,
            "go",
        )
        self.message = MessageArea(FORM)
        self.go.on_click(guard(self._on_erase, self.message))
        self.inputs = ipw.VBox([explain, self.reason, self.sure, self.go])
        super().__init__(
            [title, self.inputs, self.message],
            layout=ipw.Layout(display="none"),
            **kwargs,
        )
        self.add_class("so-erase")

    @traitlets.observe("value")
    def _on_value(self, change) -> None:
        """Shown to those who may erase, for a chosen customer (a new one starts blank);
        after an erasure only its message stays, until another customer is chosen."""
        if change["new"]:
            self.message.clear()
        self.reason.value, self.sure.value = "", False
        self.inputs.layout.display = "" if change["new"] else "none"
        shown = change["new"] or self.message.kind == "success"
        self.layout.display = "" if self.can_erase and shown else "none"

    def _on_erase(self, _button) -> None:
        """Erase the customer shown, once the box is ticked; say so with the record's id."""
        if not self.sure.value:
            self.message.error(label("erase.confirm_first"))
            return
        done = self._erase(self.value, self.reason.value)
        self.message.success(label("erase.erased", code=done["customer_code"], id=done["id"]))
        self.erased += 1
