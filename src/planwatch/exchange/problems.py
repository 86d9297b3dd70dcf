"""Problems found in an input file, each located by file, sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    zh: str
    en: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # letter and header, e.g. "K(本年值)"

    def __str__(self) -> str:
        where = [f"文件 file {self.file}"]
        if self.sheet:
            where.append(f"工作表 sheet {self.sheet}")
        if self.row:
            where.append(f"第{self.row}行 row {self.row}")
        if self.column:
            where.append(f"列 column {self.column}")
        return f"{', '.join(where)}: {self.zh} / {self.en}"


class ImportRejected(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = f"文件被拒绝,未写入任何数据({len(problems)}个问题)/ file refused, nothing written ({len(problems)} problems)"
        super().__init__(head + "\n" + "\n".join(str(p) for p in problems[:200]))
