"""Who may open the staff pages and who their kernels act for: the one place login lives.

Today there is one shared token (`--token` / SALESOPS_TOKEN, generated when not given):
a browser that presents it once gets a signed login cookie, signed with a secret kept in a
file so logins survive restarts. Every page kernel acts for one name, `--as` or the
operating-system user, which the server (never the browser) puts in SALESOPS_USER.

Staff accounts replace this later: `identity_provider_class` returns a jupyter_server
IdentityProvider that knows the accounts, and `kernel_user` returns the signed-in
handler's `current_user.username`. salesops.serve only calls these functions, so nothing
else changes, and the name still reaches the kernel through the server-side environment.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from jupyter_server.auth.identity import IdentityProvider, PasswordIdentityProvider
from traitlets import Bool, Unicode

TOKEN_ENV = "SALESOPS_TOKEN"
SECRET_BYTES = 32


def resolve_token(token: str | None) -> tuple[str, bool]:
    """The login token: the given one, else SALESOPS_TOKEN, else a new random one (and True)."""
    token = token or os.environ.get(TOKEN_ENV)
    if token:
        return token, False
    return secrets.token_urlsafe(24), True


def cookie_secret(path: Path) -> bytes:
    """The secret that signs login cookies, read from `path` or created there (mode 600)."""
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
    """Sign in with the token only: no password, and the login page cannot set one."""

    hashed_password = Unicode("")
    allow_password_change = Bool(False)


def identity_provider_class() -> type[IdentityProvider]:
    """The jupyter_server class that decides whether a request is signed in."""
    return TokenIdentityProvider


def kernel_user(handler, shared_user: str) -> str:
    """The name a page kernel acts for: with the shared token, everyone is `shared_user`."""
    if handler.current_user is None:  # authenticated handlers never get here; be explicit
        raise PermissionError("not signed in")
    return shared_user
