"""Who may open the staff pages and who their kernels act for: the one place login lives.

Three modes (`choose_mode`):

- `accounts` (the default once an enabled account with a password exists): each person
  signs in with their own name and password (salesops.web.signin, salesops.accounts).
- `token` (SALESOPS_TOKEN or `--token-file` given, or no accounts yet): one shared token; a
  browser that presents it once gets a signed login cookie. Every page kernel acts for one
  name, `--as` or the operating-system user, with the role `--role` (default manager).
- `header` (`--trusted-header X-Forwarded-User`): a reverse proxy signs people in and names
  them in a header; only allowed while listening on loopback.

Login cookies are signed with a secret kept in a file, so logins survive restarts. In
every mode the server, never the browser, tells the page kernel who it acts for: the
environment of the kernel it starts (`kernel_env`), which page code cannot be sent to
change (Voila lets a browser send only widget messages to a kernel, no code).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from jupyter_server.auth.identity import IdentityProvider, PasswordIdentityProvider
from traitlets import Bool, Dict, Integer, Unicode

from .throttle import ADDRESS_LIMIT, FailureLimit, client_address

TOKEN_ENV = "SALESOPS_TOKEN"
SECRET_ENV = "SALESOPS_COOKIE_SECRET"
SECRET_BYTES = 32
TOKEN_COOKIE_DAYS = 0.5  # the shared token's login cookie lasts a working day
MODES = ("accounts", "token", "header")
# Pages only some roles may open; the server refuses the rest before starting a kernel.
PAGE_PERMISSIONS = {
    "audit.ipynb": "audit.view",
    "weekly_sheet.ipynb": "weekly.view",
    "settings.ipynb": "settings.edit",
    "agents.ipynb": "agents.edit",
}


def resolve_token(token: str | None) -> tuple[str, bool]:
    """The login token: the given one, else SALESOPS_TOKEN, else a new random one (and True)."""
    token = token or os.environ.get(TOKEN_ENV)
    if token:
        return token, False
    return secrets.token_urlsafe(24), True


def choose_mode(token: str | None, trusted_header: str | None, db) -> str:
    """`header` when a trusted header is given; `token` when a token is given (or set in
    SALESOPS_TOKEN) or no account can sign in yet; otherwise `accounts`."""
    if trusted_header:
        return "header"
    if token or os.environ.get(TOKEN_ENV):
        return "token"
    from ..accounts import sign_in_accounts_exist

    return "accounts" if sign_in_accounts_exist(db) else "token"


def cookie_secret(path: Path) -> bytes:
    """The secret that signs login cookies: SALESOPS_COOKIE_SECRET when set (several
    servers share one), else read from `path` or created there (mode 600)."""
    shared = os.environ.get(SECRET_ENV, "").strip()
    if shared:
        return hashlib.sha256(shared.encode()).digest()
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(SECRET_BYTES)
    # Create the file private from the start: never world-readable, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret.hex())
    return secret


class TokenIdentityProvider(PasswordIdentityProvider):
    """Sign in with the token only: no password, and the login page cannot set one.

    The login cookie's name carries a digest of the current token, so restarting with a
    new token signs out every browser; it lasts TOKEN_COOKIE_DAYS. Wrong tokens are
    counted per address, and past `address_limit` in 15 minutes the address is refused,
    right token or not (the request log never shows a token: salesops.web.serve).
    """

    hashed_password = Unicode("")
    allow_password_change = Bool(False)
    cookie_options = Dict({"expires_days": TOKEN_COOKIE_DAYS}, config=True)
    get_secure_cookie_kwargs = Dict({"max_age_days": TOKEN_COOKIE_DAYS}, config=True)
    address_limit = Integer(
        ADDRESS_LIMIT, config=True, help="Wrong tokens one address may send in 15 minutes."
    )

    def get_cookie_name(self, handler) -> str:
        """jupyter_server's cookie name, with a digest of the current token."""
        digest = hashlib.sha256(str(self.token).encode()).hexdigest()[:16]
        return f"{super().get_cookie_name(handler)}-{digest}"

    @property
    def failures(self) -> FailureLimit:
        """Wrong tokens by address (this process)."""
        if not hasattr(self, "_failures"):
            self._failures = FailureLimit(self.address_limit)
        return self._failures

    async def get_user_token(self, handler):
        """The user of a request presenting the right token (?token= or the header)."""
        if not self.get_token(handler):
            return None
        return self._limited(handler, await super().get_user_token(handler))

    def process_login_form(self, handler):
        """The user of a login form carrying the right token."""
        return self._limited(handler, super().process_login_form(handler))

    def _limited(self, handler, user):
        """`user`, unless the address sent too many wrong tokens; counts a wrong one."""
        address = client_address(handler)  # behind a trusted proxy: from X-Forwarded-For
        if self.failures.wait(address):
            self.log.warning("token refused from %s: too many wrong ones", address)
            return None
        if user is None:
            self.failures.fail(address)
            self.log.warning("wrong token from %s", address)
        return user


def identity_provider_class(mode: str = "token") -> type[IdentityProvider]:
    """The jupyter_server class that decides whether a request is signed in."""
    if mode == "token":
        return TokenIdentityProvider
    from . import signin

    if mode == "accounts":
        return signin.AccountsIdentityProvider
    return signin.TrustedHeaderIdentityProvider


def per_person(handler) -> bool:
    """True when each request is signed in as its own account (not the shared token)."""
    return getattr(handler.identity_provider, "per_person", False)


def kernel_user(handler, shared_user: str) -> str:
    """The name a page kernel acts for: the signed-in account, or with the shared token
    everyone's `shared_user`."""
    if handler.current_user is None:  # authenticated handlers never get here; be explicit
        raise PermissionError("not signed in")
    return handler.current_user.username if per_person(handler) else shared_user


def kernel_env(handler, shared_user: str, token_role: str) -> dict[str, str]:
    """What the server puts in a page kernel's environment about who is acting.

    SALESOPS_AUTH tells salesops.web.pagedata.page_actor where the role comes from: the users
    table for `accounts`/`header` (looked up afresh before every action), SALESOPS_ROLE
    for the shared token.
    """
    user = kernel_user(handler, shared_user)
    if per_person(handler):
        return {"SALESOPS_USER": user, "SALESOPS_AUTH": "accounts"}
    return {"SALESOPS_USER": user, "SALESOPS_AUTH": "token", "SALESOPS_ROLE": token_role}


def page_role(handler, shared_user: str, token_role: str, db) -> str | None:
    """The role the request's person has now (None: no enabled account)."""
    if not per_person(handler):
        return token_role
    from ..accounts import known_role

    return known_role(db, handler.current_user.username)


def page_permission(path: str) -> str | None:
    """The permission a page needs, if any (`weekly_sheet.ipynb` -> `weekly.view`)."""
    return PAGE_PERMISSIONS.get(os.path.normpath(path or "").lstrip("/"))
