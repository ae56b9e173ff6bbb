"""One customer's communities (社群) and order-shares (晒单), under their 360 view."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops import messages
from salesops.errors import ValidationError

from .common import FieldErrors, MessageArea, choose, guard, hook, label, local_time
from .tables import cell, fit, fit_errors, subhead, table

FORM = "social"
ALIASES = {"posted_at": "posted", "content": "note", "joined_at": "joined", "left_at": "joined"}

messages.add(
    {
        "en": {
            "social.communities": "Communities",
            "social.reviews": "晒单 (order-shares and reviews)",
            "social.col.community": "Community",
            "social.col.joined": "Joined",
            "social.col.left": "Left",
            "social.col.order": "Order",
            "social.col.platform": "Where",
            "social.col.posted": "Posted",
            "social.col.rating": "Rating",
            "social.col.note": "Note / link",
            "social.no_communities": "Not in any community.",
            "social.no_reviews": "No 晒单 recorded yet.",
            "social.from": "from this community",
            "social.community": "Community",
            "social.pick": "choose a community…",
            "social.joined": "Day",
            "social.day_hint": "YYYY-MM-DD, blank: today",
            "social.join": "Add to community",
            "social.leave": "Leave community",
            "social.order": "Order",
            "social.platform": "Posted on",
            "social.posted": "Posted",
            "social.rating": "Rating",
            "social.no_rating": "no rating",
            "social.note": "Note",
            "social.link": "Link",
            "social.record": "Record 晒单",
            "social.joined_done": "{name} joined {community}.",
            "social.left_done": "{name} left {community} (the stay is kept).",
            "social.recorded": "晒单 recorded for order {order_no}.",
        },
        "zh_CN": {
            "social.communities": "社群",
            "social.reviews": "晒单与评价",
            "social.col.community": "社群",
            "social.col.joined": "加入",
            "social.col.left": "退出",
            "social.col.order": "订单",
            "social.col.platform": "平台",
            "social.col.posted": "日期",
            "social.col.rating": "评分",
            "social.col.note": "备注 / 链接",
            "social.no_communities": "未加入任何社群。",
            "social.no_reviews": "还没有晒单记录。",
            "social.from": "由此社群带来",
            "social.community": "社群",
            "social.pick": "选择社群…",
            "social.joined": "日期",
            "social.day_hint": "YYYY-MM-DD，留空为今天",
            "social.join": "加入社群",
            "social.leave": "退出社群",
            "social.order": "订单",
            "social.platform": "发布平台",
            "social.posted": "发布日期",
            "social.rating": "评分",
            "social.no_rating": "无评分",
            "social.note": "备注",
            "social.link": "链接",
            "social.record": "记录晒单",
            "social.joined_done": "{name} 已加入 {community}。",
            "social.left_done": "{name} 已退出 {community}（记录保留）。",
            "social.recorded": "已记录订单 {order_no} 的晒单。",
        },
    }
)


def stay_rows(rows: list[dict]) -> list[tuple[str, list[str]]]:
    """Table rows of a customer's stays in communities."""
    out = []
    for r in rows:
        note = label("social.from") if r["brought_in"] else ""
        out.append(
            (
                "so-stay-row" + (" so-archived" if r["left_at"] else ""),
                [
                    cell(r["community"], note),
                    cell(local_time(r["joined_at"], with_time=False)),
                    cell(local_time(r["left_at"], with_time=False) if r["left_at"] else ""),
                ],
            )
        )
    return out


def review_rows(rows: list[dict]) -> list[tuple[str, list[str]]]:
    """Table rows of order-shares."""
    return [
        (
            "so-review-row",
            [
                cell(r["order_no"]),
                cell(r["platform_label"]),
                cell(r["posted"]),
                cell("★" * r["rating"] if r["rating"] else ""),
                cell(r["content"], r["link"]),
            ],
        )
        for r in rows
    ]


