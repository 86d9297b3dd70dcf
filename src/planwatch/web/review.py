"""Review of an uploaded plan before it enters the register.

An upload is extracted at once and kept as a draft on disk (the original
bytes plus a JSON file with the extraction and every decision), so a review
survives restarts and can span days. Publishing hands the accepted and edited
items to the register's own importer, which keeps the document and history.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from planwatch.extract import ExtractError
from planwatch.extract.bounded import extract_bounded

SECTIONS = ("indicators", "service_items", "tasks", "projects")
DECISIONS = ("pending", "accept", "reject")
UPLOAD_TYPES = {".txt", ".html", ".htm", ".docx", ".pdf"}
UPLOAD_MAX = 30 * 1024 * 1024
EDITABLE = ("name", "unit", "domain", "attribute", "baseline_raw", "target_raw")
_DRAFT_ID = re.compile(r"^[0-9a-f]{32}$")


class ReviewError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Draft:
    id: str
    data: dict[str, Any]  # filename, sha256, uploaded_at, by, extraction, lines, decisions, edits, published

    @property
    def extraction(self) -> dict[str, Any]:
        return self.data["extraction"]


class ReviewStore:
    def __init__(self, root: Path) -> None:
        self.root = root / "review"

    def _dir(self, draft_id: str) -> Path:
        if not _DRAFT_ID.match(draft_id):
            raise KeyError(draft_id)
        return self.root / draft_id

    def create(self, filename: str, content: bytes | BinaryIO, by: str) -> Draft:
        """A draft from an uploaded file: its bytes (or a file object, copied to disk in chunks up to
        UPLOAD_MAX) are kept, and the extraction runs in a bounded worker process (extract.bounded).

        Blocking: the web calls it from a worker thread, never on the event loop.
        """
        suffix = Path(filename).suffix.lower()
        if suffix not in UPLOAD_TYPES:
            raise ReviewError("file", "文件类型不支持,请上传 .txt/.docx/.html/.pdf / unsupported file type")
        draft_id = uuid.uuid4().hex
        d = self._dir(draft_id)
        d.mkdir(parents=True)
        original = d / f"original{suffix}"
        try:
            size, sha256 = _store_capped(content, original)
            if size > UPLOAD_MAX:
                raise ReviewError("file", "文件过大(上限 30 MB) / file too large (30 MB at most)")
            if not size:
                raise ReviewError("file", "文件为空 / the file is empty")
            extraction, lines = extract_bounded(original, with_lines=True)
        except ReviewError:
            _rmtree(d)
            raise
        except ExtractError as exc:
            _rmtree(d)
            raise ReviewError("file", exc.reason) from exc
        except Exception as exc:  # a hostile file must not take the page down
            _rmtree(d)
            raise ReviewError("file", f"无法识别该文件 / this file could not be read ({type(exc).__name__})") from exc
        extraction.setdefault("source", {})["path"] = filename
        data = {"filename": Path(filename).name, "suffix": suffix, "sha256": sha256,
                "uploaded_at": datetime.now(UTC).isoformat(timespec="seconds"), "by": by,
                "extraction": extraction, "lines": lines, "decisions": {}, "edits": {}, "published": None,
                "region": None}
        draft = Draft(draft_id, data)
        self.save(draft)
        return draft

    def save(self, draft: Draft) -> None:
        path = self._dir(draft.id) / "draft.json"
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(draft.data, fh, ensure_ascii=False)
        os.replace(tmp, path)  # atomic: a crash never leaves half a draft

    def get(self, draft_id: str) -> Draft | None:
        try:
            path = self._dir(draft_id) / "draft.json"
        except KeyError:
            return None
        if not path.exists():
            return None
        return Draft(draft_id, json.loads(path.read_text(encoding="utf-8")))

    def content(self, draft: Draft) -> bytes:
        return (self._dir(draft.id) / f"original{draft.data['suffix']}").read_bytes()

    def list(self) -> list[Draft]:
        if not self.root.exists():
            return []
        drafts = [self.get(p.name) for p in self.root.iterdir() if p.is_dir() and _DRAFT_ID.match(p.name)]
        return sorted((d for d in drafts if d), key=lambda d: d.data["uploaded_at"], reverse=True)


def _store_capped(content: bytes | BinaryIO, path: Path) -> tuple[int, str]:
    """Write the upload to `path` in chunks, stopping one byte past UPLOAD_MAX: (bytes written, sha256)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        if isinstance(content, bytes):
            data = content[: UPLOAD_MAX + 1]
            out.write(data)
            digest.update(data)
            return len(data), digest.hexdigest()
        while size <= UPLOAD_MAX:
            chunk = content.read(min(1024 * 1024, UPLOAD_MAX + 1 - size))
            if not chunk:
                break
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _rmtree(d: Path) -> None:
    for p in d.iterdir():
        p.unlink()
    d.rmdir()


def item_label(section: str, item: dict[str, Any]) -> str:
    return str(item.get("name") or item.get("item") or item.get("text") or item.get("quote") or "")[:200]


