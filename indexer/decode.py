"""Bytes -> clean text: BOMs, UTF-16, legacy code pages, line ends, NFC."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter

import charset_normalizer

from indexer.article import Skip

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SNIFF_BYTES = 4096  # how much of a file the binary checks look at
MAX_CONTROL_RATIO = 0.02
CHAOS_SLACK = 0.1  # how much messier than the first choice a better-fitting reading may be
COHERENCE_GAIN = 0.1  # how much better its letters must fit the language
UTF16_HIGH_BYTES = 3  # a text's characters share this many high bytes at most…
UTF16_SHARE = 0.9  # …for this share of them

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
    """UTF-16 saved without a BOM: the high byte of every character (every other byte)
    takes only a few values, a script's block and NUL for spaces and punctuation."""
    if len(data) < 4 or len(data) % 2:
        return None
    for high, codec in ((data[1::2], "utf-16-le"), (data[0::2], "utf-16-be")):
        common = Counter(high).most_common(UTF16_HIGH_BYTES)
        if 0 in dict(common) and sum(n for _, n in common) >= UTF16_SHARE * len(high):
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
    best = _best_legacy(data)
    if best is None:
        raise Skip("undecodable text (no encoding fits)")
    return best


def _best_legacy(data: bytes) -> str | None:
    """A legacy code page by charset-normalizer. Short texts often decode cleanly in
    several code pages (Turkish cp1254 also reads as cp1252, with ý for ı): a nearly as
    clean reading of the same language whose letters fit that language clearly better
    wins over the first choice."""
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        if (
            match.language == best.language
            and match.chaos <= best.chaos + CHAOS_SLACK
            and match.coherence >= best.coherence + COHERENCE_GAIN
        ):
            best = match
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
