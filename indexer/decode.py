"""Bytes -> clean text: BOMs, UTF-16, legacy code pages, line ends, NFC."""

from __future__ import annotations

import codecs
import unicodedata

import charset_normalizer

from indexer.article import Skip

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM shows NULs at every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0) / (len(data) / 2)
    odd_nuls = data[1::2].count(0) / (len(data) / 2)
    for ratio, codec in ((odd_nuls, "utf-16-le"), (even_nuls, "utf-16-be")):
        if ratio > 0.4:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return "\x00" in sample or controls / len(sample) > 0.02


def clean_text(text: str) -> str:
    """Line ends to \\n, BOMs and NULs out, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.replace("\x00", "")
    return unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode a file's bytes or raise Skip with the reason."""
    if len(data) > max_bytes:
        raise Skip(f"too large ({len(data):,} bytes > limit {max_bytes:,})")
    if not data.strip():
        raise Skip("empty file")
    text = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise Skip(f"undecodable {codec} text ({exc.reason})") from None
            break
    if text is None and b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is None:
            raise Skip("binary file (NUL bytes)")
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            best = charset_normalizer.from_bytes(data).best()
            if best is None:
                raise Skip("undecodable text (no encoding fits)") from None
            text = str(best)
    if _looks_binary(text):
        raise Skip("binary file (control characters)")
    text = clean_text(text)
    if not text.strip():
        raise Skip("empty file")
    return text
