"""Page kernels: started acting for the signed-in person, and a pool of warm ones.

salesops.web.serve hands Voila `PageKernelManager` as its kernel manager; the page
request being served puts its kernel environment (who it acts for) in `request_env`
before Voila starts the page's kernel.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import uuid
from contextvars import ContextVar

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Integer, Unicode

from . import login

POOL_KERNEL = "python3"
# What a pooled kernel imports while it waits: the heavy modules every page needs. A
# module that is missing (a page package not installed) is skipped, not an error. Not
# pandas: a page that builds a DataFrame imports it then; the others save its ~35 MB.
WARM_CODE = """
def _so_warm():
    import importlib
    for name in ("ipywidgets", "sqlalchemy", "salesops.db", "salesops.queries",
                 "salesops.web.pagedata", "widgets.pages"):
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

# Who the page request being served acts for (kernel environment); read when that request
# starts its kernel. A ContextVar, not a global: concurrent requests each see their own.
request_env: ContextVar[dict] = ContextVar("salesops_request_env")
# Never inherited from the server's own environment: set per kernel, or not at all.
IDENTITY_ENV = (
    "SALESOPS_USER",
    "SALESOPS_ROLE",
    "SALESOPS_AUTH",
    login.TOKEN_ENV,
    login.SECRET_ENV,
)


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
        self.owners: dict[str, str] = {}  # kernel id -> the name it acts for

    async def start_kernel(self, *args, env=None, **kwargs):
        """Start (or take from the pool) a kernel for the current page request."""
        identity = request_env.get()  # LookupError: no request, no kernel
        env = {
            k: v for k, v in (os.environ if env is None else env).items() if k not in IDENTITY_ENV
        }  # page code has no business with the login token
        env.update(identity)
        kernel_id = await self._take_pooled(env, kwargs)
        if kernel_id is None:
            self.log.info("salesops: no warm kernel for %r, starting one", kwargs)
            kernel_id = await super().start_kernel(*args, env=env, **kwargs)
        else:
            self.log.info("salesops: page kernel %s taken from the pool", kernel_id)
        self.owners[kernel_id] = identity["SALESOPS_USER"]
        self.fill_pool()
        return kernel_id

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        """Shut a kernel down and forget whose it was."""
        self.owners.pop(kernel_id, None)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)

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
        env = {k: v for k, v in os.environ.items() if k not in IDENTITY_ENV}
        env["SALESOPS_USER"] = ""  # nobody, until a request takes the kernel
        try:
            await super().start_kernel(
                kernel_id=kernel_id, kernel_name=POOL_KERNEL, path="", env=env
            )
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
