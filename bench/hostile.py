"""Hostile input benchmark (issue 10): time and peak memory of each attack on the readers.

    PYTHONPATH=src .venv/bin/python bench/hostile.py [--no-web] [--repeats 1000,2000,4000,8000]

Each attack is built by tests/fuzz/hostile.py and read and extracted in a fresh process
(in process, no worker: what the reader itself costs), which prints its wall time, its
peak RSS and the outcome (read, or refused and why). The issue measured, before the fixes:
HTML rowspan=1000 colspan=1000 3 KB > 60 s, 12.7 KB 2.8 GB; docx gridSpan=65535 40 s and
1.6 GB; one line repeating a target phrase 4,000 times 37 s (about n^1.9).

Then, unless --no-web, `planwatch serve` (one worker, a fresh register) gets a review upload
of a slow document while /public is polled: it prints the upload's time and answer and the
slowest /public answer during it (the issue: a 60 KB upload stopped /public for 33 s).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
sys.path.insert(0, str(ROOT / "src"))

import hostile  # noqa: E402
from web_load import free_port, stop_server, wait_ready  # noqa: E402

PLANWATCH = str(Path(sys.executable).with_name("planwatch"))
PASSWORD = "hostile-bench-orchard-7"


def _measure(path: str, mode: str) -> None:
    """In the child: read (or extract) one file, print one JSON line."""
    import resource

    from planwatch.extract.document import ExtractError

    t = time.perf_counter()
    try:
        if mode == "read":
            from planwatch.extract.readers import read_document

            outcome = f"read, {len(read_document(path).text):,} characters"
        else:
            from planwatch.extract.pipeline import extract_path

            result = extract_path(path)
            outcome = f"extracted, {len(result['indicators']):,} indicators"
    except ExtractError as exc:
        outcome = "refused: " + exc.reason.split(" / ", 1)[-1]
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "outcome": outcome}, ensure_ascii=False))


def measure(label: str, path: Path, mode: str = "extract") -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True,
                         env=env, timeout=600)
    if res.returncode:
        print(f"{label:38s} FAILED: {res.stderr.strip().splitlines()[-1:]}")
        return
    m = json.loads(res.stdout.strip().splitlines()[-1])
    size = path.stat().st_size
    print(f"{label:38s} {size / 1024:9.1f} KB  {m['seconds']:7.2f} s  peak {m['peak_mb']:7.1f} MB  {m['outcome'][:90]}")


def web(tmp: Path, repeats: int) -> None:
    import httpx

    home = tmp / "home"
    env = {**os.environ, "PLANWATCH_HOME": str(home), "PLANWATCH_SECRET_KEY": secrets.token_urlsafe(32),
           "PYTHONPATH": str(ROOT / "src")}  # this checkout, whichever one the venv installed
    env.pop("PLANWATCH_DATABASE_URL", None)
    for args in (["init"], ["user", "add", "uploader", "--role", "planner", "--password", PASSWORD]):
        subprocess.run([PLANWATCH, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([PLANWATCH, "serve", "--port", str(port), "--workers", "1"], env=env, cwd=home,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(base)
        doc = hostile.long_line_txt(tmp / "upload.txt", repeats)
        with httpx.Client(base_url=base, timeout=120) as planner:
            r = planner.post("/api/session", json={"username": "uploader", "password": PASSWORD})
            r.raise_for_status()
            csrf = r.json()["csrf_token"]
            done: dict[str, object] = {}

            def upload() -> None:
                t = time.perf_counter()
                resp = planner.post("/api/review", files={"file": ("upload.txt", doc.read_bytes(), "text/plain")},
                                    headers={"X-CSRF-Token": csrf})
                done.update(seconds=time.perf_counter() - t, status=resp.status_code, body=resp.text[:160])

            latencies: list[float] = []
            worker = threading.Thread(target=upload)
            with httpx.Client(base_url=base, timeout=120) as visitor:
                visitor.get("/public")
                worker.start()
                while worker.is_alive():
                    t = time.perf_counter()
                    visitor.get("/public")
                    latencies.append(time.perf_counter() - t)
                    time.sleep(0.05)
            worker.join()
        size = doc.stat().st_size / 1024
        print(f"review upload {size:.0f} KB ({repeats:,} repeats): {done['seconds']:.2f} s, HTTP {done['status']}"
              f" {done['body'] if done['status'] != 200 else ''}")
        latencies.sort()
        print(f"/public while it ran: {len(latencies)} requests, median {latencies[len(latencies) // 2] * 1000:.0f} ms,"
              f" slowest {latencies[-1] * 1000:.0f} ms")
    finally:
        stop_server(server)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _measure(sys.argv[3], sys.argv[2])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-web", action="store_true", help="skip the review upload against a real server")
    ap.add_argument("--repeats", default="1000,2000,4000,8000", help="long-line sizes (repeats of the phrase)")
    ap.add_argument("--upload-repeats", type=int, default=60_000, help="repeats in the uploaded document")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="planwatch-hostile-"))
    try:
        print("attack                                       size     time     peak RSS  outcome")
        measure("HTML rowspan/colspan=1000, 3 KB", hostile.span_bomb_html(tmp / "span3k.html", 3_000))
        measure("HTML rowspan/colspan=1000, 12.7 KB", hostile.span_bomb_html(tmp / "span12k.html", 12_700))
        measure("docx gridSpan=65535 (40x6)", hostile.grid_span_bomb_docx(tmp / "span.docx"))
        measure("docx vMerge down 2,000 rows", hostile.vmerge_tower_docx(tmp / "tower.docx", 2000))
        measure("docx zip bomb (300 MB document.xml)", hostile.zip_bomb_docx(tmp / "zip.docx", 300), "read")
        measure("docx 6,000 zip members", hostile.many_members_docx(tmp / "members.docx", 6000), "read")
        for n in (int(x) for x in args.repeats.split(",")):
            measure(f"one line, target phrase x {n:,}", hostile.long_line_txt(tmp / f"long{n}.txt", n))
        if not args.no_web:
            web(tmp, args.upload_repeats)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
