"""Read a shipping address the way people paste it in WeChat into its fields.

    >>> a = parse_address("张三 13800138000 浙江省杭州市西湖区文三路 90 号")
    >>> a.recipient, a.mobile, a.province, a.city, a.district, a.detail, a.code
    ('张三', '13800138000', '浙江省', '杭州市', '西湖区', '文三路90号', '330106')

It reads a name, a mobile (normalised by `validate.mobile`, like customers' mobiles), a
landline, a postcode, and the province / city / district (from `salesops.divisions`), in
any order, with or without spaces and punctuation, and the labelled forms copied from
Taobao, WeChat or JD ("收货人：… 手机号码：… 所在地区：… 详细地址：…"). Everything after the
divisions is the detail line.

It never guesses silently and never raises for odd input: whatever it could not read or
had to choose is in `problems` (field, value, plain message), and text it could not place
anywhere is in `unplaced`. A province and city are filled in from a district or city alone
only when that name is unique in the mainland (余杭区 -> 浙江省 杭州市; 西湖区 is in 杭州 and
南昌, so it keeps 西湖区 and asks for the rest). An address with no mainland division
(香港, abroad) is kept as written in `detail`, with no province guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from . import divisions, validate
from .divisions import Division
from .errors import Problem, ValidationError
from .messages import add, t

SEP = r"\s,;、|。【】"
PIECES = re.compile(f"([{SEP}]+)")
SKIP = re.compile(f"[{SEP}]*")
PHONE = re.compile(
    r"(?:(?:手机号码|手机号|手机|联系电话|电话|(?<![a-z])(?:tel|mobile|phone))\s*:?\s*)?"
    r"(?<![\d+])(?P<num>"
    r"(?P<mobile>(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8})"
    r"|(?P<masked>1[3-9]\d\*{4}\d{4})"
    r"|(?P<foreign>(?:\+|00)(?!86)[1-9]\d{0,3}(?:[\s-]?\d){6,12})"
    r"|(?P<landline>\(?(?P<area>0(?:[12]\d|[3-9]\d\d))\)?[\s-]?(?P<number>\d{3,4}[\s-]?\d{4})"
    r"(?:(?:-|转|ext\.?)(?P<ext>\d{1,5}))?)"
    r")(?!\d)",
    re.I,
)
POSTCODE = re.compile(
    rf"(?:邮编|邮政编码)\s*:?\s*(\d{{6}})(?!\d)|(?<![^{SEP}])(\d{{6}})(?![^{SEP}])"
)
LABELS = {
    "recipient": "收货人姓名 收件人姓名 收货人 收件人 联系人 姓名 名字 receiver recipient name",
    "phone": "手机号码 手机号 联系电话 电话号码 手机 电话 联系方式 mobile phone tel",
    "region": "所在地区 所在地 省市区 地区 region",
    "detail": "详细地址 收货地址 收件地址 街道地址 地址 address",
    "postcode": "邮政编码 邮编 postcode zip",
}
LABEL_KIND = {word: kind for kind, words in LABELS.items() for word in words.split()}
LABEL = re.compile(
    r"(?<![A-Za-z])(" + "|".join(sorted(LABEL_KIND, key=len, reverse=True)) + r")\s*:", re.I
)
NAME = re.compile(r"[\u4e00-\u9fff]{2,6}|[\u4e00-\u9fff]{1,6}(?:[·•][\u4e00-\u9fff]{1,6}){1,2}")
NOT_NAME_END = set("路街道巷弄号室楼栋幢层座村镇乡区县市省州旗盟苑厦场店院门口湾寨屯站侧旁处边面")
NOT_NAME_WORDS = re.compile("放|送|寄|快递|驿站|丰巢|代收|到付|包邮|加急|备注|单元|小区|大厦|公司")
GLUED_NAME = re.compile(r"(?<=[号室楼栋幢座层户\d])(?:(?![号室楼栋幢座层户])[\u4e00-\u9fff]){2,3}$")
COUNTRY = ("中国", "中国大陆", "中华人民共和国")
ABROAD = re.compile(
    r"香港|澳门|台湾|臺灣|Hong\s*Kong|Macau|Macao|Taiwan|美国|加拿大|英国|澳大利亚|新西兰|日本|"
    r"韩国|新加坡|马来西亚|德国|法国|[A-Za-z]{2,}[\s,]+[A-Za-z]{2,}",
    re.I,
)
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")

add(
    {
        "en": {
            "address.empty": "address: nothing to read",
            "address.no_region": "address: no province, city or district found in {value!r}; "
            "choose them",
            "address.abroad": "address: {value!r} looks like an address outside the mainland; "
            "kept as written",
            "address.ambiguous": "address: {value!r} is in more than one place ({places}); "
            "choose the right one",
            "address.no_city": "city: no city of {value} found; choose one",
            "address.no_district": "district: no district of {value} found; choose one",
            "address.no_recipient": "recipient: no name found",
            "address.no_phone": "mobile: no mobile number found",
            "address.masked": "mobile: {value!r} is masked; ask for the whole number",
            "address.second_phone": "{field}: {value!r} is a second number and was not used",
            "address.glued_name": "recipient: {value!r} was read from the end of the address; "
            "check it",
            "address.unplaced": "address: {value!r} could not be placed",
            "address.postcode": "postcode: {value!r} is not a postcode (6 digits)",
        },
        "zh_CN": {
            "address.empty": "地址：没有可读的内容",
            "address.no_region": "地址：{value!r} 中没有找到省、市、区县；请选择",
            "address.abroad": "地址：{value!r} 像是大陆以外的地址，已原样保留",
            "address.ambiguous": "地址：{value!r} 不止一处（{places}）；请选择",
            "address.no_city": "城市：没有找到 {value} 下的城市；请选择",
            "address.no_district": "区县：没有找到 {value} 下的区县；请选择",
            "address.no_recipient": "收货人：没有找到姓名",
            "address.no_phone": "手机：没有找到手机号",
            "address.masked": "手机：{value!r} 是打码的号码；请向客户要完整号码",
            "address.second_phone": "电话：{value!r} 是另一个号码，未使用",
            "address.glued_name": "收货人：{value!r} 取自地址末尾；请核对",
            "address.unplaced": "地址：{value!r} 无法归入任何一项",
            "address.postcode": "邮编：{value!r} 不是邮编（6 位数字）",
        },
    }
)


@dataclass
class ParsedAddress:
    """The fields read from one pasted address; '' where nothing was found."""

    recipient: str = ""
    mobile: str = ""  # as validate.mobile stores it: 13800138000, +85291234567
    landline: str = ""  # 0571-88886666 (-ext)
    province: str = ""  # full names from salesops.divisions: 浙江省
    city: str = ""  # 杭州市 (a municipality's city is its own name: 北京市)
    district: str = ""  # 西湖区
    detail: str = ""  # the rest of the address: 文三路90号
    postcode: str = ""
    code: str = ""  # GB/T 2260 code of the most specific division found
    unplaced: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def note(self, key: str, field: str, value="", **params) -> None:
        """Add the problem `key` (a catalogued message) about `field`."""
        self.problems.append(Problem(field, value, t(key, field=field, value=value, **params)))

    def noted(self, field: str) -> bool:
        """Whether a problem about `field` was already noted."""
        return any(p.field == field for p in self.problems)


@dataclass
class _Reading:
    """One way to read the divisions written from `start` to `end`."""

    start: int
    end: int
    levels: tuple  # (province, city, district) Divisions, None where not known
    written: int  # how many levels the text names
    shorts: int  # how many of them by a short name (浙江, 杭州)


def parse_address(text) -> ParsedAddress:
    """Read recipient, mobile, province / city / district, detail and postcode from `text`."""
    out = ParsedAddress()
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    if not s.strip():
        out.note("address.empty", "address")
        return out
    s = _take_labels(_take_postcode(_take_phones(s, out), out), out)
    _read(s, out)
    if not (out.mobile or out.landline or out.noted("mobile")):
        out.note("address.no_phone", "mobile")
    if not out.recipient:
        out.note("address.no_recipient", "recipient")
    return out


def _take_phones(s: str, out: ParsedAddress) -> str:
    """Move mobiles and landlines out of `s` into `out` (the first of each; others noted)."""
    for m in reversed(list(PHONE.finditer(s))):  # last first, so the first one wins
        _phone(m, out)
        s = s[: m.start()] + " \n " + s[m.end() :]
    return s


def _phone(m: re.Match, out: ParsedAddress) -> None:
    """Record one phone number found in the text."""
    if m["masked"]:
        out.note("address.masked", "mobile", m["num"])
    elif m["landline"]:
        number = m["area"] + "-" + re.sub(r"[\s-]", "", m["number"])
        _keep_first(out, "landline", number + (f"-{m['ext']}" if m["ext"] else ""))
    else:
        try:
            _keep_first(out, "mobile", validate.mobile(m["num"]))
        except ValidationError as e:
            out.problems.extend(e.problems)


def _keep_first(out: ParsedAddress, field: str, number: str) -> None:
    """Set `field` to `number`; the number it held (a later one in the text) is noted unused."""
    held = getattr(out, field)
    if held and held != number:
        out.unplaced.insert(0, held)
        out.note("address.second_phone", field, held)
    setattr(out, field, number)


def _take_postcode(s: str, out: ParsedAddress) -> str:
    """Move the first postcode (labelled 邮编, or six digits standing alone) into `out`."""
    m = POSTCODE.search(s)
    if m:
        code = m[1] or m[2]
        out.postcode = "" if code == "000000" else code  # Taobao's "no postcode"
        s = s[: m.start()] + " \n " + s[m.end() :]
    return s


def _take_labels(s: str, out: ParsedAddress) -> str:
    """Take labelled recipient and postcode values; drop the other labels, keep their text."""
    labels = list(LABEL.finditer(s))
    if not labels:
        return s
    kept = [s[: labels[0].start()]]
    for m, next_m in zip(labels, labels[1:] + [None], strict=True):
        value = s[m.end() : next_m.start() if next_m else len(s)]
        kind = LABEL_KIND[m[1].lower()]
        if kind == "recipient" and value.strip() and not out.recipient:
            out.recipient, rest = _labelled_name(value)
            kept.append(rest)
        elif kind == "postcode" and value.strip():
            out.note("address.postcode", "postcode", value.strip())
            out.unplaced.append(value.strip())
        else:
            kept.append(value)
    return " \n ".join(kept)


def _labelled_name(value: str) -> tuple[str, str]:
    """Split a 收货人 value into the name and any address written on after it."""
    found = _find_region(value)
    head, tail = (value[: found[0].start], value[found[0].start :]) if found else (value, "")
    pieces = _pieces(head)
    if len(pieces) > 1 and _name_like(pieces[0][0]):
        return pieces[0][0], _join(pieces[1:]) + " " + tail
    return _join(pieces), tail


def _read(s: str, out: ParsedAddress) -> None:
    """Place the divisions, the recipient and the detail line of what is left of the text."""
    found = _find_region(s)
    if found:
        before, after = _pieces(s[: found[0].start]), _pieces(s[found[0].end :])
        detached = bool(re.match(f"[{SEP}]", s[found[0].end : found[0].end + 1]))
        _apply(found, s[found[0].start : found[0].end], out)
    else:
        before, after, detached = [], _pieces(s), True
        if len(after) > 1 and not out.recipient and _name_like(after[0][0]):
            before = [after.pop(0)]
    _take_name(before, after, detached, out)
    out.detail = _join(after)
    if not found and out.detail:
        key = "address.abroad" if ABROAD.search(out.detail) else "address.no_region"
        out.note(key, "address", out.detail)


def _take_name(before: list, after: list, detached: bool, out: ParsedAddress) -> None:
    """The recipient: the last name before the address, else a name after it; rest unplaced.

    A name after the address is its last piece, when that piece is not all the detail
    there is or stands apart from the divisions ("…船营区 王八"); glued to the end of a
    house number ("…90号张三") it is taken too, and noted.
    """
    before = [p for p in before if p[0] not in COUNTRY]
    names = [p for p in before if _name_like(p[0])]
    if not out.recipient and names:  # the one next to the address: notes come first
        out.recipient = names[-1][0]
        before.remove(names[-1])
    elif not out.recipient and after and (len(after) > 1 or detached) and _name_like(after[-1][0]):
        out.recipient = after.pop()[0]
    elif not out.recipient and after and (m := GLUED_NAME.search(after[-1][0])):
        if _name_like(m[0]):
            out.recipient = m[0]
            after[-1] = (after[-1][0][: m.start()], after[-1][1])
            out.note("address.glued_name", "recipient", m[0])
    for text, _ in before:
        out.unplaced.append(text)
        out.note("address.unplaced", "address", text)


def _name_like(text: str) -> bool:
    """Whether `text` reads as a person's name rather than part of an address."""
    return bool(
        NAME.fullmatch(text)
        and text[-1] not in NOT_NAME_END
        and not NOT_NAME_WORDS.search(text)
        and text not in divisions.alias_index()
    )


