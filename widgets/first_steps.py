"""A new shop's checklist on the landing page: the first steps not done yet, each with the
way to where it is done."""

from __future__ import annotations

from html import escape

import ipywidgets as ipw

from salesops import messages

from .common import hook, label

FORM = "steps"

messages.add(
    {
        "en": {
            "steps.title": "Getting started ({done} of {total} done)",
            "steps.products": "Add your products, with their prices and costs",
            "steps.channels": "Add the channels your orders come from",
            "steps.staff": "Add accounts for your staff",
            "steps.data": "Import your customers or orders (or enter the first one)",
            "steps.go": "Open",
        },
        "zh_CN": {
            "steps.title": "开店第一步（已完成 {done} / {total}）",
            "steps.products": "添加商品，填写售价和成本",
            "steps.channels": "添加订单来源渠道",
            "steps.staff": "为员工添加账号",
            "steps.data": "导入客户或订单（或录入第一位客户、第一笔订单）",
            "steps.go": "前往",
        },
    }
)


class FirstSteps(ipw.VBox):
    """The steps of salesops.first_steps not done yet, each a line with a way there; hidden
    once all are done.

    `steps()` returns [{key, done}]; `targets` maps a step's key to ("tab", title), opened
    with `open_tab(title)`, or ("page", file), a link to that page. `refresh()` reads the
    steps (the landing page calls it with today's numbers). Hooks: so-steps (the box),
    so-steps-title, so-steps-<key> (a step's line) and so-steps-<key>-go (its way there).
    """

    def __init__(self, steps, targets: dict, open_tab=None, **kwargs):
        self._steps, self._targets, self._open_tab = steps, targets, open_tab
        self.title = hook(ipw.HTML(), FORM, "title")
        self.items = ipw.VBox()
        super().__init__(children=[self.title, self.items], **kwargs)
        self.add_class("so-steps")
        self.layout.border = "1px solid #c8d6e5"
        self.layout.padding = "4px 12px"
        self.layout.margin = "0 0 10px 0"
        self.layout.display = "none"  # until refresh() has read the steps

    @property
    def pending(self) -> list[str]:
        """The keys of the steps shown (not done yet)."""
        return [item.step for item in self.items.children]

    def refresh(self) -> None:
        """Read the steps again; show those not done, or nothing when all are."""
        steps = self._steps()
        todo = [s["key"] for s in steps if not s["done"]]
        self.layout.display = "" if todo else "none"
        self.title.value = (
            f"<b>{escape(label('steps.title', done=len(steps) - len(todo), total=len(steps)))}</b>"
        )
        self.items.children = [self._item(key) for key in todo]

    def _item(self, key: str) -> ipw.HBox:
        """One step's line: what to do and the way there."""
        kind, where = self._targets[key]
        if kind == "tab" and self._open_tab is not None:
            go = ipw.Button(description=label("steps.go"), layout=ipw.Layout(width="auto"))
            go.on_click(lambda _b: self._open_tab(where))
        else:
            go = ipw.HTML(
                f"<a href='{escape(where)}' target='_blank'>{escape(label('steps.go'))} →</a>"
            )
        hook(go, FORM, f"{key}-go")
        line = hook(
            ipw.HBox(
                [ipw.HTML(f"☐ {escape(label(f'steps.{key}'))}"), go],
                layout=ipw.Layout(align_items="center", flex_flow="row wrap"),
            ),
            FORM,
            key,
        )
        line.step = key
        return line
