"""The manager's weekly sheet on a page: pick a week, see the headline numbers, download.

`WeeklySheet(figures, workbook, actor)` takes data functions (PageData.weekly_figures,
PageData.weekly_workbook, and who is acting), never a database; `WeeklySheet.for_page`
wires them from a PageData. The download is an `<a download>`
anchor with a data: URI in an HTML widget: the browser saves the bytes the kernel made,
with no file served by Voila and no server extension (ipywidgets#1966). A staff actor is
refused in plain words before any figure is read.
"""

from __future__ import annotations

import base64
import html
from datetime import UTC, datetime

import ipywidgets as ipw
import traitlets

from salesops import messages
from salesops.weeks import last_complete_week, week_range

from .common import MessageArea, guard, hook, label, money

FORM = "weekly"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PICKABLE_WEEKS = 52
HEADLINE = [
    "orders",
    "revenue",
    "customers",
    "new_customers",
    "repeat_customers",
    "aov",
    "gross_margin",
    "repeat_rate",
]

messages.add(
    {
        "en": {
            "weekly.title": "Weekly sheet",
            "weekly.week": "Week",
            "weekly.weeks": "Weeks shown",
            "weekly.download": "Download Excel: {name}",
            "weekly.ready": "Figures for {week} ({start} – {end}); the download holds the "
            "same numbers.",
            "weekly.managers_only": "This page is for managers. {who} is signed in as {role} "
            "and may not see the weekly sheet; ask a manager or the administrator.",
            "weekly.vs_last": "last week {value}",
            "weekly.trend": "Revenue, week by week",
            "weekly.cost_all": "Every line of the week has a known unit cost: the gross "
            "margin covers all revenue.",
            "weekly.cost_part": "Gross margin is partial: it covers {share} of revenue "
            "({costed} of {revenue}), the lines with a known unit cost.",
            "weekly.cost_none": "No line of the week has a known unit cost: no gross margin.",
            "weekly.this_week": "{week} (this week so far)",
        },
        "zh_CN": {
            "weekly.title": "每周经营表",
            "weekly.week": "周",
            "weekly.weeks": "显示周数",
            "weekly.download": "下载 Excel：{name}",
            "weekly.ready": "{week}（{start} 至 {end}）的数据；下载的文件数字相同。",
            "weekly.managers_only": "此页面仅供经理使用。{who} 的身份是 {role}，"
            "不能查看每周经营表；请联系经理或管理员。",
            "weekly.vs_last": "上周 {value}",
            "weekly.trend": "每周销售额",
            "weekly.cost_all": "本周所有订单行成本已知，毛利率覆盖全部销售额。",
            "weekly.cost_part": "毛利率不完整：只覆盖成本已知的订单行，占销售额 {share}"
            "（{revenue} 中的 {costed}）。",
            "weekly.cost_none": "本周没有成本已知的订单行，无法计算毛利率。",
            "weekly.this_week": "{week}（本周至今）",
        },
    }
)


def week_options(last, count: int = PICKABLE_WEEKS) -> list[tuple[str, str]]:
    """(label, value) for the `count` weeks ending with `last`, newest first, after the
    week in progress (so today's orders can be seen before the week ends)."""
    weeks = reversed(week_range(last, count))
    current = last.shift(1)
    now = [(label("weekly.this_week", week=str(current)), str(current))]
    return now + [(f"{w} ({w.monday:%m-%d} – {w.sunday:%m-%d})", str(w)) for w in weeks]


def show(key: str, value) -> str:
    """A headline value as a manager reads it: yuan, percent or a whole number."""
    if value is None or value != value:
        return "–"
    if key in ("revenue", "aov"):
        return money(value)
    if key in ("gross_margin", "repeat_rate"):
        return f"{float(value):.1%}"
    return f"{int(value):,}"


def coverage_note(cover: dict) -> str:
    """What share of the week's revenue the gross margin covers, in words ('' without
    revenue); `cover` is WeeklyFigures.cost_coverage()."""
    share = cover["share"]
    if share is None:
        return ""
    if share == 1:
        return label("weekly.cost_all")
    if not cover["costed_revenue"]:
        return label("weekly.cost_none")
    return label(
        "weekly.cost_part",
        share=f"{float(share):.1%}",
        costed=money(cover["costed_revenue"]),
        revenue=money(cover["revenue"]),
    )


def trend_svg(weeks: list[str], revenue: list[float], title: str) -> str:
    """A small SVG column chart of revenue per week (no JavaScript, no plotting library)."""
    width, height, pad = 640, 200, 30
    top = max(revenue, default=0) or 1
    step = (width - 2 * pad) / max(len(weeks), 1)
    bars = []
    for i, (week, value) in enumerate(zip(weeks, revenue, strict=True)):
        h = (height - 2 * pad) * value / top
        x = pad + i * step
        bars.append(
            f'<rect x="{x + 2:.1f}" y="{height - pad - h:.1f}" width="{step - 4:.1f}" '
            f'height="{h:.1f}" fill="#4472C4"><title>{week}: {money(value)}</title></rect>'
            f'<text x="{x + step / 2:.1f}" y="{height - pad + 14}" font-size="9" '
            f'text-anchor="middle">{week[-3:]}</text>'
        )
    return (
        f'<svg class="so-weekly-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<text x="{pad}" y="16" font-size="13" '
        f'font-weight="600">{html.escape(title)}</text>{"".join(bars)}</svg>'
    )


