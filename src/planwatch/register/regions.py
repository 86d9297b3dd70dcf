"""Regions: administrative units (6-digit province/city/county codes, 9-digit townships) and their population."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.register.errors import Ambiguous, InputError, NotFound
from planwatch.register.schema import Region, RegionPopulation

# planwatch's code for the whole country (not a GB/T 2260 unit; the convention national statistics use).
NATION_CODE = "100000"
NATION_NAME = "全国"

_CODE = re.compile(r"^\d{6}(\d{3})?$")
_POP_COL = re.compile(r"^population_(\d{4})$")
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "省", "市", "县", "区", "旗", "镇", "乡", "街道")


@dataclass
class RegionImport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    populations: int = 0


def ensure_nation(session: Session) -> Region:
    """The 全国 region; parentless provinces become its children so a national plan sees them."""
    nation = session.get(Region, NATION_CODE)
    if nation is None:
        nation = Region(code=NATION_CODE, name=NATION_NAME, level="nation", parent_code=None,
                        source="planwatch convention: 100000 = 全国 (whole country)")
        session.add(nation)
        session.flush()
    for province in session.scalars(
        select(Region).where(Region.level == "province", Region.parent_code.is_(None), Region.code != NATION_CODE)
    ):
        province.parent_code = NATION_CODE
    return nation


def import_regions_csv(session: Session, path: Path) -> RegionImport:
    """Upsert regions from a CSV with columns code, name, level, parent_code[, population_YYYY...][, source_url].

    The whole file is checked first; any problem raises `InputError` naming row and
    column and nothing is written.
    """
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        cols = reader.fieldnames or []
        missing = [c for c in ("code", "name", "level") if c not in cols]
        if missing:
            raise InputError(f"{path}: 缺少列 / missing columns: {', '.join(missing)}")
        rows = list(reader)
    problems: list[str] = []
    seen: dict[str, int] = {}
    parsed: list[tuple[dict[str, str], dict[int, float]]] = []
    for n, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        where = f"{path}, 第{n}行 row {n}"
        if not _CODE.match(code):
            problems.append(f"{where}, 列 code: 区划代码应为6位或9位数字 / code must have 6 or 9 digits: {code!r}")
            continue
        if code in seen:
            problems.append(f"{where}, 列 code: 与第{seen[code]}行重复 / duplicate of row {seen[code]}: {code}")
            continue
        seen[code] = n
        if not (row.get("name") or "").strip():
            problems.append(f"{where}, 列 name: 名称为空 / empty name")
        pops: dict[int, float] = {}
        for col, raw in row.items():
            m = _POP_COL.match(col or "")
            if m and raw and raw.strip():
                try:
                    pops[int(m.group(1))] = float(raw.replace(",", ""))
                except ValueError:
                    problems.append(f"{where}, 列 {col}: 人口应为数字 / population must be a number: {raw!r}")
        parsed.append((row, pops))
    existing = {r.code: r for r in session.scalars(select(Region))}
    known = set(seen) | set(existing)
    for row, _ in parsed:
        parent = (row.get("parent_code") or "").strip()
        if parent and parent not in known:
            n = seen[row["code"].strip()]
            problems.append(f"{path}, 第{n}行 row {n}, 列 parent_code: 上级区划不存在 / unknown parent: {parent}")
    if problems:
        raise InputError("\n".join(problems))

    result = RegionImport()
    figures: list[tuple[str, int, float, str | None]] = []
    changes: list[tuple[Region, dict[str, Any]]] = []
    # New regions parents first (rows are inserted in the order added, so foreign keys hold), all in one
    # flush (a flush a region cost a round trip each: ~50 s for 40,000 townships on PostgreSQL); then the
    # changes to existing ones, which may move a region under one just added (区划调整): SQLAlchemy
    # writes a flush's updates before its inserts.
    for row, pops in sorted(parsed, key=lambda rp: (len(rp[0]["code"].strip()), rp[0]["code"])):
        code = row["code"].strip()
        values = {
            "name": row["name"].strip(),
            "level": row["level"].strip(),
            "parent_code": (row.get("parent_code") or "").strip() or None,
            "source": (row.get("source_url") or row.get("source") or "").strip() or None,
        }
        region = existing.get(code)
        if region is None:
            region = Region(code=code, **values)
            session.add(region)
            existing[code] = region
            result.added += 1
        else:
            # A province we attached to 全国 keeps that parent when the file leaves it empty.
            if values["parent_code"] is None and region.parent_code == NATION_CODE:
                values["parent_code"] = NATION_CODE
            diff = {k: v for k, v in values.items() if getattr(region, k) != v}
            if diff:
                changes.append((region, diff))
            result.updated += bool(diff)
            result.unchanged += not diff
        figures += [(code, year, pop, values["source"]) for year, pop in pops.items()]
    session.flush()
    for region, diff in changes:
        for k, v in diff.items():
            setattr(region, k, v)
    session.flush()
    result.populations = set_populations(session, figures)
    return result


def set_populations(session: Session, figures: Iterable[tuple[str, int, float, str | None]]) -> int:
    """Upsert population figures (region code, year, population, source), reading the stored ones in a
    few statements; returns how many changed anything."""
    figures = list(figures)
    stored: dict[tuple[str, int], RegionPopulation] = {}
    codes = sorted({f[0] for f in figures})
    for i in range(0, len(codes), 500):
        for row in session.scalars(select(RegionPopulation).where(RegionPopulation.region_code.in_(codes[i:i + 500]))):
            stored[(row.region_code, row.year)] = row
    changed = 0
    for code, year, population, source in figures:
        row = stored.get((code, year))
        if row is None:
            stored[(code, year)] = row = RegionPopulation(region_code=code, year=year, population=population,
                                                          source=source)
            session.add(row)
            changed += 1
        elif row.population != population or row.source != source:
            row.population, row.source = population, source
            changed += 1
    session.flush()
    return changed


def set_population(session: Session, code: str, year: int, population: float, source: str | None) -> bool:
    """Upsert one population figure; True when it changed anything."""
    return set_populations(session, [(code, year, population, source)]) > 0


def region_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Region code → name for the `codes` that exist (what a page shows where a code is stored)."""
    wanted = sorted({str(c) for c in codes if c})
    out: dict[str, str] = {}
    for n in range(0, len(wanted), 500):
        for code, name in session.execute(select(Region.code, Region.name).where(Region.code.in_(wanted[n:n + 500]))):
            out[code] = name
    return out


