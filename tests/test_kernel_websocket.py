"""A page's kernel websocket cannot take the server down (issue 20, finding 1).

Voila 0.5.13 reads every binary message it forwards to a browser as the v1 websocket
protocol. A client that connects without asking for v1 gets the legacy format, in which
the first bytes read as a count of ~10^18 offsets: the server loops, growing until the
machine's OOM killer ends it. The server now refuses websockets without the v1
subprotocol, reads headers with bounds, and runs under a memory limit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
import uuid

import psutil
import pytest
import websocket
from browser import LiveServer, kernel_id_of, wait_until, write_page

from salesops.web import serve
from salesops.web.kernel_socket import v1_header

pytestmark = pytest.mark.slow

V1 = "v1.kernel.websocket.jupyter.org"
# A page whose widget holds a binary buffer, as the import page does after an upload.
BUFFERS_PAGE = (
    "import ipywidgets as ipw\n"
    "ipw.Image(value=b'\\x89PNG\\r\\n\\x1a\\n' + bytes(200_000), format='png')"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A token-mode server with the binary-buffer page."""
    root = tmp_path_factory.mktemp("ws")
    apps = root / "apps"
    apps.mkdir()
    write_page(apps, "_buffers.ipynb", BUFFERS_PAGE)
    live = LiveServer(root, apps).start()
    yield live
    live.stop()


def open_page_kernel(server) -> str:
    """Render the buffers page over HTTP (no browser): its kernel id."""
    status, _, html = server.get(
        "/voila/render/_buffers.ipynb", {"Authorization": f"token {server.token}"}
    )
    assert status == 200
    return kernel_id_of(html)


def message(msg_type: str, content: dict, metadata: dict | None = None) -> dict:
    """A shell-channel message as a browser sends it."""
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": "attacker",
        "username": "",
        "date": "",
        "version": "5.3",
    }
    return {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content}


def ask_for_widget_states(ws, send) -> None:
    """Open the widget control comm and send `request_states` (both allowed messages)."""
    comm = uuid.uuid4().hex
    target = {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}}
    send(ws, message("comm_open", target, {"version": "1.0.0"}))  # ipywidgets' control v1
    send(ws, message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}))


def send_legacy(ws, msg: dict) -> None:
    ws.send(json.dumps({**msg, "channel": "shell", "buffers": []}))


def v1_frame(channel: bytes, *parts: bytes) -> bytes:
    """A v1 binary frame (jupyter_server's layout): the number of offsets, the offsets
    (each part's start, then the end), the channel, the parts."""
    offsets = [8 * (len(parts) + 3)]
    for part in (channel, *parts):
        offsets.append(offsets[-1] + len(part))
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + channel + b"".join(parts)


def send_v1(ws, msg: dict) -> None:
    keys = ("header", "parent_header", "metadata", "content")
    parts = (json.dumps(msg[k]).encode() for k in keys)
    ws.send(v1_frame(b"shell", *parts), opcode=websocket.ABNF.OPCODE_BINARY)


def read_v1(frame: bytes) -> tuple[dict, int]:
    """(content, number of buffers) of a v1 binary frame."""
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    parts = [frame[offsets[i] : offsets[i + 1]] for i in range(count - 1)]
    return json.loads(parts[4]), len(parts) - 5


def responsive(server, seconds: float) -> bool:
    """True when the server answers a kernel list within `seconds`."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/api/kernels",
        headers={"Authorization": f"token {server.token}"},
    )
    try:
        urllib.request.urlopen(req, timeout=seconds).close()
        return True
    except OSError:
        return False


def test_a_legacy_websocket_asking_for_widget_states_does_not_take_the_server_down(server):
    kernel = open_page_kernel(server)
    proc = psutil.Process(server.proc.pid)
    before = proc.memory_info().rss
    url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels?session_id=attacker"
    try:
        ws = websocket.create_connection(
            url, header=[f"Authorization: token {server.token}"], timeout=30
        )
    except websocket.WebSocketBadStatusException as refused:
        assert refused.status_code == 400  # no v1 subprotocol, no connection
    else:
        ask_for_widget_states(ws, send_legacy)
        time.sleep(0.5)  # the reply is on its way (or the server already looping)
    growth = []
    for _ in range(10):  # ten seconds of watching: the looping server grew ~100 MB/s
        assert responsive(server, 5), "the server stopped answering"
        growth.append(proc.memory_info().rss - before)
        time.sleep(1)
    assert max(growth) < 200 * 2**20, f"the server grew by {max(growth) / 2**20:.0f} MB"
    server.shutdown_kernel(kernel)


def test_a_v1_websocket_gets_the_widget_states_with_their_buffers(server):
    kernel = open_page_kernel(server)
    url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels?session_id=page"
    ws = websocket.create_connection(
        url, header=[f"Authorization: token {server.token}"], subprotocols=[V1], timeout=30
    )
    try:
        ask_for_widget_states(ws, send_v1)

        def states():
            content, buffers = read_v1(ws.recv())
            data = content.get("data", {})
            return (data, buffers) if data.get("method") == "update_states" else None

        data, buffers = wait_until(states, 30, "the update_states reply")
        assert buffers == 1 and len(data["buffer_paths"]) == 1  # the image's bytes
    finally:
        ws.close()
        server.shutdown_kernel(kernel)
    assert responsive(server, 5)


def test_headers_of_malformed_binary_messages_are_read_with_bounds():
    start = time.monotonic()
    assert v1_header((2**60).to_bytes(8, "little") + b"\0" * 64) is None
    legacy = (2).to_bytes(4, "big") + (12).to_bytes(4, "big") + b"\0" * 64
    assert v1_header(legacy) is None  # what Voila read as ~10^18 offsets
    assert v1_header(b"\x05") is None and v1_header(b"") is None
    assert time.monotonic() - start < 1
    header = {"msg_type": "execute_input"}
    frame = v1_frame(b"iopub", json.dumps(header).encode(), b"{}", b"{}", b"{}")
    assert v1_header(frame) == header
    assert v1_header(frame[:40]) is None  # offsets past the end


def test_the_server_runs_under_its_memory_limit(server):
    limit = psutil.Process(server.proc.pid).rlimit(psutil.RLIMIT_DATA)
    assert limit[0] == serve.DEFAULT_MEMORY_MB * 2**20


def test_a_process_over_its_memory_limit_gets_an_error_not_the_machine():
    code = (
        "from salesops.web.serve import limit_memory\n"
        "limit_memory(256)\n"
        "try:\n"
        "    block = bytearray(512 * 2**20)\n"
        "except MemoryError:\n"
        "    print('refused')\n"
        "small = bytearray(16 * 2**20)\n"
        "print('still working')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["refused", "still", "working"], done.stderr