class ReviewForm(ipw.VBox):
    """Record a 晒单 of one of the orders offered: platform, day, rating, note, link.

    `record(order_id, data)` saves it; `orders` are (label, id) choices. `recorded` counts
    saves. Hooks: so-social-order, -platform, -posted, -rating, -note, -link, -record."""

    recorded = traitlets.Int(0)

    def __init__(self, *, record, platforms, message: MessageArea, **kwargs):
        self._record, self.message = record, message

        def text(field, hint=""):
            widget = ipw.Text(description=label(f"social.{field}"), placeholder=hint)
            return fit(hook(widget, FORM, field))

        rating = [(label("social.no_rating"), "")] + [(str(n), str(n)) for n in range(1, 6)]
        self.inputs = {
            "order": fit(hook(ipw.Dropdown(description=label("social.order")), FORM, "order")),
            "platform": fit(
                hook(
                    ipw.Dropdown(description=label("social.platform"), options=platforms),
                    FORM,
                    "platform",
                )
            ),
            "posted": text("posted", label("social.day_hint")),
            "rating": fit(
                hook(
                    ipw.Dropdown(description=label("social.rating"), options=rating),
                    FORM,
                    "rating",
                )
            ),
            "note": fit(hook(ipw.Textarea(description=label("social.note"), rows=2), FORM, "note")),
            "link": text("link", "https://…"),
        }
        self.errors = FieldErrors(FORM, self.inputs)
        fit_errors(self.errors)
        self.button = hook(
            ipw.Button(description=label("social.record"), button_style="primary"), FORM, "record"
        )
        self.button.on_click(guard(self._on_record, message, self.errors, aliases=ALIASES))
        super().__init__(
            children=[self.errors.row(f) for f in self.inputs] + [self.button], **kwargs
        )

    def offer(self, orders: list[tuple[str, int]], chosen: int | None = None) -> None:
        """The orders a 晒单 can be about (the first, or `chosen`, picked)."""
        self.inputs["order"].options = orders
        if chosen is not None and any(i == chosen for _l, i in orders):
            self.inputs["order"].value = chosen
        elif orders:
            self.inputs["order"].value = orders[0][1]
        self.button.disabled = not orders

    def _on_record(self, _button=None) -> None:
        """Save the 晒单; clear the fields that belong to it."""
        i = self.inputs
        order_id = i["order"].value
        order_no = i["order"].label.split()[0] if i["order"].label else ""
        self._record(
            order_id,
            {
                "platform": i["platform"].value,
                "posted": i["posted"].value,
                "rating": i["rating"].value,
                "content": i["note"].value,
                "link": i["link"].value,
            },
        )
        for field in ("posted", "note", "link"):
            i[field].value = ""
        i["rating"].index = 0
        self.message.success(label("social.recorded", order_no=order_no))
        self.recorded += 1


