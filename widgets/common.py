"""What every staff form shares: labels, CSS hooks, a message area and safe callbacks.

- `label(key)` reads a label from the one message catalog (zh_CN or en by SALESOPS_LANG);
  forms register their own labels with `salesops.messages.add` in their module.
- `hook(widget, form, field)` adds the CSS class `so-<form>-<field>`: the stable name
  automation and browser tests use (README, "Automation hooks").
- `MessageArea(form)` is the form's success/error line (`so-<form>-message`), with a
  reload button (`so-<form>-reload`) it shows when a save met a newer copy.
- `FieldErrors` puts a validation message next to each field (`so-<form>-<field>-error`).
- `guard(handler, message, errors, on_reload)` wraps a button handler so no exception ever
  reaches the page: person-made errors are shown in plain words, anything else is logged
  on the server and shown as a generic message. Never a traceback.
- `money(value)` shows yuan as staff read it: ¥1,234.50.
- On a phone (README, "On a phone"; the stylesheet is salesops/web/voila_config/static/
  salesops.css): `keypad(widget, "decimal")` brings up the number keyboard for an input
  ("numeric" whole numbers, "decimal" money, "tel" mobiles); `row(*children)` is a row
  that stays a row (wrapping) where other rows stack; `phone_only(widget)` and
  `desk_only(widget)` show a widget at one width only; `sticky(widget)` keeps it at the
  foot of the screen while its form is in view.
"""

from __future__ import annotations

import functools
import html
import logging
import sys

import ipywidgets as ipw

from salesops import messages
from salesops.errors import ConflictError, PermissionDenied, SalesopsError, ValidationError
from salesops.failures import log_failure, sentence
from salesops.messages import money, t

__all__ = [
    "FieldErrors",
    "MessageArea",
    "desk_only",
    "guard",
    "hook",
    "keypad",
    "label",
    "local_time",
    "money",
    "page_style",
    "phone_only",
    "row",
    "sticky",
    "styled",
]

LABEL_WIDTH = "110px"

messages.add(
    {
        "en": {
            "page.saved": "Saved.",
            "page.fix_fields": "Nothing was saved; please correct the fields marked below.",
            "page.unexpected": "Something went wrong and nothing was saved. Please try again; "
            "if it keeps happening, tell the shop's administrator (the details are in the "
            "server log).",
            "page.reload": "Reload",
            "page.reloaded": "Reloaded the latest copy; make your change again.",
            "page.refused": "Not allowed: {message}",
            "record.customer": "customer",
            "record.order": "order",
            "record.follow-up": "follow-up",
        },
        "zh_CN": {
            "page.saved": "已保存。",
            "page.fix_fields": "未保存：请修改下面标出的字段。",
            "page.unexpected": "出错了，没有保存任何内容。请再试一次；如果一直出错，请联系管理员"
            "（详情已记录在服务器日志中）。",
            "page.reload": "重新加载",
            "page.reloaded": "已加载最新内容，请重新修改。",
            "page.refused": "无权操作：{message}",
            "record.customer": "客户",
            "record.order": "订单",
            "record.follow-up": "跟进记录",
        },
    }
)

log = logging.getLogger("salesops.pages")
if not log.handlers:
    # A kernel's sys.stderr is sent to the browser; sys.__stderr__ is the process's own
    # stderr, which the Voila server writes to its log. Details go there, never to a page.
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False

STYLE = """
<style>
.so-message { min-height: 1.6em; padding: 2px 6px; border-radius: 3px; }
.so-message-success { color: #1b5e20; background: #e8f5e9; }
.so-message-error { color: #b71c1c; background: #ffebee; }
.so-field-error { color: #b71c1c; font-size: 12px; padding-left: 118px; box-sizing: border-box; }
.so-field-error .widget-html-content { white-space: normal; line-height: 1.35; }
.so-field-error:empty { display: none; }
.so-invalid input, .so-invalid textarea, .so-invalid select { border-color: #d32f2f !important; }
.so-numbers { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 10px 0; }
.so-number { padding: 8px 16px; min-width: 110px; background: #f5f7fa;
  border: 1px solid #e3e7ed; border-radius: 4px; text-align: center; }
.so-number-value { font-size: 20px; font-weight: 600; white-space: nowrap; }
.so-number-label { color: #666; font-size: 12px; }
.so-profile { display: grid; grid-template-columns: repeat(3, minmax(180px, 1fr));
  gap: 4px 16px; }
.so-kv { display: flex; gap: 8px; }
.so-k { color: #666; min-width: 64px; }
a.so-mobile { color: #1565c0; text-decoration: underline; }
.so-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.so-table th { background: #f5f7fa; border-bottom: 1px solid #ccd; padding: 4px 8px; }
.so-table td { border-bottom: 1px solid #eee; padding: 4px 8px; }
.so-empty { color: #888; }
.so-section { border-top: 1px solid #e3e7ed; margin-top: 12px; padding-top: 4px; }
</style>
"""