def _pieces(text: str) -> list[tuple[str, bool]]:
    """The text between separators, each with whether a comma-like mark came before it."""
    parts = PIECES.split(text)
    out, comma = [], False
    for i, part in enumerate(parts):
        if i % 2:
            comma = bool(re.search(r"[,;、。]", part))
        elif re.search(r"\w", part):  # a stray '/' or '-' left between two numbers is no piece
            out.append((part, comma))
    return out


def _join(pieces: list[tuple[str, bool]]) -> str:
    """Pieces back into one line: no space next to Chinese, else a space (or ', ')."""
    line = ""
    for text, comma in pieces:
        if line and not (CJK.match(line[-1]) or CJK.match(text[0])):
            line += ", " if comma else " "
        line += text
    return line


def _find_region(s: str) -> list[_Reading] | None:
    """The best readings of the first divisions written in `s` (several when ambiguous)."""
    for i in range(len(s)):
        readings = [r for r in _readings(s, i) if _accepted(s, r)]
        if readings:
            top = max((r.end, r.written, -r.shorts) for r in readings)
            best = [r for r in readings if (r.end, r.written, -r.shorts) == top]
            return _drop_repeat(s, list({r.levels: r for r in best}.values()))
    return None


def _readings(s: str, i: int, above: _Reading | None = None, last: Division | None = None):
    """Every reading of divisions written at `i`, going down from `last` (read in `above`)."""
    for d, end, full in divisions.names_at(s, i):
        if last and last not in divisions.chain(d)[:-1]:
            continue
        levels = _levels(d)
        written = (above.written if above else 0) + 1
        shorts = (above.shorts if above else 0) + (not full)
        reading = _Reading(above.start if above else i, end, levels, written, shorts)
        yield reading
        if d.level != "district":
            yield from _readings(s, SKIP.match(s, end).end(), reading, d)