class CustomerSocial(ipw.VBox):
    """The communities customer `value` is (and was) in, adding them to one or taking them
    out, and their 晒单 with a form to record one on an order of theirs.

    Data functions: `stays(id)`, `communities()`, `join(community_id, id, day)`,
    `leave(community_id, id, day)`, `reviews(id)`, `orders(id)` -> (label, order id),
    `record(order_id, data)`, and `platforms` (label, code). `changed` counts changes.
    Hooks: so-social-stays, -community, -joined, -join, -leave, -reviews, -message and the
    review form's."""

    value = traitlets.Int(None, allow_none=True)
    changed = traitlets.Int(0)

    @classmethod
    def for_page(cls, data, **kwargs) -> CustomerSocial:
        """The part wired to a salesops.web.pagedata.PageData."""
        return cls(
            stays=data.customer_communities,
            communities=data.community_list,
            join=data.join_community,
            leave=data.leave_community,
            reviews=data.customer_reviews,
            orders=data.customer_order_choices,
            record=data.record_review,
            platforms=data.review_platforms(),
            **kwargs,
        )

    def __init__(self, *, stays, communities, join, leave, reviews, orders, record, platforms):
        self._stays, self._communities, self._join, self._leave = stays, communities, join, leave
        self._reviews, self._orders = reviews, orders
        self._record, self._platforms = record, platforms
        self.message = MessageArea(FORM)
        # The inputs are made when the first customer is shown, so the customers page (and
        # its landing tab) opens as fast as before it had this part.
        super().__init__(children=[self.message])
        self.add_class("so-social")
        self.observe(lambda _c: self.refresh(), names="value")
        self.refresh()

    def _build(self) -> None:
        """The lists, the community choice with its buttons, and the 晒单 form."""
        self.stays = hook(ipw.HTML(), FORM, "stays")
        self.reviews = hook(ipw.HTML(), FORM, "reviews")
        self.community = fit(
            hook(ipw.Dropdown(description=label("social.community")), FORM, "community")
        )
        day = ipw.Text(description=label("social.joined"), placeholder=label("social.day_hint"))
        self.inputs = {"joined": fit(hook(day, FORM, "joined"))}
        self.errors = FieldErrors(FORM, self.inputs)
        fit_errors(self.errors)
        self.join = hook(ipw.Button(description=label("social.join")), FORM, "join")
        self.leave = hook(ipw.Button(description=label("social.leave")), FORM, "leave")
        self.join.on_click(guard(self._on_join, self.message, self.errors, aliases=ALIASES))
        self.leave.on_click(guard(self._on_leave, self.message, self.errors, aliases=ALIASES))
        self.form = ReviewForm(record=self._record, platforms=self._platforms, message=self.message)
        self.form.observe(lambda _c: self._after(), names="recorded")
        buttons = ipw.HBox([self.join, self.leave])
        buttons.add_class("so-row")
        self.children = [
            subhead(label("social.communities")),
            self.stays,
            self.community,
            self.errors.row("joined"),
            buttons,
            subhead(label("social.reviews")),
            self.reviews,
            self.form,
            self.message,
        ]

    def refresh(self) -> None:
        """Read the customer's communities, 晒单 and orders again."""
        self.layout.display = "none" if self.value is None else ""
        if self.value is None:
            return
        if not hasattr(self, "form"):
            self._build()
        guard(self._show, self.message)()

    def _show(self) -> None:
        stays = self._stays(self.value)
        self.stays.value = table(
            [(label(f"social.col.{c}"), "") for c in ("community", "joined", "left")],
            stay_rows(stays),
            "so-stays",
            label("social.no_communities"),
        )
        chosen = self.community.value
        self.community.options = [(label("social.pick"), None)] + [
            (r["name"], r["id"]) for r in self._communities()
        ]
        choose(self.community, chosen)  # kept, else the "choose…" line (never a blank box)
        self.reviews.value = table(
            [
                (label(f"social.col.{c}"), "")
                for c in ("order", "platform", "posted", "rating", "note")
            ],
            review_rows(self._reviews(self.value)),
            "so-reviews",
            label("social.no_reviews"),
        )
        self.form.offer(self._orders(self.value))

    def _picked(self) -> tuple[int, str]:
        """The chosen community's id and name (a plain error when none is chosen)."""
        if self.community.value is None:
            raise ValidationError.one("error.required", "community")
        return self.community.value, self.community.label

    def _on_join(self, _button=None) -> None:
        """Add the customer to the chosen community from the day given (today)."""
        community_id, name = self._picked()
        self._join(community_id, self.value, self.inputs["joined"].value)
        self._after()
        self.message.success(label("social.joined_done", name="", community=name).strip())

    def _on_leave(self, _button=None) -> None:
        """Record that the customer left the chosen community on the day given (today)."""
        community_id, name = self._picked()
        self._leave(community_id, self.value, self.inputs["joined"].value)
        self._after()
        self.message.success(label("social.left_done", name="", community=name).strip())

    def _after(self) -> None:
        self.inputs["joined"].value = ""
        self.changed += 1
        self._show()
