"""How the server's responses travel: compressed, and cached by the browser where they can be.

Staff open the pages from phones on mobile networks, where bytes and round trips are the
time. Every response we send passes through two tornado output transforms:

- `CacheHeaders` sets `Cache-Control` on static files: a *versioned* URL (a `v=` query, or
  a file name carrying a content hash such as `718.a7a3f80ef4813fab.js`) never changes, so
  the browser keeps it a year without asking (`public, max-age=31536000, immutable`);
  every other static file is revalidated (`no-cache`: the browser asks, the server
  answers 304 from the ETag when it is unchanged). Pages and API answers keep what their
  handler set (Voila's rendered pages are `no-store`).
  Voila loads its own JavaScript from `/voila/static/voila.js`, and voila.js loads some
  forty chunks next to itself (`5312.voila.js`, ...) whose names carry no hash. The pages
  load voila.js from `/voila/static-v<Voila's version>/` instead (the same files; our
  template's body_header points the page's `fullStaticUrl` there), so the chunks it loads
  from beside itself are versioned too: a new Voila is a new URL.
- tornado's `GZipContentEncoding` compresses HTML, JavaScript, CSS, JSON and SVG for a
  browser that accepts gzip, chunk by chunk, so Voila's rendered page still streams.

Websocket messages (the widgets' traffic) use permessage-deflate: `WEBSOCKET_COMPRESSION`
is tornado's `websocket_compression_options` setting.
"""

from __future__ import annotations

import re

import tornado.web
from tornado import httputil
from voila import __version__ as voila_version

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Where static files are served from (Voila's static, template and labextension routes).
STATIC_PREFIXES = (
    "/voila/static/",
    "/voila/static-v",
    "/voila/templates/",
    "/voila/labextensions/",
    "/static/",
)
# Voila's static folder under a versioned path: `/voila/static-v0.5.13/<file>`.
STATIC_VERSIONED = f"/voila/static-v{voila_version}/"
# A webpack chunk named by its content hash: name.<16+ hex digits>.js / .css / .woff2 ...
HASHED_NAME = re.compile(r"[./-][0-9a-f]{16,}\.[a-z0-9]+$")
# Deflate settings for websocket messages: level 6, tornado's default memory use.
WEBSOCKET_COMPRESSION = {"compression_level": 6, "mem_level": 8}


def cache_control(path: str, query: str) -> str | None:
    """The Cache-Control a static file at `path` (with `query`) should carry, or None when
    `path` is not a static file (its handler decides)."""
    if not path.startswith(STATIC_PREFIXES):
        return None
    versioned = "v=" in query or bool(HASHED_NAME.search(path))
    versioned = versioned or path.startswith(STATIC_VERSIONED)
    return IMMUTABLE if versioned else REVALIDATE


class CacheHeaders(tornado.web.OutputTransform):
    """Sets Cache-Control on successful static responses (see the module docstring)."""

    def __init__(self, request: httputil.HTTPServerRequest) -> None:
        self._value = cache_control(request.path, request.query)

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        """Replace the handler's Cache-Control on a 200 or 304 static response."""
        if self._value and status_code in (200, 304):
            headers["Cache-Control"] = self._value
            headers.pop("Pragma", None)
            headers.pop("Expires", None)
        return status_code, headers, chunk


def transforms() -> list[type[tornado.web.OutputTransform]]:
    """The output transforms of the pages' tornado application, in order."""
    return [CacheHeaders, tornado.web.GZipContentEncoding]


def versioned_static_route(voila_routes: list) -> tuple | None:
    """The route serving Voila's static folder at its versioned path: Voila's own
    `/voila/static/(.*)` route (from `voila_routes`) with the version in the path."""
    for route in voila_routes:
        if route[0].endswith("/voila/static/(.*)"):
            pattern = route[0][: -len("/voila/static/(.*)")] + re.escape(STATIC_VERSIONED) + "(.*)"
            return (pattern, *route[1:])
    return None
