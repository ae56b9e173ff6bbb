"""The words printed on pick lists and packing slips (Simplified Chinese and English, in
the message catalog) and how times and mobiles are written on paper."""

from __future__ import annotations

import re
from datetime import datetime

from .. import config, messages

messages.add(
    {
        "en": {
            "slips.pick.title": "Pick list",
            "slips.pick.summary": "{orders} orders · {skus} SKUs · {units} units",
            "slips.pick.orders": "{n} orders:",
            "slips.slip.title": "Packing slip",
            "slips.printed": "Printed {when}",
            "slips.page": "Page {n} of {total}",
            "slips.part": "Sheet {n} of {total}",
            "slips.continued": "Continued on the next sheet",
            "slips.col.sku": "SKU",
            "slips.col.name": "Product",
            "slips.col.qty": "Qty",
            "slips.ordered": "Ordered",
            "slips.channel": "Channel",
            "slips.buyer": "Buyer",
            "slips.ship_to": "Ship to",
            "slips.postcode": "Postcode",
            "slips.pickup": "Pickup",
            "slips.courier": "Courier",
            "slips.note": "Note",
            "slips.total": "{lines} products, {units} units",
            "slips.error.ordered_at": "ordered_at: {value!r} is not a time with a zone "
            "(accepted: an aware datetime or ISO text with an offset, e.g. UTC)",
            "slips.error.font_setting": "{setting}={value!r} is not a usable Chinese font "
            "(accepted: a .ttf, .otf, .ttc or .otc file with Chinese glyphs; path#N picks "
            "face N of a collection); no PDF was made",
            "slips.error.no_font": "No Chinese font found to make the PDF: install one "
            "(Debian/Ubuntu: apt install fonts-noto-cjk) or set {setting} to a .ttf, .otf "
            "or .ttc font file with Chinese glyphs",
        },
        "zh_CN": {
            "slips.pick.title": "拣货单",
            "slips.pick.summary": "{orders} 个订单 · {skus} 种商品 · 共 {units} 件",
            "slips.pick.orders": "{n} 单：",
            "slips.slip.title": "发货单",
            "slips.printed": "打印于 {when}",
            "slips.page": "第 {n}/{total} 页",
            "slips.part": "第 {n} 张，共 {total} 张",
            "slips.continued": "接下一张",
            "slips.col.sku": "货号",
            "slips.col.name": "商品",
            "slips.col.qty": "数量",
            "slips.ordered": "下单",
            "slips.channel": "渠道",
            "slips.buyer": "买家",
            "slips.ship_to": "收货",
            "slips.postcode": "邮编",
            "slips.pickup": "自提/同城",
            "slips.courier": "快递",
            "slips.note": "备注",
            "slips.total": "共 {lines} 种 {units} 件",
            "slips.error.ordered_at": "ordered_at：{value!r} 不是带时区的时间（应为带时区的 "
            "datetime 或带偏移的 ISO 文本，如 UTC）",
            "slips.error.font_setting": "{setting}={value!r} 不是可用的中文字体（应为含中文字形的 "
            ".ttf、.otf、.ttc 或 .otc 文件；合集可写 path#N 选第 N 个字体），未生成 PDF",
            "slips.error.no_font": "找不到中文字体，无法生成 PDF：请安装一个（Debian/Ubuntu："
            "apt install fonts-noto-cjk），或用 {setting} 指定含中文字形的 .ttf/.otf/.ttc 文件",
        },
    }
)

MAINLAND = re.compile(r"1[3-9]\d{9}")


def when(moment: datetime) -> str:
    """A moment as people read it on paper: business-zone date and minute."""
    return moment.astimezone(config.business_zone()).strftime("%Y-%m-%d %H:%M")


def mobile(number: str) -> str:
    """A mainland mobile in the 3-4-4 groups people read aloud (138 0013 8000)."""
    if MAINLAND.fullmatch(number):
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    return number
