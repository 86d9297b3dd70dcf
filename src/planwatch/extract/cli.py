"""`planwatch extract PATH... [--json] [--out DIR]`."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import click

from planwatch.extract.bounded import Limits, extract_path_bounded, limits_from_env
from planwatch.extract.document import ExtractError


def _extract_one(path: str, limits: Limits) -> tuple[str, dict[str, Any] | None, str | None]:
    """Never raises, so one bad file does not stop a batch."""
    try:
        return path, extract_path_bounded(path, limits), None
    except ExtractError as exc:
        return path, None, exc.reason
    except Exception as exc:  # a bug must not hide the other files' results
        return path, None, f"internal error / 内部错误: {type(exc).__name__}: {exc}"


def _run_all(paths: list[str], progress: bool, limits: Limits) -> list[tuple[str, dict[str, Any] | None, str | None]]:
    """Each file in its own bounded worker process (extract.bounded), as many at once as there are cores."""
    from tqdm import tqdm

    bar = tqdm(total=len(paths), desc="extract", unit="doc", file=sys.stderr,
               disable=not progress or len(paths) < 2 or not sys.stderr.isatty(), leave=False)
    results: dict[str, tuple[str, dict[str, Any] | None, str | None]] = {}
    workers = min(len(paths), os.cpu_count() or 1)
    if workers <= 1:
        for p in paths:
            results[p] = _extract_one(p, limits)
            bar.update()
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for res in pool.map(lambda p: _extract_one(p, limits), paths):
                results[res[0]] = res
                bar.update()
    bar.close()
    return [results[p] for p in paths]


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _fmt_target(t: dict[str, Any] | None) -> str:
    return "" if not t else str(t.get("raw") or "")


def summary_text(result: dict[str, Any]) -> str:
    """A readable summary: metadata, counts by domain, indicator table, warnings."""
    from planwatch.textwidth import pad

    plan = result["plan"]
    out: list[str] = []
    src = result.get("source", {})
    out.append(f"== {src.get('path') or ''}")
    labels = [("title", "标题 title"), ("region", "地区 region"), ("region_level", "级别 level"),
              ("region_code", "区划代码 code"), ("issuer", "发布机构 issuer"), ("doc_number", "文号 doc no."), ("issued", "日期 issued"),
              ("period", "规划期 period")]
    for key, label in labels:
        val = plan.get(key)
        if isinstance(val, list):
            val = "–".join(str(v) for v in val)
        out.append(f"  {pad(label, 18)} {val if val is not None else '—'}")
    inds = result["indicators"]
    table = [i for i in inds if i.get("source") == "table"]
    prose = [i for i in inds if i.get("source") == "prose"]
    out.append(f"  表格指标 table indicators: {len(table)}   文本目标 prose targets: {len(prose)}   "
               f"基期事实 baselines: {len(result['baselines'])}   服务清单 service items: "
               f"{len(result['service_items'])}   任务 tasks: {len(result.get('tasks', []))}   "
               f"项目 projects: {len(result.get('projects', []))}")
    by_domain = Counter((i.get("domain") or "未分类") for i in inds)
    if by_domain:
        out.append("  按领域 by domain: " + ", ".join(f"{d} {n}" for d, n in by_domain.most_common()))
    if table:
        out.append("")
        header = [pad("行 line", 7), pad("领域 domain", 14), pad("指标 indicator", 44), pad("单位", 8),
                  pad("基期", 10), pad("目标", 12), "属性"]
        out.append("  " + " ".join(header))
        for i in table:
            base = (i.get("baseline") or {}).get("raw") or "—"
            out.append("  " + " ".join([
                pad(str(i.get("line")), 7), pad(i.get("domain") or "—", 14), pad(i.get("name") or "", 44),
                pad(i.get("unit") or "—", 8), pad(base, 10), pad(_fmt_target(i.get("target")), 12),
                i.get("attribute") or "—",
            ]))
    for w in result.get("warnings", []):
        out.append(f"  ! {w}")
    return "\n".join(out)


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the extraction-contract JSON.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write one <stem>.json per input into this folder.")
@click.option("--progress/--no-progress", default=True, help="Progress bar on stderr for many files.")
@click.option("--timeout", type=click.FloatRange(min=0), default=None, metavar="S",
              help="Seconds each file may take, 0 = no limit [env PLANWATCH_EXTRACT_TIMEOUT, default 10].")
@click.option("--max-memory", type=click.IntRange(min=0), default=None, metavar="MB",
              help="Memory (address space) each file may use, 0 = no limit "
                   "[env PLANWATCH_EXTRACT_MAX_MEMORY_MB, default 1024].")
def extract_command(paths: tuple[str, ...], as_json: bool, out_dir: Path | None, progress: bool,
                    timeout: float | None, max_memory: int | None) -> None:
    """从规划文本抽取指标与承诺 / Extract indicators and commitments from plan documents.

    Each file is read in a worker process within a time and memory limit; a file past a
    limit is reported like any unreadable file and the others go on.
    """
    try:
        limits = limits_from_env(timeout, max_memory)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    results = _run_all(list(paths), progress, limits)
    failed = 0
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    printed_json: list[dict[str, Any]] = []
    for path, result, error in results:
        if error is not None:
            failed += 1
            click.echo(f"planwatch extract: {path}: {error}", err=True)
            continue
        assert result is not None
        if out_dir:
            _atomic_write(out_dir / f"{Path(path).stem}.json", json.dumps(result, ensure_ascii=False, indent=1))
        elif as_json:
            printed_json.append(result)
        else:
            click.echo(summary_text(result))
    if printed_json:
        payload: Any = printed_json[0] if len(paths) == 1 else printed_json
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    if out_dir and not as_json:
        click.echo(f"wrote {len(results) - failed} file(s) to {out_dir}" + (f", {failed} failed" if failed else ""),
                   err=True)
    if failed:
        sys.exit(1)
