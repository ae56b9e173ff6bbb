"""Staff accounts on a page (admins): list them, add one, change a role, disable or enable
one, set a new password; what `salesops user` does, through salesops.accounts."""

from __future__ import annotations

import ipywidgets as ipw

from salesops import messages

from .common import FieldErrors, MessageArea, choose, guard, hook, label, local_time
from .tables import cell, fit, fit_errors, subhead, table

FORM = "accounts"
ROLES = ("staff", "manager", "admin")
ALIASES = {"display_name": "display-name"}

messages.add(
    {
        "en": {
            "accounts.col.username": "Sign-in name",
            "accounts.col.display_name": "Name shown",
            "accounts.col.role": "Role",
            "accounts.col.status": "Status",
            "accounts.col.last": "Last sign-in",
            "accounts.none": "No accounts yet.",
            "accounts.never": "never",
            "accounts.no_password": "no password: proxy sign-in only",
            "accounts.role.staff": "staff",
            "accounts.role.manager": "manager",
            "accounts.role.admin": "admin",
            "accounts.status.active": "active",
            "accounts.status.locked": "locked",
            "accounts.status.disabled": "disabled",
            "accounts.username": "Sign-in name",
            "accounts.username_hint": "e.g. wang.fang",
            "accounts.display-name": "Name shown",
            "accounts.role": "Role",
            "accounts.password": "Password",
            "accounts.password_hint": "at least 8 characters",
            "accounts.add": "Add account",
            "accounts.pick": "Account",
            "accounts.pick_none": "choose an account…",
            "accounts.new_role": "New role",
            "accounts.set_role": "Change role",
            "accounts.disable": "Disable",
            "accounts.enable": "Enable",
            "accounts.added": "Added {username} ({role}); they can sign in now.",
            "accounts.role_set": "{username} is now {role}.",
            "accounts.disabled": "{username} is disabled and signed out everywhere.",
            "accounts.enabled": "{username} can sign in again.",
            "accounts.add_title": "Add an account",
            "accounts.edit_title": "Change an account",
            "accounts.display_hint": "optional, e.g. 王芳",
            "accounts.new_password": "New password",
            "accounts.set_password": "Set password",
            "accounts.password_set": "New password set for {username}; they were signed out.",
        },
        "zh_CN": {
            "accounts.col.username": "登录名",
            "accounts.col.display_name": "显示名",
            "accounts.col.role": "角色",
            "accounts.col.status": "状态",
            "accounts.col.last": "最近登录",
            "accounts.none": "还没有账号。",
            "accounts.never": "从未",
            "accounts.no_password": "无密码：仅代理登录",
            "accounts.role.staff": "员工",
            "accounts.role.manager": "经理",
            "accounts.role.admin": "管理员",
            "accounts.status.active": "正常",
            "accounts.status.locked": "已锁定",
            "accounts.status.disabled": "已停用",
            "accounts.username": "登录名",
            "accounts.username_hint": "如 wang.fang",
            "accounts.display-name": "显示名",
            "accounts.role": "角色",
            "accounts.password": "密码",
            "accounts.password_hint": "至少 8 个字符",
            "accounts.add": "添加账号",
            "accounts.pick": "账号",
            "accounts.pick_none": "选择账号…",
            "accounts.new_role": "新角色",
            "accounts.set_role": "修改角色",
            "accounts.disable": "停用",
            "accounts.enable": "启用",
            "accounts.added": "已添加 {username}（{role}），现在可以登录。",
            "accounts.role_set": "{username} 现在是{role}。",
            "accounts.disabled": "{username} 已停用，并已在所有设备上退出。",
            "accounts.enabled": "{username} 可以重新登录。",
            "accounts.add_title": "添加账号",
            "accounts.edit_title": "修改账号",
            "accounts.display_hint": "可选，如 王芳",
            "accounts.new_password": "新密码",
            "accounts.set_password": "设置密码",
            "accounts.password_set": "已为 {username} 设置新密码，并已让其退出登录。",
        },
    }
)


def role_options() -> list[tuple[str, str]]:
    """The roles as (label, value) pairs."""
    return [(label(f"accounts.role.{r}"), r) for r in ROLES]


def account_rows(rows: list[dict]) -> list[tuple[str, list[str]]]:
    """Table rows: sign-in name, name shown, role, status, last sign-in."""
    out = []
    for r in rows:
        last = local_time(r["last_login_at"]) or label("accounts.never")
        note = "" if r["has_password"] else label("accounts.no_password")
        css = "so-account-row" + (" so-archived" if r["status"] == "disabled" else "")
        cells = [
            cell(r["username"]),
            cell(r["display_name"]),
            cell(label(f"accounts.role.{r['role']}")),
            cell(label(f"accounts.status.{r['status']}"), note),
            cell(last),
        ]
        out.append((css, cells))
    return out


