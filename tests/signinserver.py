"""A live `salesops serve` that signs people in with their own accounts (or believes a
trusted proxy's header), with staff accounts made through the CLI; for the sign-in tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request

from browser import LiveServer

PASSWORDS = {
    "wang.fang": "staff-pass-1",
    "li.lei": "manager-pass-2",
    "boss": "admin-pass-3",
    "zhao.min": "staff-pass-4",
    "liu.yang": "staff-pass-5",
}
ROLES = {
    "wang.fang": "staff",
    "li.lei": "manager",
    "boss": "admin",
    "zhao.min": "staff",
    "liu.yang": "staff",
}

WHOAMI = (
    "import os\nfrom IPython.display import HTML\n"
    "HTML(f\"<p id='who'>{os.environ['SALESOPS_USER']}</p>\")"
)


class AccountsServer(LiveServer):
    """`salesops serve` in accounts mode: no token anywhere, accounts in the database."""

    def start(self, users=ROLES) -> AccountsServer:
        """Migrate, add the accounts, start serving without a token, wait for /login."""
        subprocess.run(self._cli("init"), check=True, capture_output=True)
        for name, role in users.items():
            subprocess.run(
                self._cli("user", "add", name, "--role", role, "--password-stdin"),
                input=PASSWORDS[name],
                text=True,
                check=True,
                capture_output=True,
            )
        env = {k: v for k, v in os.environ.items() if k != "SALESOPS_TOKEN"}
        env["SALESOPS_LANG"] = "en"
        self._serve(env)
        self._admin_cookie = None
        return self

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"salesops serve exited:\n{self.log()}")
        try:
            return self.get("/login")[0] in (200, 403)  # 403: trusted-header mode
        except OSError:
            return False

    def sign_in(self, name: str, password: str | None = None, headers=None) -> tuple[int, str, str]:
        """Sign in over HTTP (with extra request `headers`): (status, Cookie header for
        later requests, body)."""
        status, headers, body, cookie = self.post_login(name, password, extra=headers)
        session = [
            c.split(";")[0]
            for c in headers.get_all("Set-Cookie") or []
            if c.startswith("salesops-session=")
        ]
        return status, "; ".join([cookie, *session]), body

    def post_login(self, name: str, password: str | None = None, query: str = "", extra=None):
        """POST the sign-in form (after GETting it for its XSRF token) with `extra` request
        headers, redirects not followed: (status, headers, body, the form's cookie)."""
        status, headers, body = self.get("/login" + query)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', body).group(1)
        cookie = headers["Set-Cookie"].split(";")[0]
        form = urllib.parse.urlencode(
            {
                "_xsrf": xsrf,
                "username": name,
                "password": PASSWORDS.get(name, "") if password is None else password,
            }
        ).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/login{query}",
            data=form,
            headers={"Cookie": cookie, **(extra or {})},
        )
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(req, timeout=60) as resp:
                return resp.status, resp.headers, resp.read().decode(), cookie
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode(), cookie

    def sign_out(self, cookie: str, with_xsrf: bool = True) -> int:
        """Press the sign-out button: POST /logout with `cookie` (and the XSRF token the
        logout page's form carries); the status."""
        status, headers, body = self.get("/logout", {"Cookie": cookie})
        assert status == 200 and "so-logout-submit" in body
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', body).group(1)
        form_cookie = headers["Set-Cookie"].split(";")[0] if "Set-Cookie" in headers else ""
        cookies = "; ".join(c for c in (cookie, form_cookie) if c)
        data = urllib.parse.urlencode({"_xsrf": xsrf} if with_xsrf else {}).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/logout", data=data, headers={"Cookie": cookies}
        )
        try:
            with urllib.request.build_opener(NoRedirect).open(req, timeout=60) as resp:
                return resp.status
        except urllib.error.HTTPError as e:
            return e.code

    def shutdown_kernel_as(self, kernel_id: str, cookie: str) -> int:
        """DELETE a kernel with a signed-in person's cookie (and its XSRF token)."""
        xsrf = re.search(r"_xsrf=([^;]+)", cookie).group(1)
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/kernels/{kernel_id}",
            method="DELETE",
            headers={"Cookie": cookie, "X-XSRFToken": xsrf},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status
        except urllib.error.HTTPError as e:
            return e.code

    def kernels(self) -> list[str]:
        """Live page kernels, asked as the admin (who sees everyone's)."""
        if not self._admin_cookie:
            self._admin_cookie = self.sign_in("boss")[1]
        status, _, body = self.get("/api/kernels", {"Cookie": self._admin_cookie})
        if status != 200:
            raise RuntimeError(f"/api/kernels answered {status}: {body}")
        return json.loads(body)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects instead of following them."""

    def redirect_request(self, *args, **kwargs):
        return None
