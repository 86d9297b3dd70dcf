"""Hostile PDFs (issue 10): each is a small file written here, and each is refused with a
one-line error naming the file, before pdfium decodes or lays out what it holds."""

from __future__ import annotations

import base64
import contextlib
import os
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from planwatch.extract.document import ExtractError
from planwatch.extract.formats import pdf_bounds
from planwatch.extract.formats.pdf_bounds import a85decode
from planwatch.extract.readers import read_document


def write_raw_pdf(path: Path, contents: list[bytes], filters: bytes = b"",
                  encrypt: Callable[[int, bytes], bytes] | None = None, encrypt_dict: bytes = b"",
                  doc_id: bytes = b"") -> Path:
    """A minimal well-formed PDF: one page per content stream (stored as given, or through
    `encrypt(object number, data)`), Helvetica; `encrypt_dict` becomes its /Encrypt."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for content in contents:
        body = encrypt(len(objects) + 1, content) if encrypt else content
        objects.append(b"<< /Length %d %s>>\nstream\n" % (len(body), filters) + body + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % (len(objects)))
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    trailer = b""
    if encrypt_dict:
        objects.append(encrypt_dict)
        trailer = b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (len(objects), doc_id.hex().encode(), doc_id.hex().encode())
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    path.write_bytes(bytes(out))
    return path


def deflate_repeated(chunk: bytes, times: int) -> bytes:
    z = zlib.compressobj(9)
    return b"".join(z.compress(chunk) for _ in range(times)) + z.flush()


def deflate_bomb(megabytes: int) -> bytes:
    """A zlib stream of `megabytes` MB of spaces, built without compressing them all: a
    full flush makes each 1 MB block stand alone, so one compressed block is repeated."""
    z = zlib.compressobj(9)
    head = z.compress(b" " * (1 << 20)) + z.flush(zlib.Z_FULL_FLUSH)
    block = z.compress(b" " * (1 << 20)) + z.flush(zlib.Z_FULL_FLUSH)
    return head + block * (megabytes - 1) + z.flush()  # the final checksum is wrong: never reached


def refused(path: Path) -> str:
    with pytest.raises(ExtractError) as err:
        read_document(path)
    message = str(err.value)
    assert str(path) in message and "\n" not in message
    return err.value.reason


def test_a_plain_raw_pdf_reads(tmp_path: Path) -> None:
    """The writer below makes readable PDFs: the refusals are the limits, not the writer."""
    path = write_raw_pdf(tmp_path / "ok.pdf", [zlib.compress(b"BT /F1 12 Tf 72 700 Td (Plan 2025) Tj ET")],
                         b"/Filter /FlateDecode ")
    assert read_document(path).lines == ["Plan 2025"]


def test_flate_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    # 2 GB of spaces (an empty page content) in a 2 MB file.
    bomb = deflate_bomb(2048)
    assert len(bomb) < 3 * pdf_bounds.MB and len(zlib.decompressobj().decompress(bomb[:8192], 1 << 24)) > 1 << 22
    path = write_raw_pdf(tmp_path / "bomb.pdf", [bomb], b"/Filter /FlateDecode ")
    reason = refused(path)
    assert "compression bomb" in reason and "content stream" in reason


def test_flate_bomb_wrapped_in_ascii85_and_chained_flate_is_refused(tmp_path: Path) -> None:
    inner = deflate_repeated(b" " * (1 << 20), 24)
    twice = base64.a85encode(zlib.compress(inner, 9), adobe=False) + b"~>"
    path = write_raw_pdf(tmp_path / "bomb2.pdf", [twice], b"/Filter [/ASCII85Decode /FlateDecode /FlateDecode] ")
    assert "compression bomb" in refused(path)


def test_too_many_pages_is_refused(tmp_path: Path) -> None:
    page = zlib.compress(b"BT /F1 12 Tf 72 700 Td (p) Tj ET")
    path = write_raw_pdf(tmp_path / "pages.pdf", [page] * (pdf_bounds.MAX_PAGES + 1), b"/Filter /FlateDecode ")
    assert f"{pdf_bounds.MAX_PAGES + 1} pages" in refused(path)


def test_too_many_objects_on_a_page_is_refused(tmp_path: Path) -> None:
    paths = zlib.compress(b"0 0 m 1 1 l S\n" * (pdf_bounds.MAX_OBJECTS_PER_PAGE + 1), 9)
    path = write_raw_pdf(tmp_path / "objects.pdf", [paths], b"/Filter /FlateDecode ")
    assert "page 1 has" in refused(path) and "objects" in refused(path)


def test_too_many_characters_on_a_page_is_refused(tmp_path: Path) -> None:
    lines = pdf_bounds.MAX_CHARS_PER_PAGE // 1000 + 1  # lines of 1,000 characters in 1pt type, on the page
    text = b"BT /F1 1 Tf 1 TL 10 830 Td " + (b"(" + b"a" * 1000 + b") ' ") * lines + b"ET"
    path = write_raw_pdf(tmp_path / "chars.pdf", [zlib.compress(text, 9)], b"/Filter /FlateDecode ")
    assert "characters" in refused(path)


def test_oversized_streams_in_all_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_bounds, "MAX_TOTAL_BYTES", 3 * pdf_bounds.MB)
    page = zlib.compress(b" " * pdf_bounds.MB + b"BT /F1 12 Tf 72 700 Td (p) Tj ET")
    path = write_raw_pdf(tmp_path / "many.pdf", [page] * 4, b"/Filter /FlateDecode ")
    assert "streams inflate past 3 MB in all" in refused(path)


def test_lzw_bomb_is_refused(tmp_path: Path) -> None:
    # LZW codes that keep extending the last string: each 12-bit code emits ~4 KB.
    codes = [32]
    while len(codes) < 4093 - 258:
        codes.append(258 + len(codes) - 1 if len(codes) > 1 else 258)
    codes += [codes[-1]] * 6000
    bits, width, table = "", 9, 258
    for i, code in enumerate(codes):
        bits += format(code, f"0{width}b")
        table += 1 if i and table < 4096 else 0  # the decoder adds an entry from the second code on
        if table + 1 >= (1 << width) and width < 12:
            width += 1
    data = int(bits + "0" * (-len(bits) % 8), 2).to_bytes((len(bits) + 7) // 8, "big")
    assert pdf_bounds._lzw_size(data, 1 << 40) > pdf_bounds.MAX_CONTENT_BYTES
    path = write_raw_pdf(tmp_path / "lzw.pdf", [data], b"/Filter /LZWDecode ")
    assert "compression bomb" in refused(path)


def test_ascii85_decoder_matches_the_standard_library() -> None:
    for n in range(40):
        data = os.urandom(n) + b"\0" * (n % 9)
        assert a85decode(base64.a85encode(data, wrapcol=16)) == data
    with pytest.raises(ValueError):
        a85decode(b"abc{}")


TYPE3_NO_MAP = (b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] "
                b"/CharProcs << /g1 << /Length 0 >> >> /Encoding << /Type /Encoding /Differences [65 /g1] >> "
                b"/FirstChar 65 /LastChar 65 /Widths [500] /Resources << >> >>")


def test_text_in_fonts_without_a_unicode_map_is_refused(tmp_path: Path) -> None:
    content = b"BT /F1 12 Tf 72 760 Td " + b"(AAAAAA) Tj 0 -20 Td " * 30 + b"ET"
    path = write_raw_pdf(tmp_path / "nomap.pdf", [content])
    path.write_bytes(path.read_bytes().replace(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                                               TYPE3_NO_MAP))
    assert "Unicode map" in refused(path)


def test_objects_in_all_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_bounds, "MAX_OBJECTS_TOTAL", 2500)
    paths = zlib.compress(b"0 0 m 1 1 l S\n" * 1000)
    path = write_raw_pdf(tmp_path / "objects.pdf", [paths] * 3, b"/Filter /FlateDecode ")
    assert "2500 objects in all" in refused(path)


def test_content_streams_in_all_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_bounds, "MAX_CONTENT_TOTAL", 2 * pdf_bounds.MB)
    page = zlib.compress(b" " * pdf_bounds.MB + b"BT /F1 12 Tf 72 700 Td (p) Tj ET")
    path = write_raw_pdf(tmp_path / "many.pdf", [page] * 3, b"/Filter /FlateDecode ")
    assert "content streams inflate past 2 MB" in refused(path)


def test_a_fine_mesh_of_rules_is_read_as_text_not_a_table(tmp_path: Path) -> None:
    """Hundreds of crossing rules on a page with text in columns: not a table, no blow-up."""
    mesh = b"".join(b"0 %d m 595 %d l S " % (i, i) for i in range(0, 842, 1))
    mesh += b"".join(b"%d 0 m %d 842 l S " % (i, i) for i in range(0, 595, 1))
    text = b"BT /F1 12 Tf 72 700 Td (North) Tj 300 0 Td (South) Tj ET"
    path = write_raw_pdf(tmp_path / "mesh.pdf", [zlib.compress(mesh + text)], b"/Filter /FlateDecode ")
    assert read_document(path).lines == ["North South"]


def _rc4(key: bytes, data: bytes) -> bytes:
    from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
    from cryptography.hazmat.primitives.ciphers import Cipher

    return Cipher(ARC4(key), mode=None).encryptor().update(data)


def write_encrypted_pdf(path: Path, contents: list[bytes], aes: bool) -> Path:
    """write_raw_pdf's file encrypted as office tools do when only permissions are
    restricted: an owner password, the empty user password; RC4-128 (R3) or AES-128 (R4)."""
    import hashlib
    import struct

    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    pad = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")
    doc_id, perms = b"0123456789abcdef", -3904
    owner_key = hashlib.md5(b"owner" + pad[:27]).digest()  # algorithm 3
    for _ in range(50):
        owner_key = hashlib.md5(owner_key).digest()
    owner = _rc4(owner_key, pad)
    for i in range(1, 20):
        owner = _rc4(bytes(b ^ i for b in owner_key), owner)
    key = hashlib.md5(pad + owner + struct.pack("<i", perms) + doc_id).digest()  # algorithm 2
    for _ in range(50):
        key = hashlib.md5(key).digest()
    user = _rc4(key, hashlib.md5(pad + doc_id).digest())  # algorithm 5
    for i in range(1, 20):
        user = _rc4(bytes(b ^ i for b in key), user)
    user += bytes(16)

    def encrypt(num: int, data: bytes) -> bytes:
        salt = struct.pack("<i", num)[:3] + b"\0\0" + (b"sAlT" if aes else b"")
        obj_key = hashlib.md5(key + salt).digest()[:16]
        if not aes:
            return _rc4(obj_key, data)
        iv = os.urandom(16)
        padder = padding.PKCS7(128).padder()
        body = padder.update(data) + padder.finalize()
        enc = Cipher(algorithms.AES(obj_key), modes.CBC(iv)).encryptor()
        return iv + enc.update(body) + enc.finalize()

    cf = (b"/CF << /StdCF << /CFM /AESV2 /AuthEvent /DocOpen /Length 16 >> >> /StmF /StdCF /StrF /StdCF "
          if aes else b"")
    encrypt_dict = (b"<< /Filter /Standard /V %d /R %d /Length 128 %s/O <%s> /U <%s> /P %d >>"
                    % (4 if aes else 2, 4 if aes else 3, cf, owner.hex().encode(), user.hex().encode(), perms))
    return write_raw_pdf(path, contents, b"/Filter /FlateDecode ", encrypt, encrypt_dict, doc_id)


@pytest.mark.parametrize("aes", [False, True], ids=["rc4", "aes128"])
def test_flate_bomb_in_a_file_encrypted_with_an_empty_user_password_is_refused(tmp_path: Path, aes: bool) -> None:
    plain = zlib.compress(b"BT /F1 12 Tf 72 700 Td (Plan 2025) Tj ET")
    readable = write_encrypted_pdf(tmp_path / "locked.pdf", [plain], aes)
    assert read_document(readable).lines == ["Plan 2025"]  # pdfium decrypts what we encrypted
    bomb = write_encrypted_pdf(tmp_path / "locked_bomb.pdf", [deflate_bomb(64)], aes)
    assert "compression bomb" in refused(bomb)


def write_aes256_pdf(path: Path, contents: list[bytes]) -> Path:
    """write_raw_pdf's file encrypted with AES-256 (revision 6), empty user password."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    from planwatch.extract.formats.pdf_crypt import _hash_2b

    file_key, vsalt, ksalt, osalt = os.urandom(32), b"uvalsalt", b"ukeysalt", b"ovalsalt"
    user = _hash_2b(b"", vsalt, 6) + vsalt + ksalt
    ue = Cipher(algorithms.AES(_hash_2b(b"", ksalt, 6)), modes.CBC(bytes(16))).encryptor().update(file_key)
    owner = os.urandom(32) + osalt + b"okeysalt"  # no owner password is ever checked here
    perms = Cipher(algorithms.AES(file_key), modes.ECB()).encryptor().update(
        (-3904).to_bytes(4, "little", signed=True) + b"\xff\xff\xff\xffTadb" + os.urandom(4))

    def encrypt(_num: int, data: bytes) -> bytes:
        iv = os.urandom(16)
        padder = padding.PKCS7(128).padder()
        body = padder.update(data) + padder.finalize()
        enc = Cipher(algorithms.AES(file_key), modes.CBC(iv)).encryptor()
        return iv + enc.update(body) + enc.finalize()

    encrypt_dict = (b"<< /Filter /Standard /V 5 /R 6 /Length 256 /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen "
                    b"/Length 32 >> >> /StmF /StdCF /StrF /StdCF /O <%s> /U <%s> /OE <%s> /UE <%s> /Perms <%s> "
                    b"/P -3904 >>" % tuple(v.hex().encode() for v in (owner, user, bytes(32), ue, perms)))
    return write_raw_pdf(path, contents, b"/Filter /FlateDecode ", encrypt, encrypt_dict, b"0123456789abcdef")


