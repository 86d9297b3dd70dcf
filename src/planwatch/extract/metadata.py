"""Plan metadata: title, region, level and code, issuer, document number, date, period.

A published plan page carries its metadata in up to four places, most reliable
first: the portal's header fields (标题 / 发文字号 / 发布机构 / 发布日期 ...), the
issuing notice (XX关于印发《…》的通知 and its signature block: body + date),
the plan's own title line, and the body (“十四五”, 到2025年). Only the front
matter (before the body starts) is searched for the first three, so that
documents cited in the body are never mistaken for this one. Page chrome
(breadcrumbs, 字号 大 中 小, 浏览次数, 分享到, encyclopedia infobox labels) is
read as labels, never as a title or a date. Regions resolve against the
division table (divisions.py); national organs (国务院, ministries, 部门联合
issuers) make a plan national.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from planwatch.extract import divisions
from planwatch.extract.lexicon import WORDS, alt, rx, words
from planwatch.extract.numbers import normalize_digits
from planwatch.extract.periods import find_period, hanzi_years

# How far into the document the header, notice and title line may appear.
FRONT_LINES = 80
TAIL_LINES = 15
MAX_LINE = 400
HAN = r"\u4e00-\u9fff"

# --- header fields -----------------------------------------------------------


def _label(word: str) -> str:
    # Portals pad labels with spaces to align them: "标  题", "索 引 号".
    return r"\s*".join(word)


_FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "title": words("label.title"),
    "doc_number": words("label.doc_number"),
    "issuer": words("label.issuer"),
    "published": words("label.published"),
    "written": words("label.written"),
    "source": words("label.source"),
}
# Any label at all, to know where one field's value stops on a multi-field line.
_ALL_LABELS = tuple(sorted({w for ws in _FIELD_LABELS.values() for w in ws} | set(words("label.other")),
                           key=len, reverse=True))
_ANY_LABEL = "|".join(_label(w) for w in _ALL_LABELS)
_FIELD_RES: dict[str, re.Pattern[str]] = {
    key: re.compile(
        # A field may sit in brackets ("【发布时间：2022-01-05】【来源：…】"): they end its value too.
        rf"(?:^|[\s|【\[])(?:{'|'.join(_label(w) for w in words)})\s*[:：]?\s*([^】\]]*?)\s*"
        rf"(?=(?:\s|[|【\[])(?:{_ANY_LABEL})\s*[:：]?|[】\]]|$)"
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
    for pattern in (DATE_ISO, DATE_CN):
        m = pattern.search(text)
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

DOC_NUMBER = re.compile(rf"[{HAN}]{{1,12}}[〔\[【(（]\s*(?:19|20)\d{{2}}\s*[〕\]】)）]\s*第?\s*\d{{1,4}}\s*号")
# How issuing bodies end: governments and their offices, party committees, ministries (部), commissions
# (委, 委员会), bureaus, the State Council (院), development-zone committees (管委会).
ORG_NAME = rx(rf"^[{HAN}()（）]{{2,40}}?{{org.suffix}}$")
# Bodies that act for the whole country. A body with no place in its name that ends like a ministry
# (教育部, 国家卫生健康委, 国家医保局) is national too: local bodies always carry their place.
NATIONAL_ORGANS = frozenset(WORDS["org.national"])
NATIONAL_PREFIX = words("org.national_prefix")
# The party's name before a local committee (中共武乡县委, 中国共产党吕梁市委员会) is no national prefix.
PARTY = words("org.party")
MINISTRY_SUFFIX = rx("{org.ministry_suffix}$")
# Titles of plans for the whole country start with the country or a national prefix.
NATIONAL_TITLE = rx("^[“\"《]*{nation.title}")
NOTICE = re.compile(rf"(?P<org>[{HAN}()（）、\d]{{2,80}}?)?关于印发(?P<what>.+?)的?通知")
# "…规划等22个市级专项规划", "《…》等文件": a notice issuing several plans (均等化 is one word, not 等).
_MANY = rx(r"等(?:[\d一二三四五六七八九十]+个|多个|若干|{plan.word}|文件)|[\d一二三四五六七八九十两]+个[^“”]{0,8}{plan.word}$")
# "国家发展改革委等21部门": a lead body standing for a joint issue, kept as written.
JOINT_LEAD = rx(r"^(?P<lead>.+?)等(?:[\d一二三四五六七八九十]+个?)?{org.joint}$")
# A headline or a report of issuing: "中共中央 国务院印发《…》", "近日，国务院印发了《…》".
ISSUED_BOOK = re.compile(rf"^(?P<org>[{HAN}()（）、\s]{{2,80}}?)印发了?《(?P<what>[^》]+)》")
# A notice's body names the plan it issues: "现将《…》印发给你们", "《…》已经市政府同意，现印发给你们".
# "现将《…》印发给你们", "《…》已经市政府同意，现印发给你们", "编制了《…》，经县政府同意，现印发给你们";
# a document the notice cites (根据《…纲要》) is not the one it issues.
BOOK_ISSUED = re.compile(r"《(?P<what>[^》]+)》[^《》。；;]{0,40}?印发")
_CITED = rx("{value.reference_verb}[^《]{0,2}$")
PLAN_WORD = alt("plan.word")
PERIOD_PAREN = re.compile(r"[(（]?\s*(20\d{2})\s*年?\s*[—\-–~～至到]+\s*(20\d{2})\s*年?\s*[)）]?")
# Stages a published title may carry after its name: (征求意见稿), (草案), (试行); "(全文)" is the page's.
DRAFT_MARK = rx("[(（](?:{plan.stage}|{plan.page_mark})[)）]").pattern
TITLE_LINE = re.compile(
    rf"^[{HAN}〇“”\"'‘’《》()（）、·\d—\-–]{{4,70}}?{PLAN_WORD}"
    rf"(?:\s*[(（]?\s*20\d{{2}}\s*年?\s*[—\-–~～至到]+\s*20\d{{2}}\s*年?\s*[)）])?(?:{DRAFT_MARK})?$"
)
_PAGE_MARK = rx("[(（]{plan.page_mark}[)）]$")
# Administrative units a plan is written for, longest suffixes first (names not in the division table).
ADMIN_SUFFIX = alt("division.suffix")
# Functional zones (国家级新区, 开发区, 高新区, 工业园区 …) plan for themselves but are no division.
ZONE_NAME = rx(rf"^[{HAN}]{{2,20}}?{{zone.suffix}}")
# A place the table does not know (renamed since, or newly set up) is still read by its suffix.
REGION_HEAD = re.compile(rf"^(?:[{HAN}]{{1,10}}?(?:{ADMIN_SUFFIX}))")
# Words that end in 市/县/区 but are not a place of their own (全市, 本县, 城区, 社区 …).
NOT_PLACE_START = WORDS["division.not_place_start"]
COUNTY_CITY_MARK = rx("[(（]{division.county_city}[)）]|(?:我|本){division.county_city}")
# "（2021年3月25日吕梁市第四届人民代表大会第七次会议批准）": the date an outline was adopted.
ADOPTED = rx(r"^[(（].{0,12}?20\d\d\s*年.{0,40}?{plan.adopted}[)）]$")
# A line that is page furniture: breadcrumbs (首页 > …), font-size switches, print/share buttons.
CHROME = rx(r"^{page.home}\s*[>＞»/]|[>＞»]\s*{page.home}|{page.chrome}|【\s*[大中小]")
_LEADING_PERIOD = re.compile(r"^[“\"]?十[一二三四五六七八九]五[”\"]?|^20\d\d\s*年?\s*[—\-–~～至到]+\s*20\d\d\s*年")
# "新华社北京2025年9月2日电": a news dispatch dates the text it carries.
DISPATCH = re.compile(r"新华社.{0,8}?(20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)电")
_AFTER_SHORT_NAME = re.compile(r"[“\"《(（\d十第]|$|人民政府|政府")
# A page title names its site after the document: "…规划_百度百科", "…规划 - 吕梁市人民政府", "…规划|…网".
_SITE_SUFFIX = re.compile(r"(?:\s*[_|｜]\s*|\s+[-—]\s+)[^_|｜\d()（）]{2,30}$")
# Markdown and WeChat markup around a line: "# …", "> …", "**…**".
_MARKUP = re.compile(r"^(?:#{1,6}\s+|>\s*)+|\*\*|__")


def split_regions(name: str) -> list[str]:
    """广元市苍溪县… → ["广元市", "苍溪县"]: the run of place names a name starts with, as written.
    Names in the division table first; else what the suffixes say (甲市乙县)."""
    name = _clean(name).lstrip("“\"《")
    chain = divisions.prefix_chain(name)
    if chain:
        return [written for written, _ in chain]
    parts: list[str] = []
    rest = name
    while m := REGION_HEAD.match(rest):
        part = m.group(0)
        if part.startswith(NOT_PLACE_START) or (parts and len(part) < 3):
            break
        parts.append(part)
        rest = rest[len(part):]
    return parts


def region_level(region: str | None, text: str = "") -> str | None:
    """Level of a place name: the division table's, else what its suffix says."""
    if not region:
        return None
    if region == divisions.NATION_NAME:
        return "national"
    found = divisions.named(region)
    if found and len({d.level for d in found}) == 1:
        return found[0].level
    if ZONE_NAME.match(region) and not region.endswith(("市", "县")):
        return "zone"
    if region.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if region.endswith(("县", "旗", "自治县", "自治旗")):
        return "county"
    if region.endswith("区") and not region.endswith("地区"):
        return "district"
    if region.endswith("市"):
        return "county_city" if COUNTY_CITY_MARK.search(text) else "city"
    if region.endswith(("州", "盟", "地区")):
        return "city"
    return None


