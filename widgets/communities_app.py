"""The Communities page (社群): the communities, a new one, and one community's members
with their mobiles and who bought what; add a customer or a new person, or record that
someone left. Staff see the members' mobiles masked, with "show" under the list
(widgets.list_reveal; a tel: link once whole)."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops import messages
from salesops.errors import ValidationError

from .common import FieldErrors, MessageArea, choose, guard, hook, label, local_time, money
from .customer_picker import CustomerPicker
from .list_reveal import ListReveal, mobile_cell
from .tables import cell, fit, fit_errors, style, subhead, table

FORM = "communities"
ALIASES = {"channel_id": "channel", "owner_id": "owner", "joined_at": "day", "left_at": "day"}

messages.add(
    {
        "en": {
            "communities.title": "Communities",
            "communities.none": "No communities yet: add the groups your buyers are in.",
            "communities.col.name": "Community",
            "communities.col.channel": "Channel",
            "communities.col.owner": "Owner",
            "communities.col.members": "Members",
            "communities.col.buyers": "Bought",
            "communities.ever": "{n} ever",
            "communities.add_title": "New community",
            "communities.name": "Name",
            "communities.name_hint": "e.g. 宝妈育儿交流群",
            "communities.channel": "Channel",
            "communities.no_channel": "(none)",
            "communities.owner": "Owner",
            "communities.add": "Create community",
            "communities.added": "Created community {name}.",
            "communities.pick": "Community",
            "communities.pick_none": "choose a community…",
            "communities.members_title": "Members",
            "communities.show_left": "Show those who left",
            "communities.no_members": "Nobody in this community yet.",
            "communities.col.person": "Member",
            "communities.col.mobile": "Mobile",
            "communities.col.joined": "Joined",
            "communities.col.orders": "Orders",
            "communities.col.revenue": "Revenue",
            "communities.col.bought": "Bought",
            "communities.left": "left {day}",
            "communities.from": "from this community",
            "communities.customer": "Customer",
            "communities.day": "Day",
            "communities.day_hint": "YYYY-MM-DD, blank: today",
            "communities.join": "Add member",
            "communities.leave": "Left the community",
            "communities.new_title": "Someone new (not a customer yet)",
            "communities.new_name": "Name",
            "communities.nickname": "WeChat nickname",
            "communities.mobile": "Mobile",
            "communities.wechat": "WeChat ID",
            "communities.add_new": "Add as customer and member",
            "communities.joined_done": "{who} joined {community}.",
            "communities.left_done": "{who} left {community} (the stay is kept).",
        },
        "zh_CN": {
            "communities.title": "社群",
            "communities.none": "还没有社群：请添加买家所在的群。",
            "communities.col.name": "社群",
            "communities.col.channel": "渠道",
            "communities.col.owner": "群主",
            "communities.col.members": "成员",
            "communities.col.buyers": "已购买",
            "communities.ever": "累计 {n}",
            "communities.add_title": "新建社群",
            "communities.name": "名称",
            "communities.name_hint": "如 宝妈育儿交流群",
            "communities.channel": "渠道",
            "communities.no_channel": "（无）",
            "communities.owner": "群主",
            "communities.add": "新建社群",
            "communities.added": "已新建社群 {name}。",
            "communities.pick": "社群",
            "communities.pick_none": "选择社群…",
            "communities.members_title": "成员",
            "communities.show_left": "显示已退出的成员",
            "communities.no_members": "这个社群还没有成员。",
            "communities.col.person": "成员",
            "communities.col.mobile": "手机",
            "communities.col.joined": "加入",
            "communities.col.orders": "订单",
            "communities.col.revenue": "金额",
            "communities.col.bought": "买过",
            "communities.left": "{day} 退出",
            "communities.from": "由此社群带来",
            "communities.customer": "客户",
            "communities.day": "日期",
            "communities.day_hint": "YYYY-MM-DD，留空为今天",
            "communities.join": "添加成员",
            "communities.leave": "已退出社群",
            "communities.new_title": "新朋友（还不是客户）",
            "communities.new_name": "姓名",
            "communities.nickname": "微信昵称",
            "communities.mobile": "手机号",
            "communities.wechat": "微信号",
            "communities.add_new": "新建客户并加入",
            "communities.joined_done": "{who} 已加入 {community}。",
            "communities.left_done": "{who} 已退出 {community}（记录保留）。",
        },
    }
)


def community_rows(rows: list[dict]) -> list[tuple[str, list[str]]]:
    """Table rows of the communities."""
    return [
        (
            "so-community-row",
            [
                cell(r["name"]),
                cell(r["channel"]),
                cell(r["owner"], r["owner_code"] or ""),
                cell(r["members"], label("communities.ever", n=r["members_ever"])),
                cell(r["buyers"]),
            ],
        )
        for r in rows
    ]


def member_rows(rows: list[dict], shown: dict | None = None) -> list[tuple[str, list[str]]]:
    """Table rows of a community's members: who, their mobile (in full where `shown`, a
    dict customer id -> number, has it), since when, what they bought."""
    out, shown = [], shown or {}
    for r in rows:
        day = local_time(r["joined_at"], with_time=False)
        note = label("communities.left", day=local_time(r["left_at"], with_time=False))
        who = f"{r['code']} {r['name']}" + (f" ({r['nickname']})" if r["nickname"] else "")
        out.append(
            (
                "so-member-row" + (" so-archived" if r["left_at"] else ""),
                [
                    cell(who, label("communities.from") if r["brought_in"] else ""),
                    mobile_cell(shown.get(r["customer_id"], r["mobile"])),
                    cell(day, note if r["left_at"] else ""),
                    cell(r["orders"]),
                    cell(money(r["revenue"])),
                    cell("、".join(r["products"])),
                ],
            )
        )
    return out


class CommunitiesApp(ipw.VBox):
    """Communities and their members.

    Data functions (PageData's): `community_list()`, `create_community(data)`,
    `community_members(id, include_left)`, `join_community(id, customer_id, day)`,
    `leave_community(id, customer_id, day)`, `new_member(id, data, day)`, `search`, and
    `channels`, a list of {id, name}; `can_create` shows the new-community form (managers,
    admins); `reveal_mobile(customer_id)` shows a member's masked mobile in full, logged
    (widgets.list_reveal). Hooks: so-communities-table, -name, -channel, -owner, -add,
    -pick, -show-left, -members, -reveal-pick, -show-mobile, -shown-mobile, -customer,
    -day, -join, -leave, -new_name, -nickname, -mobile, -wechat, -add-new, -message."""

    value = traitlets.Int(None, allow_none=True)

    @classmethod
    def for_page(cls, data, title: bool = True, **kwargs) -> CommunitiesApp:
        """The page wired to a salesops.web.pagedata.PageData."""
        return cls(data, channels=data.channels(), title=title, **kwargs)

    def __init__(self, data, *, channels, title=True, **kwargs):
        self._data = data
        self._rows: list[dict] = []
        self.message = MessageArea(FORM)
        self.table = hook(ipw.HTML(), FORM, "table")
        self.members = hook(ipw.HTML(), FORM, "members")
        self._members: list[dict] = []
        self.reveal = ListReveal(data.reveal_mobile, FORM)
        self.reveal.observe(lambda _c: self._draw_members(), names="shown")

        def text(field, words, hint=""):
            return fit(hook(ipw.Text(description=label(words), placeholder=hint), FORM, field))

        options = [(label("communities.no_channel"), None)]
        options += [(c["name"], c["id"]) for c in channels]
        owner = CustomerPicker(
            data.search, description=label("communities.owner"), form=FORM, field="owner", rows=3
        )
        person = CustomerPicker(
            data.search,
            description=label("communities.customer"),
            form=FORM,
            field="customer",
            rows=3,
        )
        self.inputs = {
            "name": text("name", "communities.name", label("communities.name_hint")),
            "channel": fit(
                hook(
                    ipw.Dropdown(description=label("communities.channel"), options=options),
                    FORM,
                    "channel",
                )
            ),
            "owner": owner,
            "customer": person,
            "day": text("day", "communities.day", label("communities.day_hint")),
            "new_name": text("new_name", "communities.new_name"),
            "nickname": text("nickname", "communities.nickname"),
            "mobile": text("mobile", "communities.mobile"),
            "wechat": text("wechat", "communities.wechat"),
        }
        self.errors = FieldErrors(FORM, self.inputs)
        fit_errors(self.errors)
        self.pick = fit(hook(ipw.Dropdown(description=label("communities.pick")), FORM, "pick"))
        self.show_left = hook(
            ipw.Checkbox(description=label("communities.show_left"), indent=False),
            FORM,
            "show-left",
        )
        self.buttons = {
            key: hook(ipw.Button(description=label(f"communities.{words}")), FORM, key)
            for key, words in (
                ("add", "add"),
                ("join", "join"),
                ("leave", "leave"),
                ("add-new", "add_new"),
            )
        }
        aliases = {**ALIASES, "name": "new_name", "wechat_id": "wechat"}
        for key, handler, names in (
            ("add", self._on_add, ALIASES),
            ("join", self._on_join, ALIASES),
            ("leave", self._on_leave, ALIASES),
            ("add-new", self._on_add_new, aliases),
        ):
            self.buttons[key].on_click(
                guard(handler, self.message, self.errors, self.refresh, aliases=names)
            )
        self.pick.observe(lambda _c: self._show_members(), names="value")
        self.show_left.observe(lambda _c: self._show_members(), names="value")
        row, b = self.errors.row, self.buttons
        create = [subhead(label("communities.add_title")), row("name"), row("channel")]
        create += [row("owner"), b["add"]]
        actions = ipw.HBox([b["join"], b["leave"]])
        actions.add_class("so-row")
        top = [ipw.HTML(f"<h2>{label('communities.title')}</h2>")] if title else []
        super().__init__(
            children=[
                *top,
                style(),
                self.table,
                *(create if data.actor.can("communities.edit") else []),
                subhead(label("communities.members_title")),
                self.pick,
                self.show_left,
                self.members,
                self.reveal,
                row("customer"),
                row("day"),
                actions,
                subhead(label("communities.new_title")),
                *(row(f) for f in ("new_name", "nickname", "mobile", "wechat")),
                b["add-new"],
                self.message,
            ],
            **kwargs,
        )
        self.add_class("so-communities-app")
        guard(self.refresh, self.message)()

    def refresh(self) -> None:
        """Read the communities (and the chosen one's members) again."""
        self._rows = self._data.community_list()
        self.table.value = table(
            [
                (label(f"communities.col.{c}"), "")
                for c in ("name", "channel", "owner", "members", "buyers")
            ],
            community_rows(self._rows),
            "so-communities-list",
            label("communities.none"),
        )
        chosen = self.pick.value
        self.pick.options = [(label("communities.pick_none"), None)] + [
            (r["name"], r["id"]) for r in self._rows
        ]
        choose(self.pick, chosen)  # kept, else the "choose…" line (never a blank box)
        self._show_members()

    def _show_members(self) -> None:
        """The chosen community's members with what they bought."""
        self.value = self.pick.value
        self._members = []
        if self.value is not None:
            self._members = self._data.community_members(self.value, self.show_left.value)
        self._draw_members()
        self.reveal.offer(self._members)

    def _draw_members(self) -> None:
        """The members' table (mobiles in full where "show" was pressed)."""
        if self.value is None:
            self.members.value = ""
            return
        self.members.value = table(
            [
                (label(f"communities.col.{c}"), "")
                for c in ("person", "mobile", "joined", "orders", "revenue", "bought")
            ],
            member_rows(self._members, self.reveal.shown),
            "so-members",
            label("communities.no_members"),
        )

    def _chosen(self) -> int:
        """The chosen community's id (a plain error when none is chosen)."""
        if self.pick.value is None:
            raise ValidationError.one("error.required", "community")
        return self.pick.value

    def _on_add(self, _button=None) -> None:
        """Create the community from the form and choose it."""
        i = self.inputs
        made = self._data.create_community(
            {
                "name": i["name"].value,
                "channel_id": i["channel"].value,
                "owner_id": i["owner"].value,
            }
        )
        i["name"].value = ""
        self.refresh()
        self.pick.value = made["id"]
        self.message.success(label("communities.added", name=made["name"]))

    def _on_join(self, _button=None) -> None:
        """Add the chosen customer to the chosen community."""
        who = self._person()
        self._data.join_community(self._chosen(), who, self.inputs["day"].value)
        self._done("communities.joined_done")

    def _on_leave(self, _button=None) -> None:
        """Record that the chosen customer left the chosen community."""
        who = self._person()
        self._data.leave_community(self._chosen(), who, self.inputs["day"].value)
        self._done("communities.left_done")

    def _person(self) -> int:
        if self.inputs["customer"].value is None:
            raise ValidationError.one("error.required", "customer")
        return self.inputs["customer"].value

    def _on_add_new(self, _button=None) -> None:
        """Create a customer from the new-person fields and add them to the community."""
        i = self.inputs
        person = self._data.new_member(
            self._chosen(),
            {
                "name": i["new_name"].value,
                "nickname": i["nickname"].value,
                "mobile": i["mobile"].value,
                "wechat_id": i["wechat"].value,
            },
            i["day"].value,
        )
        for field in ("new_name", "nickname", "mobile", "wechat"):
            i[field].value = ""
        self._done("communities.joined_done", f"{person['code']} {person['name']}")

    def _done(self, key: str, who: str | None = None) -> None:
        community = self.pick.label
        who = who or self.inputs["customer"].chosen
        self.inputs["day"].value = ""
        self.refresh()
        self.message.success(label(key, who=who, community=community))
