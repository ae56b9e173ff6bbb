"""The shared token (issue 20, finding 5): never on the command line, a login cookie
that ends with the token and within a day, wrong tokens limited per address and never
written to the log."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
from browser import LiveServer

pytestmark = pytest.mark.slow


def cookie_of(headers: dict) -> str:
    return headers["Set-Cookie"].split(";")[0]


def test_the_token_is_not_an_option_of_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "salesops", "serve", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "SALESOPS_LANG": "en"},
    )
    assert done.returncode == 0
    assert "--token " not in done.stdout and "--token-file" in done.stdout
    assert "SALESOPS_TOKEN" in done.stdout and "command line" in done.stdout


def test_a_new_token_ends_the_old_login_cookie_and_a_cookie_lasts_a_day(tmp_path):
    apps = tmp_path / "apps"
    apps.mkdir()
    first = LiveServer(tmp_path, apps).start()
    _, headers, _ = first.get(f"/api/kernels?token={first.token}")
    cookie = cookie_of(headers)
    expires = parsedate_to_datetime(re.search(r"expires=([^;]+)", headers["Set-Cookie"])[1])
    assert (expires - datetime.now(UTC)).total_seconds() <= 13 * 3600
    first.stop()
    again = LiveServer(tmp_path, apps, port=first.port)  # same secret file, a new token
    again.start()
    try:
        assert again.get("/api/kernels", {"Cookie": cookie})[0] == 403
        _, headers, _ = again.get(f"/api/kernels?token={again.token}")
        assert again.get("/api/kernels", {"Cookie": cookie_of(headers)})[0] == 200
    finally:
        again.stop()


def test_wrong_tokens_are_limited_per_address_and_never_logged(tmp_path):
    apps = tmp_path / "apps"
    apps.mkdir()
    server = LiveServer(
        tmp_path, apps, voila_args=["--TokenIdentityProvider.address_limit=5"]
    ).start()
    try:
        wrong = [f"wrong-token-{i}-x9" for i in range(6)]
        for token in wrong:
            assert server.get(f"/api/kernels?token={token}")[0] == 403
        # The right token, from the address that guessed: refused for the window.
        assert server.get(f"/api/kernels?token={server.token}")[0] == 403
        log = server.log()
        assert not [t for t in [*wrong, server.token] if t in log]
        assert "wrong token from 127.0.0.1" in log
    finally:
        server.stop()
