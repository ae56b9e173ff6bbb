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
  Our own stylesheet and script (voila_config/static/salesops.css and salesops.js) are
  linked as `salesops.css?v=<hash of the file>`: `asset_versions` hashes them, the page
  handler hands the hashes to the template in its page config (`ASSETS_KEY`). A changed
  file is a new URL, so a phone that kept the old one a year fetches the new one on the
  next page; the plain URL without `v=` is still served, revalidated.
- tornado's `GZipContentEncoding` compresses HTML, JavaScript, CSS, JSON and SVG for a
  browser that accepts gzip, chunk by chunk, so Voila's rendered page still streams.

Websocket messages (the widgets' traffic) use permessage-deflate: `WEBSOCKET_COMPRESSION`
is tornado's `websocket_compression_options` setting.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import parse_qs

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
# Our own static files (salesops.css, salesops.js), linked with a hash of their content.
OWN_STATIC = Path(__file__).resolve().parent / "voila_config" / "static"
OWN_FILES = ("salesops.css", "salesops.js")
ASSETS_KEY = "salesopsAssets"  # where the page template finds the hashes (its page_config)
# Deflate settings for websocket messages: level 6, tornado's default memory use.
WEBSOCKET_COMPRESSION = {"compression_level": 6, "mem_level": 8}


def cache_control(path: str, query: str) -> str | None:
    """The Cache-Control a static file at `path` (with `query`) should carry, or None when
    `path` is not a static file (its handler decides)."""
    if not path.startswith(STATIC_PREFIXES):
        return None
    versioned = bool(parse_qs(query).get("v")) or bool(HASHED_NAME.search(path))
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


_hashes: dict[Path, tuple[tuple[int, int], str]] = {}


def asset_versions(folder: Path = OWN_STATIC, names=OWN_FILES) -> dict[str, str]:
    """{file name: the first 16 hex digits of its SHA-256}, for the `v=` of its URL. A file
    is hashed again only when its size or modification time changed."""
    versions = {}
    for name in names:
        path = folder / name
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        if path not in _hashes or _hashes[path][0] != key:
            _hashes[path] = (key, hashlib.sha256(path.read_bytes()).hexdigest()[:16])
        versions[name] = _hashes[path][1]
    return versions


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
