"""Serve the staff pages (notebooks/apps/) with standalone Voila, behind the login.

Only the apps folder is Voila's root, so analysis notebooks have no URL at all. Pages are
at /voila/render/<page>.ipynb, sources stripped, tracebacks never shown. The tunable
settings (culling, timeouts) are in salesops/voila_config/voila.py; this module enforces
what must not be tuned away and wires in what Voila 0.5 lacks:

- the signed-in user reaches the page kernel as SALESOPS_USER, set by the server when it
  starts the kernel (a browser cannot forge it), together with the server's SALESOPS_DB_URL;
- the page response sets the `_xsrf` cookie, so the shutdown beacon a closing tab sends
  passes the XSRF check instead of failing with 403 (voila#1458) and leaking the kernel;
- GET /api/kernels lists live kernels (signed in only), for tests and monitoring;
- a pool of warm kernels (PageKernelManager) so a page view skips kernel start and imports.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import tornado.ioloop
import tornado.web
from jupyter_server._tz import utcnow
from jupyter_server.base.handlers import APIHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from traitlets import Integer, Unicode
from traitlets.config import Config
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from . import config, login

APPS_DIR = config.PROJECT_ROOT / "notebooks" / "apps"
CONFIG_DIR = Path(__file__).resolve().parent / "voila_config"
DEFAULT_SECRET_FILE = config.PROJECT_ROOT / "data" / ".cookie_secret"
LANDING_PAGE = "index.ipynb"
POOL_KERNEL = "python3"
# What a pooled kernel imports while it waits: the heavy modules every page needs. A
# module that is missing (a page package not installed) is skipped, not an error.
WARM_CODE = """
def _so_warm():
    import importlib
    for name in ("ipywidgets", "pandas", "sqlalchemy", "salesops.db", "salesops.queries",
                 "salesops.appdata", "widgets.pages"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
_so_warm()
del _so_warm
"""
# What the server runs in a pooled kernel to hand it to a page request: the request's
# environment (identity included) as base64 of JSON, so no value can be read as code.
HAND_OVER_CODE = """
def _so_hand_over(payload):
    import base64, json, os
    changed, gone = json.loads(base64.b64decode(payload))
    os.environ.update(changed)
    for name in gone:
        os.environ.pop(name, None)
_so_hand_over(%r)
del _so_hand_over
"""

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
    """Starts page kernels acting for the signed-in user, without the server's token.

    A small pool of warm kernels (`pool_size`, default 1) is kept ready: each was started
    in the apps folder with the server's environment and has already imported what pages
    import (`warm_code`), so a page view skips the kernel start and the heavy imports. A
    pooled kernel belongs to nobody until a page request takes it; then, before any page
    code runs, the server itself writes that request's identity into the kernel's
    environment (the same way Voila hands a kernel its id), so the browser can no more
    forge it than with a freshly started kernel. Pooled kernels are never culled and are
    not listed as page kernels by /api/kernels; the pool refills after each take.
    Voila's own preheating is different: it runs a page's notebook before anyone asks
    for it, so identity cannot reach it, and it breaks with culling (see voila.py).
    """

    pool_size = Integer(
        1, config=True, help="Warm kernels kept ready for the next page view (0: none)."
    )
    warm_code = Unicode(
        WARM_CODE, config=True, help="Code a pooled kernel runs before it is handed out."
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._pool: list[str] = []  # ready kernel ids, oldest first
        self._pool_env: dict[str, str] = {}
        self._warming: set[str] = set()  # kernels being started and warmed for the pool

    async def start_kernel(self, *args, env=None, **kwargs):
        """Start (or take from the pool) a kernel for the current page request."""
        env = dict(os.environ if env is None else env)
        env.pop(login.TOKEN_ENV, None)  # page code has no business with the login token
        env["SALESOPS_USER"] = _request_user.get()  # LookupError: no request, no kernel
        kernel_id = await self._take_pooled(env, kwargs)
        if kernel_id is None:
            self.log.info("salesops: no warm kernel for %r, starting one", kwargs)
            kernel_id = await super().start_kernel(*args, env=env, **kwargs)
        else:
            self.log.info("salesops: page kernel %s taken from the pool", kernel_id)
        self.fill_pool()
        return kernel_id

    def pooled_kernel_ids(self) -> list[str]:
        """The warm kernels waiting for a page, oldest first."""
        return list(self._pool)

    def page_kernel_ids(self) -> list[str]:
        """The kernels serving pages (all live kernels but the pooled ones)."""
        return [k for k in self.list_kernel_ids() if k not in self._pool and k not in self._warming]

    async def cull_kernel_if_idle(self, kernel_id):
        """Cull idle page kernels; a pooled kernel is idle by design and is kept."""
        if kernel_id in self._pool or kernel_id in self._warming:
            return
        await super().cull_kernel_if_idle(kernel_id)

    def fill_pool(self) -> None:
        """Start kernels in the background until the pool holds `pool_size`."""
        missing = self.pool_size - len(self._pool) - len(self._warming)
        for _ in range(max(missing, 0)):
            kernel_id = str(uuid.uuid4())
            self._warming.add(kernel_id)
            asyncio.ensure_future(self._add_pooled(kernel_id))

    async def _add_pooled(self, kernel_id: str) -> None:
        env = {k: v for k, v in os.environ.items() if k != login.TOKEN_ENV}
        env["SALESOPS_USER"] = ""  # nobody, until a request takes the kernel
        try:
            await super().start_kernel(kernel_id=kernel_id, kernel_name=POOL_KERNEL, path="",
                                       env=env)
            await self._run_silently(kernel_id, self.warm_code)
        except Exception:
            self.log.exception("salesops: could not warm a kernel for the pool")
            if kernel_id in self:
                await self.shutdown_kernel(kernel_id, now=True)
        else:
            self._pool_env = env
            self._pool.append(kernel_id)
        finally:
            self._warming.discard(kernel_id)

    async def _take_pooled(self, env: dict, kwargs: dict) -> str | None:
        """A warm kernel now acting for `env`'s request, or None (then start one)."""
        if kwargs.get("path") != "" or kwargs.get("kernel_name") != POOL_KERNEL:
            return None  # pooled kernels are python3 in the apps folder only
        while self._pool:
            kernel_id = self._pool.pop(0)
            changed = {k: v for k, v in env.items() if self._pool_env.get(k) != v}
            gone = [k for k in self._pool_env if k not in env]
            payload = base64.b64encode(json.dumps([changed, gone]).encode()).decode()
            code = HAND_OVER_CODE % payload
            try:
                await self._run_silently(kernel_id, code)
            except Exception:
                self.log.exception("salesops: pooled kernel %s refused its identity", kernel_id)
                await self.shutdown_kernel(kernel_id, now=True)
                continue
            self.get_kernel(kernel_id).last_activity = utcnow()  # a page from now on
            return kernel_id
        return None

    async def _run_silently(self, kernel_id: str, code: str) -> None:
        """Run `code` in a kernel and wait for it; raise if it failed."""
        client = self.get_kernel(kernel_id).client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            reply = await client.execute_interactive(
                code, silent=True, store_history=False, timeout=120
            )
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")


class PageHandler(TornadoVoilaHandler):
    """Renders one page for a signed-in user."""

    @tornado.web.authenticated
    async def get(self, path=None):
        """Render the page, its kernel acting for the signed-in user."""
        _request_user.set(login.kernel_user(self, self.settings["salesops_user"]))
        self.xsrf_token  # noqa: B018 -- sets the _xsrf cookie the tab-close beacon sends back
        await super().get(path)


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
        ids = km.page_kernel_ids()
        if self.get_argument("detail", ""):
            self.finish(json.dumps({k: km.kernel_model(k).get("connections", 0) for k in ids}))
        else:
            self.finish(json.dumps(ids))


class SalesopsVoila(Voila):
    """Voila with the salesops page handler, kernel list and server-side identity."""

    shared_user = ""

    @property
    def display_url(self):
        """The address Voila logs: without the token, which `run` prints itself."""
        return self.connection_url

    def setup_template_dirs(self):
        """Voila's lab template, with salesops' override of it searched first."""
        super().setup_template_dirs()
        self.template_paths.insert(0, str(CONFIG_DIR / "templates"))

    def init_settings(self):
        """Voila's settings plus the name page kernels act for; starts the kernel pool."""
        settings = super().init_settings()
        settings["salesops_user"] = self.shared_user
        # Warm the kernel pool as soon as the event loop runs (the manager exists by now).
        tornado.ioloop.IOLoop.current().add_callback(self.kernel_manager.fill_pool)
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
