"""The pages' kernel websocket: the v1 protocol only, and headers read with bounds.

Voila 0.5.13's handler (voila/tornado/kernel_websocket_handler.py) drops `execute_input`
messages on their way to the browser, and to find them reads the header of every binary
message as the v1 protocol (`v1.kernel.websocket.jupyter.org`). A client that connects
without asking for v1 gets the legacy format instead, whose first eight bytes (a
big-endian buffer count and first offset) read as a little-endian count of about 10^18
offsets: the server builds that list until the machine runs out of memory. Any widget
message carrying binary buffers triggers it, e.g. ipywidgets' `request_states` reply on a
page holding an uploaded file. Voila's own pages always ask for v1, so we refuse the
legacy protocol, and read v1 headers with bounds so no frame can make us loop.
`request_states` stays allowed: the pages' widget manager asks for it on load.
"""

from __future__ import annotations

import json

import tornado.web
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
V1_PARTS = 5  # channel, header, parent header, metadata, content (then buffers)
MAX_PARTS = 4096  # a widget message has a handful of buffers, never thousands


def v1_header(frame: bytes) -> dict | None:
    """The header of a v1 binary websocket frame, or None when it is not one.

    A v1 frame starts with the number of offsets (8 bytes, little-endian), then the
    offsets, then the parts; the header is the second part.
    """
    count = int.from_bytes(frame[:8], "little")
    if not V1_PARTS <= count <= MAX_PARTS or len(frame) < 8 * (count + 1):
        return None
    start, end = (int.from_bytes(frame[8 * i : 8 * (i + 1)], "little") for i in (2, 3))
    if not 8 * (count + 1) <= start <= end <= len(frame):
        return None
    try:
        header = json.loads(frame[start:end].decode("utf-8"))
    except ValueError:
        return None
    return header if isinstance(header, dict) else None


class PageKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """A page's kernel websocket: refused without the v1 subprotocol; `execute_input`
    dropped as Voila does, its header read with bounds."""

    async def get(self, *args, **kwargs):
        """Refuse (400) a handshake that does not offer the v1 subprotocol."""
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        if V1_PROTOCOL not in (p.strip() for p in offered.split(",")):
            self.log.warning("kernel websocket without %s refused", V1_PROTOCOL)
            raise tornado.web.HTTPError(400, "the v1 kernel websocket protocol is required")
        await super().get(*args, **kwargs)

    def select_subprotocol(self, subprotocols):
        """v1, whatever a configuration says (get() refused clients that lack it)."""
        return V1_PROTOCOL if V1_PROTOCOL in subprotocols else None

    def write_message(self, message, binary: bool = False):
        """Send a kernel message on, except `execute_input` (the code of the page)."""
        if isinstance(message, bytes):
            header = v1_header(message)
        elif isinstance(message, dict):
            header = message.get("header")
        else:
            header = None
        if isinstance(header, dict) and header.get("msg_type") == "execute_input":
            return None
        # Skip Voila's write_message (its unbounded reading) for the base handler's.
        return super(VoilaKernelWebsocketHandler, self).write_message(message, binary)