def label(key: str, **params) -> str:
    """The label `key` from the message catalog, in the page language."""
    return t(key, **params)


def local_time(when, with_time: bool = True) -> str:
    """An aware UTC time as staff read it, in the business zone ("2026-11-25 10:30")."""
    if when is None or when != when:  # None or NaT
        return ""
    from salesops.config import business_zone

    local = when.astimezone(business_zone())
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def styled(widget: ipw.DOMWidget, form: str, field: str, width: str = "420px"):
    """An input with the shared label width and width, hooked as `so-<form>-<field>`."""
    if "description_width" in widget.style.keys:
        widget.style.description_width = LABEL_WIDTH
    widget.layout.width = width
    return hook(widget, form, field)


def choose(dropdown: ipw.Dropdown, value) -> None:
    """Show `value` in a dropdown (the first option when it is not among them). Setting
    the index twice is how an option whose value is None gets shown: coming from another
    value, ipywidgets turns the index into None (a blank box) as the value becomes None."""
    values = [v for _label, v in dropdown.options]
    index = values.index(value) if value in values else 0
    for _ in range(2):
        if dropdown.index != index:
            dropdown.index = index


def hook(widget: ipw.DOMWidget, form: str, field: str) -> ipw.DOMWidget:
    """Give `widget` the automation class `so-<form>-<field>`; returns the widget."""
    widget.add_class(f"so-{form}-{field}")
    return widget


KEYPADS = ("numeric", "decimal", "tel")


def keypad(widget: ipw.DOMWidget, kind: str) -> ipw.DOMWidget:
    """Make a text input bring up a phone's `kind` keyboard (numeric, decimal or tel).

    ipywidgets' Text has no inputmode; the class `so-keypad-<kind>` makes the pages'
    script (salesops.js) set it on the input. Returns the widget."""
    if kind not in KEYPADS:
        raise ValueError(f"keypad kind must be one of {KEYPADS}, not {kind!r}")
    widget.add_class(f"so-keypad-{kind}")
    return widget


def row(*children: ipw.Widget, **kwargs) -> ipw.HBox:
    """Widgets side by side that stay side by side on a phone, wrapping when they must
    (other rows of boxes stack there)."""
    box = ipw.HBox(list(children), **kwargs)
    box.add_class("so-row")
    return box


def phone_only(widget: ipw.DOMWidget) -> ipw.DOMWidget:
    """Show `widget` only at phone width (a caption a desk shows as a column title)."""
    widget.add_class("so-phone-only")
    return widget


def desk_only(widget: ipw.DOMWidget) -> ipw.DOMWidget:
    """Show `widget` only wider than a phone (column titles above a row of inputs)."""
    widget.add_class("so-desk-only")
    return widget


def sticky(widget: ipw.DOMWidget) -> ipw.DOMWidget:
    """Keep `widget` at the foot of a phone's screen while its form is in view."""
    widget.add_class("so-sticky")
    return widget


def page_style() -> ipw.HTML:
    """The shared CSS of the staff pages (message colours, field errors); display it once."""
    return ipw.HTML(STYLE, layout=ipw.Layout(display="none"))


class MessageArea(ipw.VBox):
    """A form's one line of feedback (`so-<form>-message`), plus a reload offer on conflicts."""

    def __init__(self, form: str, **kwargs):
        self.text = hook(ipw.HTML("", layout=ipw.Layout(display="none")), form, "message")
        self.text.add_class("so-message")
        self.reload = hook(
            ipw.Button(description=label("page.reload"), layout=ipw.Layout(display="none")),
            form,
            "reload",
        )
        self.reload.on_click(self._on_reload)
        self._reload_action = None
        super().__init__(children=[self.text, self.reload], **kwargs)

    @property
    def value(self) -> str:
        """The text shown now (plain, as staff read it)."""
        return html.unescape(self.text.value)

    @property
    def kind(self) -> str:
        """`success`, `error` or `` (nothing shown)."""
        for kind in ("success", "error"):
            if f"so-message-{kind}" in self.text._dom_classes:
                return kind
        return ""

    def success(self, text: str) -> None:
        """Show `text` as a success."""
        self._show(text, "success")

    def error(self, text: str, reload=None) -> None:
        """Show `text` as an error; with `reload` (a function), offer the reload button."""
        self._show(text, "error")
        self._reload_action = reload
        self.reload.layout.display = "" if reload else "none"

    def clear(self) -> None:
        """Show nothing."""
        self._show("", "")

    def _show(self, text: str, kind: str) -> None:
        """Set the text and its success/error class; hide the reload offer."""
        for old in ("success", "error"):
            self.text.remove_class(f"so-message-{old}")
        if kind:
            self.text.add_class(f"so-message-{kind}")
        self.text.value = html.escape(text)
        self.text.layout.display = "" if text else "none"  # an empty line takes no room
        self._reload_action = None
        self.reload.layout.display = "none"

    def _on_reload(self, _button) -> None:
        """Run the reload the conflict offered, then say it was done."""
        action = self._reload_action
        if action is not None:
            self.clear()
            guard(action, self)()
            if self.kind != "error":
                self.success(label("page.reloaded"))


