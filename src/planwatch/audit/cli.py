"""`planwatch audit DOC [--against PLAN] [--json]`: check a plan (draft or issued) before it goes out."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from planwatch.audit.findings import KINDS_ZH, SEVERITY_ZH, Finding


def _load_document(path: Path) -> tuple[dict[str, Any], list[str] | None]:
    """The extraction of a document (and its text lines), or an extraction JSON as it is."""
    from planwatch.extract.document import ExtractError
    from planwatch.extract.pipeline import extract_document
    from planwatch.extract.readers import read_document

    if path.suffix.lower() == ".json":
        try:
            return json.loads(path.read_text(encoding="utf-8")), None
        except (OSError, ValueError) as exc:
            raise click.ClickException(f"{path}: 不是提取结果 JSON / not an extraction JSON ({exc})") from exc
    try:
        doc = read_document(path)
        return extract_document(doc), list(doc.lines)
    except ExtractError as exc:
        raise click.ClickException(str(exc)) from exc


def _from_register(ref: str) -> tuple[dict[str, Any], str]:
    """A plan of the register in the extraction-contract shape (its table indicators)."""
    from planwatch.audit.context import register_plan
    from planwatch.register.cli import open_register
    from planwatch.register.db import transaction
    from planwatch.register.errors import RegisterError

    try:
        with transaction(open_register()) as s:
            return register_plan(s, ref)
    except RegisterError as exc:
        raise click.ClickException(str(exc)) from exc


def _superior(against: str | None) -> tuple[dict[str, Any] | None, str]:
    if not against:
        return None, "上位规划"
    if against in ("national", "全国"):
        from planwatch.register.demo import default_data_dir, national_plan

        data = national_plan(default_data_dir() / "reference" / "national_14fyp_public_service_indicators.csv")
        return data, f"全国《{data['plan']['title']}》"
    path = Path(against)
    if path.exists():
        data, _ = _load_document(path)
        return data, f"《{(data.get('plan') or {}).get('title') or path.name}》"
    return _from_register(against)


def _text(findings: list[Finding], total: int) -> str:
    if not findings:
        return "未发现问题 / no findings"
    out = [f"{len(findings)} 项发现 findings" + (f"(共 {total} 项,只列最重要的 {len(findings)} 项)" if total > len(findings)
                                             else "")]
    for f in findings:
        where = "、".join(str(n) for n in f.lines)
        out.append(f"[{SEVERITY_ZH[f.severity]}] {KINDS_ZH.get(f.kind, f.kind)} 第{where}行: {f.message}")
    return "\n".join(out)


@click.command("audit")
@click.argument("doc", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--against", default=None,
              help="上位规划:登记库中的规划编号或标题、文档/JSON 路径,或 national(全国“十四五”公共服务规划)"
                   " / the superior plan: a register plan id or title, a document or JSON, or 'national'")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
@click.option("--all", "show_all", is_flag=True, help="列出全部发现(默认最多30项)/ list every finding (default: 30)")
def audit_command(doc: Path, against: str | None, as_json: bool, show_all: bool) -> None:
    """审核规划文本(印发前)/ audit a plan before it is issued: consistency, directions, numbers, period,
    fit with the superior plan and the national basic public service standard."""
    from planwatch.audit.context import audit_document

    data, lines = _load_document(doc)
    superior, label = _superior(against)
    everything = audit_document(data, lines, superior=superior, superior_label=label, limit=None)
    shown = everything if show_all else everything[:30]
    if as_json:
        json.dump({"findings": [f.to_dict() for f in shown], "total": len(everything)}, sys.stdout,
                  ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        click.echo(_text(shown, len(everything)))
