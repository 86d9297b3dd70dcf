"""Plan metadata: title, region and level, issuer, document number, date, period.

A published plan page carries its metadata in up to four places, most reliable
first: the portal's header fields (标题 / 发文字号 / 发布机构 / 发布日期 ...), the
issuing notice (XX关于印发《…》的通知 and its signature block: body + date),
the plan's own title line, and the body (“十四五”, 到2025年). Only the front
matter (before the body starts) is searched for the first three, so that
documents cited in the body are never mistaken for this one.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from planwatch.extract.numbers import normalize_digits
from planwatch.extract.periods import most_named, span_of

# How far into the document the header, notice and title line may appear.
FRONT_LINES = 80
HAN = r"\u4e00-\u9fff"

# --- header fields -----------------------------------------------------------


def _label(word: str) -> str:
    # Portals pad labels with spaces to align them: "标  题", "索 引 号".
    return r"\s*".join(word)


_FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "title": ("标题", "名称", "文件名称"),
    "doc_number": ("发文字号", "文号", "发文号"),
    "issuer": ("发文机关", "发布机构", "发文单位", "发布单位", "所属机构", "制发机关"),
    "published": ("发布日期", "发布时间", "公开日期", "生成日期", "时间", "日期"),
    "written": ("成文日期", "印发日期", "发文日期"),
    "source": ("来源", "信息来源"),
}
# Any label at all, to know where one field's value stops on a multi-field line.
_ALL_LABELS = sorted(
    {w for ws in _FIELD_LABELS.values() for w in ws}
    | {"索引号", "主题分类", "关键字", "关键词", "公开方式", "责任部门", "体裁分类", "有效性", "字体", "浏览次数", "分类"},
    key=len,
    reverse=True,
)
_ANY_LABEL = "|".join(_label(w) for w in _ALL_LABELS)
_FIELD_RES: dict[str, re.Pattern[str]] = {
    key: re.compile(
        rf"(?:^|[\s|])(?:{'|'.join(_label(w) for w in words)})\s*[:：]?\s*(.*?)\s*(?=(?:\s|[|])(?:{_ANY_LABEL})\s*[:：]?|$)"
    )
    for key, words in _FIELD_LABELS.items()
}
# "时间"/"日期" alone are too common in prose: only trust them when a date follows.

# --- dates ---------------------------------------------------------------------

_CN_NUM = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_NUM.update({"零": 0, "○": 0, "O": 0})
DATE_ISO = re.compile(r"(20\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")
DATE_CN = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A signature date whose 月 was lost in publishing: "2022年330日".
DATE_GARBLED = re.compile(r"(20\d{2})\s*年\s*(\d{2,4})\s*日")
DATE_HANZI = re.compile(r"([二〇○零一三四五六七八九O]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _cn_small(s: str) -> int:
    """一..三十一 → int."""
    if "十" not in s:
        return _CN_NUM.get(s, 0)
    tens, _, ones = s.partition("十")
    return (_CN_NUM.get(tens, 0) if tens else 1) * 10 + (_CN_NUM.get(ones, 0) if ones else 0)


def parse_date(text: str) -> str | None:
    """The first date in text as ISO, tolerating 2021-09-24, 2021年9月24日,
    二〇二一年九月二十四日, full-width digits and a lost 月 (2022年330日 → 2022-03-30)."""
    text = normalize_digits(text)
    for rx in (DATE_ISO, DATE_CN):
        m = rx.search(text)
        if m:
            return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = DATE_HANZI.search(text)
    if m:
        y = int("".join(str(_CN_NUM.get(c, 0)) for c in m.group(1)))
        return _iso(y, _cn_small(m.group(2)), _cn_small(m.group(3)))
    m = DATE_GARBLED.search(text)
    if m:
        y, digits = int(m.group(1)), m.group(2)
        # Try the month as one digit, then two; keep the first valid reading.
        for cut in (1, 2):
            if cut < len(digits):
                iso = _iso(y, int(digits[:cut]), int(digits[cut:]))
                if iso:
                    return iso
    return None


# --- names ---------------------------------------------------------------------

DOC_NUMBER = re.compile(rf"[{HAN}]{{1,12}}[〔\[【(（]\s*(?:19|20)\d{{2}}\s*[〕\]】)）]\s*\d{{1,4}}\s*号")
ORG_SUFFIX = (
    "人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|厅|委|政府|中心|"
    "工作领导小组|领导小组|联合会|委员会办公室"
)
ORG_LINE = re.compile(rf"^[{HAN}()（）]{{2,40}}?(?:{ORG_SUFFIX})$")
NOTICE = re.compile(rf"(?P<org>[{HAN}()（）、]{{2,60}}?)?关于印发(?P<what>.+?)的?通知")
PLAN_WORD = r"(?:规划|计划|纲要|方案)"
PERIOD_PAREN = re.compile(r"[(（]?\s*(20\d{2})\s*[—\-–~～至到]+\s*(20\d{2})\s*年?\s*[)）]?")
TITLE_LINE = re.compile(
    rf"^[{HAN}“”\"'‘’《》()（）、·\d—\-–]{{4,60}}?{PLAN_WORD}"
    rf"(?:\s*[(（]?\s*20\d{{2}}\s*[—\-–~～至到]+\s*20\d{{2}}\s*年?\s*[)）])?$"
)
# Administrative units a plan is written for, longest suffixes first.
ADMIN_SUFFIX = "特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|县|区|旗|州|盟"
REGION_HEAD = re.compile(rf"^(?:[{HAN}]{{1,10}}?(?:{ADMIN_SUFFIX}))")
# Words that end in 市/县/区 but are not a place of their own.
NOT_PLACE_START = tuple("城乡社园景片市县区都地全本我各")

PERIOD_STATED = re.compile(r"规划期(?:限)?(?:为|是|：|:)?\s*(20\d{2})\s*[—\-–~～至到]+\s*(20\d{2})")
TARGET_YEAR = re.compile(r"到\s*(20\d{2})\s*年")


def split_regions(name: str) -> list[str]:
    """广元市苍溪县… → ["广元市", "苍溪县"]: the administrative prefix of a name."""
    parts: list[str] = []
    rest = name
    while True:
        m = REGION_HEAD.match(rest)
        if not m:
            break
        part = m.group(0)
        # Later parts must look like a place of their own, not 城区/社区/市区.
        if parts and (len(part) < 3 or part.startswith(NOT_PLACE_START)):
            break
        if not parts and part.startswith(NOT_PLACE_START[-4:]):  # 全市/本县/我区/各县
            break
        parts.append(part)
        rest = rest[len(part):]
    return parts


def region_level(region: str | None, text: str) -> str | None:
    if not region:
        return None
    if region.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if region.endswith(("县", "旗", "自治县", "自治旗")):
        return "county"
    if region.endswith("区") and not region.endswith("地区"):
        return "district"
    if region.endswith("市"):
        # A county-level city (县级市) is a 市 too; trust the document only.
        if f"{region}(县级市)" in text or f"{region}（县级市）" in text or re.search(r"(?:我|本)县级市", text):
            return "county"
        return "city"
    if region.endswith(("州", "盟", "地区")):
        return "city"
    return None


def _clean(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _front(lines: list[str]) -> list[tuple[int, str]]:
    """(index, stripped line) of the non-empty lines of the front matter."""
    out: list[tuple[int, str]] = []
    for i, raw in enumerate(lines):
        s = raw.strip()
        if s:
            out.append((i, s))
            if len(out) >= FRONT_LINES:
                break
    return out


_LABEL_START = re.compile(rf"^(?:{_ANY_LABEL})")
_BODY_START = re.compile(r"^(?:第[一1]章|第一部分|一、|目\s*录$)")


def _header_fields(front: list[tuple[int, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for _i, s in front:
        if _BODY_START.match(s):
            break
        for key, rx in _FIELD_RES.items():
            if key in fields:
                continue
            m = rx.search(s)
            if not m:
                continue
            value = m.group(1).strip(" :：|")
            if key in ("published", "written"):
                if parse_date(value):
                    fields[key] = value
            elif key == "doc_number":
                dm = DOC_NUMBER.search(value)
                if dm:
                    fields[key] = _clean(dm.group(0))
            elif value and len(value) <= 60:
                fields[key] = value
    return fields


def _title_candidates(front: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Standalone title lines (possibly broken over two lines) before the body."""
    out: list[tuple[int, str]] = []
    for k, (i, s) in enumerate(front):
        if _BODY_START.match(s):
            break
        if any(c in s for c in ">:：|，,。;；") or "关于印发" in s or "通知" in s or _LABEL_START.match(s):
            continue
        cand = _clean(s)
        nxt = _clean(front[k + 1][1]) if k + 1 < len(front) else ""
        if TITLE_LINE.match(cand):
            if PERIOD_PAREN.fullmatch(nxt):  # "(2021—2025年)" on a line of its own
                cand += nxt
        elif nxt and not split_regions(nxt):
            # A title broken over two lines: the second part never starts a new name.
            joined = cand + nxt
            if len(cand) >= 4 and TITLE_LINE.match(joined) and "通知" not in joined:
                cand = joined
        if TITLE_LINE.match(cand) and len(cand) >= 8 and not cand.startswith(("《", "“十", "十", "和", "与", "及", "暨")):
            out.append((i, cand))
    return out


