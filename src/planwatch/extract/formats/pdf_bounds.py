"""Limits a PDF must stay within before and while pdfium reads it (hostile input, issue 10).

A PDF is mostly compressed streams. A tiny file can hold a Flate stream that inflates to
gigabytes (a "Flate bomb"), or a content stream with millions of drawing operators; pdfium
would decode or parse it all before we could look. So before pdfium opens the file, every
stream pdfium would decode for text (page contents, forms, fonts, object and xref streams)
is inflated here in small chunks, counting bytes and keeping none, and the file is refused
as soon as one stream or all of them together pass the limits. Images are skipped:
reading text never decodes them. Streams of a file encrypted with the empty user password
(pdfium opens those) are decrypted first (pdf_crypt). The per-page limits are checked as pages are read.
"""

from __future__ import annotations

import binascii
import re
import zlib

from planwatch.extract.document import ExtractError
from planwatch.extract.formats.pdf_crypt import decryptor

MB = 1024 * 1024
MAX_FILE_BYTES = 256 * MB
# A page's drawing operators: a dense text page is ~50 KB, a vector map a few MB. 16 MB of
# the smallest path operators is ~1M objects, about what pdfium parses in a second or two.
MAX_CONTENT_BYTES = 16 * MB
MAX_STREAM_BYTES = 64 * MB  # one decoded font/object stream (a full CJK font is ~20 MB)
MAX_TOTAL_BYTES = 512 * MB  # everything decoded for text, all streams together
MAX_PAGES = 2000
MAX_CONTENT_TOTAL = 256 * MB  # all drawing operators: pdfium parses ~100 MB/s
# pdfium builds ~1M objects/s and we measure ~1M characters/s on table pages; a long plan
# has ~1M characters (a 300-page one exported a character per object: ~600k objects).
MAX_OBJECTS_PER_PAGE = 200_000
MAX_OBJECTS_TOTAL = 2_000_000
MAX_CHARS_PER_PAGE = 100_000
MAX_CHARS_TOTAL = 3_000_000

_CHUNK = 64 * 1024
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
# Streams whose bytes are not drawing operators (they may legitimately be larger).
_NOT_CONTENT = re.compile(rb"/(?:Length1|Length2|Length3|Type\s*/(?:ObjStm|XRef|EmbeddedFile|Metadata))\b"
                          rb"|/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType|XML)\b")
_DICT_LOOKBACK = 8192
_OBJ_ID = re.compile(rb"(\d+)\s+(\d+)\s+obj$")
_XREF = re.compile(rb"/Type\s*/XRef\b")  # never encrypted


def refuse(path: str, zh: str, en: str) -> ExtractError:
    """The one-line refusal for a PDF past a limit; zh/en say which limit and by how much."""
    return ExtractError(path, f"PDF 超出处理上限：{zh}，已拒绝 / PDF exceeds a processing limit: {en}; refused")


def _inflated_size(data: bytes, start: int, end: int, cap: int) -> int:
    """Bytes the Flate data in data[start:end] inflates to, counting no further than cap + 1."""
    d = zlib.decompressobj()
    total = 0
    pos = start
    try:
        while pos < end or d.unconsumed_tail:
            if d.unconsumed_tail:
                chunk = d.unconsumed_tail
            else:
                chunk = data[pos:min(pos + _CHUNK, end)]
                pos += len(chunk)
            total += len(d.decompress(chunk, _CHUNK))
            if total > cap:
                return total
            if d.eof:
                break
    except zlib.error:
        pass  # damaged or not Flate: pdfium decodes at most what inflated so far
    return total


