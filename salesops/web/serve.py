"""Serve the staff pages (notebooks/apps/) with standalone Voila, behind the login.

Only the apps folder is Voila's root, so analysis notebooks have no URL at all. Pages are
at /voila/render/<page>.ipynb, sources stripped, tracebacks never shown. The tunable
settings (culling, timeouts) are in salesops/web/voila_config/voila.py; this module enforces
what must not be tuned away and wires in what Voila 0.5 lacks:

- the signed-in user reaches the page kernel as SALESOPS_USER, set by the server when it
  starts the kernel (a browser cannot forge it), together with the server's SALESOPS_DB_URL;
  with accounts, a page a role may not open (salesops.web.login.PAGE_PERMISSIONS) is refused
  before any kernel starts, and a kernel answers only the account that opened it (nobody
  can attach to another person's kernel and act as them);
- the page response sets the `_xsrf` cookie, so the shutdown beacon a closing tab sends
  passes the XSRF check instead of failing with 403 (voila#1458) and leaking the kernel;
- GET /api/kernels lists live kernels (signed in only), for tests and monitoring;
- a pool of warm kernels (PageKernelManager) so a page view skips kernel start and imports.
"""

from __future__ import annotations

import html
import json
import os
import re
import resource
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import tornado.ioloop
import tornado.web
from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.base.handlers import APIHandler
from jupyter_server.log import log_request
from jupyter_server.utils import url_path_join
from traitlets.config import Config
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from .. import config, messages
from ..actors import Actor
from ..db import connect
from ..errors import SalesopsError
from . import caching, login, policy
from .kernel_socket import PageKernelWebsocketHandler
from .kernels import PageKernelManager, request_env

APPS_DIR = config.PROJECT_ROOT / "notebooks" / "apps"
CONFIG_DIR = Path(__file__).resolve().parent / "voila_config"
DEFAULT_SECRET_FILE = config.PROJECT_ROOT / "data" / ".cookie_secret"
LANDING_PAGE = "index.ipynb"
TEMPLATE_FILE = re.compile(r"[\w-]+/static/[^\\]+")  # /voila/templates/<this>
# The most memory (MB) the server, and each page kernel it starts, may take (RLIMIT_DATA):
# a runaway allocation then fails in that one process instead of starving the machine.
DEFAULT_MEMORY_MB = 2048
messages.add(
    {
        "en": {
            "serve.header_not_loopback": "--trusted-header is only allowed while listening "
            "on 127.0.0.1 (behind the proxy), not on {host}",
            "serve.page_refused": "{who} ({role}) may not open {page}.",
            "serve.bad_proxy": "--trusted-proxy {value!r} is not an IP address or network "
            "(e.g. 127.0.0.1, 10.0.0.0/8)",
            "serve.address_option": "the address is set with --host and --port only; "
            "remove {options}",
        },
        "zh_CN": {
            "serve.header_not_loopback": "--trusted-header 只能在监听 127.0.0.1（代理之后）时"
            "使用，不能监听 {host}",
            "serve.page_refused": "{who}（{role}）无权打开 {page}。",
            "serve.bad_proxy": "--trusted-proxy {value!r} 不是 IP 地址或网段（例如 127.0.0.1、"
            "10.0.0.0/8）",
            "serve.address_option": "监听地址只能用 --host 和 --port 设置；请去掉 {options}",
        },
    }
)


class ServeRefused(SalesopsError):
    """A serve configuration that would be unsafe; the server does not start."""


@dataclass
class ServeOptions:
    """Everything `salesops serve` needs to start the server."""

    db_url: str
    port: int = 8866
    host: str = "127.0.0.1"
    token: str | None = None
    apps_dir: Path = APPS_DIR
    user: str | None = None
    role: str = "manager"  # what the shared token may do (token mode only)
    trusted_header: str | None = None
    secret_file: Path = DEFAULT_SECRET_FILE
    memory_mb: int = DEFAULT_MEMORY_MB  # 0: no limit
    https: bool = False  # reached over HTTPS (maybe through a TLS proxy): Secure cookies
    trusted_proxies: tuple[str, ...] = ()  # whose X-Forwarded-For names the client
    voila_args: list[str] = field(default_factory=list)


