"""Shared form parts: CSS hooks, the message area, field messages, and safe callbacks."""

import logging
import re
from datetime import UTC, datetime

import ipywidgets as ipw
import pytest

from salesops.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    PermissionDenied,
    Problem,
    ValidationError,
)
from widgets.common import FieldErrors, MessageArea, guard, hook, label, money


def test_hook_adds_the_form_field_class():
    box = hook(ipw.Text(), "customer", "mobile")
    assert "so-customer-mobile" in box._dom_classes


def test_message_area_styles_success_and_error_and_carries_its_hook():
    area = MessageArea("customer")
    assert "so-customer-message" in area.text._dom_classes
    area.success("好了")
    assert area.kind == "success" and area.value == "好了"
    area.error("<b>坏</b>")
    assert area.kind == "error" and area.value == "<b>坏</b>"
    assert "<b>" not in area.text.value  # escaped: text typed by people is never markup
    area.clear()
    assert area.kind == "" and area.value == ""


def test_labels_follow_the_page_language(monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    assert label("page.reload") == "Reload"
    monkeypatch.setenv("SALESOPS_LANG", "zh_CN")
    assert label("page.reload") == "重新加载"


def test_money_is_shown_as_yuan_with_thousands_and_cents():
    assert money(1234.5) == "¥1,234.50"


def form():
    """A two-field form wired the way real forms are."""
    inputs = {"name": ipw.Text(value="张伟"), "mobile": ipw.Text(value="123")}
    return inputs, FieldErrors("customer", inputs), MessageArea("customer")


def test_validation_errors_go_next_to_their_fields_and_keep_the_values():
    inputs, errors, message = form()

    def save():
        raise ValidationError(
            [Problem("mobile", "123", "mobile: '123' is bad"), Problem("tags", "x", "tags: bad")]
        )

    guard(save, message, errors)()
    assert errors.text("mobile") == "mobile: '123' is bad"
    assert errors.text("name") == ""
    assert "so-invalid" in inputs["mobile"]._dom_classes
    assert "so-customer-mobile-error" in errors.labels["mobile"]._dom_classes
    assert message.kind == "error" and "tags: bad" in message.value  # no field: shown above
    assert inputs["mobile"].value == "123" and inputs["name"].value == "张伟"


def test_field_messages_clear_on_the_next_successful_action():
    inputs, errors, message = form()
    guard(
        lambda: (_ for _ in ()).throw(ValidationError.one("error.required", "name")),
        message,
        errors,
    )()
    assert errors.text("name")
    guard(lambda: message.success("ok"), message, errors)()
    assert errors.text("name") == "" and "so-invalid" not in inputs["name"]._dom_classes


def test_a_duplicate_names_the_existing_customer_next_to_the_field():
    _, errors, message = form()

    def save():
        raise DuplicateError("mobile", "13800138000", {"code": "C000007", "name": "李娜"})

    guard(save, message, errors)()
    assert "C000007" in errors.text("mobile") and "李娜" in errors.text("mobile")


def test_a_conflict_names_who_and_when_and_offers_a_reload():
    _, errors, message = form()
    reloaded = []
    when = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)

    def save():
        raise ConflictError("customer", "C000001", "li.lei", when)

    guard(save, message, errors, on_reload=lambda: reloaded.append(True))()
    assert "li.lei" in message.value and "2026-11-25 10:30" in message.value  # Shanghai time
    assert message.reload.layout.display != "none"
    message.reload.click()
    assert reloaded == [True]
    assert message.kind == "success" and message.reload.layout.display == "none"


def test_refusals_and_other_person_made_errors_show_their_plain_message():
    _, errors, message = form()
    guard(
        lambda: (_ for _ in ()).throw(PermissionDenied("wang", "staff", "orders.cancel")),
        message,
        errors,
    )()
    assert message.kind == "error" and "wang" in message.value
    guard(lambda: (_ for _ in ()).throw(NotFoundError("customer 9 not found")), message)()
    assert message.value == "customer 9 not found"


def test_an_unexpected_error_is_logged_and_shown_without_a_traceback(caplog):
    _, errors, message = form()

    def save():
        raise KeyError("secret-internal-detail")

    logger = logging.getLogger("salesops.pages")
    logger.addHandler(caplog.handler)
    try:
        result = guard(save, message, errors)()
    finally:
        logger.removeHandler(caplog.handler)
    assert result is None
    assert message.kind == "error"
    assert "secret-internal-detail" not in message.value and "Traceback" not in message.value
    ref = re.search(r"[0-9a-f]{8}", message.value).group()
    assert message.value.startswith(label("failure.other"))
    # the log has the error's class, the reference and where, never its text or values
    assert "KeyError" in caplog.text and ref in caplog.text and "save" in caplog.text
    assert "secret-internal-detail" not in caplog.text and "Traceback" not in caplog.text


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_page_label_exists_in_both_languages(lang):
    from salesops.messages import CATALOG

    page_keys = {k for k in CATALOG["en"] if k.startswith("page.")}
    assert page_keys and page_keys <= set(CATALOG[lang])