class AccountsPanel(ipw.VBox):
    """Staff accounts: list, add, change role, disable, enable (admins: users.manage).

    Data functions: `load() -> accounts`, `add(name, role, password, display_name)`,
    `set_role(name, role)`, `disable(name)`, `enable(name)`, `set_password(name,
    password)`. Passwords never stay in an input after a click. Hooks: so-accounts-table,
    -username, -display-name, -role, -password, -add, -pick, -new-role, -set-role,
    -disable, -enable, -new-password, -set-password, -message.
    """

    def __init__(self, *, load, add, set_role, disable, enable, set_password, **kwargs):
        self._load, self._add, self._set_role = load, add, set_role
        self._disable, self._enable, self._set_password = disable, enable, set_password
        self._rows: list[dict] = []
        self.table = hook(ipw.HTML(), FORM, "table")
        self.inputs = {
            "username": ipw.Text(placeholder=label("accounts.username_hint")),
            "display-name": ipw.Text(placeholder=label("accounts.display_hint")),
            "role": ipw.Dropdown(options=role_options(), value="staff"),
            "password": ipw.Password(placeholder=label("accounts.password_hint")),
            "new-password": ipw.Password(placeholder=label("accounts.password_hint")),
        }
        for field, widget in self.inputs.items():
            widget.description = label(f"accounts.{field.replace('new-', 'new_')}")
            widget.style.description_width = "110px"
            fit(hook(widget, FORM, field))
        self.errors = FieldErrors(FORM, self.inputs)
        fit_errors(self.errors)
        self.pick = fit(hook(ipw.Dropdown(description=label("accounts.pick")), FORM, "pick"))
        self.new_role = fit(
            hook(
                ipw.Dropdown(description=label("accounts.new_role"), options=role_options()),
                FORM,
                "new-role",
            )
        )
        for widget in (self.pick, self.new_role):
            widget.style.description_width = "110px"
        self.message = MessageArea(FORM)
        self.buttons = {
            name: hook(ipw.Button(description=label(f"accounts.{key}")), FORM, name)
            for name, key in (
                ("add", "add"),
                ("set-role", "set_role"),
                ("disable", "disable"),
                ("enable", "enable"),
                ("set-password", "set_password"),
            )
        }
        for name, handler in (
            ("add", self._on_add),
            ("set-role", self._on_set_role),
            ("disable", self._on_disable),
            ("enable", self._on_enable),
            ("set-password", self._on_set_password),
        ):
            aliases = {"password": "new-password"} if name == "set-password" else ALIASES
            self.buttons[name].on_click(
                guard(handler, self.message, self.errors, self.refresh, aliases=aliases)
            )
        self.pick.observe(self._on_pick, names="value")
        b, row = self.buttons, self.errors.row
        actions = ipw.HBox([b["set-role"], b["disable"], b["enable"]])
        actions.add_class("so-row")
        add_part = [row("username"), row("display-name"), row("role"), row("password"), b["add"]]
        edit_part = [
            subhead(label("accounts.edit_title")),
            self.pick,
            self.new_role,
            actions,
            row("new-password"),
            b["set-password"],
        ]
        super().__init__(
            children=[
                self.table,
                subhead(label("accounts.add_title")),
                *add_part,
                *edit_part,
                self.message,
            ],
            **kwargs,
        )
        self.add_class("so-accounts-panel")
        self.refresh()

    @classmethod
    def for_page(cls, data) -> AccountsPanel:
        """The panel on PageData's account methods."""
        return cls(
            load=data.staff_accounts,
            add=data.add_account,
            set_role=data.set_account_role,
            disable=data.disable_account,
            enable=data.enable_account,
            set_password=data.set_account_password,
        )

    def refresh(self) -> None:
        """Read the accounts again."""
        self._rows = self._load()
        heads = ("username", "display_name", "role", "status", "last")
        self.table.value = table(
            [(label(f"accounts.col.{c}"), "") for c in heads],
            account_rows(self._rows),
            "so-accounts-list",
            label("accounts.none"),
        )
        chosen = self.pick.value
        self.pick.options = [(label("accounts.pick_none"), None)] + [
            (f"{r['username']} ({r['display_name']})", r["username"]) for r in self._rows
        ]
        choose(self.pick, chosen)  # kept, else the "choose…" line (never a blank box)
        self._on_pick(None)

    def _chosen(self) -> dict | None:
        """The picked account's row."""
        return next((r for r in self._rows if r["username"] == self.pick.value), None)

    def _on_pick(self, _change) -> None:
        """Show the picked account's role and the buttons that apply."""
        row = self._chosen()
        if row:
            self.new_role.value = row["role"]
        disabled = bool(row) and row["status"] == "disabled"
        self.buttons["disable"].layout.display = "" if row and not disabled else "none"
        self.buttons["enable"].layout.display = "" if disabled else "none"
        self.buttons["set-role"].disabled = row is None
        self.buttons["set-password"].disabled = row is None

    def _say(self, key: str, row: dict) -> None:
        """Reload and say what was done."""
        self.refresh()
        role = label(f"accounts.role.{row['role']}")
        self.message.success(label(key, username=row["username"], role=role))

    def _on_add(self, _button) -> None:
        """Create the typed account (the password leaves the page whatever happens)."""
        i = self.inputs
        password, i["password"].value = i["password"].value, ""
        row = self._add(i["username"].value, i["role"].value, password, i["display-name"].value)
        i["username"].value = i["display-name"].value = ""
        self._say("accounts.added", row)

    def _on_set_role(self, _button) -> None:
        """Give the picked account the chosen role."""
        self._say("accounts.role_set", self._set_role(self.pick.value, self.new_role.value))

    def _on_disable(self, _button) -> None:
        """Disable the picked account."""
        self._say("accounts.disabled", self._disable(self.pick.value))

    def _on_set_password(self, _button) -> None:
        """Give the picked account the typed password (never left on the page)."""
        password, self.inputs["new-password"].value = self.inputs["new-password"].value, ""
        self._say("accounts.password_set", self._set_password(self.pick.value, password))

    def _on_enable(self, _button) -> None:
        """Enable the picked account."""
        self._say("accounts.enabled", self._enable(self.pick.value))