def _notice(front: list[tuple[int, str]]) -> tuple[str | None, str | None, bool]:
    """(issuing body, plan title, many plans?) of the 关于印发…的通知 line."""
    for k, (_i, s) in enumerate(front):
        if "关于印发" not in s:
            continue
        # The notice title may be broken over up to three lines.
        text = s
        for _j, nxt in front[k + 1 : k + 4]:
            if "通知" in text:
                break
            text += nxt
        text = _clean(text)
        m = NOTICE.search(text)
        if not m:
            continue
        org = m.group("org")
        if org and not re.search(rf"(?:{ORG_SUFFIX})$", org):
            org = None
        what = m.group("what")
        books = re.findall(r"《([^》]+)》", what)
        many = len(books) > 1 or bool(re.search(r"等?[\d一二三四五六七八九十]+个|等", what))
        title = books[0] if len(books) == 1 else (None if books or many else what)
        return org, title, many
    return None, None, False


def _signature(front: list[tuple[int, str]]) -> tuple[str | None, str | None]:
    """(body, date) of a signature block: an organisation line followed by a date."""
    for k, (_i, s) in enumerate(front[:-1]):
        if _BODY_START.match(s):
            break
        org = _clean(s)
        if not ORG_LINE.match(org):
            continue
        nxt = _clean(front[k + 1][1])
        if len(nxt) <= 16 and (when := parse_date(nxt)):
            return org, when
    return None, None


