# Voila configuration for `salesops serve` (loaded from this folder only, so a user's
# ~/.jupyter/voila.py cannot loosen it). Each setting says why it has its value.
# Settings the code must enforce (login, which folder is served, identity) live in
# salesops/web/serve.py instead; this file holds the tunable numbers.
# ruff: noqa: F821  (`c` is the config object Voila injects)

# Pages are forms, not documents: never show code, never show a traceback to staff.
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False

# No preheated kernels: a preheated kernel starts before anyone asks for it, so it cannot
# carry the signed-in user in its environment, and in Voila 0.5 it hangs pages once the
# culler has shut down a pooled kernel. Measured in BENCHMARKS.md ("Voila page time-to-usable").
c.VoilaConfiguration.preheat_kernel = False

# Instead, salesops keeps warm kernels that have run nothing but imports and belong to
# nobody until a page request takes one and the server writes the signed-in user into it
# (salesops.web.kernels.PageKernelManager). One is enough for a shop: a page view takes it and
# the next is warm again a couple of seconds later. Each costs about 150 MB while it waits.
c.PageKernelManager.pool_size = 1

# Kernel hygiene. Every page view starts a kernel. A closed tab sends a shutdown beacon
# (which salesops.web.serve makes pass the XSRF check, voila#1458); the culler is the safety net
# for tabs whose beacon never arrives (browser crash, laptop lid closed, mobile tab killed).
# A kernel is culled only when no browser is connected to it (cull_connected False) and it
# is idle (cull_busy False) for cull_idle_timeout seconds, so an open form is never culled
# however long a seller leaves it open.
c.MappingKernelManager.cull_idle_timeout = 300
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False
c.MappingKernelManager.cull_busy = False

# A cell that runs for more than a minute is broken: show the error instead of hanging.
c.VoilaExecutor.timeout = 60

# Pages load every JupyterLab extension installed in the environment unless told otherwise.
# Staff pages need only the widget manager (and pygments' styles); the plotly renderer
# (4.7 MB of JavaScript) and JupyterLab's Voila preview button are for analysts in
# JupyterLab. Charts on pages are drawn as SVG/PNG, so no page needs them.
c.VoilaConfiguration.extension_denylist = [
    "jupyterlab-plotly",
    "@voila-dashboards/jupyterlab-preview",
]
