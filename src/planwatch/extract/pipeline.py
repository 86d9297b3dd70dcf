"""Compose the extractors: Document → contract JSON (plain dicts)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from planwatch.extract.document import Document, ExtractError
from planwatch.extract.metadata import extract_metadata
from planwatch.extract.naming import link_restatements, stated_attributes
from planwatch.extract.outline import Outline, build_outline
from planwatch.extract.periods import working_period
from planwatch.extract.prose import extract_baselines, extract_prose_targets
from planwatch.extract.readers import read_document
from planwatch.extract.services import extract_service_items
from planwatch.extract.tables import extract_tables
from planwatch.extract.tasks import extract_tasks


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
    stated = plan.get("period")
    # Items are dated by the stated period; without one, by a working span that is never reported as it.
    period = working_period((int(stated[0]), int(stated[1])) if stated else None, plan.get("issued"))
    table_rows, table_spans = extract_tables(lines, outline)
    services, service_spans = extract_service_items(lines, outline)
    skip = sorted(table_spans + service_spans)
    prose = extract_prose_targets(lines, outline, skip, period)
    link_restatements(table_rows, prose)  # a sentence restating a table row points to it
    stated_attributes(prose, lines)  # 约束性/预期性 only where the text gives it
    baselines = extract_baselines(lines, outline, skip, period)
    tasks, projects = extract_tasks(lines, outline, skip, period)
    body = bool(table_rows or prose or baselines or services or outline.sections)
    # A plan's first page alone (notice, title, signature) still names the plan: keep its metadata.
    if not body and not plan.get("title"):
        raise ExtractError(doc.path, "no plan structure found (no headings, indicators or targets) / 未识别到规划内容")
    for group in (table_rows, prose, baselines, services, tasks, projects):
        _with_section(group, outline)
    warnings: list[str] = []
    if not body:
        warnings.append("no plan body found, metadata from the first page only / 仅识别到首页(通知、标题、落款),未见规划正文")
    if not stated:
        warnings.append("plan period not found, give it when importing (--period 2026-2030) / "
                        "未识别到规划期,导入时请指定规划期")
        for item in prose:
            target = item.get("target") or {}
            # A year the text does not write was the working period's end: unknown until the period is given.
            if target.get("year") == period[1] and str(period[1]) not in (item.get("quote") or ""):
                target["year"] = None
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