def items(draft: Draft) -> list[dict[str, Any]]:
    """Every extracted item with its key, decision, edits and the source lines around it."""
    lines = draft.data["lines"]
    out = []
    for section in SECTIONS:
        for i, item in enumerate(draft.extraction.get(section) or []):
            key = f"{section}/{i}"
            line = item.get("line")
            context = []
            if isinstance(line, int) and 1 <= line <= len(lines):
                context = [(n, lines[n - 1]) for n in range(max(1, line - 1), min(len(lines), line + 1) + 1)]
            out.append({"key": key, "section": section, "index": i, "item": item, "line": line,
                        "label": item_label(section, item), "context": context,
                        "decision": draft.data["decisions"].get(key, "pending"),
                        "edits": draft.data["edits"].get(key, {})})
    return out


def decide(draft: Draft, key: str, decision: str, edits: dict[str, str] | None = None) -> None:
    section, _, index = key.partition("/")
    if section not in SECTIONS or not index.isdigit() or int(index) >= len(draft.extraction.get(section) or []):
        raise ReviewError("key", f"未知条目 / unknown item {key}")
    if decision not in DECISIONS:
        raise ReviewError("decision", "accept | reject | pending")
    clean: dict[str, str] = {}
    for k, v in (edits or {}).items():
        if k not in EDITABLE:
            continue
        v = v.strip()
        if k == "name" and not v:
            raise ReviewError("name", "指标名称不能为空 / the name cannot be empty")
        if k == "attribute" and v not in ("", "约束性", "预期性"):
            raise ReviewError("attribute", "约束性 | 预期性")
        if len(v) > 300:
            raise ReviewError(k, "过长 / too long")
        clean[k] = v
    draft.data["decisions"][key] = decision
    if clean:
        draft.data["edits"][key] = {**draft.data["edits"].get(key, {}), **clean}


def accept_all_pending(draft: Draft) -> int:
    n = 0
    for it in items(draft):
        if it["decision"] == "pending":
            draft.data["decisions"][it["key"]] = "accept"
            n += 1
    return n


def counts(draft: Draft) -> dict[str, int]:
    c = {d: 0 for d in DECISIONS}
    for it in items(draft):
        c[it["decision"]] += 1
    return c


def _apply(item: dict[str, Any], edits: dict[str, str]) -> dict[str, Any]:
    from planwatch.extract.numbers import parse_value

    out = dict(item)
    for k, v in edits.items():
        if k == "baseline_raw":
            parsed = _parse(parse_value, v)
            out["baseline"] = {**(item.get("baseline") or {}), "raw": v, "value": parsed.get("value") if parsed else None}
        elif k == "target_raw":
            parsed = _parse(parse_value, v) or {}
            out["target"] = {**(item.get("target") or {}), "raw": v,
                             **{f: parsed[f] for f in ("value", "value_low", "value_high", "op", "kind") if f in parsed}}
        else:
            out[k] = v or None
    return out


def _parse(fn: Any, raw: str) -> dict[str, Any] | None:
    try:
        result = fn(raw)
    except Exception:
        return None
    if result is None:
        return None
    return result if isinstance(result, dict) else getattr(result, "__dict__", None)


def publishable(draft: Draft) -> dict[str, Any]:
    """The extraction with rejected items removed and edits applied."""
    data = {k: v for k, v in draft.extraction.items() if k not in SECTIONS}
    for section in SECTIONS:
        kept = []
        for i, item in enumerate(draft.extraction.get(section) or []):
            key = f"{section}/{i}"
            if draft.data["decisions"].get(key, "pending") != "accept":
                continue
            kept.append(_apply(item, draft.data["edits"].get(key, {})))
        data[section] = kept
    return data


def audit(session: Any, draft: Draft, against: str | None) -> dict[str, Any]:
    """The audit of a draft: its findings (most severe first) against the superior plan the reviewer picked
    (`against`: a plan id, "none" for no superior plan) or, by default, the nearest plan above its region."""
    from planwatch.audit.context import audit_document, default_superior, register_plan, superior_choices
    from planwatch.register.errors import RegisterError

    choices = superior_choices(session)
    published = (draft.data.get("published") or {}).get("plan_id")
    choices = [c for c in choices if c["id"] != published]
    region = draft.data.get("region") or (draft.extraction.get("plan") or {}).get("region")
    chosen: int | None
    if against == "none":
        chosen = None
    elif against and against.isdigit() and any(c["id"] == int(against) for c in choices):
        chosen = int(against)
    else:
        chosen = default_superior(session, region)
        chosen = chosen if chosen != published else None
    superior, label = None, "上位规划"
    if chosen is not None:
        try:
            superior, label = register_plan(session, chosen)
        except RegisterError:
            chosen = None
    findings = audit_document(draft.extraction, draft.data["lines"], superior=superior, superior_label=label)
    return {"findings": [f.to_dict() for f in findings], "superior": chosen, "label": label, "choices": choices,
            "automatic": against is None or against == ""}
