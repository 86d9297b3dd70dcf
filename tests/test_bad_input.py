"""Bad input through the real command: one stderr line naming the file and the reason,
a non-zero exit, no traceback; in a batch the good files are still written."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from builders import write_encrypted_pdf, write_image_only_pdf

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))
LETTER = "张先生：\n\n您好！来信收悉。关于您反映的小区停车问题，我们已转交相关部门处理，请耐心等待。\n\n此致\n敬礼\n\n某某街道办事处\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "planwatch.cli", "extract", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def _bytes(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        p = folder / name
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p
    return make


# name → (how to make it in a folder, words the reason must contain)
BAD: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (lambda d: d / "nope.txt", "file not found"),
    "image_only_pdf": (lambda d: write_image_only_pdf(d / "scan.pdf"), "no text layer"),
    "encrypted_pdf": (lambda d: write_encrypted_pdf(d / "locked.pdf"), "encrypted"),
    "truncated_pdf": (_bytes("cut.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog"), "PDF"),
    "binary": (_bytes("blob.txt", b"\x00\x01\x02\x03\xff\xfe\x00" * 50), "binary"),
    "empty": (_bytes("empty.txt", b""), "empty"),
    "blank": (_bytes("blank.txt", " \n\n\t\n"), "empty"),
    "not_a_plan": (_bytes("letter.txt", LETTER), "no plan structure"),
    "undecodable": (_bytes("gbk_broken.txt", b"\x81\x20\x82\x21\x83\x22" * 20), "cannot decode"),
    "broken_utf8": (_bytes("cut_utf8.txt", "规划目标到2025年".encode() * 10 + b"\xe8\xa7"), "invalid UTF-8"),
    "unknown_ext_binary": (_bytes("blob.bin", b"\x00\x9f\x92\x96" * 64), "unsupported file type"),
    "legacy_doc": (_bytes("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512), ".doc"),
    "broken_docx": (_bytes("broken.docx", b"PK\x03\x04 not really a zip"), ".docx"),
}


def assert_reported(stderr: str, path: Path, reason: str) -> None:
    lines = [ln for ln in stderr.splitlines() if path.name in ln]
    assert len(lines) == 1, stderr
    assert reason in lines[0], lines[0]
    assert "Traceback" not in stderr


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_alone(tmp_path: Path, case: str) -> None:
    make, reason = BAD[case]
    path = make(tmp_path)
    res = run(str(path), "--json")
    assert res.returncode != 0
    assert_reported(res.stderr, path, reason)
    assert res.stdout.strip() == ""


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    res = run(str(folder))
    assert res.returncode != 0
    assert_reported(res.stderr, folder, "directory")


def test_batch_with_bad_files_still_writes_the_good_ones(tmp_path: Path) -> None:
    bad_dir = tmp_path / "in"
    bad_dir.mkdir()
    bad = {case: make(bad_dir) for case, (make, _) in BAD.items()}
    # a plan under an extension the reader does not know is sniffed as text
    renamed = bad_dir / "plan.dat"
    renamed.write_bytes(SEEDS[0].read_bytes())
    out = tmp_path / "out"
    res = run(*(str(p) for p in bad.values()), str(SEEDS[2]), str(renamed), "--out", str(out))
    assert res.returncode != 0
    for case, path in bad.items():
        assert_reported(res.stderr, path, BAD[case][1])
    written = sorted(p.name for p in out.glob("*.json"))
    assert written == sorted([f"{SEEDS[2].stem}.json", "plan.json"])
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["source"]["format"] == "txt"


def test_batch_with_a_directory_still_writes_the_good_ones(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    out = tmp_path / "out"
    res = run(str(folder), str(SEEDS[0]), "--out", str(out))
    assert (out / f"{SEEDS[0].stem}.json").exists()
    assert_reported(res.stderr, folder, "directory")
