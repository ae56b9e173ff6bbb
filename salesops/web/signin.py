"""Signing people in to `salesops serve` with their own accounts (salesops.accounts).

Two jupyter_server identity providers, chosen by salesops.web.login:

- `AccountsIdentityProvider`: a login page (name and password). A right password starts a
  session row (salesops.accounts) whose random token goes into a signed, HTTP-only cookie;
  every request looks the token up, so a session ends when it expires, at sign-out, or at
  once when the account is disabled or its password changes. Wrong passwords are answered
  late (the delay grows with the name's failure count) and lock the name after five.
- `TrustedHeaderIdentityProvider`: the name comes from a header a reverse proxy sets after
  it authenticated the person (`--trusted-header X-Forwarded-User`). The server then must
  listen on loopback only, so nobody can reach it without going through the proxy, and
  the header is believed only on requests from a loopback address. The name must be an
  enabled account (its role comes from the users table).

Neither logs a password or a hash; failed sign-ins are logged with the name only.
"""

from __future__ import annotations

import asyncio
import html
import ipaddress
import re
import urllib.parse
from pathlib import Path

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from traitlets import Float, Integer, Unicode

from .. import accounts, messages
from ..db import connect
from ..errors import ValidationError
from .throttle import ADDRESS_LIMIT, FailureLimit, client_address

SESSION_COOKIE = "salesops-session"

messages.add(
    {
        "en": {
            "signin.title": "salesops: sign in",
            "signin.username": "User name",
            "signin.password": "Password",
            "signin.submit": "Sign in",
            "signin.signed_out": "You are signed out.",
            "signin.out": "Sign out",
            "signin.again": "Sign in again",
            "signin.proxy": "Sign in through the shop's sign-in page (the proxy); this server "
            "does not know who you are.",
            "signin.forbidden": "Not allowed: {message}",
            "signin.home": "Back to the start page",
            "signin.address_wait": "Too many failed sign-ins from your address: try again "
            "in {minutes} minutes.",
        },
        "zh_CN": {
            "signin.title": "salesops：登录",
            "signin.username": "用户名",
            "signin.password": "密码",
            "signin.submit": "登录",
            "signin.signed_out": "您已退出登录。",
            "signin.out": "退出登录",
            "signin.again": "重新登录",
            "signin.proxy": "请通过公司的登录页面（代理）登录；本服务器不知道您是谁。",
            "signin.forbidden": "无权访问：{message}",
            "signin.home": "返回首页",
            "signin.address_wait": "您的地址登录失败次数过多，请 {minutes} 分钟后再试。",
        },
    }
)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", sans-serif; background: #f5f5f5; }}
main {{ max-width: 360px; margin: 10vh auto; background: #fff; padding: 24px 28px;
  border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }}
label {{ display: block; margin: 12px 0 4px; }}
input[type=text], input[type=password] {{ width: 100%; box-sizing: border-box;
  padding: 8px; font-size: 16px; }}