def short_name(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def resolve_region(session: Session, ref: str) -> Region:
    """A region by code, exact name, or name without its suffix (苍溪 → 苍溪县)."""
    ref = ref.strip()
    if ref in (NATION_NAME, "中国", "全国范围"):
        ref = NATION_CODE
    if _CODE.match(ref):
        region = session.get(Region, ref)
        if region is None:
            raise NotFound(f"未知区划代码 / unknown region code: {ref}")
        return region
    matches = list(session.scalars(select(Region).where(Region.name == ref)))
    if not matches:
        short = short_name(ref)
        matches = [r for r in session.scalars(select(Region).where(Region.name.like(f"{short}%")))
                   if short_name(r.name) == short]
    if not matches:
        raise NotFound(f"未知地区 / unknown region: {ref}")
    if len(matches) > 1:
        # Prefer the higher level (a county over a township of the same name).
        matches.sort(key=lambda r: len(r.code) if r.code else 99)
        if len(matches[0].code) < len(matches[1].code):
            return matches[0]
        raise Ambiguous(f"地区名称不唯一 / ambiguous region {ref}: " + ", ".join(f"{r.code} {r.name}" for r in matches))
    return matches[0]


def find_region_in_text(session: Session, text: str) -> Region | None:
    """The most specific region whose full name occurs in `text` (used when a document's metadata is missing)."""
    depth = {"nation": 0, "province": 1, "prefecture": 2, "city": 2}
    found = [
        r
        for r in session.scalars(select(Region).where(Region.level.not_in(("township", "township_other"))))
        if r.name and r.name in text
    ]
    # Lowest level wins ("山西省吕梁市…" → 吕梁市), then the longest name.
    found.sort(key=lambda r: (depth.get(r.level, 3), len(r.name)), reverse=True)
    return found[0] if found else None


def descendants(session: Session, code: str) -> list[Region]:
    """The region and everything below it, breadth first."""
    root = session.get(Region, code)
    if root is None:
        return []
    out, frontier = [root], [code]
    while frontier:
        children = list(session.scalars(select(Region).where(Region.parent_code.in_(frontier)).order_by(Region.code)))
        out.extend(children)
        frontier = [c.code for c in children]
    return out


def descendants_of(session: Session, codes: Iterable[str]) -> dict[str, list[Any]]:
    """`descendants` of several regions at once, as rows (code, name, level, parent_code): one query a
    level for all of them (a batch of plans' trees). Each region's list is in `descendants`' order
    (breadth first, each level by code as the database orders it); a region that does not exist has none."""
    cols = (Region.code, Region.name, Region.level, Region.parent_code)
    wanted = sorted(set(codes))
    out: dict[str, list[Any]] = {}
    for i in range(0, len(wanted), 500):
        for row in session.execute(select(*cols).where(Region.code.in_(wanted[i:i + 500]))):
            out[row.code] = [row]
    fronts = {code: {code} for code in out}  # each tree's deepest level so far
    while fronts:
        below = sorted(set().union(*fronts.values()))
        # the children of every tree's frontier, in the database's code order (one statement, as `descendants`)
        level = session.execute(select(*cols).where(Region.parent_code.in_(below)).order_by(Region.code)).all()
        for code, front in list(fronts.items()):
            children = [r for r in level if r.parent_code in front]
            out[code] += children
            if children:
                fronts[code] = {r.code for r in children}
            else:
                del fronts[code]
    return out


def ancestors(session: Session, code: str) -> list[Region]:
    """The regions above `code`, nearest first (a county's city, its province, 全国); bounded against cycles."""
    out: list[Region] = []
    region = session.get(Region, code)
    seen = {code}
    while region is not None and region.parent_code and region.parent_code not in seen and len(out) < 10:
        seen.add(region.parent_code)
        region = session.get(Region, region.parent_code)
        if region is not None:
            out.append(region)
    return out