def _period(title: str | None, text: str) -> list[int] | None:
    # "（２０２１—２０２５年）", "到２０２５年": years in full-width digits count the same.
    title, text = (normalize_digits(title) if title else None), normalize_digits(text)
    if title:
        m = PERIOD_PAREN.search(title)
        if m:
            return [int(m.group(1)), int(m.group(2))]
    m = PERIOD_STATED.search(text)
    if m:
        return [int(m.group(1)), int(m.group(2))]
    if title:
        named = span_of(title)
        if named:
            return list(named)
    # The plan's horizon is the year most of its targets aim at (到2025年); five-year plans end in 0 or 5.
    horizon = [int(y) for y in TARGET_YEAR.findall(text) if int(y) % 5 == 0]
    if horizon:
        end = max(set(horizon), key=lambda y: (horizon.count(y), -y))
        return [end - 4, end]
    named_in_text = most_named(text)
    span = span_of(named_in_text) if named_in_text else None
    return list(span) if span else None


def _repair_period(title: str) -> str:
    """"…规划2021—2025年)" lost its opening bracket in publishing: put it back."""
    m = PERIOD_PAREN.search(title)
    if m and m.end() == len(title):
        close = m.group(0)[-1]
        if close in ")）" and not re.match(r"[(（]", m.group(0)):
            opener = "(" if close == ")" else "（"
            return title[: m.start()] + opener + m.group(0).lstrip()
    return title


def _region_from_source(source: str, text: str) -> str | None:
    """"长治武乡县" → 武乡县: portals prefix the parent's short name; keep the
    longest tail whose stem the document itself uses."""
    parts = split_regions(_clean(source))
    if not parts:
        return None
    name = parts[-1]
    m = re.search(rf"(?:{ADMIN_SUFFIX})$", name)
    suffix = m.group(0) if m else ""
    stem_full = name[: len(name) - len(suffix)]
    body = text.replace(source, "")
    for start in range(len(stem_full) - 1):
        stem = stem_full[start:]
        if len(stem) >= 2 and stem in body:
            return stem + suffix
    return name


def extract_metadata(lines: list[str]) -> dict[str, Any]:
    text = "\n".join(lines)
    front = _front(lines)
    fields = _header_fields(front)
    n_org, n_title, many = _notice(front)
    s_org, s_date = _signature(front)
    title_lines = _title_candidates(front)

    title = fields.get("title")
    if title and "关于印发" in title:
        # The header names the notice: the plan is what it issues.
        m = NOTICE.search(_clean(title))
        books = re.findall(r"《([^》]+)》", m.group("what")) if m else []
        title = books[0] if len(books) == 1 else (m.group("what") if m and not books else None)
    if title and not re.search(PLAN_WORD, title):
        title = None
    if not title and n_title and not many:
        title = n_title
    if not title and title_lines:
        title = title_lines[0][1]
    if title:
        title = _repair_period(_clean(title))

    issuer = n_org or s_org or fields.get("issuer")
    if issuer:
        issuer = _clean(issuer)
    doc_number = fields.get("doc_number")
    if not doc_number:
        for _i, s in front:
            if _BODY_START.match(s):
                break
            m = DOC_NUMBER.search(s)
            if m and len(s) <= 40:  # a line of its own, not a citation in prose
                doc_number = _clean(m.group(0))
                break

    issued = None
    for key in ("published", "written"):
        if key in fields:
            issued = parse_date(fields[key])
            if issued:
                break
    if not issued:
        issued = s_date

    region = None
    for name in (title, issuer, fields.get("issuer")):
        parts = split_regions(name or "")
        if parts:
            region = parts[-1]
            break
    if not region and fields.get("source"):
        region = _region_from_source(fields["source"], text)

    return {
        "title": title,
        "region": region,
        "region_level": region_level(region, text),
        "issuer": issuer,
        "doc_number": doc_number,
        "issued": issued,
        "period": _period(title, text),
    }
