"""Stream decryption for the bounds check of an encrypted PDF (pdf_bounds).

Many published PDFs are encrypted with an empty user password (only printing or editing
restricted). pdfium opens them and inflates their streams, so a compression bomb inside
one is as dangerous as in a plain file; pdf_bounds must see the streams decrypted. This is
the PDF standard security handler (ISO 32000-2, 7.6.4) for the empty user password:
RC4 and AES-128 (revisions 2-4) and AES-256 (revisions 5-6). A file whose user password is
not empty is left alone: pdfium refuses it as encrypted before decoding anything.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Callable

_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")
_ENCRYPT_REF = re.compile(rb"/Encrypt\s+(\d+)\s+(\d+)\s+R")
_ID = re.compile(rb"/ID\s*\[\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))")
_INT = {key: re.compile(rb"/" + key + rb"\s+(-?\d+)") for key in (b"V", b"R", b"Length", b"P")}
_STRING = {key: re.compile(rb"/" + key + rb"\s*(<[0-9A-Fa-f\s]*>|\()") for key in (b"O", b"U", b"UE")}
_STMF = re.compile(rb"/StmF\s*/(\w+)")
_CFM = re.compile(rb"/CFM\s*/(\w+)")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}

Decrypt = Callable[[int, int, bytes], bytes]  # (object number, generation, data) -> plain data


def _literal(data: bytes, start: int) -> bytes:
    """A PDF literal string whose "(" is at data[start]."""
    out = bytearray()
    depth, i = 0, start
    while i < len(data):
        ch = data[i]
        if ch == 0x5C:  # backslash
            i += 1
            nxt = data[i:i + 1]
            if nxt.isdigit() and nxt < b"8":
                digits = re.match(rb"[0-7]{1,3}", data[i:i + 3])
                assert digits is not None
                out.append(int(digits.group(), 8) & 0xFF)
                i += len(digits.group())
                continue
            if nxt in (b"\n", b"\r"):
                i += 2 if data[i:i + 2] == b"\r\n" else 1
                continue
            out += _ESCAPES.get(data[i], nxt)
        elif ch == 0x28:
            if depth:
                out.append(ch)
            depth += 1
        elif ch == 0x29:
            depth -= 1
            if not depth:
                return bytes(out)
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    return bytes(out)


def _string(data: bytes, key: bytes) -> bytes | None:
    m = _STRING[key].search(data)
    if m is None:
        return None
    if m.group(1).startswith(b"<"):
        hexdigits = re.sub(rb"\s", b"", m.group(1)[1:-1])
        return bytes.fromhex((hexdigits + b"0" * (len(hexdigits) % 2)).decode())
    return _literal(data, m.start(1))


def _int(data: bytes, key: bytes, default: int) -> int:
    m = _INT[key].search(data)
    return int(m.group(1)) if m else default


def _rc4(key: bytes, data: bytes) -> bytes:
    from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
    from cryptography.hazmat.primitives.ciphers import Cipher

    return Cipher(ARC4(key), mode=None).decryptor().update(data)


def _aes_cbc(key: bytes, iv: bytes, data: bytes, decrypt: bool = True) -> bytes:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
    op = cipher.decryptor() if decrypt else cipher.encryptor()
    data = data[: len(data) // 16 * 16]
    return op.update(data) + op.finalize()


def _aes_stream(key: bytes, data: bytes) -> bytes:
    """An AES-encrypted stream: a 16-byte IV, then CBC blocks (the padding is harmless here)."""
    return _aes_cbc(key, data[:16], data[16:]) if len(data) >= 32 else b""


def _hash_2b(password: bytes, salt: bytes, revision: int) -> bytes:
    """The revision 5/6 password hash (ISO 32000-2, algorithm 2.B) with no user key."""
    k = hashlib.sha256(password + salt).digest()
    if revision == 5:
        return k
    i = 0
    while True:
        e = _aes_cbc(k[:16], k[16:32], (password + k) * 64, decrypt=False)
        k = (hashlib.sha256, hashlib.sha384, hashlib.sha512)[sum(e[:16]) % 3](e).digest()
        i += 1
        if i >= 64 and e[-1] <= i - 32:
            return k[:32]


def decryptor(data: bytes) -> Decrypt | None:
    """How to decrypt this file's streams with the empty user password; None when the file
    is not encrypted, uses another handler, or needs a password (pdfium refuses it)."""
    refs = list(_ENCRYPT_REF.finditer(data))
    if not refs:
        return None
    ref = refs[-1]  # the last trailer's entry is the current one
    m = re.search(rb"(?<!\d)" + ref.group(1) + rb"\s+" + ref.group(2) + rb"\s+obj\b", data)
    if m is None:
        return None
    end = data.find(b"endobj", m.end())
    enc = data[m.end():end if end > 0 else m.end() + 4096]
    if b"/Standard" not in enc:
        return None
    ids = list(_ID.finditer(data))
    doc_id = b""
    if ids:
        raw = ids[-1].group(1)
        doc_id = bytes.fromhex(re.sub(rb"\s", b"", raw[1:-1]).decode()) if raw.startswith(b"<") else _literal(raw, 0)
    revision, version = _int(enc, b"R", 2), _int(enc, b"V", 0)
    owner, user = _string(enc, b"O"), _string(enc, b"U")
    if owner is None or user is None:
        return None
    stmf = _STMF.search(enc)
    if stmf is not None and stmf.group(1) == b"Identity":
        return lambda _num, _gen, raw: raw
    cfm = _CFM.search(enc)
    method = cfm.group(1) if cfm else (b"V2" if version < 4 else b"AESV2")
    if revision >= 5:
        ue = _string(enc, b"UE")
        if ue is None or _hash_2b(b"", user[32:40], revision) != user[:32]:
            return None
        file_key = _aes_cbc(_hash_2b(b"", user[40:48], revision), bytes(16), ue[:32])
        return lambda _num, _gen, raw: _aes_stream(file_key, raw)
    length = 5 if revision == 2 else _int(enc, b"Length", 40) // 8
    h = hashlib.md5(_PAD + owner[:32] + struct.pack("<i", _int(enc, b"P", 0)) + doc_id, usedforsecurity=False)
    if revision >= 4 and b"/EncryptMetadata false" in enc:
        h.update(b"\xff\xff\xff\xff")
    key = h.digest()[:length]
    if revision >= 3:
        for _ in range(50):
            key = hashlib.md5(key, usedforsecurity=False).digest()[:length]
    # The empty user password is right when it reproduces /U.
    if revision == 2:
        if _rc4(key, _PAD) != user[:32]:
            return None
    else:
        check = _rc4(key, hashlib.md5(_PAD + doc_id, usedforsecurity=False).digest())
        for i in range(1, 20):
            check = _rc4(bytes(b ^ i for b in key), check)
        if check != user[:16]:
            return None
    aes = method == b"AESV2"

    def decrypt(num: int, gen: int, raw: bytes) -> bytes:
        salt = struct.pack("<i", num)[:3] + struct.pack("<i", gen)[:2] + (b"sAlT" if aes else b"")
        obj_key = hashlib.md5(key + salt, usedforsecurity=False).digest()[: min(length + 5, 16)]
        return _aes_stream(obj_key, raw) if aes else _rc4(obj_key, raw)

    return decrypt
