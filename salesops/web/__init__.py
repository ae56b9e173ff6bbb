"""The staff pages' server side: what runs in `salesops serve` and what a page may call.

`serve` runs Voila behind the login (`login` picks the mode, `signin` the identity
providers and the sign-in page; `voila_config/` holds the tunable settings and the page
template). `pagedata.PageData` is everything a page's components may call: it goes
through the services, never around them. Importing this package imports nothing heavy:
page kernels import `salesops.web.pagedata` without loading Voila.
"""
