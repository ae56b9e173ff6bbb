"""Import customers from a spreadsheet: one row per customer.

Each row goes through the customer service's own checks (salesops.customers.clean);
customers are matched by code, then normalised mobile, then WeChat ID (merged-away ones
included). A known customer is reported as already present, or updated with `update`;
referrers may be named by code, also of customers further down the same file.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from .. import audit
from .. import customers as service
from ..actors import Actor, system_actor
from ..bulk import BulkWriter
from ..errors import ValidationError
from ..messages import t
from ..records import stamp_new, versioned_update
from ..schema import audit_log, channels, customers, now_utc
from . import common, parse, reading
from .report import ImportReport, rejected_path_for, write_rejected

ALIASES = {
    "customer_ref": ("客户编号", "客户代码", "code", "customer code"),
    "name": ("姓名", "客户姓名", "客户名称", "customer_name"),
    "mobile": ("手机", "手机号", "手机号码", "联系电话", "电话", "phone"),
    "wechat_id": ("微信号", "微信", "wechat"),
    "region": ("地区", "地址", "省市", "城市"),
    "channel": ("渠道", "来源渠道", "来源"),
    "referrer_ref": ("推荐人编号", "推荐人", "referrer"),
    "tags": ("标签",),
    "notes": ("备注", "note"),
    "nickname": ("微信昵称", "昵称", "微信名"),
    "is_agent": ("代理", "是否代理", "agent"),
    "parent_agent_ref": ("上级代理", "上级代理编号", "parent_agent"),
}
YES = {"1", "y", "yes", "true", "是", "代理", "√", "✓"}
NO = {"0", "n", "no", "false", "否", "不是", ""}
FIELD_COLUMN = {"code": "customer_ref"}


class _Person:
    """One customer row that will be created or used to update a stored customer."""

    __slots__ = ("row", "values", "channel", "referrer", "id", "existing", "bad")

    def __init__(self, row, values, channel, referrer, existing=None):
        self.row, self.values, self.channel, self.referrer = row, values, channel, referrer
        self.existing, self.id, self.bad = existing, existing, False


def import_customers(
    db,
    path,
    *,
    actor: Actor | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    strict: bool = False,
    update: bool = False,
    mapping: dict | None = None,
    progress=None,
) -> ImportReport:
    """Import a customers file (.csv or .xlsx); known customers change only with `update`."""
    actor = actor or system_actor()
    actor.require("import.dry_run" if dry_run else "import.write")
    table = reading.open_table(path, ALIASES, mapping)
    reading.require_columns(table, ("name",), (("customer_ref", "mobile", "wechat_id"),))
    report = ImportReport("customers", table.path, table.encoding or "xlsx", dry_run=dry_run)
    try:
        _run(db, table, report, actor, strict, update, skip_invalid, dry_run, progress)
    except _Abort:
        report.written = False
    return report


class _Abort(Exception):
    """A rule broken while writing (an update's referrer loop): roll everything back."""


def _run(db, table, report, actor, strict, update, skip_invalid, dry_run, progress) -> None:
    with db.read() if dry_run else db.write() as conn:
        job = _CustomerImport(conn, table, report, actor, strict, update)
        job.read()
        job.resolve()
        if report.problems:
            if not skip_invalid:
                return
            report.rejected_path = rejected_path_for(table.path)
            reasons = {}
            for p in report.problems:
                reasons.setdefault(p.row, []).append(p.reason)
            report.rejected_rows = write_rejected(table, reasons, report.rejected_path)
        job.plan()
        if not dry_run and report.new_anything:
            job.write(progress)
            if report.problems and not report.rejected_path:  # found while writing
                raise _Abort


class _CustomerImport:
    def __init__(self, conn, table, report, actor, strict, update):
        self.conn, self.table, self.report = conn, table, report
        self.actor, self.strict, self.update = actor, strict, update
        self.people = common.Identities(conn)
        self.channels = common.channel_lookup(conn)
        self.new_channels: dict[str, str] = {}
        self.rows: list[_Person] = []
        self.seen: dict[object, int] = {}  # customer (id or _Person) -> first row
        self.parent_of: dict[int, str] = {}  # row -> the parent agent's code it names

    def _problem(self, row: int, field: str, value, reason: str) -> None:
        column = self.table.header_of(FIELD_COLUMN.get(field, field))
        self.report.problem(row, column, value, reason)

    def read(self) -> None:
        """Check every row with the customer service's rules and match it."""
        for number, values in self.table.rows():
            self.report.rows += 1
            raw = {c: values[i] for c, i in self.table.mapping.items()}
            self._row(number, raw)

    def _row(self, n: int, raw: dict) -> None:
        data = {"code": raw.get("customer_ref"), "name": raw.get("name")}
        for key in ("mobile", "wechat_id", "region", "tags", "notes", "nickname"):
            if key in raw:
                data[key] = raw[key]
        if isinstance(data.get("mobile"), float):
            data["mobile"] = parse.mobile(data["mobile"])
        for key in ("code", "name", "region", "tags", "notes", "wechat_id", "nickname"):
            if isinstance(data.get(key), float) and data[key].is_integer():
                data[key] = int(data[key])
        before = len(self.report.problems)
        try:
            values = service.clean({k: v for k, v in data.items() if v is not None or k == "name"})
        except ValidationError as e:
            for p in e.problems:
                self._problem(n, p.field, raw.get(FIELD_COLUMN.get(p.field, p.field)), p.message)
            values = None
        channel = self._text(n, raw, "channel", 64)
        referrer = self._text(n, raw, "referrer_ref", 32)
        parent = self._text(n, raw, "parent_agent_ref", 32)
        agent = self._flag(n, raw, "is_agent")
        if values is None or len(self.report.problems) > before:
            return
        if agent is not None:
            values["is_agent"] = agent
        if parent:
            self.parent_of[n] = parent.upper()
        if not (values.get("code") or values.get("mobile") or values.get("wechat_id")):
            column = " / ".join(
                self.table.header_of(c) for c in ("customer_ref", "mobile", "wechat_id")
            )
            self.report.problem(n, column, None, t("error.required", field=column))
            return
        self._match(n, values, channel, referrer)

    def _flag(self, n, raw, column) -> bool | None:
        """A yes/no cell (是/否, Y/N, 1/0, true/false, 代理); None when the column is absent."""
        if column not in raw:
            return None
        value = raw[column]
        text = str(int(value) if isinstance(value, float) else value or "").strip().lower()
        if text in YES or text in NO:
            return text in YES
        reason = t(
            "error.choice", field=self.table.header_of(column), value=value, accepted="是, 否"
        )
        self._problem(n, column, value, reason)
        return None

    def _text(self, n, raw, column, limit):
        try:
            return parse.text(raw.get(column), column, limit) or None
        except ValidationError as e:
            self._problem(n, column, raw.get(column), e.problems[0].message)
            return None

    def _match(self, n, values, channel, referrer) -> None:
        found = self.people.match(
            values.get("code"), values.get("mobile"), values.get("wechat_key")
        )
        if found in self.seen:
            self._problem(n, "name", values["name"], t("import.same_as_row", row=self.seen[found]))
            return
        if isinstance(found, int):
            self.seen[found] = n
            if self.update:
                self.rows.append(_Person(n, values, channel, referrer, existing=found))
            else:
                self.report.counts["customers_present"] += 1
            return
        code = values.get("code")
        if code and code in self.people.all_codes:
            reason = t("error.duplicate", field="customer_ref", value=code, code=code, name="-")
            self._problem(n, "code", code, reason)
            return
        person = _Person(n, values, channel, referrer)
        self.people.add(person, code, values.get("mobile"), values.get("wechat_key"))
        self.seen[person] = n
        self.rows.append(person)

    def resolve(self) -> None:
        """Channels (new ones planned or, --strict, refused), referrers, and conflicts."""
        for p in self.rows:
            if p.channel:
                key = p.channel.lower()
                if key not in self.channels and key not in self.new_channels:
                    if self.strict:
                        reason = t(
                            "import.strict", field="channel", what="channel", value=p.channel
                        )
                        self._problem(p.row, "channel", p.channel, reason)
                    else:
                        self.new_channels[key] = p.channel
            if p.referrer:
                ref = self.people.by["code"].get(p.referrer)
                if ref is None:
                    reason = t(
                        "error.not_found", field="referrer_ref", value=p.referrer, what="customer"
                    )
                    self._problem(p.row, "referrer_ref", p.referrer, reason)
            if p.row in self.parent_of:
                self._check_parent(p)
            if p.existing:
                self._check_update(p)
        self._check_cycles()

    def _check_parent(self, p: _Person) -> None:
        """The parent agent named must be a customer (stored or in this file) who is an agent."""
        code = self.parent_of[p.row]
        parent = self.people.by["code"].get(code)
        if isinstance(parent, _Person):
            agent = bool(parent.values.get("is_agent"))
        elif parent is not None:
            agent = bool(
                self.conn.execute(
                    sa.select(customers.c.is_agent).where(customers.c.id == parent)
                ).scalar()
            )
        if parent is None:
            field = "parent_agent_ref"
            reason = t("error.not_found", field=field, value=code, what="customer")
        elif parent is p or parent == p.existing:
            reason = t("error.self", field="parent_agent_ref", what="parent agent")
        elif not agent:
            reason = t("error.not_agent", field="parent_agent_ref", value=code)
        else:
            return
        self._problem(p.row, "parent_agent_ref", code, reason)

    def _check_update(self, p: _Person) -> None:
        """An update may not take another customer's mobile or WeChat ID."""
        for field, kind, key in (
            ("mobile", "mobile", "mobile"),
            ("wechat_id", "wechat", "wechat_key"),
        ):
            other = self.people.by[kind].get(p.values.get(key)) if p.values.get(key) else None
            if other is not None and other != p.existing:
                code = other.values.get("code") if isinstance(other, _Person) else other
                reason = t(
                    "error.duplicate", field=field, value=p.values[field], code=code, name=""
                )
                self._problem(p.row, field, p.values[field], reason)

    def _check_cycles(self) -> None:
        """Referrals among the file's new customers must not loop."""
        new = {
            p.values.get("code"): p for p in self.rows if not p.existing and p.values.get("code")
        }
        for p in new.values():
            seen, current = [], p
            while isinstance(current, _Person) and current.referrer:
                seen.append(current.values.get("code"))
                current = new.get(current.referrer)
                if current is p:
                    reason = t(
                        "error.cycle",
                        field="referrer_ref",
                        value=p.referrer,
                        chain=" -> ".join([*seen, seen[0]]),
                    )
                    self._problem(p.row, "referrer_ref", p.referrer, reason)
                    break
                if len(seen) > len(new):
                    break

    def plan(self) -> None:
        """Leave out rejected rows (and customers whose referrer was rejected)."""
        bad = self.report.bad_rows
        keep = [p for p in self.rows if p.row not in bad]
        while True:
            codes = {p.values.get("code") for p in keep}
            ok = [
                p
                for p in keep
                if not p.referrer or p.referrer not in self._new_codes() or p.referrer in codes
            ]
            if len(ok) == len(keep):
                break
            keep = ok
        self.rows = keep
        used = {p.channel.lower() for p in keep if p.channel}
        self.new_channels = {k: v for k, v in self.new_channels.items() if k in used}
        self.report.counts["customers_created"] = sum(1 for p in keep if not p.existing)
        self.report.counts["customers_updated"] = sum(1 for p in keep if p.existing)
        self.report.created["customers"] = [
            p.values.get("code") or p.values["name"] for p in keep if not p.existing
        ]
        self.report.created["channels"] = list(self.new_channels.values())

    def _new_codes(self) -> set:
        return {p.values.get("code") for p in self.rows if not p.existing}

    def write(self, progress=None) -> None:
        """Create the new customers in bulk, then apply referrers and updates; audit all."""
        conn, who, now = self.conn, self.actor.name, now_utc()
        self.import_id = common.start_import(conn, "customers", Path(self.table.path), who)
        self.report.import_id = self.import_id
        for key, name in self.new_channels.items():
            taken = set(conn.execute(sa.select(channels.c.code)).scalars())
            values = {"code": common.channel_code_for(name, taken), "name": name, "name_en": name}
            cid = conn.execute(sa.insert(channels).values(values)).inserted_primary_key[0]
            self.channels[key] = cid
            conn.execute(
                sa.insert(audit_log).values(
                    audit.row(
                        who,
                        "channels",
                        cid,
                        "create",
                        new={**values, "import_id": self.import_id},
                        at=now,
                    )
                )
            )
        new = [p for p in self.rows if not p.existing]
        self._create(new, now)
        self._referrers(new)
        self._parents(new)
        for k, p in enumerate([p for p in self.rows if p.existing], 1):
            self._update(p)
            if progress:
                progress(k, len(self.rows))
        common.raise_counter(conn, "customer_code", [p.values["code"] for p in new], r"C(\d{6})")
        common.finish_import(conn, self.import_id, who, dict(self.report.counts))
        self.report.written = not self.report.problems or bool(self.report.rejected_path)

    def _create(self, new: list[_Person], now) -> None:
        who = self.actor.name
        ids = common.reserve_ids(self.conn, customers, len(new))
        codes = iter(
            common.new_customer_codes(
                self.conn,
                sum(1 for p in new if not p.values.get("code")),
                self.people.all_codes | {p.values.get("code") for p in new},
            )
        )
        out = BulkWriter(self.conn, [customers, audit_log])
        stamp = stamp_new(self.actor, now)
        for p, cid in zip(new, ids, strict=True):
            p.id = cid
            p.values["code"] = p.values.get("code") or next(codes)
            row = {
                "code": None,
                "mobile": None,
                "wechat_id": None,
                "wechat_key": None,
                "nickname": None,
                "region": None,
                "tags": "",
                "notes": "",
                **p.values,
                "channel_id": self.channels.get((p.channel or "").lower()),
            }
            out.add(
                customers,
                {
                    "id": cid,
                    **row,
                    "referrer_id": None,
                    "is_agent": bool(p.values.get("is_agent")),
                    "parent_agent_id": None,
                    **stamp,
                    "deleted_at": None,
                },
            )
            out.add(
                audit_log,
                audit.row(
                    who,
                    "customers",
                    cid,
                    "create",
                    new={**row, "import_id": self.import_id},
                    at=now,
                ),
            )
        out.flush()
        self.report.created["customers"] = [p.values["code"] for p in new]

    def _referrers(self, new: list[_Person]) -> None:
        """Referrers set after every new row exists (a referrer may come later in the file)."""
        pairs = []
        for p in new:
            if p.referrer:
                ref = self.people.by["code"][p.referrer]
                pairs.append({"cid": p.id, "ref": ref.id if isinstance(ref, _Person) else ref})
        if pairs:
            c = customers.c
            self.conn.execute(
                sa.update(customers)
                .where(c.id == sa.bindparam("cid"))
                .values(referrer_id=sa.bindparam("ref")),
                pairs,
            )

    def _parents(self, new: list[_Person]) -> None:
        """Parent agents set after every new row exists (as referrers are), audited."""
        c = customers.c
        for p in new:
            code = self.parent_of.get(p.row)
            if code:
                parent = self.people.by["code"][code]
                parent_id = parent.id if isinstance(parent, _Person) else parent
                self.conn.execute(
                    sa.update(customers).where(c.id == p.id).values(parent_agent_id=parent_id)
                )
                audit.record(
                    self.conn,
                    self.actor.name,
                    "customers",
                    p.id,
                    "update",
                    {"parent_agent_id": None},
                    {"parent_agent_id": parent_id, "import_id": self.import_id},
                )

    def _update(self, p: _Person) -> None:
        """An existing customer updated with the row's non-empty values (service rules)."""
        current = (
            self.conn.execute(sa.select(customers).where(customers.c.id == p.existing))
            .mappings()
            .one()
        )
        changes = {k: v for k, v in p.values.items() if v not in (None, "") and k != "code"}
        if p.channel:
            changes["channel_id"] = self.channels[p.channel.lower()]
        if service.completes_name(current, changes):
            changes["to_complete"] = None
        if "is_agent" in p.values:
            changes["is_agent"] = p.values["is_agent"]
        try:
            code = self.parent_of.get(p.row)
            if code:
                parent = self.people.by["code"][code]
                changes["parent_agent_id"] = parent.id if isinstance(parent, _Person) else parent
                service.check_chain(
                    self.conn, "parent_agent_id", changes["parent_agent_id"], p.existing, "parent"
                )
            if p.referrer:
                ref = self.people.by["code"][p.referrer]
                changes["referrer_id"] = ref.id if isinstance(ref, _Person) else ref
                service.check_chain(
                    self.conn, "referrer_id", changes["referrer_id"], p.existing, "referrer"
                )
            versioned_update(
                self.conn,
                customers,
                p.existing,
                current["version"],
                changes,
                self.actor,
                "customer",
                current["code"],
            )
        except ValidationError as e:
            for problem in e.problems:
                self._problem(p.row, "referrer_ref", p.referrer, problem.message)
