"""Customers who are probably the same person: the pairs with their evidence, merge, undo.

`DuplicatesPanel(find, merge, unmerge, can_merge)` takes data functions
(PageData.duplicates, .merge_customers, .unmerge), never a database. Finding reads every
active customer, so it runs when someone presses "Look for duplicates", not on page load.
Each pair offers "keep A" and "keep B"; the merge just made can be undone from the
message. The merge service decides who may merge (customers.edit) and audits it.
"""

from __future__ import annotations

from html import escape

import ipywidgets as ipw
import traitlets

from salesops import messages

from .common import MessageArea, guard, hook, label

FORM = "dups"
SHOWN_PAIRS = 20  # pairs listed at once; the rest are counted

messages.add(
    {
        "en": {
            "dups.title": "Possible duplicates",
            "dups.find": "Look for duplicates",
            "dups.none": "No likely duplicates found.",
            "dups.count": "{n} likely pairs; merging moves orders, follow-ups, referrals, "
            "memberships and reviews onto the customer kept, and can be undone.",
            "dups.more": "… and {n} more pairs, shown after these are dealt with",
            "dups.keep": "Keep {code}",
            "dups.merged": "Merged {other} into {keep} (merge #{id}).",
            "dups.undo": "Undo merge #{id}",
            "dups.undone": "Merge #{id} undone: {other} is back as it was.",
        },
        "zh_CN": {
            "dups.title": "可能重复的客户",
            "dups.find": "查找重复客户",
            "dups.none": "没有发现可能重复的客户。",
            "dups.count": "共 {n} 对可能重复；合并会把订单、跟进、推荐、社群成员和评价"
            "移到保留的客户，可以撤销。",
            "dups.more": "……另有 {n} 对，处理完上面的再显示",
            "dups.keep": "保留 {code}",
            "dups.merged": "已把 {other} 合并到 {keep}（合并 #{id}）。",
            "dups.undo": "撤销合并 #{id}",
            "dups.undone": "已撤销合并 #{id}：{other} 已恢复原样。",
        },
    }
)


def who(c: dict) -> str:
    """A customer as staff recognise them: code, name, mobile, WeChat ID, region."""
    parts = [c.get("code"), c.get("name"), c.get("mobile"), c.get("wechat_id"), c.get("region")]
    return " · ".join(escape(str(p)) for p in parts if p)


class DuplicatesPanel(ipw.VBox):
    """Candidate pairs with evidence and a merge button per side; undo of the last merge.

    `merge_id` is the merge just made (None after an undo); `changed` counts merges and
    undos, for a view that shows customers to re-read. Hooks: so-dups-find, so-dups-list,
    so-dups-pair, so-dups-keep-a, so-dups-keep-b, so-dups-undo, so-dups-message.
    """

    merge_id = traitlets.Int(None, allow_none=True)
    kept_id = traitlets.Int(None, allow_none=True)
    changed = traitlets.Int(0)

    @classmethod
    def for_page(cls, data, **kwargs) -> DuplicatesPanel:
        """The panel wired to a salesops.web.pagedata.PageData; merging is offered to whoever
        may edit customers (what the merge service requires)."""
        can_merge = data.actor.can("customers.edit")
        return cls(data.duplicates, data.merge_customers, data.unmerge, can_merge, **kwargs)

    def __init__(self, find, merge, unmerge, can_merge: bool, **kwargs):
        self._find, self._merge, self._unmerge = find, merge, unmerge
        self.can_merge = can_merge
        self.pairs: list[dict] = []
        self.find = hook(
            ipw.Button(
                description=label("dups.find"),
                icon="search",
                layout=ipw.Layout(width="auto", align_self="flex-start"),
            ),
            FORM,
            "find",
        )
        self.summary = hook(ipw.HTML(""), FORM, "summary")
        self.list = hook(ipw.VBox(), FORM, "list")
        self.message = MessageArea(FORM)
        self.undo = hook(
            ipw.Button(
                button_style="warning",
                icon="undo",
                layout=ipw.Layout(width="auto", display="none", align_self="flex-start"),
            ),
            FORM,
            "undo",
        )
        self.find.on_click(guard(lambda _b: self.refresh(), self.message))
        self.undo.on_click(guard(self._on_undo, self.message))
        super().__init__([self.find, self.message, self.undo, self.summary, self.list], **kwargs)
        self.add_class("so-dups")

    def refresh(self) -> None:
        """Find the candidate pairs again and list the first SHOWN_PAIRS."""
        self.pairs = self._find()
        n = len(self.pairs)
        text = label("dups.count", n=n) if n else label("dups.none")
        more = label("dups.more", n=n - SHOWN_PAIRS) if n > SHOWN_PAIRS else ""
        self.summary.value = f"<p>{escape(text)}</p>"
        self.list.children = [self._row(p) for p in self.pairs[:SHOWN_PAIRS]] + (
            [ipw.HTML(f"<p class='so-empty'>{escape(more)}</p>")] if more else []
        )

    def _row(self, pair: dict) -> ipw.Widget:
        """One pair: both customers, the evidence, and a button to keep either one."""
        a, b = pair["a"], pair["b"]
        evidence = "; ".join(pair["evidence"])
        text = ipw.HTML(
            f"<div>{who(a)}</div><div>{who(b)}</div><div class='so-empty'>{escape(evidence)}</div>",
            layout=ipw.Layout(flex="1 1 auto"),
        )
        buttons = []
        if self.can_merge:
            for side, keep, other in (("a", a, b), ("b", b, a)):
                button = hook(
                    ipw.Button(
                        description=label("dups.keep", code=keep["code"]),
                        layout=ipw.Layout(width="auto"),
                    ),
                    FORM,
                    f"keep-{side}",
                )
                button.on_click(
                    guard(lambda _b, k=keep, o=other: self._on_merge(k, o, evidence), self.message)
                )
                buttons.append(button)
        row = hook(
            ipw.HBox(
                [text, ipw.VBox(buttons)],
                layout=ipw.Layout(
                    align_items="center", border_bottom="1px solid #eee", padding="4px 0"
                ),
            ),
            FORM,
            "pair",
        )
        return row

    def _on_merge(self, keep: dict, other: dict, evidence: str) -> None:
        """Merge `other` into `keep`, say so with the merge id, and offer the undo."""
        done = self._merge(keep["id"], other["id"], evidence)
        self.merge_id, self.kept_id = done["id"], keep["id"]
        self._merged = (keep["code"], other["code"])
        self.message.success(
            label("dups.merged", other=other["code"], keep=keep["code"], id=done["id"])
        )
        self.undo.description = label("dups.undo", id=done["id"])
        self.undo.layout.display = ""
        self.changed += 1
        self.refresh()

    def _on_undo(self, _button) -> None:
        """Undo the merge just made."""
        self._unmerge(self.merge_id)
        self.message.success(label("dups.undone", id=self.merge_id, other=self._merged[1]))
        self.undo.layout.display = "none"
        self.merge_id = None
        self.changed += 1
        self.refresh()
