"""The value grammar of plan targets: numbers, operators, ranges, scales, 【】, *.

`parse_value("≥60")` → {"raw": "≥60", "value": 60.0, "op": ">=", "kind": "level", ...}.
"""

from __future__ import annotations

import re
from typing import TypedDict

import cn2an


class Value(TypedDict):
    raw: str
    value: float | None
    value_low: float | None
    value_high: float | None
    op: str  # ">=" | ">" | "<=" | "<" | "=" | "range" | "qualitative"
    kind: str  # level | cumulative | annual | reduction


NUM = r"\d+(?:\.\d+)?"
CN_NUM_CHARS = "〇零一二两三四五六七八九十百千万亿"


def parse_number(text: str) -> float | None:
    """An Arabic or Chinese numeral ("12.5", "十二", "两") as a float, else None."""
    s = text.strip().replace(",", "").replace("，", "")
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        pass
    if all(ch in CN_NUM_CHARS for ch in s):
        try:
            return float(cn2an.cn2an(s.replace("两", "二"), "smart"))
        except (ValueError, KeyError):
            return None
    return None


_OP_PREFIX = [("≥", ">="), (">=", ">="), ("＞", ">"), (">", ">"), ("≤", "<="), ("<=", "<="), ("＜", "<"), ("<", "<")]
_OP_SUFFIX = [("以上", ">="), ("及以上", ">="), ("以下", "<="), ("以内", "<=")]
_RANGE = re.compile(rf"^({NUM})\s*(?:-|—|–|~|～|至|到)\s*({NUM})")


def parse_value(raw: str) -> Value:
    """Parse a target or baseline cell as written."""
    s = raw.strip()
    kind = "level"
    body = s
    if body.startswith(("【", "[")) and body.endswith(("】", "]")):
        kind = "cumulative"
        body = body[1:-1]
    if body.endswith(("*", "＊")):
        kind = "annual"
        body = body[:-1]
    op = "="
    for prefix, o in _OP_PREFIX:
        if body.startswith(prefix):
            op, body = o, body[len(prefix) :]
            break
    for prefix in ("不低于", "不少于"):
        if body.startswith(prefix):
            op, body = ">=", body[len(prefix) :]
    for prefix in ("不超过", "不高于"):
        if body.startswith(prefix):
            op, body = "<=", body[len(prefix) :]
    for suffix, o in _OP_SUFFIX:
        if suffix in body:
            op = o
            body = body.replace(suffix, "")
    body = body.replace("%", "").replace("％", "").replace("左右", "").strip()
    m = _RANGE.match(body)
    if m:
        return Value(raw=s, value=None, value_low=float(m.group(1)), value_high=float(m.group(2)),
                     op="range", kind=kind)
    m = re.search(NUM, body)
    if m:
        return Value(raw=s, value=float(m.group(0)), value_low=None, value_high=None, op=op, kind=kind)
    return Value(raw=s, value=None, value_low=None, value_high=None, op="qualitative", kind=kind)