def _levels(d: Division) -> tuple:
    """(province, city, district) of `d`, None below its own level (a municipality's city
    is filled in: it has only the one)."""
    found = divisions.chain(d)
    if d.level == "province" and len(divisions.children(d)) == 1:
        found += divisions.children(d)
    return found + (None,) * (3 - len(found))


def _accepted(s: str, r: _Reading) -> bool:
    """Whether a reading is sure enough: two levels, a full name of 3+ characters, or a piece."""
    alone = (r.start == 0 or re.match(f"[{SEP}]", s[r.start - 1])) and (
        r.end == len(s) or re.match(f"[{SEP}]", s[r.end])
    )
    return r.written >= 2 or bool(alone) or (r.shorts == 0 and r.end - r.start >= 3)


def _drop_repeat(s: str, best: list[_Reading]) -> list[_Reading]:
    """Extend the reading over the same divisions written again (所在地区 + 详细地址 often do)."""
    if len(best) != 1:
        return best
    r = best[0]
    depth = sum(d is not None for d in r.levels)
    for again in _readings(s, SKIP.match(s, r.end).end()):
        same = all(a is None or a == b for a, b in zip(again.levels, r.levels, strict=True))
        if same and sum(d is not None for d in again.levels) == depth and _accepted(s, again):
            r = _Reading(r.start, max(r.end, again.end), r.levels, r.written, r.shorts)
    return [r]