def test_flate_bomb_in_an_aes256_file_is_refused(tmp_path: Path) -> None:
    plain = zlib.compress(b"BT /F1 12 Tf 72 700 Td (Plan 2025) Tj ET")
    assert read_document(write_aes256_pdf(tmp_path / "locked.pdf", [plain])).lines == ["Plan 2025"]
    assert "compression bomb" in refused(write_aes256_pdf(tmp_path / "locked_bomb.pdf", [deflate_bomb(64)]))


def test_past_the_character_budget_pages_are_read_as_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading characters one by one (tables, turned text) is bounded per document; past
    the budget a page is still read, by pdfium's lines, without its tables."""
    from planwatch.extract.formats import pdf_tables

    mesh = b"0 700 m 400 700 l S 0 680 m 400 680 l S 0 660 m 400 660 l S 0 660 m 0 700 l S 200 660 m 200 700 l S "
    mesh += b"400 660 m 400 700 l S "
    cells = b"BT /F1 10 Tf 5 685 Td (Domain) Tj 200 0 Td (Target) Tj -200 -20 Td (Care) Tj 200 0 Td (95) Tj ET"
    path = write_raw_pdf(tmp_path / "table.pdf", [zlib.compress(mesh + cells)], b"/Filter /FlateDecode ")
    assert read_document(path).lines == ["Domain\tTarget", "Care\t95"]
    monkeypatch.setattr(pdf_tables, "CHAR_WORK", 5)
    text = read_document(path).text
    assert "\t" not in text and "Domain Target" in text and "Care 95" in text


