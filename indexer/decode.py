"""Bytes -> clean text: BOMs, UTF-16, legacy code pages, line ends, NFC."""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

from indexer.article import Skip

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SNIFF_BYTES = 4096  # how much of a file the binary checks look at
MAX_CONTROL_RATIO = 0.02

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _c1_table() -> dict[int, str]:
    """C1 controls (U+0080-U+009F) as the Windows-1252 characters they were saved as
    (text decoded as Latin-1 somewhere upstream: U+0092 is really ’); the rest dropped."""
    table: dict[int, str] = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            table[code] = ""
    return table


# Characters that are no text: controls, BOMs and zero-width marks inside the text,
# soft hyphens; Unicode line and paragraph separators become line ends.
_CLEAN_TABLE = {
    **{code: None for code in range(0x20) if chr(code) not in "\t\n\f"},
    **_c1_table(),
    0x7F: None,
    0xAD: None,
    0x200B: None,
    0x2060: None,
    0xFEFF: None,
    0x2028: "\n",
    0x2029: "\n",
}


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM shows NULs at every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) / 2
    even_nuls = data[0::2].count(0) / half
    odd_nuls = data[1::2].count(0) / half
    for ratio, codec in ((odd_nuls, "utf-16-le"), (even_nuls, "utf-16-be")):
        if ratio > 0.4:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:SNIFF_BYTES]
    if not sample:
        return False
    return len(_CONTROLS.findall(sample)) / len(sample) > MAX_CONTROL_RATIO


def clean_text(text: str) -> str:
    """Line ends to \\n, BOMs, NULs and other controls out, C1 quotes repaired, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CLEAN_TABLE)
    return unicodedata.normalize("NFC", text)


def _decode(data: bytes) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise Skip(f"undecodable {codec} text ({exc.reason})") from None
    if b"\x00" in data[:SNIFF_BYTES]:
        text = _utf16_without_bom(data)
        if text is None:
            raise Skip("binary file (NUL bytes)")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise Skip("undecodable text (no encoding fits)")
    return str(best)


def decode_bytes(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode a file's bytes or raise Skip with the reason."""
    if len(data) > max_bytes:
        raise Skip(f"too large ({len(data):,} bytes > limit {max_bytes:,})")
    if not data.strip():
        raise Skip("empty file")
    text = _decode(data)
    if _looks_binary(text):
        raise Skip("binary file (control characters)")
    text = clean_text(text)
    if not text.strip():
        raise Skip("empty file")
    return text
