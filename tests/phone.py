"""Phone-size helpers for browser tests (README, "On a phone").

- `phone_context(browser)`: a fresh offline context emulating a phone: 390 x 844 CSS
  pixels, device scale 2, touch, a mobile viewport (the page's viewport tag applies).
- `settle(page)`: wait until the widgets have stopped being drawn (their count holds).
- `layout_problems(page)`: what does not fit the screen, by kind (empty lists: it fits):
  `sideways` controls reaching past the screen's edge, `clipped` controls cut off by a
  box that hides or scrolls its overflow, `scrollers` boxes (or the page) that scroll
  sideways, `short` tap targets (buttons, tabs, fields) under 40 px high. A tab bar may
  scroll sideways (that is how a phone reaches many tabs); its tabs are not counted.
- `shoot(page, name)`: a screenshot of the whole page at the current width.
"""

from __future__ import annotations

import time

from browser import PAGE_TIMEOUT_MS, screenshot

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TAP_MIN_PX = 40

LAYOUT_PROBLEMS_JS = """
(tapMin) => {
  const vw = document.documentElement.clientWidth;
  const out = { sideways: [], clipped: [], scrollers: [], short: [] };
  const inTabBar = (el) => el.closest(".lm-TabBar");
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const name = (el) => {
    const hooked = el.closest("[class*='so-']");
    const cls = hooked ? [...hooked.classList].filter((c) => c.startsWith("so-")).join(".") : "";
    const text = (el.innerText || el.value || el.placeholder || "").trim().slice(0, 24);
    return `${el.tagName.toLowerCase()}${cls ? " ." + cls : ""}${text ? " '" + text + "'" : ""}`;
  };
  const span = (r) => `[${Math.round(r.left)}, ${Math.round(r.right)}]`;
  const controls = document.querySelectorAll(
    "#rendered_cells :is(input, select, textarea, button, a, .lm-TabBar-tab, .lm-TabBar)");
  for (const el of controls) {
    if (!shown(el) || (inTabBar(el) && !el.matches(".lm-TabBar"))) continue;
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.right > vw + 0.5) out.sideways.push(`${name(el)} ${span(r)}`);
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX === "visible") continue;
      const b = box.getBoundingClientRect();
      if (r.left < b.left - 0.5 || r.right > b.right + 0.5) {
        out.clipped.push(`${name(el)} ${span(r)} inside ${name(box)} ${span(b)}`);
        break;
      }
    }
  }
  const taps = document.querySelectorAll("#rendered_cells :is(button, .lm-TabBar-tab, select, " +
    "input:not([type=checkbox]):not([type=radio]):not([type=file]):not([type=color]))");
  for (const el of taps) {
    if (!shown(el)) continue;
    const h = el.getBoundingClientRect().height;
    if (h < tapMin - 0.5) out.short.push(`${name(el)} ${Math.round(h)}px`);
  }
  for (const el of document.querySelectorAll("#rendered_cells *")) {
    if (inTabBar(el) || !shown(el)) continue;
    const s = getComputedStyle(el);
    if (["auto", "scroll"].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      out.scrollers.push(`${name(el)} ${el.scrollWidth} > ${el.clientWidth} px`);
    }
  }
  for (const el of [document.scrollingElement, document.body]) {
    if (el.scrollWidth > vw + 1) out.scrollers.push(`the page ${el.scrollWidth} > ${vw} px`);
  }
  return out;
}
"""


def phone_context(browser):
    """A fresh browser context emulating a phone, that cannot reach the internet."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
    return context


def settle(page, quiet_s: float = 0.6, timeout_s: float = 30) -> None:
    """Wait until the page's widgets stop appearing: their count held for `quiet_s`."""
    count = "document.querySelectorAll('#rendered_cells .jupyter-widgets').length"
    deadline = time.monotonic() + timeout_s
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = page.evaluate(count)
        if now != last:
            last, since = now, time.monotonic()
        elif now and time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.1)  # a poll interval, not a wait for something to happen
    raise TimeoutError(f"the page's widgets kept changing for {timeout_s}s")


def layout_problems(page) -> dict[str, list[str]]:
    """What does not fit the phone's screen on this page (see the module's docstring)."""
    return page.evaluate(LAYOUT_PROBLEMS_JS, TAP_MIN_PX)


def assert_fits(page, where: str) -> None:
    """Fail naming every control or box of the page that does not fit a phone."""
    problems = {k: v for k, v in layout_problems(page).items() if v}
    assert not problems, f"{where} does not fit a phone: {problems}"


def shoot(page, name: str):
    """Save a screenshot of the whole page (Voila scrolls inside, so grow the viewport)."""
    size = page.viewport_size
    tall = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], tall + 40)})
    path = screenshot(page, name)
    page.set_viewport_size(size)
    return path
