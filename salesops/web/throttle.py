"""Failed attempts per client address, in this process: past a limit, the address waits.

Sign-in (salesops.web.signin) and the shared token (salesops.web.login) count failures
here by the request's address, so one machine cannot go on guessing, nor keep other
people's names locked by guessing at them (accounts count failures per name as well).

Behind a reverse proxy every request comes from the proxy's address, so everyone would
share one count. `client_address` takes the address from X-Forwarded-For instead, but
only for a request whose peer is one of the proxies `salesops serve --trusted-proxy`
names: anyone else can write that header, so theirs is ignored.
"""

from __future__ import annotations

import ipaddress
import time
from collections import deque
from collections.abc import Iterable

ADDRESS_LIMIT = 30  # failures per address
WINDOW_SECONDS = 15 * 60
MAX_ADDRESSES = 10_000  # beyond this many, the oldest addresses are forgotten


class FailureLimit:
    """At most `limit` failures per key within `window` seconds."""

    def __init__(self, limit: int = ADDRESS_LIMIT, window: float = WINDOW_SECONDS):
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` may try again (0: it may now)."""
        now = time.monotonic() if now is None else now
        times = self._failures.get(key)
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times or len(times) < self.limit:
            return 0.0
        return times[0] + self.window - now

    def fail(self, key: str, now: float | None = None) -> None:
        """Count one failure for `key`."""
        times = self._failures.pop(key, None) or deque()
        times.append(time.monotonic() if now is None else now)
        while len(times) > self.limit:
            times.popleft()
        self._failures[key] = times  # re-inserted: the dict stays oldest-first
        while len(self._failures) > MAX_ADDRESSES:
            self._failures.pop(next(iter(self._failures)))


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """`--trusted-proxy` values (an address, or a network such as 10.0.0.0/8) as networks;
    ValueError names one that is neither."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as proxies write it (maybe "[v6]:port" or "v4:port"), or None."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, trusted: tuple[Network, ...]) -> bool:
    """True when `address` is one of the trusted proxies."""
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is 127.0.0.1
    return any(a in net for a in (address, mapped) if a is not None for net in trusted)


def client_address(handler) -> str:
    """The address a request came from: its peer's, or, when the peer is a trusted proxy
    (the server setting `salesops_trusted_proxies`), the right-most X-Forwarded-For
    address that is not a trusted proxy (each proxy appends the peer it saw)."""
    request = handler.request
    peer = request.remote_ip or ""
    trusted = handler.settings.get("salesops_trusted_proxies") or ()
    address = _address(peer)
    if not trusted or address is None or not _trusted(address, trusted):
        return peer
    hops = ",".join(request.headers.get_list("X-Forwarded-For")).split(",")
    for hop in reversed([h for h in hops if h.strip()]):
        found = _address(hop)
        if found is None:  # not an address: the chain cannot be followed past it
            break
        address = found
        if not _trusted(found, trusted):
            break
    return str(address)
