"""Where the PostgreSQL client and server programs are (Debian installs them per major version)."""

from __future__ import annotations

import glob
import shutil
from pathlib import Path


def find_pg_bin(program: str = "initdb") -> Path | None:
    """The newest /usr/lib/postgresql/N/bin holding `program`, else the directory of `program` on PATH."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if Path(candidate, program).exists():
            return Path(candidate)
    found = shutil.which(program)
    return Path(found).parent if found else None
