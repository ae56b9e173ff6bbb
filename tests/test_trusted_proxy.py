"""Behind a reverse proxy (`--trusted-proxy`): the sign-in limit per address counts the
client X-Forwarded-For names, but only when the request came from a trusted proxy; from
anyone else the header is ignored. Live `salesops serve` in accounts mode (no browser)."""

from __future__ import annotations

import os
import subprocess

import pytest
import sqlalchemy as sa
from browser import LiveServer, apps_copy
from signinserver import AccountsServer
from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from salesops.db import Database
from salesops.schema import staff_sessions
from salesops.web.throttle import client_address, trusted_networks

pytestmark = pytest.mark.slow
LIMIT = 3  # failed sign-ins per address the servers here allow


def serve(tmp_path, *options: str) -> AccountsServer:
    """An accounts-mode server allowing LIMIT failures per address, with `options`."""
    apps = apps_copy(tmp_path)
    limit = f"--AccountsIdentityProvider.address_limit={LIMIT}"
    return AccountsServer(tmp_path, apps, voila_args=[*options, limit]).start()


def fail(server, forwarded: str | None) -> int:
    """One wrong password (for a name without an account, so no name gets locked)."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return server.post_login("no.body", "wrong password", extra=headers)[0]


def test_behind_a_trusted_proxy_each_client_has_its_own_count(tmp_path):
    server = serve(tmp_path, "--trusted-proxy", "127.0.0.1")
    try:
        assert [fail(server, "203.0.113.5") for _ in range(LIMIT)] == [401] * LIMIT
        assert fail(server, "203.0.113.5") == 429  # this client guessed too often
        # Whatever the client wrote before the proxy's entry, the proxy's entry counts;
        # and a chain of trusted proxies is followed back to the client.
        assert fail(server, "198.51.100.1, 203.0.113.5") == 429
        assert fail(server, "203.0.113.5, 127.0.0.1") == 429
        status, _cookie, _ = server.sign_in("wang.fang", headers={"X-Forwarded-For": "203.0.113.9"})
        assert status == 302  # another client behind the same proxy signs in
        assert fail(server, None) == 401  # the proxy itself (no header) has its own count
        with Database(server.db_url).engine.connect() as conn:
            seen = conn.execute(sa.select(staff_sessions.c.remote_ip)).scalars().all()
        assert seen == ["203.0.113.9"]
        assert "sign-in from 203.0.113.5 refused: too many failures" in server.log()
    finally:
        server.stop()


def test_the_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(tmp_path):
    server = serve(tmp_path, "--trusted-proxy", "10.9.9.9")  # not where requests come from
    try:
        made_up = [f"203.0.113.{n}" for n in range(LIMIT + 2)]
        assert [fail(server, a) for a in made_up[:LIMIT]] == [401] * LIMIT
        assert fail(server, made_up[LIMIT]) == 429  # a new made-up address does not help
        status, _cookie, _ = server.sign_in("wang.fang", headers={"X-Forwarded-For": made_up[-1]})
        assert status == 429
        assert "sign-in from 127.0.0.1 refused" in server.log()
    finally:
        server.stop()


def test_wrong_tokens_behind_a_trusted_proxy_are_counted_per_client(tmp_path):
    apps = tmp_path / "apps"
    apps.mkdir()
    limit = f"--TokenIdentityProvider.address_limit={LIMIT}"
    server = LiveServer(tmp_path, apps, voila_args=["--trusted-proxy", "127.0.0.1", limit])
    server.start()
    try:
        guesser = {"X-Forwarded-For": "203.0.113.5"}
        for n in range(LIMIT):
            assert server.get(f"/api/kernels?token=wrong-{n}", guesser)[0] == 403
        assert server.get(f"/api/kernels?token={server.token}", guesser)[0] == 403  # waits
        other = {"X-Forwarded-For": "203.0.113.9"}
        assert server.get(f"/api/kernels?token={server.token}", other)[0] == 200
        assert "wrong token from 203.0.113.5" in server.log()
    finally:
        server.stop()


def test_a_trusted_proxy_that_is_not_an_address_stops_the_server_with_a_clear_message(tmp_path):
    cli = LiveServer(tmp_path, tmp_path)._cli
    subprocess.run(cli("init"), check=True, capture_output=True)
    done = subprocess.run(
        [*cli("serve"), "--trusted-proxy", "proxy.local", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SALESOPS_LANG": "en"},
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "--trusted-proxy 'proxy.local' is not an IP address or network" in done.stderr
    helped = subprocess.run([*cli("serve"), "--help"], capture_output=True, text=True)
    assert "--trusted-proxy ADDRESS" in helped.stdout and "X-Forwarded-For" in helped.stdout


class Handler:
    """What client_address reads of a tornado handler: the request and the settings."""

    def __init__(self, peer: str, forwarded: list[str], trusted: list[str]):
        headers = HTTPHeaders({"Host": "shop.example"})
        for value in forwarded:
            headers.add("X-Forwarded-For", value)
        line = RequestStartLine("POST", "/login", "HTTP/1.1")
        self.request = HTTPServerRequest(start_line=line, headers=headers)
        self.request.remote_ip = peer
        self.settings = {"salesops_trusted_proxies": trusted_networks(trusted)}


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        ("127.0.0.1", ["203.0.113.5"], [], "127.0.0.1"),  # no proxy trusted
        ("192.0.2.7", ["203.0.113.5"], ["127.0.0.1"], "192.0.2.7"),  # not from the proxy
        ("127.0.0.1", [], ["127.0.0.1"], "127.0.0.1"),  # no header
        ("127.0.0.1", ["6.6.6.6, 203.0.113.5"], ["127.0.0.1"], "203.0.113.5"),
        ("10.0.0.2", ["203.0.113.5, 10.0.0.1"], ["10.0.0.0/24"], "203.0.113.5"),
        ("127.0.0.1", ["6.6.6.6", "203.0.113.5:4431"], ["127.0.0.1"], "203.0.113.5"),
        ("127.0.0.1", ["[2001:db8::1]:443"], ["127.0.0.1"], "2001:db8::1"),
        ("::ffff:127.0.0.1", ["203.0.113.5"], ["127.0.0.1"], "203.0.113.5"),
        ("127.0.0.1", ["203.0.113.5, not-an-address"], ["127.0.0.1"], "127.0.0.1"),
        ("127.0.0.1", ["10.0.0.1"], ["127.0.0.1", "10.0.0.0/8"], "10.0.0.1"),  # all trusted
    ],
)
def test_the_client_address_is_the_right_most_one_not_a_trusted_proxy(
    peer, forwarded, trusted, client
):
    assert client_address(Handler(peer, forwarded, trusted)) == client
