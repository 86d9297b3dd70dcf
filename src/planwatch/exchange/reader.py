"""Read a reporting file (.xlsx or .csv) into located raw rows, refusing hostile input early."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from planwatch.exchange.columns import BY_KEY, DATA_SHEET, REQUIRED, letter, match_header
from planwatch.exchange.problems import Problem
from planwatch.exchange.safety import MAX_BULK_ROWS, MAX_ROWS, check_file

MAX_COLUMNS = 40
FORMULA = object()  # marker for a cell that held a formula


@dataclass
class Table:
    file: str
    sheet: str | None
    columns: dict[str, int]  # key → 0-based index
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (1-based row number, cells)

    def where(self, key: str) -> str:
        idx = self.columns[key]
        return f"{letter(idx)}({BY_KEY[key].zh})"


def read_table(path: Path, max_rows: int = MAX_ROWS) -> tuple[Table | None, list[Problem]]:
    problems = check_file(path)
    if problems:
        return None, problems
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, max_rows)
    if suffix in (".csv", ".txt"):
        return _read_csv(path, max_rows)
    return None, [Problem(str(path), f"不支持的文件类型 {suffix},请使用 .xlsx 或 .csv",
                          f"unsupported file type {suffix}; use .xlsx or .csv")]


def _too_many(name: str, sheet: str | None, n: int, max_rows: int) -> Problem:
    return Problem(name, f"数据行过多(超过 {max_rows} 行,实有约 {n} 行),请分文件提交",
                   f"too many rows (more than {max_rows}, about {n}); split the file", sheet=sheet)


def _locate_header(name: str, sheet: str | None, first_rows: list[tuple[int, list[Any]]]
                   ) -> tuple[int, dict[str, int]] | Problem:
    for number, cells in first_rows:
        cols: dict[str, int] = {}
        for i, cell in enumerate(cells):
            key = match_header(cell)
            if key and key not in cols:
                cols[key] = i
        if all(k in cols for k in REQUIRED) and ("indicator_id" in cols or "indicator" in cols):
            return number, cols
    return Problem(name, "找不到表头行(需要列:指标编号、地区代码、年份)",
                   "no header row found (needs columns indicator_id, region_code, year)", sheet=sheet)


def _read_xlsx(path: Path, max_rows: int) -> tuple[Table | None, list[Problem]]:
    import openpyxl  # imported here: `planwatch` starts fast without it
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    name = str(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        return None, [Problem(name, f"无法读取 xlsx 文件:{exc}", f"cannot read the .xlsx file: {exc}")]
    try:
        if DATA_SHEET not in wb.sheetnames:
            found = "、".join(wb.sheetnames)
            return None, [Problem(name, f"找不到工作表“{DATA_SHEET}”(现有:{found}),请勿重命名工作表",
                                  f"sheet '{DATA_SHEET}' not found (sheets: {found}); do not rename the sheet")]
        ws = wb[DATA_SHEET]
        declared = ws.max_row or 0
        if declared > max_rows + 10:
            return None, [_too_many(name, DATA_SHEET, declared, max_rows)]
        try:
            raw: list[tuple[int, list[Any]]] = list(_iter_xlsx(ws, max_rows, ArrayFormula, DataTableFormula))
        except _TooMany as exc:
            return None, [_too_many(name, DATA_SHEET, exc.number, max_rows)]
        except Exception as exc:  # malformed or hostile XML (entity bombs are refused by defusedxml)
            return None, [Problem(name, f"工作表内容无法解析:{type(exc).__name__}",
                                  f"the sheet cannot be parsed: {type(exc).__name__}: {exc}", sheet=DATA_SHEET)]
    finally:
        wb.close()
    return _table(name, DATA_SHEET, raw, max_rows)


class _TooMany(Exception):
    def __init__(self, number: int) -> None:
        self.number = number


def _iter_xlsx(ws: Any, max_rows: int, *formula_types: type) -> Any:
    """Non-empty rows as (row number, cells), formulas replaced by the FORMULA marker."""
    count = 0
    for number, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), start=1):
        cells: list[Any] = []
        for cell in row:
            v = cell.value
            if isinstance(v, formula_types) or (getattr(cell, "data_type", None) == "f" and isinstance(v, str)):
                v = FORMULA
            cells.append(v)
        if any(c is not None and c != "" for c in cells):
            count += 1
            yield number, cells
        if count > max_rows + 10:  # the sheet's declared size can lie
            raise _TooMany(number)


def _read_csv(path: Path, max_rows: int) -> tuple[Table | None, list[Problem]]:
    name = str(path)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None, [Problem(name, "无法识别文件编码(请用 UTF-8)", "unknown text encoding (use UTF-8)")]
    if "\x00" in text:
        return None, [Problem(name, "文件含有二进制内容,不是 CSV", "binary content; not a CSV file")]
    raw: list[tuple[int, list[Any]]] = []
    csv.field_size_limit(100_000)
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            cells = [FORMULA if c.startswith("=") else (c[1:] if c[:2] in ("'=", "'+", "'-", "'@") else c)
                     for c in cells[:MAX_COLUMNS]]
            if any(c not in (None, "") for c in cells):
                raw.append((number, cells))
            if len(raw) > max_rows + 10:
                return None, [_too_many(name, None, number, max_rows)]
    except csv.Error as exc:
        return None, [Problem(name, f"CSV 格式错误:{exc}", f"malformed CSV: {exc}")]
    return _table(name, None, raw, max_rows)


def iter_csv_tables(path: Path, chunk_rows: int, max_rows: int = MAX_BULK_ROWS
                    ) -> Iterator[tuple[Table | None, list[Problem]]]:
    """A large CSV as successive Tables of at most `chunk_rows` data rows, read as a stream.

    For the bulk import: memory is bounded by the chunk, not the file. The same header rule and
    cell cleaning as `read_table`; row numbers are the file's. A problem (encoding, binary content,
    malformed CSV, too many rows) is yielded as (None, [problem]) and ends the stream."""
    name = str(path)
    if not path.is_file():
        yield None, [Problem(name, "文件不存在", "file not found")]
        return
    if path.suffix.lower() not in (".csv", ".txt"):
        yield None, [Problem(name, "大文件导入只接受 .csv", "the bulk import reads .csv files only")]
        return
    with path.open("rb") as fh:
        head = fh.read(65536)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the buffer's end
            encoding = "gb18030"
    csv.field_size_limit(100_000)
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        first: list[tuple[int, list[Any]]] = []
        cols: dict[str, int] | None = None
        rows: list[tuple[int, list[Any]]] = []
        total = 0
        numbered = enumerate(reader, start=1)
        try:
            while batch := list(islice(numbered, chunk_rows)):
                if cols is not None and total + len(batch) <= max_rows:
                    # The whole batch at once, in C: no NUL, no formula or quote mark, no blank row, no row
                    # wider than MAX_COLUMNS. Such rows are kept as read: what the row-by-row rules below
                    # would keep. A batch with any of them goes through those rules (~2 µs a row here).
                    lines = list(map("".join, map(itemgetter(1), batch)))
                    text = "".join(lines)
                    if ("\x00" not in text and "=" not in text and "'" not in text and all(lines)
                            and max(map(len, map(itemgetter(1), batch))) <= MAX_COLUMNS):
                        rows.extend(batch)
                        total += len(batch)
                        if len(rows) >= chunk_rows:
                            yield Table(name, None, cols, rows[:chunk_rows]), []
                            rows = rows[chunk_rows:]
                        continue
                for number, cells in batch:
                    joined = "".join(cells)  # one scan of the row in C, then the per-cell rules only where needed
                    if "\x00" in joined:
                        yield None, [Problem(name, "文件含有二进制内容,不是 CSV", "binary content; not a CSV file",
                                             row=number)]
                        return
                    if "=" in joined or "'" in joined:
                        cells = [FORMULA if c.startswith("=") else (c[1:] if c[:2] in ("'=", "'+", "'-", "'@") else c)
                                 for c in cells[:MAX_COLUMNS]]
                        if not any(c not in (None, "") for c in cells):
                            continue
                    else:
                        if not "".join(cells[:MAX_COLUMNS]):
                            continue
                        cells = cells[:MAX_COLUMNS]
                    if cols is None:
                        first.append((number, cells))
                        found = _locate_header(name, None, first)
                        if not isinstance(found, Problem):
                            cols = found[1]
                            first = []
                        elif len(first) >= 10:
                            yield None, [found]
                            return
                        continue
                    rows.append((number, cells))
                    total += 1
                    if total > max_rows:
                        yield None, [_too_many(name, None, number, max_rows)]
                        return
                    if len(rows) >= chunk_rows:
                        yield Table(name, None, cols, rows), []
                        rows = []
        except UnicodeDecodeError as exc:
            yield None, [Problem(name, f"无法识别文件编码(请用 UTF-8):{exc.reason}",
                                 f"unknown text encoding (use UTF-8): {exc.reason}")]
            return
        except csv.Error as exc:
            yield None, [Problem(name, f"CSV 格式错误:{exc}", f"malformed CSV: {exc}", row=reader.line_num)]
            return
    if cols is None:
        found = _locate_header(name, None, first)
        yield None, [found] if isinstance(found, Problem) else [
            Problem(name, "文件没有数据行", "the file has no data rows")]
        return
    if rows:
        yield Table(name, None, cols, rows), []


def _table(name: str, sheet: str | None, raw: list[tuple[int, list[Any]]], max_rows: int
           ) -> tuple[Table | None, list[Problem]]:
    found = _locate_header(name, sheet, raw[:10])
    if isinstance(found, Problem):
        return None, [found]
    header_row, cols = found
    rows = [(n, cells) for n, cells in raw if n > header_row]
    if len(rows) > max_rows:
        return None, [_too_many(name, sheet, len(rows), max_rows)]
    return Table(name, sheet, cols, rows), []