def owns_kernel(handler, kernel_id: str | None) -> bool:
    """With accounts, only the person a kernel acts for may talk to it or shut it down."""
    if not kernel_id or not login.per_person(handler) or handler.current_user is None:
        return True
    owners = getattr(handler.kernel_manager, "owners", {})
    return owners.get(kernel_id) == handler.current_user.username


class PageAuthorizer(Authorizer):
    """jupyter_server's authorisation hook: kernels answer only the account they act for."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        """Kernel requests (websocket, model, delete) only for the kernel's own person."""
        if resource != "kernels":
            return True
        kernel_id = handler.path_kwargs.get("kernel_id") or getattr(handler, "kernel_id", None)
        return owns_kernel(handler, kernel_id)


class ShutdownHandler(VoilaShutdownKernelHandler):
    """The tab-close beacon, accepted only for the person's own kernel."""

    @tornado.web.authenticated
    async def post(self, kernel_id):
        """Shut the kernel down if it is the signed-in person's."""
        if not owns_kernel(self, kernel_id):
            raise tornado.web.HTTPError(403)
        await super().post(kernel_id)


class PageHandler(TornadoVoilaHandler):
    """Renders one page for a signed-in user."""

    @tornado.web.authenticated
    async def get(self, path=None):
        """Render the page, its kernel acting for the signed-in user (if their role may)."""
        shared, token_role = self.settings["salesops_user"], self.settings["salesops_role"]
        env = login.kernel_env(self, shared, token_role)
        role = login.page_role(self, shared, token_role, self.settings["salesops_db"])
        needed = login.page_permission(path)
        if role is None or (needed and not Actor(env["SALESOPS_USER"], role).can(needed)):
            return self._refuse(env["SALESOPS_USER"], role or "-", path)
        request_env.set(env)
        self.xsrf_token  # noqa: B018 -- sets the _xsrf cookie the tab-close beacon sends back
        self._allow_page_scripts()
        await super().get(path)

    def _allow_page_scripts(self) -> None:
        """A nonce for this response: in its Content-Security-Policy, and in the page config
        the template reads it from to mark its own inline scripts; beside it the hashes the
        template versions salesops.css and salesops.js with (salesops.web.caching)."""
        self._nonce = nonce = policy.new_nonce()
        self.set_header("Content-Security-Policy", policy.content_security_policy(nonce))
        hook = self.page_config_hook
        assets = caching.asset_versions()

        def with_nonce(page_config, **kwargs):
            page_config = hook(page_config, **kwargs) if hook else page_config
            return {**page_config, policy.NONCE_KEY: nonce, caching.ASSETS_KEY: assets}

        self.page_config_hook = with_nonce

    def write(self, chunk):
        """Write page HTML; Voila's keep-alive script gets the page's nonce."""
        nonce = getattr(self, "_nonce", None)
        if nonce and chunk == policy.HEARTBEAT:
            chunk = policy.nonced_heartbeat(nonce)
        super().write(chunk)

    def _refuse(self, who: str, role: str, path: str):
        """403 with a plain sentence and a way back; no kernel was started."""
        from .signin import page

        text = messages.t("serve.page_refused", who=who, role=role, page=path)
        self.set_status(403)
        self.finish(
            page(
                text,
                f"<p class='so-page-refused'>{html.escape(text)}</p>"
                f"<p><a href='{html.escape(self.base_url, quote=True)}'>"
                f"{html.escape(messages.t('signin.home'))}</a></p>",
            )
        )


class TemplateFileHandler(TemplateStaticFileHandler):
    """Voila's template static files; any other path under /voila/templates/ is a 404
    (Voila's own handler fails an assertion there: a 500 and a traceback in the log)."""

    def parse_url_path(self, path):
        """`<template>/static/<file>` as Voila's handler reads it; anything else: 404."""
        if not TEMPLATE_FILE.fullmatch(path or ""):
            raise tornado.web.HTTPError(404)
        try:
            return super().parse_url_path(path)
        except (AssertionError, ValueError, OSError):
            raise tornado.web.HTTPError(404) from None


