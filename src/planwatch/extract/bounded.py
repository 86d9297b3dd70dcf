"""Extract one document in a worker process with a wall-time and a memory limit (issue 10).

The readers and passes are bounded one by one (formats.bounds, formats.pdf_bounds, the
linear prose passes); this is the backstop for whatever they miss: every document that
comes from outside (`planwatch extract`, `planwatch plan import`, the web review upload)
is read and extracted in a child process that

- gets an address-space limit (RLIMIT_AS) before it reads a byte, so a document that needs
  more memory fails in the child, not in the server;
- is killed when it has not answered within the time limit.

Either way the caller gets an ExtractError naming the file and the limit. The child comes
from a fork server that has imported the extractor once (start method "forkserver" where the
platform has it, else "spawn"), so a document costs a fork, not an interpreter start.

Limits, from the environment unless given:

- PLANWATCH_EXTRACT_TIMEOUT: seconds, default 10. Real plans take well under a second each
  (the 5 seeds and the 17 corpus plans: < 0.3 s; a 300-page PDF a few seconds), so 10 s leaves
  room on a slow, shared machine while every upload is answered within 10 s; raise it for
  unusually large documents on a loaded server.
- PLANWATCH_EXTRACT_MAX_MEMORY_MB: address space of the child in MB, default 1024 (the
  largest real plan peaks near 200 MB). 0 turns a limit off; both 0 extracts in process.
- PLANWATCH_EXTRACT_WORKERS: how many documents are extracted at once, default 2; more wait.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from planwatch.extract.document import ExtractError

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_MEMORY_MB = 1024
DEFAULT_WORKERS = 2
_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT  # seconds; 0 = none
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB  # 0 = none

    @property
    def unlimited(self) -> bool:
        return not self.timeout and not self.max_memory_mb


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0 or value != value or value == float("inf"):
        raise ValueError(f"{name} must be a number >= 0 (0 = no limit), not {raw!r}")
    return value


def limits_from_env(timeout: float | None = None, max_memory_mb: int | None = None) -> Limits:
    """The limits: explicit values first, then the environment, then the defaults."""
    return Limits(
        timeout=float(timeout) if timeout is not None else _env_number("PLANWATCH_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT),
        max_memory_mb=int(max_memory_mb) if max_memory_mb is not None
        else int(_env_number("PLANWATCH_EXTRACT_MAX_MEMORY_MB", DEFAULT_MAX_MEMORY_MB)),
    )


_context_lock = threading.Lock()
_context: Any = None
_slots: threading.BoundedSemaphore | None = None


def _ctx() -> Any:
    global _context, _slots
    with _context_lock:
        if _context is None:
            methods = multiprocessing.get_all_start_methods()
            _context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            if "forkserver" in methods:
                _context.set_forkserver_preload(["planwatch.extract.pipeline", "planwatch.extract.bounded"])
            _slots = threading.BoundedSemaphore(max(1, int(_env_number("PLANWATCH_EXTRACT_WORKERS",
                                                                        DEFAULT_WORKERS)) or 1))
        return _context


def _limit_memory(max_memory_mb: int) -> None:
    if not max_memory_mb:
        return
    import resource

    limit = max_memory_mb * _MB
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _extract(path: str, with_lines: bool) -> tuple[dict[str, Any], list[str] | None]:
    from planwatch.extract.pipeline import extract_document
    from planwatch.extract.readers import read_document

    doc = read_document(path)
    return extract_document(doc), (list(doc.lines) if with_lines else None)


def _child(conn: Connection, path: str, with_lines: bool, max_memory_mb: int) -> None:
    """The worker: never raises; sends ("ok", result), ("error", reason), ("memory", "") or ("internal", text)."""
    try:
        _limit_memory(max_memory_mb)
        message: tuple[str, Any] = ("ok", _extract(path, with_lines))
    except ExtractError as exc:
        message = ("error", exc.reason)
    except MemoryError:
        message = ("memory", "")
    except RecursionError:
        message = ("error", "文档结构嵌套过深 / the document is nested too deeply")
    except Exception as exc:
        message = ("internal", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(message)
    except MemoryError:  # the result itself does not fit
        conn.send(("memory", ""))
    finally:
        conn.close()


def _memory_error(path: str, limits: Limits) -> ExtractError:
    return ExtractError(path, f"提取超出内存上限 {limits.max_memory_mb} MB，已停止 / extraction exceeded the memory limit "
                              f"of {limits.max_memory_mb} MB and was stopped (PLANWATCH_EXTRACT_MAX_MEMORY_MB)")


def _died_error(path: str, limits: Limits, code: int | None) -> ExtractError:
    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    if limits.max_memory_mb:
        return ExtractError(path, f"提取进程异常退出（{how}），可能超出内存上限 {limits.max_memory_mb} MB / the extraction "
                                  f"worker died ({how}), probably past the memory limit of {limits.max_memory_mb} MB "
                                  "(PLANWATCH_EXTRACT_MAX_MEMORY_MB)")
    return ExtractError(path, f"提取进程异常退出（{how}）/ the extraction worker died ({how})")


def _timeout_error(path: str, limits: Limits) -> ExtractError:
    return ExtractError(path, f"提取超过时间上限 {limits.timeout:g} 秒，已停止 / extraction exceeded the time limit "
                              f"of {limits.timeout:g} s and was stopped (PLANWATCH_EXTRACT_TIMEOUT)")


def extract_bounded(path: str | Path, limits: Limits | None = None, *,
                    with_lines: bool = False) -> tuple[dict[str, Any], list[str] | None]:
    """(extraction, the document's lines when asked) of one file, within the limits.

    Raises ExtractError for a file that cannot be read, is not a plan, or passes a limit.
    """
    limits = limits or limits_from_env()
    name = str(path)
    if limits.unlimited:
        return _extract(name, with_lines)
    ctx = _ctx()
    assert _slots is not None
    with _slots:
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(sender, name, with_lines, limits.max_memory_mb), daemon=True)
        proc.start()
        sender.close()
        try:
            if not receiver.poll(limits.timeout or None):
                raise _timeout_error(name, limits)
            try:
                kind, payload = receiver.recv()
            except (EOFError, OSError):
                proc.join(5)
                raise _died_error(name, limits, proc.exitcode) from None
        finally:
            receiver.close()
            if proc.is_alive():
                proc.kill()
            proc.join(5)
    if kind == "ok":
        result, lines = payload
        return result, lines
    if kind == "memory":
        raise _memory_error(name, limits)
    if kind == "error":
        raise ExtractError(name, payload)
    raise ExtractError(name, f"内部错误 / internal error: {payload}")


def extract_path_bounded(path: str | Path, limits: Limits | None = None) -> dict[str, Any]:
    """The extraction-contract object of one file, within the limits (see extract_bounded)."""
    return extract_bounded(path, limits)[0]
