"""Import a community's member list (`salesops communities import NAME FILE`).

Columns (English or the Chinese headers a WeChat group export or a typed sheet uses):
`wechat_id` 微信号, `mobile` 手机号, `nickname` 微信昵称 (at least one of these three in
every row), `name` 姓名 and `joined` 入群时间 (a day or a time; blank: now). Each row names
one person, matched by mobile, then WeChat ID (merged-away ones included), then nickname
(only when exactly one customer goes by it). Someone not found becomes a new customer,
named by the name column, else the nickname, else "客户 C000123", and flagged as brought
in by this community ("from community NAME"). A person already in the community is
reported as present and left alone.

All or nothing: every problem is reported by row and column, and with any problem
nothing is written. The run is one transaction with an `imports` row. Writing needs
import.write (managers and admins); anyone who may check an import may dry-run it.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from .. import communities as groups
from .. import customers as people
from .. import validate
from ..actors import Actor, system_actor
from ..errors import SalesopsError, ValidationError
from ..messages import add, t
from ..schema import community_members, customers, now_utc
from . import common, parse, reading
from .report import ImportReport

ALIASES = {
    "wechat_id": ("微信号", "微信", "微信id", "wechat"),
    "mobile": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone"),
    "nickname": ("微信昵称", "昵称", "群昵称", "微信名", "nick"),
    "name": ("姓名", "名字", "客户姓名", "customer_name"),
    "joined": ("入群时间", "入群日期", "加入时间", "加入日期", "joined_at", "进群时间"),
}
IDENTITY = ("mobile", "wechat_id", "nickname")
NEW_NAME = "客户 {code}"
add(
    {
        "en": {
            "import.counts.community_members": "members: {members_added} added "
            "({customers_created} of them new customers), {members_present} already in",
            "members.who": "{field}: give a mobile, WeChat ID or nickname",
            "members.two_people": "{field}: {value!r} is {other}, but the row's {first} is {code}",
            "members.shared_nickname": "{field}: {value!r} is the nickname of {codes}; "
            "add the mobile or WeChat ID to say which",
            "members.same_person": "the same person as row {row}",
        },
        "zh_CN": {
            "import.counts.community_members": "成员：加入 {members_added} 人（其中新客户 "
            "{customers_created} 人），{members_present} 人已在群中",
            "members.who": "{field}：请填写手机号、微信号或微信昵称",
            "members.two_people": "{field}：{value!r} 属于 {other}，但此行的{first}属于 {code}",
            "members.shared_nickname": "{field}：{value!r} 是 {codes} 共用的昵称；"
            "请补充手机号或微信号",
            "members.same_person": "与第 {row} 行是同一人",
        },
    }
)


def import_members(
    db,
    community,
    path,
    *,
    actor: Actor | None = None,
    dry_run: bool = False,
    mapping: dict | None = None,
    progress=None,
) -> ImportReport:
    """Add the people of a member list (.csv or .xlsx) to `community` (id or name)."""
    actor = actor or system_actor()
    actor.require("import.dry_run" if dry_run else "import.write")
    group = groups.find_community(db, community)
    table = reading.open_table(path, ALIASES, mapping)
    reading.require_columns(table, (), (IDENTITY,))
    report = ImportReport(
        "community_members", table.path, table.encoding or "xlsx", dry_run=dry_run
    )
    with db.read() if dry_run else db.write() as conn:
        job = _MemberImport(conn, table, report, group)
        job.read()
        if report.problems:
            return report
        if not dry_run and job.plan:
            job.write(actor, progress)
    return report


class _MemberImport:
    """One run: read and match every row, then write."""

    def __init__(self, conn, table, report: ImportReport, group: dict):
        self.conn, self.table, self.report, self.group = conn, table, report, group
        self.known = common.Identities(conn)
        c, m = customers.c, community_members.c
        live = conn.execute(sa.select(c.id, c.code, c.nickname).where(c.deleted_at.is_(None))).all()
        self.codes = {r.id: r.code for r in live}
        self.nicknames: dict[str, list[int]] = {}
        for r in live:
            if r.nickname:
                self.nicknames.setdefault(r.nickname, []).append(r.id)
        self.inside = set(
            conn.execute(
                sa.select(m.customer_id).where(m.community_id == group["id"], m.left_at.is_(None))
            ).scalars()
        )
        self.seen: dict[object, int] = {}  # customer id or new person's key -> first row
        self.plan: list[dict] = []

    def _problem(self, row: int, field: str, value, reason: str) -> None:
        self.report.problem(row, self.table.header_of(field), value, reason)

    def read(self) -> None:
        """Check and match every row."""
        for number, values in self.table.rows():
            self.report.rows += 1
            raw = {c: values[i] for c, i in self.table.mapping.items()}
            cells = self._cells(number, raw)
            if cells is not None:
                self._match(number, cells)

    def _cells(self, n: int, raw: dict) -> dict | None:
        """The row's values parsed; None (and problems) when any is bad."""
        checks = {
            "mobile": lambda: parse.mobile(raw.get("mobile")),
            "wechat_id": lambda: parse.wechat_id(raw.get("wechat_id")),
            "nickname": lambda: _text(raw.get("nickname"), "nickname", 64),
            "name": lambda: _text(raw.get("name"), "name", 100),
            "joined": lambda: _joined(raw.get("joined")),
        }
        cells, ok = {}, True
        for field, check in checks.items():
            try:
                cells[field] = check()
            except ValidationError as e:
                self._problem(n, field, raw.get(field), e.problems[0].message)
                ok = False
        if ok and not any(cells[f] for f in IDENTITY):
            column = next(f for f in IDENTITY if f in self.table.mapping)
            self._problem(n, column, None, t("members.who", field=self.table.header_of(column)))
            ok = False
        return cells if ok else None

    def _match(self, n: int, cells: dict) -> None:
        """Who the row names: a stored customer, or a new one."""
        found = self._identified(n, cells)
        if found is False:
            return
        key = found if found is not None else _new_key(cells)
        if key in self.seen:
            field = next(f for f in IDENTITY if cells[f])
            reason = t("members.same_person", row=self.seen[key])
            self._problem(n, field, cells[field], reason)
            return
        self.seen[key] = n
        if found in self.inside:
            self.report.counts["members_present"] += 1
            return
        self.plan.append({"row": n, "customer_id": found, **cells})
        self.report.counts["members_added"] += 1
        label = cells["name"] or cells["nickname"] or cells["wechat_id"] or cells["mobile"]
        if found is None:
            self.report.counts["customers_created"] += 1
            self.report.created["customers"].append(label)
            self._register(key, cells)
        self.report.created["members"].append(self.codes.get(found) or label)

    def _register(self, key: tuple, cells: dict) -> None:
        """A new person of this file, so later rows naming them in another way match."""
        wechat = validate.wechat_key(cells["wechat_id"])
        self.known.add(key, mobile=cells["mobile"], wechat_key=wechat)
        if cells["nickname"] and not self.nicknames.get(cells["nickname"]):
            self.nicknames[cells["nickname"]] = [key]

    def _identified(self, n: int, cells: dict):
        """A customer id, None for nobody known, False after a problem."""
        by = self.known.by
        hits = [
            ("mobile", by["mobile"].get(cells["mobile"]) if cells["mobile"] else None),
            ("wechat_id", by["wechat"].get(validate.wechat_key(cells["wechat_id"]))),
        ]
        hits = [(f, cid) for f, cid in hits if cid is not None]
        if len({cid for _f, cid in hits}) > 1:
            (first, one), (field, other) = hits
            self._problem(
                n,
                field,
                cells[field],
                t(
                    "members.two_people",
                    field=self.table.header_of(field),
                    value=cells[field],
                    other=self.codes[other],
                    first=self.table.header_of(first),
                    code=self.codes[one],
                ),
            )
            return False
        if hits:
            return hits[0][1]
        if cells["nickname"] and not (cells["mobile"] or cells["wechat_id"]):
            named = self.nicknames.get(cells["nickname"], [])
            if len(named) > 1:
                codes = ", ".join(self.codes.get(i, "?") for i in named)
                field = self.table.header_of("nickname")
                reason = t(
                    "members.shared_nickname", field=field, value=cells["nickname"], codes=codes
                )
                self._problem(n, "nickname", cells["nickname"], reason)
                return False
            if named:
                return named[0]
        return None

    def write(self, actor: Actor, progress=None) -> None:
        """New customers and the stays, through the services' own steps, in this transaction."""
        conn = self.conn
        path = Path(self.table.path)
        import_id = common.start_import(conn, "members", path, actor.name)
        self.report.import_id = import_id
        for k, item in enumerate(self.plan, 1):
            customer_id, brought_in = item["customer_id"], False
            if customer_id is None:
                values = people.clean(
                    {
                        "name": item["name"] or item["nickname"] or "-",
                        "nickname": item["nickname"],
                        "mobile": item["mobile"],
                        "wechat_id": item["wechat_id"],
                        "channel_id": self.group["channel_id"],
                    }
                )
                if not (item["name"] or item["nickname"]):
                    values["name"] = ""
                customer_id = people.insert_customer(conn, values, actor, NEW_NAME)["id"]
                brought_in = True
            try:
                groups.insert_member(
                    conn, self.group["id"], customer_id, item["joined"], actor, brought_in
                )
            except SalesopsError as e:  # joined after now, say: found while writing
                raise ValidationError.one("import.file_problem", "joined", reason=str(e)) from e
            if progress:
                progress(k, len(self.plan))
        common.finish_import(conn, import_id, actor.name, dict(self.report.counts))
        self.report.written = True


def _text(value, field: str, limit: int) -> str | None:
    """Trimmed text (a number typed into a text cell read as its digits), or None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return parse.text(value, field, limit) or None


def _joined(value):
    """When the person joined: a day or a time in the business zone, not in the future;
    None (now) when blank."""
    if parse.is_blank(value):
        return None
    when = parse.ordered_at(value, "joined")
    if when > now_utc():
        raise ValidationError.one("community.future", "joined", groups.local_day(when))
    return when


def _new_key(cells: dict) -> tuple:
    """What makes two rows the same new person: mobile, else WeChat ID, else nickname."""
    for field in ("mobile", "wechat_id", "nickname"):
        if cells[field]:
            key = validate.wechat_key(cells[field]) if field == "wechat_id" else cells[field]
            return (field, key)
    return ("row",)