class KernelListHandler(APIHandler):
    """GET /api/kernels: the ids of the live page kernels.

    `?detail=1`: {id: open browser connections}; `?pool=1`: the warm kernels waiting in
    the pool instead (they are not pages, so the plain list leaves them out).
    """

    @tornado.web.authenticated
    def get(self):
        """List kernel ids as JSON, or {id: open browser connections} with detail."""
        km = self.kernel_manager
        if self.get_argument("pool", ""):
            self.finish(json.dumps(km.pooled_kernel_ids()))
            return
        ids = [k for k in km.page_kernel_ids() if owns_kernel(self, k) or self._is_admin()]
        if self.get_argument("detail", ""):
            self.finish(json.dumps({k: km.kernel_model(k).get("connections", 0) for k in ids}))
        else:
            self.finish(json.dumps(ids))

    def _is_admin(self) -> bool:
        """Admins see every kernel (monitoring); others only their own."""
        role = login.page_role(
            self,
            self.settings["salesops_user"],
            self.settings["salesops_role"],
            self.settings["salesops_db"],
        )
        return role == "admin"


class SalesopsVoila(Voila):
    """Voila with the salesops page handler, kernel list and server-side identity."""

    shared_user = ""
    token_role = "manager"
    db_url = ""  # the database pages and sign-in use (build_app sets it)
    https = False  # every cookie Secure (build_app sets it)
    trusted_proxies: tuple = ()  # networks whose X-Forwarded-For is believed (build_app)
    authorizer_class = PageAuthorizer

    @property
    def display_url(self):
        """The address Voila logs: without the token, which `run` prints itself."""
        return self.connection_url

    def setup_template_dirs(self):
        """Voila's lab template, with salesops' override of it searched first, and the
        template's stylesheet and script served at /voila/static/ (salesops.css, .js)."""
        super().setup_template_dirs()
        self.template_paths.insert(0, str(CONFIG_DIR / "templates"))
        self.static_paths.insert(0, str(CONFIG_DIR / "static"))

    def init_settings(self):
        """Voila's settings plus the name page kernels act for; starts the kernel pool."""
        settings = super().init_settings()
        settings["salesops_user"] = self.shared_user
        settings["salesops_role"] = self.token_role
        settings["salesops_db"] = connect(self.db_url)
        settings["log_function"] = log_request  # jupyter_server's: tokens scrubbed from URLs
        settings["salesops_https"] = self.https
        settings["salesops_trusted_proxies"] = self.trusted_proxies  # throttle.client_address
        if self.https:  # behind a proxy that terminates TLS the request itself is http
            settings["xsrf_cookie_kwargs"] = {
                **settings.get("xsrf_cookie_kwargs", {}),
                "secure": True,
            }
        # Compressed and cached responses, compressed websocket messages (caching.py);
        # tornado.web.Application takes `transforms` out of these keyword settings.
        settings["transforms"] = [policy.PolicyHeader, *caching.transforms()]
        settings["websocket_compression_options"] = caching.WEBSOCKET_COMPRESSION
        # Warm the kernel pool as soon as the event loop runs (the manager exists by now).
        tornado.ioloop.IOLoop.current().add_callback(self.kernel_manager.fill_pool)
        return settings

    def init_handlers(self):
        """Voila's handlers, with the page route served by PageHandler."""
        handlers = [(url_path_join(self.server_url, "/api/kernels"), KernelListHandler)]
        voila_routes = super().init_handlers()
        versioned = caching.versioned_static_route(voila_routes)
        if versioned:
            handlers.append(versioned)
        for route in voila_routes:
            if route[1] is TornadoVoilaHandler:
                route = (route[0], PageHandler, *route[2:])
            elif route[1] is VoilaShutdownKernelHandler:
                route = (route[0], ShutdownHandler, *route[2:])
            elif route[1] is VoilaKernelWebsocketHandler:
                route = (route[0], PageKernelWebsocketHandler, *route[2:])
            elif route[1] is TemplateStaticFileHandler:
                route = (route[0], TemplateFileHandler, *route[2:])
            handlers.append(route)
        return handlers


