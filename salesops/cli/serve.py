"""`salesops serve`: the staff pages behind a login (salesops.web.serve does the serving)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--port", default=8866, show_default=True, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; the default is reachable from this machine only.",
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    envvar="SALESOPS_TOKEN_FILE",
    help="Read the shared login token from this file (or set SALESOPS_TOKEN). Never on the "
    "command line, where `ps` shows it; a random one is printed when neither is given.",
)
@click.option(
    "--apps-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of pages to serve (default: notebooks/apps).",
)
@click.option(
    "--as",
    "user",
    metavar="NAME",
    help="Who the pages act for in audit rows (default: the OS user).",
)
@click.option(
    "--role",
    type=click.Choice(["staff", "manager", "admin"]),
    default="manager",
    show_default=True,
    help="With the shared token: what the pages may do.",
)
@click.option(
    "--trusted-header",
    metavar="HEADER",
    help="Take the signed-in user from this header set by a reverse proxy "
    "(e.g. X-Forwarded-User); only while listening on 127.0.0.1.",
)
@click.option(
    "--secret-file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SALESOPS_COOKIE_SECRET_FILE",
    help="File keeping the login-cookie secret (default: data/.cookie_secret).",
)
@click.option(
    "--memory-limit",
    "memory_mb",
    type=click.IntRange(min=0),
    envvar="SALESOPS_SERVE_MEMORY_MB",
    metavar="MB",
    help="Most memory the server and each page kernel may take (or SALESOPS_SERVE_MEMORY_MB; "
    "default 2048, 0: no limit).",
)
@click.option(
    "--https",
    is_flag=True,
    envvar="SALESOPS_HTTPS",
    help="The pages are reached over HTTPS (e.g. through a proxy that terminates TLS): "
    "every cookie is marked Secure (or set SALESOPS_HTTPS=1).",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDRESS",
    help="A reverse proxy in front of the server (an IP address or network, e.g. 127.0.0.1; "
    "repeat for several): for requests from it, the client's address (which the sign-in "
    "limits count) is taken from X-Forwarded-For. That header from anyone else is ignored.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    port,
    host,
    token_file,
    apps_dir,
    user,
    role,
    trusted_header,
    secret_file,
    memory_mb,
    https,
    trusted_proxies,
) -> None:
    """Serve the staff pages with Voila behind a login.

    Once an account with a password exists (salesops user add), people sign in with their
    own name and password, unless SALESOPS_TOKEN or --token-file asks for the shared token
    (the token is never taken from the command line, which other users of the machine see).

    Extra `--Class.trait=value` options are passed to Voila (see salesops/web/voila_config).
    """
    from ..web import serve as serving  # Voila is slow to import; only this command needs it

    opts = serving.ServeOptions(
        db_url=ctx.obj.url,
        port=port,
        host=host,
        token=token_file.read_text().strip() if token_file else None,
        user=user,
        role=role,
        trusted_header=trusted_header,
        https=https,
        trusted_proxies=tuple(trusted_proxies),
        voila_args=list(ctx.args),
    )
    if apps_dir:
        opts.apps_dir = apps_dir
    if secret_file:
        opts.secret_file = secret_file
    if memory_mb is not None:
        opts.memory_mb = memory_mb
    try:
        serving.run(opts, echo=click.echo)
    except serving.ServeRefused as e:
        raise click.ClickException(str(e)) from None
