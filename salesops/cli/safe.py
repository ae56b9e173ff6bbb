"""The `salesops` command group that never shows a traceback.

An error a person can cause (SalesopsError) prints its message; anything else prints a
sentence with a reference and logs the error's class, the reference and where it
happened, never its text (a failed INSERT's text would carry the row: a password hash, a
customer's details). Exit status 1 either way.
"""

from __future__ import annotations

import logging

import click

from ..errors import SalesopsError
from ..failures import log_failure, sentence

log = logging.getLogger("salesops.cli")


class SafeGroup(click.Group):
    """A click group whose subcommands' unexpected errors become a sentence."""

    def invoke(self, ctx: click.Context):
        """Run the subcommand; errors become plain messages (see the module)."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise
        except SalesopsError as e:
            raise click.ClickException(str(e)) from None
        except Exception as e:
            what = f"salesops {ctx.invoked_subcommand or ''}".strip()
            raise click.ClickException(sentence(e, log_failure(log, e, what))) from None
