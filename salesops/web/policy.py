"""The Content-Security-Policy every response of `salesops serve` carries.

Scripts run only from the server itself (`'self'`: Voila's and the widgets' JavaScript)
and, on a page, the template's own inline scripts, which carry the page response's
nonce (salesops/web/voila_config/templates/index.html.j2). So markup that reaches a page
by any route (a reflected path, a stored value shown as HTML, a cell's output) cannot
run script: it has no nonce. No plugins, no <base> elsewhere, no framing by other sites.
"""

from __future__ import annotations

import secrets

import tornado.web

NONCE_KEY = "salesopsNonce"  # where the page template finds the nonce (its page_config)
# What Voila's handler sends when a page takes long to execute (a keep-alive).
HEARTBEAT = "<script>window.voila_heartbeat()</script>\n"


def content_security_policy(nonce: str | None = None) -> str:
    """The policy: scripts from this server only, plus inline ones carrying `nonce`."""
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return f"script-src {scripts}; object-src 'none'; base-uri 'self'; frame-ancestors 'self'"


def new_nonce() -> str:
    """A fresh nonce for one page response."""
    return secrets.token_urlsafe(18)


class PolicyHeader(tornado.web.OutputTransform):
    """Puts the policy on every response (static files too: an SVG opened as a document
    could carry script); a page's own policy, with its nonce, is kept."""

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        """Set the Content-Security-Policy unless the handler set a nonce'd one."""
        if "'nonce-" not in headers.get("Content-Security-Policy", ""):
            headers["Content-Security-Policy"] = content_security_policy()
        return status_code, headers, chunk


def nonced_heartbeat(nonce: str) -> str:
    """Voila's keep-alive script, allowed to run on the page whose nonce it carries."""
    return HEARTBEAT.replace("<script>", f'<script nonce="{nonce}">')
