"""Plain text: UTF-8 (with or without BOM), UTF-16/32 with BOM, else GB18030 (GBK/GB2312)."""

from __future__ import annotations

import codecs
import re

from planwatch.extract.document import ExtractError
from planwatch.extract.formats.text import CONTROL_CHARS, normalise_newlines

_BOMS = [  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# Characters a Chinese plan is made of; a decoding that yields few of them is wrong.
_PLAUSIBLE = re.compile(
    r"[\u0020-\u007e\t\n\r\u00a0-\u00ff\u2000-\u206f\u2100-\u27ff\u3000-\u303f\u3400-\u4dbf"
    r"\u4e00-\u9fff\uff00-\uffef\u2e80-\u2fdf\u3200-\u33ff\ufe30-\ufe4f]"
)
MAX_CONTROL_SHARE = 0.01

UNDECODABLE = "无法识别文本编码（不是 UTF-8/UTF-16/GB18030）/ cannot decode text (not UTF-8, UTF-16 or GB18030)"
BINARY = "二进制文件，不是文本 / binary file, not text"


def _plausible_share(text: str) -> float:
    if not text:
        return 1.0
    return len(_PLAUSIBLE.findall(text)) / len(text)


def _control_share(text: str) -> float:
    return len(CONTROL_CHARS.findall(text)) / max(len(text), 1)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: every other byte of ASCII text is NUL."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nul = data[0::2].count(0) / (len(data) // 2)
    odd_nul = data[1::2].count(0) / (len(data) // 2)
    for encoding, nul_share in (("utf-16-le", odd_nul), ("utf-16-be", even_nul)):
        if nul_share < 0.1:
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _plausible_share(text) > 0.95:
            return text
    return None


def decode_text(data: bytes, path: str | None = None) -> str:
    """Decode the bytes of a text file, or raise ExtractError saying why not."""
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ExtractError(path, f"{UNDECODABLE}: {encoding} BOM but invalid bytes at {exc.start}") from exc
            break
    if text is None and b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise ExtractError(path, f"{BINARY} (NUL bytes)")
    if text is None:
        text = _decode_8bit(data, path)
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise ExtractError(path, f"{BINARY} (control characters)")
    # Stray controls (a DOS EOF mark, a vertical tab) carry no text; drop them.
    return CONTROL_CHARS.sub("", normalise_newlines(text)).lstrip("\ufeff")


def _decode_8bit(data: bytes, path: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    # Mostly valid UTF-8 with a few bad bytes is a damaged UTF-8 file, not GBK: decoding it
    # as GB18030 would silently produce mojibake, so say where it is broken instead.
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    non_ascii = sum(1 for ch in lenient if ord(ch) > 0x7F)
    if non_ascii >= 20 and bad / non_ascii < 0.05:
        raise ExtractError(path, f"UTF-8 文本含无效字节（第 {first_bad} 字节）/ invalid UTF-8 byte at offset {first_bad}")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_share(text) > 0.97:
        return text
    return _detect(data, path)


def _detect(data: bytes, path: str | None) -> str:
    """Last resort (Big5, legacy code pages): ask charset-normalizer, keep only a plausible answer."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _plausible_share(text) > 0.97 and _control_share(text) <= MAX_CONTROL_SHARE:
            return text
    raise ExtractError(path, UNDECODABLE)
