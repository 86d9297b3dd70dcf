"""Compose the extractors: Document → contract JSON (plain dicts)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from planwatch.extract.document import Document, ExtractError
from planwatch.extract.metadata import extract_metadata
from planwatch.extract.naming import link_restatements, stated_attributes
from planwatch.extract.outline import Outline, build_outline
from planwatch.extract.prose import extract_baselines, extract_prose_targets
from planwatch.extract.readers import read_document
from planwatch.extract.services import extract_service_items
from planwatch.extract.tables import extract_tables
from planwatch.extract.tasks import extract_tasks

DEFAULT_PERIOD = (2021, 2025)


def _with_section(items: list[dict[str, Any]], outline: Outline) -> None:
    for item in items:
        if "section" not in item and item.get("line"):
            item["section"] = outline.path_titles(item["line"])


def extract_document(doc: Document) -> dict[str, Any]:
    """The extraction-contract object for one document (see EXTRACTION_CONTRACT.md)."""
    lines = doc.lines
    if not doc.text.strip():
        raise ExtractError(doc.path, "empty document / 文档为空")
    outline = build_outline(lines)
    plan = extract_metadata(lines)
    start, end = plan.get("period") or DEFAULT_PERIOD
    period = (int(start), int(end))
    table_rows, table_spans = extract_tables(lines, outline)
    services, service_spans = extract_service_items(lines, outline)
    skip = sorted(table_spans + service_spans)
    prose = extract_prose_targets(lines, outline, skip, period)
    link_restatements(table_rows, prose)  # a sentence restating a table row points to it
    stated_attributes(prose, lines)  # 约束性/预期性 only where the text gives it
    baselines = extract_baselines(lines, outline, skip, period)
    tasks, projects = extract_tasks(lines, outline, skip, period)
    if not (table_rows or prose or baselines or services or outline.sections):
        raise ExtractError(doc.path, "no plan structure found (no headings, indicators or targets) / 未识别到规划内容")
    for group in (table_rows, prose, baselines, services, tasks, projects):
        _with_section(group, outline)
    warnings: list[str] = []
    if not plan.get("region"):
        warnings.append("region not found / 未识别到地区")
    if not table_rows:
        warnings.append("no indicator table found / 未识别到指标表")
    return {
        "plan": plan,
        "indicators": table_rows + prose,
        "baselines": baselines,
        "service_items": services,
        "tasks": tasks,
        "projects": projects,
        "outline": [
            {"line": s.line, "end_line": s.end_line, "kind": s.kind, "level": s.level, "heading": s.heading,
             "domain": s.domain}
            for s in outline.sections
        ],
        "warnings": warnings,
        "source": {
            "path": doc.path,
            "format": doc.format,
            "lines": len(lines),
            "sha256": hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        },
    }


def extract_text(text: str, path: str | None = None) -> dict[str, Any]:
    return extract_document(Document(text=text, path=path))


def extract_path(path: str | Path) -> dict[str, Any]:
    return extract_document(read_document(path))