def _clean(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _tail(lines: list[str], front: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(index, line) of the last non-empty lines after the front matter: where a plan signs off
    ("湄潭县文体广电旅游局 / 2021年12月28日"), before any attachment list or page footer."""
    start = front[-1][0] + 1 if front else 0
    out: list[tuple[int, str]] = []
    for i in range(len(lines) - 1, start - 1, -1):
        s = _MARKUP.sub("", lines[i][:MAX_LINE].replace("\u3000", " ").strip()).strip()
        if s:
            out.append((i, s))
            if len(out) >= TAIL_LINES:
                break
    return out[::-1]


def _front(lines: list[str]) -> list[tuple[int, str]]:
    """(index, line) of the non-empty lines of the front matter, markup removed."""
    out: list[tuple[int, str]] = []
    for i, raw in enumerate(lines):
        # No title, header or signature line is longer: a bound keeps a one-line megabyte document cheap.
        s = _MARKUP.sub("", raw[:MAX_LINE].replace("\u3000", " ").strip()).strip()
        if s:
            out.append((i, s))
            if len(out) >= FRONT_LINES:
                break
    return out


_LABEL_START = re.compile(rf"^(?:{_ANY_LABEL})")
# A line that opens with a date and goes on with a clock time or another label is page furniture
# dating the page; a date alone on its line is a signature's.
_DATED_LINE = re.compile(
    rf"^((?:20\d\d\s*[-/.]\s*\d{{1,2}}\s*[-/.]\s*\d{{1,2}})|(?:20\d\d年\d{{1,2}}月\d{{1,2}}日))"
    rf"\s*(?:\d{{1,2}}:\d{{2}}(?::\d{{2}})?|(?:{_ANY_LABEL})\s*[:：])"
)
_TRAILING_DATE = re.compile(
    r"\s+((?:20\d\d\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2})|(?:20\d\d年\d{1,2}月\d{1,2}日))(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_LABEL_ONLY = re.compile(rf"^(?:{_ANY_LABEL})\s*[:：]?$")
_BODY_START = re.compile(r"^(?:第[一1]章|第一篇|第一部分|一、|1\s|目\s*录$)")


def _header_fields(front: list[tuple[int, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for k, (_i, s) in enumerate(front):
        if _BODY_START.match(s):
            break
        if _LABEL_ONLY.match(s) and k + 1 < len(front) and not _LABEL_START.match(front[k + 1][1]):
            s = f"{s} {front[k + 1][1]}"  # an infobox: the label on one line, its value on the next
        if "published" not in fields and (m := _DATED_LINE.match(s)):
            fields["published"] = m.group(1)  # "2022-03-15 16:08:32  来源：…": a list page's date line
        if "published" not in fields and (m := _TRAILING_DATE.search(s)) and TITLE_LINE.match(_clean(s[: m.start()])):
            fields["published"] = m.group(1)  # "XX规划 2026-04-01": a list entry dates its title
        for key, field_re in _FIELD_RES.items():
            if key in fields:
                continue
            m = field_re.search(s)
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
    """(last line, title) of standalone title lines (possibly broken over two lines) before the body."""
    out: list[tuple[int, str]] = []
    for k, (i, s) in enumerate(front):
        if _BODY_START.match(s):
            break
        if (any(c in s for c in ">:：|，,。;；！!") or "关于印发" in s or "通知" in s or _LABEL_START.match(s)
                or CHROME.search(s)):
            continue
        cand = _clean(_TRAILING_DATE.sub("", _SITE_SUFFIX.sub("", s)))
        nxt = _clean(front[k + 1][1]) if k + 1 < len(front) else ""
        last = i
        if TITLE_LINE.match(cand):
            if PERIOD_PAREN.fullmatch(hanzi_years(nxt)):  # "(2021—2025年)" on a line of its own
                cand, last = cand + nxt, front[k + 1][0]
        elif len(cand) >= 4 or split_regions(cand):
            # A title broken over two or three lines ("吕梁市" / "“十四五”公共服务规划"): a later part never
            # starts a new name or the body.
            joined = cand
            for j, more in front[k + 1 : k + 3]:
                part = _clean(more)
                if not part or split_regions(part) or _BODY_START.match(part) or CHROME.search(part) \
                        or any(c in part for c in ">:：|，,。;；！!"):
                    break
                joined += part
                if TITLE_LINE.match(hanzi_years(joined)) and "通知" not in joined:
                    cand, last = joined, j
                    break
        if TITLE_LINE.match(hanzi_years(cand)) and len(cand) >= 8 and not cand.startswith(("《", "和", "与", "及", "暨")) \
                and (len(cand) >= 10 or not cand.lstrip("“\"").startswith("十")):
            # A bare "“十四五”规划" is a portal's category; a national title starts so too but says more.
            out.append((last, cand))
    return out


def _organs(text: str) -> list[str]:
    """"民政部　国家发展改革委" / "中共中央、国务院" → each issuing body; [] when a part is no body."""
    parts = [p for p in re.split(r"[\s、，,]+", text.strip()) if p]
    if len(parts) > 2 and all(len(p) == 1 for p in parts):
        parts = ["".join(parts)]  # a signature spaced out letter by letter: "苍 溪 县 人 民 政 府"

    def body(p: str) -> bool:
        lead = JOINT_LEAD.match(p)
        return bool(ORG_NAME.match(lead.group("lead") if lead else p) or p in NATIONAL_ORGANS)

    if parts and all(body(p) for p in parts):
        return parts
    return []


def _notice(front: list[tuple[int, str]]) -> tuple[list[str], str | None, bool]:
    """(issuing bodies, plan title, many plans?) of the 关于印发…的通知 line or an 印发《…》 headline."""
    for k, (_i, s) in enumerate(front):
        if _BODY_START.match(s) and k > 0:
            break  # a notice heads the document; one cited in the body (根据《…的通知》) is another's
        m = ISSUED_BOOK.match(s)
        if m and "关于印发" not in s:
            orgs = _organs(m.group("org"))
            if orgs:
                return orgs, m.group("what"), False
        at = s.find("关于印发")
        if at < 0 or s.rfind("《", 0, at) > s.rfind("》", 0, at):
            continue
        # The notice title may be broken over up to three lines, its issuers on the lines above.
        text = s
        for _j, nxt in front[k + 1 : k + 4]:
            if "通知" in text:
                break
            text += nxt
        prefix = _LABEL_START.sub("", s[: s.index("关于印发")]).strip(" :：\t")
        above: list[str] = []
        for _j, prev in reversed(front[max(0, k - 3) : k]):
            if not _organs(prev):
                break
            above.insert(0, prev)
        m = NOTICE.search(_clean(text))
        if not m:
            continue
        orgs = _organs(" ".join([*above, prefix])) if (above or prefix.strip()) else []
        what = m.group("what")
        books = re.findall(r"《([^》]+)》", what)
        many = len(books) > 1 or bool(_MANY.search(what))
        title = books[0] if len(books) == 1 else (None if books or many else what)
        return orgs, title, many
    return [], None, False


def _issued_book(front: list[tuple[int, str]]) -> str | None:
    """The one plan a notice's body says it issues ("现将《…》印发给你们"), else None."""
    books = {m.group("what") for _i, s in front for m in BOOK_ISSUED.finditer(s)
             if not _CITED.search(s[max(0, m.start() - 4) : m.start()])}
    books |= {m.group("what") for _i, s in front if (m := ISSUED_BOOK.search(s))}
    return books.pop() if len(books) == 1 else None


def _signature(front: list[tuple[int, str]]) -> tuple[list[str], str | None]:
    """(bodies, date) of a signature block: lines of issuing bodies, then a date line. A notice's own
    numbered points (一、…) may come before it, so the whole front matter is searched."""
    for k, (_i, s) in enumerate(front):
        if len(_clean(s)) > 16 or not (when := parse_date(s)) or _organs(s):
            continue
        orgs: list[str] = []
        for _j, prev in reversed(front[:k]):  # up to the first line that is no body
            found = _organs(prev)
            if not found:
                break
            orgs = found + orgs
        if orgs:
            return orgs, when
    return [], None


def _author(front: list[tuple[int, str]], title_at: int | None) -> str | None:
    """The body a plan names under its title ("盐池县发展和改革局 / 2026年2月")."""
    if title_at is None:
        return None
    after = [s for i, s in front if i > title_at][:1]
    orgs = _organs(after[0]) if after else []
    return "、".join(orgs) if orgs else None


def _repair_period(title: str) -> str:
    """"…规划2021—2025年)" lost its opening bracket in publishing: put it back."""
    m = PERIOD_PAREN.search(title)
    if m and m.end() == len(title):
        close = m.group(0)[-1]
        if close in ")）" and not re.match(r"[(（]", m.group(0)):
            opener = "(" if close == ")" else "（"
            return title[: m.start()] + opener + m.group(0).lstrip()
    return title


def _unparty(name: str) -> str:
    for p in PARTY:
        if name.startswith(p) and not name.startswith("中共中央"):
            return name[len(p):]
    return name


def _is_national(org: str) -> bool:
    if lead := JOINT_LEAD.match(org):
        org = lead.group("lead")
    if org in NATIONAL_ORGANS:
        return True
    org = _unparty(org)
    if org.startswith(NATIONAL_PREFIX):
        return not split_regions(org)
    return bool(MINISTRY_SUFFIX.search(org)) and not split_regions(org) and not ZONE_NAME.match(org)


def _place(name: str, context: str, strict: bool = True) -> tuple[str, str | None, str | None] | None:
    """(region, level, code) that a title or a body's name starts with, else None.

    A bare short name starts a title only before the plan's name ("郑州“十五五”…", "广西2026—2030年…")
    or a government ("郑州人民政府"): "平安建设规划" is no plan of 平安区. A page's source field
    (`strict=False`) names places loosely ("郑州发布")."""
    name = _unparty(_clean(name).lstrip("“\"《"))
    chain = divisions.prefix_chain(name)
    rest = name[sum(len(w) for w, _ in chain):]
    if chain:
        unit = divisions.resolve(chain, context)
        written = chain[-1][0]
        zone = ZONE_NAME.match(written + rest)
        if zone and len(zone.group(0)) > len(written) and not divisions.named(zone.group(0)):
            # "西安高新技术产业开发区", "兰州新区": a zone named after its city, no division of its own. After a
            # full name only a short zone name counts (南京市江北新区), not a program (…城乡融合发展示范区).
            short = all(u.name != written for u in chain[-1][1])
            if short or len(zone.group(0)) - len(written) <= 6:
                return zone.group(0), "zone", None
        bare = len(chain) == 1 and all(u.name != written for u in chain[0][1]) \
            and written[-1] not in divisions.SUFFIX_CHARS
        if strict and bare and not _AFTER_SHORT_NAME.match(rest):
            return None
        if unit is not None:
            return unit.name, unit.level, unit.code
        return written, region_level(written, context), None
    zone = ZONE_NAME.match(name)
    if zone:
        return zone.group(0), "zone", None
    parts = split_regions(name)
    if parts:
        return parts[-1], region_level(parts[-1], context), None
    return None


def _region_from_source(source: str, context: str) -> tuple[str, str | None, str | None] | None:
    """"长治武乡县", "郑州发布": portals name the place in their source field, often by short name."""
    return _place(source, context, strict=False)


# The extractors of one document all ask for its period (tables, zones, pipeline): the last answer is
# kept with the very list it was computed from (held, so its identity cannot be reused).
_last: tuple[list[str], dict[str, Any]] | None = None


def extract_metadata(lines: list[str]) -> dict[str, Any]:
    global _last
    memo = _last
    if memo is not None and memo[0] is lines:
        meta = memo[1]
    else:
        meta = _extract(lines)
        _last = (lines, meta)
    return {**meta, "period": list(meta["period"]) if meta["period"] else None}


def _extract(lines: list[str]) -> dict[str, Any]:
    front = _front(lines)
    fields = _header_fields(front)
    n_orgs, n_title, many = _notice(front)
    s_orgs, s_date = _signature(front)
    e_orgs, e_date = _signature(_tail(lines, front))
    title_lines = _title_candidates(front)
    front_text = "\n".join(s for _i, s in front)

    title = _SITE_SUFFIX.sub("", fields["title"]) if fields.get("title") else None
    if title and "关于印发" in title:
        # The header names the notice: the plan is what it issues.
        m = NOTICE.search(_clean(title))
        books = re.findall(r"《([^》]+)》", m.group("what")) if m else []
        title = books[0] if len(books) == 1 else (m.group("what") if m and not books else None)
    if title and not re.search(PLAN_WORD, title):
        title = None
    if not title and n_title and not many:
        title = n_title
    if not title and not many:
        title = _issued_book(front)
    # A portal's category names (国民经济和社会发展规划, 专项规划) look like titles too: a plan's own title
    # names its place or its period.
    named = [t for t in title_lines if find_period(t[1], []) or split_regions(t[1]) or NATIONAL_TITLE.match(t[1])]
    first = (named or title_lines or [(None, None)])[0]
    title_at = first[0]
    if not title and first[1]:
        title = first[1]
    if title:
        title = _repair_period(_PAGE_MARK.sub("", _clean(title)))

    # A notice signed "市人民政府办公室" names its place in the signature: take the fuller one.
    # ("市政府办公室" is 常州市人民政府办公室 without its place and without 人民.)
    if n_orgs and s_orgs and len(n_orgs) == len(s_orgs) and all(
        b.replace("人民", "").endswith(a.replace("人民", "")) for a, b in zip(n_orgs, s_orgs, strict=True)
    ):
        n_orgs = s_orgs
    # "教育部等九部门" in the notice, the bodies themselves in the signature: the signature names them.
    if len(n_orgs) == 1 and (lead := JOINT_LEAD.match(n_orgs[0])) and len(s_orgs) > 1 \
            and s_orgs[0] == lead.group("lead"):
        n_orgs = s_orgs
    orgs = n_orgs or s_orgs
    issuer = "、".join(orgs) if orgs else None
    if not issuer and fields.get("issuer"):
        issuer = "、".join(_organs(fields["issuer"])) or _clean(fields["issuer"])
    if not issuer:
        issuer = _author(front, title_at)
    if not issuer and e_orgs:
        issuer = "、".join(e_orgs)  # the body that signs the plan at its end

    doc_number = fields.get("doc_number")
    if not doc_number:
        for _i, s in front:
            if _BODY_START.match(s):
                break
            m = DOC_NUMBER.search(s)
            if m and len(s) <= 40:  # a line of its own, not a citation in prose
                doc_number = _clean(m.group(0))
                break

    # The document's own date first (its signature, 成文日期, the plan's closing signature, the day an
    # outline was adopted), then the page's (发布日期), then a news agency's dispatch line.
    adopted = next((parse_date(s) for _i, s in front[:12] if ADOPTED.match(_clean(s))), None)
    dispatch = next((parse_date(m.group(1)) for _i, s in front if (m := DISPATCH.search(s))), None)
    issued = (s_date or parse_date(fields.get("written") or "") or e_date or adopted
              or parse_date(fields.get("published") or "") or dispatch)

    place = None
    # "“十四五”国家老龄事业…规划", "“十五五”吕梁市…": the plan's name may come before its place.
    head = _LEADING_PERIOD.sub("", title) if title else None
    if head and NATIONAL_TITLE.match(head):
        place = (divisions.NATION_NAME, "national", divisions.NATION_CODE)
    for name in (head, *(orgs or []), fields.get("issuer")):
        if place or not name:
            continue
        place = _place(name, front_text)
    bodies = orgs or (_organs(fields["issuer"]) if fields.get("issuer") else [])
    if not place and bodies and all(_is_national(o) for o in bodies):
        place = (divisions.NATION_NAME, "national", divisions.NATION_CODE)
    if not place and fields.get("source"):
        place = _region_from_source(fields["source"], front_text)
    if not place and issuer:
        place = _place(issuer, front_text)
    region, level, code = place or (None, None, None)
    if level is None and region:
        level = region_level(region, front_text)

    period = find_period(title, lines)
    return {
        "title": title,
        "region": region,
        "region_level": level,
        "region_code": code,
        "issuer": issuer,
        "doc_number": doc_number,
        "issued": issued,
        "period": list(period) if period else None,
    }
