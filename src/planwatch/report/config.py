"""Report kinds and the settings an office may change: section titles, which
sections appear, and the issuing body printed on the cover."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

Kind = Literal["annual", "midterm", "final"]
KINDS: tuple[Kind, ...] = ("annual", "midterm", "final")

# Section keys in report order. Numbers (一、二、…) are added at build time, so
# dropping or renaming a section never leaves a gap in the numbering.
SECTION_KEYS: tuple[str, ...] = (
    "overview",
    "indicators",
    "binding",
    "lagging",
    "benchmarks",
    "tasks",
    "problems",
    "suggestions",
)

_TITLES: dict[str, str] = {
    "overview": "总体情况",
    "indicators": "主要指标完成情况",
    "binding": "约束性指标完成情况",
    "lagging": "进展滞后指标分析",
    "benchmarks": "与上位规划及全国对比",
    "tasks": "重点任务和重大项目进展",
    "problems": "存在的问题",
    "suggestions": "下一步工作建议",
    "appendix": "附件：指标数据表及数据来源",
}

# Per kind, only what differs from the common titles.
_KIND_TITLES: dict[Kind, dict[str, str]] = {
    "annual": {"suggestions": "下一年度工作建议"},
    "midterm": {"suggestions": "下一步工作建议及规划调整建议"},
    "final": {"suggestions": "下一步工作建议及对下一个五年规划的建议"},
}

KIND_NAMES: dict[Kind, str] = {
    "annual": "实施情况监测报告",
    "midterm": "中期评估报告",
    "final": "总结评估报告",
}


@dataclass(frozen=True)
class ReportConfig:
    kind: Kind = "final"
    titles: dict[str, str] = field(default_factory=dict)  # overrides by section key
    sections: tuple[str, ...] = SECTION_KEYS
    appendix: bool = True
    issuer: str | None = None  # 编制单位 on the cover; left blank to fill in when None
    charts: bool = True
    max_lagging_charts: int = 40  # bounds render time for very large plans

    def title(self, key: str) -> str:
        return self.titles.get(key) or _KIND_TITLES[self.kind].get(key) or _TITLES[key]


def load_config(kind: Kind, path: Path | None = None, **overrides: object) -> ReportConfig:
    """Read optional JSON settings: {"titles": {...}, "sections": [...], "issuer": "..."}."""
    cfg = ReportConfig(kind=kind)
    if path is not None:
        raw = json.loads(path.read_text(encoding="utf-8"))
        unknown = set(raw.get("titles", {})) - set(_TITLES)
        if unknown:
            raise ValueError(f"unknown section keys in titles: {sorted(unknown)}; known: {sorted(_TITLES)}")
        sections = tuple(raw.get("sections", SECTION_KEYS))
        bad = [s for s in sections if s not in SECTION_KEYS]
        if bad:
            raise ValueError(f"unknown sections: {bad}; known: {list(SECTION_KEYS)}")
        cfg = replace(
            cfg,
            titles=dict(raw.get("titles", {})),
            sections=sections,
            appendix=bool(raw.get("appendix", True)),
            issuer=raw.get("issuer"),
        )
    return replace(cfg, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
