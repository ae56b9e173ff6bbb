"""Serve the staff pages (notebooks/apps/) with standalone Voila, behind the login.

Only the apps folder is Voila's root, so analysis notebooks have no URL at all. Pages are
at /voila/render/<page>.ipynb, sources stripped, tracebacks never shown. The tunable
settings (culling, timeouts) are in salesops/voila_config/voila.py; this module enforces
what must not be tuned away and wires in three things Voila 0.5 lacks:

- the signed-in user reaches the page kernel as SALESOPS_USER, set by the server when it
  starts the kernel (a browser cannot forge it), together with the server's SALESOPS_DB_URL;
- the page response sets the `_xsrf` cookie, so the shutdown beacon a closing tab sends
  passes the XSRF check instead of failing with 403 (voila#1458) and leaking the kernel;
- GET /api/kernels lists live kernels (signed in only), for tests and monitoring.
"""

from __future__ import annotations

import json
import os
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from traitlets.config import Config
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from . import config, login

APPS_DIR = config.PROJECT_ROOT / "notebooks" / "apps"
CONFIG_DIR = Path(__file__).resolve().parent / "voila_config"
DEFAULT_SECRET_FILE = config.PROJECT_ROOT / "data" / ".cookie_secret"
LANDING_PAGE = "index.ipynb"

# The user of the page request being served; read when that request starts its kernel.
# A ContextVar, not a global: concurrent requests each see their own value.
_request_user: ContextVar[str] = ContextVar("salesops_request_user")


@dataclass
class ServeOptions:
    """Everything `salesops serve` needs to start the server."""

    db_url: str
    port: int = 8866
    host: str = "127.0.0.1"
    token: str | None = None
    apps_dir: Path = APPS_DIR
    user: str | None = None
    secret_file: Path = DEFAULT_SECRET_FILE
    voila_args: list[str] = field(default_factory=list)


class PageKernelManager(AsyncMappingKernelManager):
    """Starts page kernels acting for the signed-in user, without the server's token."""

    async def start_kernel(self, *args, env=None, **kwargs):
        """Start a kernel for the current page request (refused outside one)."""
        env = dict(os.environ if env is None else env)
        env.pop(login.TOKEN_ENV, None)  # page code has no business with the login token
        env["SALESOPS_USER"] = _request_user.get()  # LookupError: no request, no kernel
        return await super().start_kernel(*args, env=env, **kwargs)


class PageHandler(TornadoVoilaHandler):
    """Renders one page for a signed-in user."""

    @tornado.web.authenticated
    async def get(self, path=None):
        """Render the page, its kernel acting for the signed-in user."""
        _request_user.set(login.kernel_user(self, self.settings["salesops_user"]))
        self.xsrf_token  # noqa: B018 -- sets the _xsrf cookie the tab-close beacon sends back
        await super().get(path)


class KernelListHandler(APIHandler):
    """GET /api/kernels: the ids of the live page kernels (`?detail=1`: with connections)."""

    @tornado.web.authenticated
    def get(self):
        """List live kernel ids as JSON, or {id: open browser connections} with detail."""
        ids = list(self.kernel_manager.list_kernel_ids())
        if self.get_argument("detail", ""):
            models = {k: self.kernel_manager.kernel_model(k) for k in ids}
            self.finish(json.dumps({k: m.get("connections", 0) for k, m in models.items()}))
        else:
            self.finish(json.dumps(ids))


class SalesopsVoila(Voila):
    """Voila with the salesops page handler, kernel list and server-side identity."""

    shared_user = ""

    @property
    def display_url(self):
        """The address Voila logs: without the token, which `run` prints itself."""
        return self.connection_url

    def init_settings(self):
        """Voila's settings plus the name page kernels act for."""
        settings = super().init_settings()
        settings["salesops_user"] = self.shared_user
        return settings

    def init_handlers(self):
        """Voila's handlers, with the page route served by PageHandler."""
        handlers = [(url_path_join(self.server_url, "/api/kernels"), KernelListHandler)]
        for route in super().init_handlers():
            if route[1] is TornadoVoilaHandler:
                route = (route[0], PageHandler, *route[2:])
            handlers.append(route)
        return handlers


def absolute_db_url(url: str) -> str:
    """`url` with a relative SQLite path made absolute (kernels run in the apps folder)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        parsed = parsed.set(database=str(Path(parsed.database).resolve()))
    return parsed.render_as_string(hide_password=False)


def landing_url(opts: ServeOptions, token: str) -> str:
    """The URL staff open first: the index page (or the page list), with the token."""
    page = "voila/render/" + LANDING_PAGE if (opts.apps_dir / LANDING_PAGE).exists() else ""
    return f"http://{opts.host}:{opts.port}/{page}?token={token}"


def build_app(opts: ServeOptions, token: str) -> SalesopsVoila:
    """A configured, initialised Voila application for `opts` (not yet listening)."""
    cfg = Config()
    cfg.VoilaConfiguration.multi_kernel_manager_class = PageKernelManager
    app = SalesopsVoila(
        config=cfg,
        config_file_paths=[str(CONFIG_DIR)],  # ours only: no user config can loosen it
        token=token,
        cookie_secret=login.cookie_secret(opts.secret_file),
        identity_provider_class=login.identity_provider_class(),
        ip=opts.host,
        port=opts.port,
        port_retries=0,  # the printed URL must be the real one: fail if the port is taken
        open_browser=False,
    )
    app.shared_user = opts.user or config.current_user()
    app.initialize([str(opts.apps_dir), *opts.voila_args])
    app.voila_configuration.strip_sources = True  # not negotiable, whatever the arguments
    app.voila_configuration.show_tracebacks = False
    return app


def run(opts: ServeOptions, echo=print) -> None:
    """Serve the pages until interrupted, after printing the landing URL with the token."""
    token, generated = login.resolve_token(opts.token)
    # Kernels inherit the server's environment: this is how pages find the same database.
    os.environ["SALESOPS_DB_URL"] = absolute_db_url(config.db_url(opts.db_url))
    app = build_app(opts, token)
    echo(f"salesops pages for {app.shared_user}: {landing_url(opts, token)}")
    if generated:
        echo("(a new token was generated; pass --token or set SALESOPS_TOKEN to keep one)")
    app.start()
