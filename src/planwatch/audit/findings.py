"""What an audit reports: one finding per problem, with where it is and how serious it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("high", "medium", "low")  # most severe first
SEVERITY_ZH = {"high": "严重", "medium": "需核实", "low": "提示"}

# Finding kinds and their Chinese names (the review page and the CLI show these).
KINDS_ZH = {
    "inconsistency": "前后不一致",
    "direction": "目标方向",
    "implausible": "数值存疑",
    "garbled": "疑似排版错误",
    "period": "规划期",
    "superior_missing": "缺少上位指标",
    "superior_weaker": "低于上位目标",
    "superior_unit": "单位不一致",
    "service_missing": "基本公共服务缺项",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str
    lines: tuple[int, ...]
    message: str
    quotes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "kind_zh": KINDS_ZH.get(self.kind, self.kind), "severity": self.severity,
                "severity_zh": SEVERITY_ZH[self.severity], "lines": list(self.lines), "message": self.message,
                "quotes": list(self.quotes)}


def ranked(findings: list[Finding], limit: int | None = 30) -> list[Finding]:
    """Most severe first, then in document order; one finding per (kind, lines); at most `limit`."""
    seen: set[tuple[str, tuple[int, ...]]] = set()
    out = []
    for f in sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), min(f.lines or (0,)), f.kind)):
        key = (f.kind, f.lines)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out if limit is None else out[:limit]