class FieldErrors:
    """Validation messages shown next to fields: one HTML line under each field's input."""

    def __init__(self, form: str, inputs: dict[str, ipw.DOMWidget]):
        self.inputs = inputs
        self.labels = {}
        for field in inputs:
            error = hook(ipw.HTML("", layout=ipw.Layout(width="420px")), form, f"{field}-error")
            error.add_class("so-field-error")
            self.labels[field] = error

    def row(self, field: str) -> ipw.VBox:
        """The field's input with its error line underneath, for a form layout."""
        return ipw.VBox([self.inputs[field], self.labels[field]])

    def show(self, error: ValidationError, aliases: dict[str, str] | None = None) -> list[str]:
        """Put each problem next to its field; returns the messages no field could take.

        Services name fields as the code does (`mobile: ...`); on the page the message
        starts with the field's own label instead (`手机号：...`).
        """
        self.clear()
        aliases = aliases or {}
        leftover = []
        for problem in error.problems:
            field = aliases.get(problem.field, problem.field)
            if field in self.labels:
                text = html.escape(self._relabel(problem.field, problem.message, field))
                joined = filter(None, [self.labels[field].value, text])
                self.labels[field].value = "<br>".join(joined)
                self.inputs[field].add_class("so-invalid")
            else:
                leftover.append(problem.message)
        return leftover

    def _relabel(self, name: str, message: str, field: str) -> str:
        """`message` with its leading code name of the field replaced by the field's label."""
        widget = self.inputs[field]
        shown = getattr(widget, "description", "") or getattr(
            getattr(widget, "term", None), "description", ""
        )
        for colon in (": ", "："):
            if shown and message.startswith(name + colon):
                return shown + colon + message[len(name) + len(colon) :]
        return message

    def clear(self) -> None:
        """Remove every field message."""
        for field, error in self.labels.items():
            error.value = ""
            self.inputs[field].remove_class("so-invalid")

    def text(self, field: str) -> str:
        """The message shown next to `field` (plain text; empty when none)."""
        return html.unescape(self.labels[field].value.replace("<br>", "\n"))


def guard(
    handler,
    message: MessageArea,
    errors: FieldErrors | None = None,
    on_reload=None,
    aliases: dict[str, str] | None = None,
):
    """`handler` wrapped so that every exception becomes a plain message, never a traceback.

    ValidationError: messages next to the fields (`errors`), the rest in `message`, the
    inputs untouched. ConflictError: "changed by X at T" with a reload button running
    `on_reload`. PermissionDenied and other SalesopsErrors: their plain message. Anything
    else: logged on the server with its traceback, and a generic message on the page.
    """

    @functools.wraps(handler)
    def wrapped(*args, **kwargs):
        try:
            if errors is not None:
                errors.clear()
            return handler(*args, **kwargs)
        except ValidationError as e:
            leftover = errors.show(e, aliases) if errors is not None else [str(e)]
            message.error(" ".join([label("page.fix_fields"), *leftover]))
        except ConflictError as e:
            what = getattr(e, "what", "")  # services name the record in English; translate
            text = str(e).replace(what, label(f"record.{what}"), 1) if what else str(e)
            message.error(text, reload=on_reload)
        except PermissionDenied as e:
            log.warning("refused: %s", e)
            message.error(label("page.refused", message=str(e)))
        except SalesopsError as e:
            message.error(str(e))
        except Exception as e:
            what = f"page callback {getattr(handler, '__qualname__', handler)}"
            ref = log_failure(log, e, what)  # its class and where; never its values
            message.error(sentence(e, ref, kind=False))  # staff need no class names
        return None

    return wrapped
