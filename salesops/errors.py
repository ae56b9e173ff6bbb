"""Errors a person can cause: typed, with a plain message naming field, value and rule.

Pages, the CLI and the importer show `str(error)` and carry on; none of these is ever a
traceback on a page. Every one is raised before or inside a transaction that then rolls
back, so a failed save writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .messages import t


class SalesopsError(Exception):
    """Base of every error a person can cause; `str()` is the message to show them."""


@dataclass
class Problem:
    """One thing wrong with the input: which field, what value, and the message."""

    field: str
    value: object
    message: str


class ValidationError(SalesopsError):
    """Input that breaks a rule; `problems` lists every field that is wrong."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))

    @classmethod
    def one(cls, key: str, field: str, value=None, **params) -> ValidationError:
        """An error with a single problem built from message `key`."""
        return cls([Problem(field, value, t(key, field=field, value=value, **params))])

    @property
    def fields(self) -> list[str]:
        """The names of the fields that are wrong."""
        return [p.field for p in self.problems]


class DuplicateError(ValidationError):
    """A mobile or WeChat ID that already belongs to another active customer."""

    def __init__(self, field: str, value, existing: dict):
        self.existing = existing
        msg = t(
            "error.duplicate",
            field=field,
            value=value,
            code=existing["code"],
            name=existing["name"],
        )
        super().__init__([Problem(field, value, msg)])


class NotFoundError(SalesopsError):
    """A record that does not exist (or was deleted)."""


class ConflictError(SalesopsError):
    """A save based on a stale copy: someone else changed the record meanwhile."""

    def __init__(self, what: str, ident, who: str, when, deleted: bool = False):
        self.what, self.ident, self.who, self.when = what, ident, who, when
        key = "error.deleted" if deleted else "error.conflict"
        super().__init__(t(key, what=what, ident=ident, who=who, when=_local(when)))


class PermissionDenied(SalesopsError):
    """The acting person's role does not allow the action."""

    def __init__(self, who: str, role: str, action: str):
        self.who, self.role, self.action = who, role, action
        words = t(f"perm.{action}")  # the permission in plain words, when the catalog has it
        words = action if words == f"perm.{action}" else words
        super().__init__(t("error.permission", who=who, role=role, action=words))


def _local(when) -> str:
    """A timestamp in the business zone, to the minute, for messages."""
    from . import config

    if when is None or not hasattr(when, "astimezone"):
        return str(when)
    return when.astimezone(config.business_zone()).strftime("%Y-%m-%d %H:%M")