class WeeklySheet(ipw.VBox):
    """Week picker, headline numbers against last week, revenue trend and a download link.

    `figures(week, weeks)` gives a salesops.weekly.figures.WeeklyFigures; `workbook(figures)`
    gives (file name, bytes); `actor()` says who is looking. `week` is the chosen ISO week.
    """

    week = traitlets.Unicode("")

    @classmethod
    def for_page(cls, data, **kwargs) -> WeeklySheet:
        """The weekly sheet page wired to a salesops.web.pagedata.PageData."""
        return cls(data.weekly_figures, data.weekly_workbook, lambda: data.actor, **kwargs)

    def __init__(self, figures, workbook, actor, weeks: int = 12, now=None, **kwargs):
        self._figures, self._workbook, self._actor = figures, workbook, actor
        self.message = MessageArea(FORM)
        who = actor()
        if not who.can("weekly.view"):
            self.message.error(label("weekly.managers_only", who=who.name, role=who.role))
            super().__init__(children=[self.message], **kwargs)
            return
        last = last_complete_week(now or datetime.now(UTC))
        self.picker = hook(
            ipw.Dropdown(
                options=week_options(last),
                value=str(last),
                description=label("weekly.week"),
                layout=ipw.Layout(width="300px"),
            ),
            FORM,
            "week",
        )
        self.weeks = hook(
            ipw.BoundedIntText(
                value=weeks,
                min=1,
                max=104,
                description=label("weekly.weeks"),
                layout=ipw.Layout(width="200px"),
            ),
            FORM,
            "weeks",
        )
        self.numbers = hook(ipw.HBox(), FORM, "numbers")
        self.numbers.add_class("so-numbers")
        self.cost_share = hook(ipw.HTML(""), FORM, "cost-share")
        self.chart = hook(ipw.HTML(""), FORM, "chart")
        self.download = hook(ipw.HTML(""), FORM, "download")
        self.picker.observe(self._on_pick, names="value")
        self.weeks.observe(self._on_pick, names="value")
        self._refresh = guard(self._load, self.message)
        super().__init__(
            children=[
                ipw.HBox([self.picker, self.weeks]),
                self.numbers,
                self.cost_share,
                self.chart,
                self.download,
                self.message,
            ],
            **kwargs,
        )
        self.week = str(last)
        self._refresh()

    def _on_pick(self, _change) -> None:
        """Show the newly picked week (or number of weeks)."""
        self.week = self.picker.value
        self._refresh()

    def _load(self) -> None:
        """Read the figures, fill the numbers and chart, and offer the workbook."""
        self.download.value = ""  # never offer the previous week's file for the new week
        figures = self._figures(self.picker.value, self.weeks.value)
        self.numbers.children = self._cards(figures.summary())
        note = coverage_note(figures.cost_coverage())
        self.cost_share.value = f"<p>{html.escape(note)}</p>" if note else ""
        weekly = figures.weekly
        self.chart.value = trend_svg(
            list(weekly["week"]), [float(v) for v in weekly["revenue"]], label("weekly.trend")
        )
        name, data = self._workbook(figures)
        payload = base64.b64encode(data).decode("ascii")
        self.download.value = (
            f'<a class="so-weekly-download-link" download="{html.escape(name)}" '
            f'href="data:{XLSX};base64,{payload}" style="display:inline-block;padding:6px 14px;'
            f'background:#2e7d32;color:#fff;border-radius:3px;text-decoration:none">'
            f"⬇ {html.escape(label('weekly.download', name=name))}</a>"
        )
        w = figures.week
        self.message.success(label("weekly.ready", week=str(w), start=w.monday, end=w.sunday))

    def _cards(self, summary) -> list[ipw.HTML]:
        """One card per headline number with last week's value underneath."""
        cards = []
        for row in summary.itertuples(index=False):
            if row.key not in HEADLINE:
                continue
            card = hook(
                ipw.HTML(
                    f'<div class="so-number-value">{html.escape(show(row.key, row.this_week))}'
                    "</div>"
                    f"<div>{html.escape(row.label)}</div><div style='color:#666;font-size:11px'>"
                    f"{html.escape(label('weekly.vs_last', value=show(row.key, row.last_week)))}"
                    "</div>"
                ),
                FORM,
                f"number-{row.key}",
            )
            card.add_class("so-number")
            cards.append(card)
        return cards
