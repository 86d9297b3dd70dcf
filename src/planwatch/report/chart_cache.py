"""Drawn charts kept by content, so each chart is drawn once per report and not again for the
report's other formats or for a report made again from the same data.

A chart is a frozen dataclass of plain values: its pickle is its content. The cache is bounded by
total bytes and evicts the least recently used entries; it lives in the process (a served register
keeps it across requests)."""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict

MAX_BYTES = 64 * 1024 * 1024

_lock = threading.Lock()
_entries: OrderedDict[str, bytes] = OrderedDict()
_size = 0


def _key(chart: object, form: str, dpi: int) -> str:
    return hashlib.sha256(pickle.dumps((chart, form, dpi), protocol=5)).hexdigest()


def get(chart: object, form: str, dpi: int) -> bytes | None:
    key = _key(chart, form, dpi)
    with _lock:
        data = _entries.get(key)
        if data is not None:
            _entries.move_to_end(key)
        return data


def put(chart: object, form: str, dpi: int, data: bytes) -> None:
    global _size
    if len(data) > MAX_BYTES:
        return
    key = _key(chart, form, dpi)
    with _lock:
        old = _entries.pop(key, None)
        _size += len(data) - (len(old) if old is not None else 0)
        _entries[key] = data
        while _size > MAX_BYTES:
            _, dropped = _entries.popitem(last=False)
            _size -= len(dropped)


def clear() -> None:
    global _size
    with _lock:
        _entries.clear()
        _size = 0