def limit_memory(megabytes: int) -> None:
    """Cap this process's data memory (and its future children's) at `megabytes`: past it,
    an allocation raises MemoryError in the process that asked (0: no cap)."""
    if megabytes > 0:
        limit = megabytes * 2**20
        hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def absolute_db_url(url: str) -> str:
    """`url` with a relative SQLite path made absolute (kernels run in the apps folder)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        parsed = parsed.set(database=str(Path(parsed.database).resolve()))
    return parsed.render_as_string(hide_password=False)


def landing_url(opts: ServeOptions, token: str | None) -> str:
    """The URL staff open first: the index page (or the page list), with the token if any."""
    page = "voila/render/" + LANDING_PAGE if (opts.apps_dir / LANDING_PAGE).exists() else ""
    return f"http://{opts.host}:{opts.port}/{page}" + (f"?token={token}" if token else "")


def proxy_networks(values) -> tuple:
    """The --trusted-proxy values as networks; ServeRefused names one that is not an
    address or network."""
    from .throttle import trusted_networks

    for value in values:
        try:
            trusted_networks([value])
        except ValueError:
            raise ServeRefused(messages.t("serve.bad_proxy", value=value)) from None
    return trusted_networks(values)


def build_app(opts: ServeOptions, token: str, mode: str, db_url: str) -> SalesopsVoila:
    """A configured, initialised Voila application for `opts` on the database `db_url`
    (not yet listening)."""
    proxies = proxy_networks(opts.trusted_proxies)
    cfg = Config()
    cfg.VoilaConfiguration.multi_kernel_manager_class = PageKernelManager
    provider = login.identity_provider_class(mode)
    if mode != "token":
        cfg[provider.__name__].db_url = db_url
    if mode == "header":
        cfg[provider.__name__].header = opts.trusted_header
    if opts.https:
        cfg[provider.__name__].secure_cookie = True
    app = SalesopsVoila(
        config=cfg,
        config_file_paths=[str(CONFIG_DIR)],  # ours only: no user config can loosen it
        token=token if mode == "token" else "",  # with accounts, no token opens anything
        cookie_secret=login.cookie_secret(opts.secret_file),
        identity_provider_class=provider,
        ip=opts.host,
        port=opts.port,
        port_retries=0,  # the printed URL must be the real one: fail if the port is taken
        open_browser=False,
    )
    app.shared_user = opts.user or config.current_user()
    app.token_role = opts.role
    app.db_url = db_url
    app.https = opts.https
    app.trusted_proxies = proxies
    app.initialize([str(opts.apps_dir), *opts.voila_args])
    if (app.ip, app.port) != (opts.host, opts.port):  # e.g. --Voila.ip=0.0.0.0 passed on
        options = " ".join(a for a in opts.voila_args if a.startswith("--"))
        raise ServeRefused(messages.t("serve.address_option", options=options))
    app.voila_configuration.strip_sources = True  # not negotiable, whatever the arguments
    app.voila_configuration.show_tracebacks = False
    return app


def run(opts: ServeOptions, echo=print) -> None:
    """Serve the pages until interrupted, after printing the landing URL (and token)."""
    from .signin import is_loopback

    limit_memory(opts.memory_mb)  # before any kernel starts: they inherit it
    db_url = absolute_db_url(config.db_url(opts.db_url))
    # Kernels inherit the server's environment: this is how pages find the same database.
    # The server itself is handed the URL (build_app), it does not read it back.
    os.environ["SALESOPS_DB_URL"] = db_url
    from ..settings import load

    load(connect(db_url))  # the shop's business zone for this process's messages
    mode = login.choose_mode(opts.token, opts.trusted_header, connect(db_url))
    if mode == "header" and not is_loopback(opts.host):
        raise ServeRefused(messages.t("serve.header_not_loopback", host=opts.host))
    token, generated = login.resolve_token(opts.token) if mode == "token" else (None, False)
    app = build_app(opts, token, mode, db_url)
    if mode == "token":  # a token we were given is not repeated (output ends up in logs)
        shown = landing_url(opts, token if generated else None)
        echo(f"salesops pages for {app.shared_user} ({opts.role}): {shown}")
    elif mode == "accounts":
        echo(f"salesops pages, sign in with your account: {landing_url(opts, None)}")
    else:
        echo(
            f"salesops pages behind the proxy (user from {opts.trusted_header}): "
            f"{landing_url(opts, None)}"
        )
    if generated:
        echo("(a new token was generated; set SALESOPS_TOKEN or use --token-file to keep one)")
    app.start()