def _decoded_size(data: bytes, start: int, end: int, filters: list[bytes], cap: int) -> int:
    """Decoded size of one stream through its filter chain, as far as it can grow."""
    if not filters:
        return end - start
    first, rest = filters[0], filters[1:]
    if first in (b"FlateDecode", b"Fl"):
        if not rest:
            return _inflated_size(data, start, end, cap)
        # A chain of Flates multiplies the ratio; decode the first (bounded) and go on.
        size = _inflated_size(data, start, end, cap)
        if size > cap:
            return size
        inner = zlib.decompressobj().decompress(data[start:end], cap + 1)
        return _decoded_size(inner, 0, len(inner), rest, cap)
    if first in (b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"):
        raw = data[start:end]
        try:
            if first in (b"ASCIIHexDecode", b"AHx"):
                hexdigits = re.sub(rb"[^0-9A-Fa-f]", b"", raw.split(b">")[0])
                inner = binascii.unhexlify(hexdigits[: len(hexdigits) // 2 * 2])
            else:
                inner = a85decode(raw.split(b"~>")[0])
        except ValueError:
            return end - start
        return _decoded_size(inner, 0, len(inner), rest, cap)
    if first in (b"LZWDecode", b"LZW"):
        return _lzw_size(data[start:end], cap)
    return end - start  # image codecs (DCT, JPX, JBIG2, CCITT): not decoded for text


_A85_SPACE = b" \t\r\n\f\x00"
_A85_DIGITS = bytes(range(33, 118))
_A85_VALUE = bytes((b - 33) if 33 <= b < 118 else 255 for b in range(256))


def a85decode(text: bytes) -> bytes:
    """ASCII85 without a Python loop per group (base64.a85decode runs ~3 MB/s).

    Each group of five digits is one 32-bit word. The words are computed all at once: the
    k-th digit of every group sits in its own 5-byte lane of one big integer, the lanes are
    scaled by 85**(4-k) and summed (no lane overflows 40 bits), and the low four bytes of
    each lane are the output.
    """
    text = text.translate(None, _A85_SPACE).replace(b"z", b"!!!!!")
    if text.translate(None, _A85_DIGITS):
        raise ValueError("not ASCII85")
    pad = -len(text) % 5
    digits = (text + b"u" * pad).translate(_A85_VALUE)
    groups = len(digits) // 5
    total = 0
    lanes = bytearray(5 * groups)
    for k in range(5):
        lanes[4::5] = digits[k::5]
        total += int.from_bytes(lanes, "big") * 85 ** (4 - k)
    words = total.to_bytes(5 * groups, "big")
    if any(words[0::5]):
        raise ValueError("ASCII85 group out of range")
    out = bytearray(4 * groups)
    for k in range(4):
        out[k::4] = words[k + 1::5]
    return bytes(out[: len(out) - pad])


def _lzw_size(raw: bytes, cap: int) -> int:
    """Output length of an LZW stream (PDF's variant, early change), without building it."""
    lengths: list[int] = [1] * 258
    total = 0
    bits = 9
    acc = 0
    nbits = 0
    prev = -1
    for byte in raw:
        acc = (acc << 8) | byte
        nbits += 8
        while nbits >= bits:
            nbits -= bits
            code = (acc >> nbits) & ((1 << bits) - 1)
            acc &= (1 << nbits) - 1
            if code == 256:
                lengths = lengths[:258]
                bits = 9
                prev = -1
                continue
            if code == 257:
                return total
            if code > len(lengths) or (code == len(lengths) and prev < 0):
                return total  # not LZW: decoding stops here
            size = lengths[code] if code < len(lengths) else lengths[prev] + 1
            total += size
            if total > cap:
                return total
            if prev >= 0 and len(lengths) < 4096:
                lengths.append(lengths[prev] + 1)
            prev = code
            if len(lengths) + 1 >= (1 << bits) and bits < 12:
                bits += 1
    return total


def check_streams(data: bytes, path: str) -> None:
    """Refuse a PDF whose streams decode past the limits (a Flate bomb among them)."""
    if len(data) > MAX_FILE_BYTES:
        raise refuse(path, f"文件 {len(data) // MB} MB，上限 {MAX_FILE_BYTES // MB} MB",
                     f"file of {len(data) // MB} MB, limit {MAX_FILE_BYTES // MB} MB")
    try:
        decrypt = decryptor(data) if b"/Encrypt" in data else None
    except (ValueError, TypeError, IndexError):
        decrypt = None  # a damaged /Encrypt: pdfium will refuse the file
    total = content_total = 0
    for m in _STREAM.finditer(data):
        start = m.end()
        head_from = max(0, m.start() - _DICT_LOOKBACK)
        obj = data.rfind(b"obj", head_from, m.start())
        head = data[obj + 3 if obj >= 0 else head_from:m.start()]
        if not head.rstrip().endswith(b">>") or _IMAGE.search(head):
            continue
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        filt = _FILTER.search(head)
        filters = _NAME.findall(filt.group(1)) if filt else []
        content = not _NOT_CONTENT.search(head)
        cap = MAX_CONTENT_BYTES if content else MAX_STREAM_BYTES
        ident = _OBJ_ID.search(data, max(0, obj - 24), obj + 3) if obj >= 0 else None
        if decrypt is not None and ident is not None and not _XREF.search(head):
            try:
                plain = decrypt(int(ident.group(1)), int(ident.group(2)), data[start:end])
            except (ValueError, TypeError):
                plain = data[start:end]  # not decryptable: pdfium cannot decode it either
            size = _decoded_size(plain, 0, len(plain), filters, cap)
        else:
            size = _decoded_size(data, start, end, filters, cap)
        if size > cap:
            zh, en = ("页面内容流", "a content stream") if content else ("数据流", "a stream")
            raise refuse(path, f"{zh}解压后超过 {cap // MB} MB（压缩炸弹？）",
                         f"{en} at byte {start} inflates past {cap // MB} MB (a compression bomb?)")
        total += size
        content_total += size if content else 0
        if content_total > MAX_CONTENT_TOTAL:
            raise refuse(path, f"页面内容流解压后合计超过 {MAX_CONTENT_TOTAL // MB} MB",
                         f"content streams inflate past {MAX_CONTENT_TOTAL // MB} MB in all")
        if total > MAX_TOTAL_BYTES:
            raise refuse(path, f"各数据流解压后合计超过 {MAX_TOTAL_BYTES // MB} MB",
                         f"streams inflate past {MAX_TOTAL_BYTES // MB} MB in all")
