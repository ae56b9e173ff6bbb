"""Errors nobody planned for, told to a person as a sentence and to the log as a class and
a reference: never a traceback on a screen, never a value in a log.

An exception's text may carry what it was working on (a SQL statement's parameters: a
customer's row, a new password's hash), so neither the person nor the log gets it.
`sentence(error, ref)` says what happened in plain words (the database is read-only, the
disk is full, the database cannot be reached, or something else), with the reference;
`log_failure(log, error, what)` logs the error's class, the reference and where it
happened (file, line and function of each frame). Both share the reference, so the
administrator finds the log line the person quotes.
"""

from __future__ import annotations

import secrets
import traceback
from pathlib import Path

from .messages import add, t

add(
    {
        "en": {
            "failure.readonly": "The database file is read-only for this user, so nothing "
            "could be saved",
            "failure.full": "The disk is full, so nothing could be saved; free some space and "
            "try again",
            "failure.unreachable": "The database cannot be reached or opened; nothing was saved",
            "failure.busy": "The database stayed busy with another change; nothing was saved, "
            "try again",
            "failure.other": "Something went wrong and nothing was saved; try again, and if it "
            "keeps happening tell the shop's administrator",
            "failure.sentence": "{what} (reference {ref}; {kind} in the log).",
            "failure.sentence_ref": "{what} (reference {ref}).",
        },
        "zh_CN": {
            "failure.readonly": "数据库文件对当前用户是只读的，未能保存任何内容",
            "failure.full": "磁盘已满，未能保存任何内容；请腾出空间后再试",
            "failure.unreachable": "无法连接或打开数据库；未保存任何内容",
            "failure.busy": "数据库一直被其他修改占用，未保存任何内容；请稍后再试",
            "failure.other": "出错了，未能保存任何内容；请再试一次，如果一直出错请联系管理员",
            "failure.sentence": "{what}（编号 {ref}；日志中为 {kind}）。",
            "failure.sentence_ref": "{what}（编号 {ref}）。",
        },
    }
)

# Words of the database drivers' own messages (read, never shown) -> what to say.
KINDS = (
    (("readonly", "read-only"), "failure.readonly"),
    (("disk is full", "no space left", "disk full", "diskfull"), "failure.full"),
    (
        ("unable to open", "could not connect", "connection refused", "no such file"),
        "failure.unreachable",
    ),
    (("database is locked", "lock timeout"), "failure.busy"),
)


def reference() -> str:
    """A short random reference that ties a message to its log line."""
    return secrets.token_hex(4)


def sentence(error: BaseException, ref: str, kind: bool = True) -> str:
    """What happened, in plain words, with the reference (nothing of the error's text);
    with `kind`, also the error's class (for whoever reads the log: not on pages)."""
    words = " ".join(str(e).lower() for e in _chain(error))
    key = next((k for needles, k in KINDS if any(n in words for n in needles)), "failure.other")
    if not kind:
        return t("failure.sentence_ref", what=t(key), ref=ref)
    return t("failure.sentence", what=t(key), ref=ref, kind=type(error).__name__)


def log_failure(log, error: BaseException, what: str, ref: str | None = None) -> str:
    """Log `error` as its class, a reference and its frames (no message, no values);
    returns the reference."""
    ref = ref or reference()
    frames = "; ".join(
        f"{Path(f.filename).name}:{f.lineno} {f.name}"
        for f in traceback.extract_tb(error.__traceback__)
    )
    log.error("%s failed: %s (reference %s) at %s", what, type(error).__name__, ref, frames)
    return ref


def _chain(error: BaseException):
    """The error and those it came from (a SQLAlchemy error's driver error, `orig`)."""
    seen = []
    while error is not None and error not in seen:
        seen.append(error)
        error = getattr(error, "orig", None) or error.__cause__ or error.__context__
    return seen