def _apply(readings: list[_Reading], written: str, out: ParsedAddress) -> None:
    """Fill province / city / district with what all readings agree on; note the rest."""
    agreed = []
    for level in range(3):
        names = {r.levels[level] for r in readings}
        if len(names) > 1 or None in names:
            break
        agreed.append(names.pop())
    for name, d in zip(("province", "city", "district"), agreed, strict=False):
        setattr(out, name, d.name)
        out.code = d.code
    if len(agreed) < 3 and len(readings) > 1:
        _ambiguous(readings, len(agreed), written, out)
    elif len(agreed) in (1, 2) and divisions.children(agreed[-1]):
        key = "address.no_city" if len(agreed) == 1 else "address.no_district"
        out.note(key, "city" if len(agreed) == 1 else "district", agreed[-1].name)


def _ambiguous(readings: list[_Reading], level: int, written: str, out: ParsedAddress) -> None:
    """Note the places a name could be; keep the district's name when all readings share it."""
    deepest = [next(d for d in reversed(r.levels) if d) for r in readings]
    if len({d.name for d in deepest}) == 1 and all(d.level == "district" for d in deepest):
        out.district = deepest[0].name
    places = "; ".join(" ".join(d.name for d in divisions.chain(x)) for x in deepest)
    field = ("province", "city", "district")[level]
    out.note("address.ambiguous", field, written, places=places)