def test_damaged_pdfs_are_read_or_refused_never_crash(tmp_path: Path) -> None:
    """Seeded byte mutations of small PDFs (plain, encrypted, ruled): every one is read or
    refused with ExtractError."""
    import random

    plain = zlib.compress(b"BT /F1 12 Tf 72 700 Td (Plan 2025) Tj ET 0 600 m 400 600 l S 0 500 m 400 500 l S")
    seeds = [write_raw_pdf(tmp_path / "a.pdf", [plain] * 2, b"/Filter /FlateDecode ").read_bytes(),
             write_encrypted_pdf(tmp_path / "b.pdf", [plain], aes=True).read_bytes(),
             write_raw_pdf(tmp_path / "c.pdf", [b"BT /F1 9 Tf 72 700 Td (a b) Tj ET"], b"/Filter /LZWDecode ").read_bytes()]
    rng = random.Random(13)
    for i in range(80):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 12)):
            k = rng.randrange(len(data))
            if rng.random() < 0.6:
                data[k] = rng.randrange(256)
            else:
                data[k:k] = rng.choice([b"0 0 m 1 1 l S ", b"/Rotate 90 ", b"endstream", b"(", b"<<", b"/LZWDecode "])
        path = tmp_path / f"m{i}.pdf"
        path.write_bytes(bytes(data))
        with contextlib.suppress(ExtractError):
            read_document(path)