button {{ margin-top: 18px; width: 100%; padding: 10px; font-size: 16px; }}
.so-login-message {{ color: #b71c1c; background: #ffebee; padding: 6px 8px; }}
.so-login-message:empty {{ display: none; }}
</style></head>
<body><main>{body}</main></body></html>"""


def page(title: str, body: str) -> str:
    """A small standalone HTML page (no Jupyter template: nothing to leak, nothing to load)."""
    return PAGE.format(title=html.escape(title), body=body)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and `localhost`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


PAGE_PATH = re.compile(r"voila/render/((?:[\w.-]+/)*[\w.-]+\.ipynb)")


def _unsafe(text: str) -> bool:
    """True when `text` holds whitespace, control characters or a backslash, which
    browsers drop or reinterpret in a URL (`/<TAB>/evil.example` is `//evil.example`)."""
    return any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c == "\\" for c in text)


def next_page(nxt: str, base_url: str, pages_dir) -> str:
    """Where to send someone after signing in: `nxt` rebuilt from its parsed parts when it
    names a page in `pages_dir` under `base_url`, else the start page (`base_url`)."""
    if not nxt or _unsafe(nxt) or _unsafe(urllib.parse.unquote(nxt)):
        return base_url
    parts = urllib.parse.urlsplit(nxt)
    path = urllib.parse.unquote(parts.path)
    if parts.scheme or parts.netloc or not path.startswith(base_url) or path.startswith("//"):
        return base_url
    page = PAGE_PATH.fullmatch(path[len(base_url) :])
    if not page or ".." in page[1].split("/") or not (Path(pages_dir) / page[1]).is_file():
        return base_url
    url = f"{base_url}voila/render/{urllib.parse.quote(page[1])}"
    return f"{url}?{parts.query}" if parts.query else url


def _user(account: dict) -> User:
    """The jupyter_server User of an account row."""
    name = account["display_name"] or account["username"]
    return User(username=account["username"], name=name, display_name=name)


class AccountsIdentityProvider(IdentityProvider):
    """Signed in = a live session row for an enabled account, named by a signed cookie."""

    per_person = True  # salesops.web.login: page kernels act for the signed-in account
    db_url = Unicode("", config=True, help="The database holding the accounts.")
    session_hours = Float(accounts.SESSION_HOURS, config=True, help="How long a session lasts.")
    address_limit = Integer(
        ADDRESS_LIMIT, config=True, help="Failed sign-ins one address may make in 15 minutes."
    )

    @property
    def failures(self) -> FailureLimit:
        """Failed sign-ins by address (this process)."""
        if not hasattr(self, "_failures"):
            self._failures = FailureLimit(self.address_limit)
        return self._failures

    @property
    def db(self):
        """The accounts database (one small pool per process)."""
        return connect(self.db_url or None)

    async def get_user(self, handler) -> User | None:
        """The account of the request's session cookie, or None (not signed in)."""
        if getattr(handler, "_jupyter_current_user", None):
            return handler._jupyter_current_user
        token = handler.get_secure_cookie(SESSION_COOKIE, max_age_days=1 + self.session_hours / 24)
        if not token:
            return None
        account = accounts.session_user(self.db, token.decode())
        if account is None:
            handler.clear_cookie(SESSION_COOKIE, path=handler.base_url)
            return None
        return _user(account)

    def get_handlers(self):
        """Our own login and logout pages (Voila would otherwise pass its token form)."""
        return [(r"/login", AccountsLoginHandler), (r"/logout", LogoutHandler)]

    @property
    def login_available(self) -> bool:
        """There is a login page."""
        return True


class TrustedHeaderIdentityProvider(IdentityProvider):
    """Signed in = a loopback request carrying the proxy's header naming an enabled account."""

    per_person = True
    db_url = Unicode("", config=True, help="The database holding the accounts.")
    header = Unicode("X-Forwarded-User", config=True, help="The header the proxy sets.")

    async def get_user(self, handler) -> User | None:
        """The enabled account the header names, for requests that came through the proxy."""
        if not is_loopback(handler.request.remote_ip or ""):
            return None
        name = (handler.request.headers.get(self.header) or "").strip()
        if not name:
            return None
        try:
            name = accounts.clean_username(name)
        except ValidationError:
            return None
        db = connect(self.db_url or None)
        if accounts.known_role(db, name) is None:
            self.log.warning("trusted header names no enabled account: %r", name)
            return None
        return _user({"username": name, "display_name": ""})

    def get_handlers(self):
        """A login page that only says to go through the proxy."""
        return [(r"/login", ProxyOnlyLoginHandler)]


class AccountsLoginHandler(JupyterHandler):
    """GET: the sign-in form. POST: check name and password, start a session, go on."""

    def _form(self, message: str = "", username: str = "") -> str:
        """The sign-in form (name kept after a failure, password never echoed)."""
        t = messages.t
        nxt = html.escape(self.get_argument("next", self.base_url), quote=True)
        body = (
            f"<h2>{html.escape(t('signin.title'))}</h2>"
            f"<form method='post' action='{html.escape(self.base_url)}login?next={nxt}'>"
            f"{self.xsrf_form_html()}"
            f"<p class='so-login-message' role='alert'>{html.escape(message)}</p>"
            f"<label for='username'>{html.escape(t('signin.username'))}</label>"
            f"<input type='text' id='username' name='username' class='so-login-username' "
            f"autocomplete='username' value='{html.escape(username, quote=True)}' autofocus>"
            f"<label for='password'>{html.escape(t('signin.password'))}</label>"
            f"<input type='password' id='password' name='password' class='so-login-password' "
            f"autocomplete='current-password'>"
            f"<button type='submit' class='so-login-submit'>{html.escape(t('signin.submit'))}"
            f"</button></form>"
        )
        return page(t("signin.title"), body)

    @allow_unauthenticated
    def get(self):
        """Show the form (or go on, when already signed in)."""
        if self.current_user:
            return self._go_on()
        self.finish(self._form())

    @allow_unauthenticated
    async def post(self):
        """Sign in: a session cookie and on to `next`; or the form again with the reason."""
        provider = self.identity_provider
        username = self.get_argument("username", "")
        password = self.get_argument("password", "")
        address = client_address(self)  # behind a trusted proxy: from X-Forwarded-For
        wait = provider.failures.wait(address)
        if wait:  # this address guessed too often: nothing is checked or counted
            self.log.warning("sign-in from %s refused: too many failures", address)
            self.set_status(429)
            minutes = max(1, round(wait / 60))
            return self.finish(self._form(messages.t("signin.address_wait", minutes=minutes)))
        loop = asyncio.get_running_loop()
        try:  # argon2 takes a fraction of a second: keep the server answering meanwhile
            account = await loop.run_in_executor(
                None, accounts.authenticate, provider.db, username, password
            )
        except accounts.LoginRefused as refused:
            provider.failures.fail(address)
            self.log.warning("sign-in refused for %r from %s", username[:64], address)
            await asyncio.sleep(accounts.failure_delay(refused.attempt))  # slows guessing
            self.set_status(401)
            return self.finish(self._form(str(refused), username))
        token = accounts.start_session(
            provider.db,
            account["username"],
            hours=provider.session_hours,
            remote_ip=address,
        )
        self.set_secure_cookie(
            SESSION_COOKIE,
            token,
            expires_days=None,
            httponly=True,
            samesite="Lax",
            path=self.base_url,
            secure=self.request.protocol == "https" or self.settings.get("salesops_https", False),
        )
        self.log.info("%s signed in from %s", account["username"], address)
        self._go_on()

    def _go_on(self):
        """Redirect to `next` when it names one of our pages, else to the start page."""
        pages_dir = self.contents_manager.root_dir
        self.redirect(next_page(self.get_argument("next", ""), self.base_url, pages_dir))


class LogoutHandler(JupyterHandler):
    """Sign out with a POST carrying the XSRF token (so no link or image on another site can
    sign anyone out): the session row is deleted and the cookie cleared. GET shows the
    button."""

    @allow_unauthenticated
    def get(self):
        """A page with one button: sign out."""
        t = messages.t
        body = (
            f"<form method='post' action='{html.escape(self.base_url)}logout'>"
            f"{self.xsrf_form_html()}"
            f"<button type='submit' class='so-logout-submit'>{html.escape(t('signin.out'))}"
            f"</button></form>"
        )
        self.finish(page(t("signin.title"), body))

    @allow_unauthenticated
    def post(self):
        """End the session and say so."""
        token = self.get_secure_cookie(SESSION_COOKIE)
        if token:
            accounts.end_session(self.identity_provider.db, token.decode())
        self.clear_cookie(SESSION_COOKIE, path=self.base_url)
        t = messages.t
        body = (
            f"<p class='so-logout-message'>{html.escape(t('signin.signed_out'))}</p>"
            f"<p><a href='{html.escape(self.base_url)}login'>"
            f"{html.escape(t('signin.again'))}</a></p>"
        )
        self.finish(page(t("signin.title"), body))


class ProxyOnlyLoginHandler(JupyterHandler):
    """Trusted-header mode: there is no password form here; sign in at the proxy."""

    @allow_unauthenticated
    def get(self):
        """Say where to sign in (403: this request is not signed in)."""
        self.set_status(403)
        self.finish(
            page(
                messages.t("signin.title"),
                f"<p class='so-login-message'>{html.escape(messages.t('signin.proxy'))}</p>",
            )
        )
