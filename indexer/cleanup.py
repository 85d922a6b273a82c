"""Boilerplate out of the body: repeats, captions, comment counters, share and follow
lines, bylines. Each rule matches a whole line; the tables are per language."""

from __future__ import annotations

import re

from indexer.gazetteer import fold

# Lines that are page furniture, not article text (whole stripped line, case-insensitive).
BOILERPLATE_PATTERNS = {
    "en": [
        r"comments?\s*\(\d+\)",
        r"\d+\s+comments?",
        r"follow (the author|us|him|her)\b.{0,80}",
        r"(share|tweet|print|email|e-mail)"
        r"( (this|on|the) (article|story|page|facebook|twitter|x))?",
        r"(share|share this|share on)\s*[:|]?\s*(facebook|twitter|x|linkedin|whatsapp|telegram|"
        r"e-?mail|[\s,|/])+",
        r"(subscribe|sign up)\b.{0,60}(newsletter|channel|updates|telegram)\W*",
        r"(read more|related( articles| news| stories)?|see also|advertisement)\s*:?",
        r"(photo|image|source|credit|picture)s?\s*:\s*\S.{0,60}",
        r"(tags?|keywords)\s*:.{0,120}",
        r"all rights reserved\.?.{0,80}",
        r"©.{0,100}",
        r"(we use|this (web)?site uses) cookies\b.{0,200}",
    ],
    "vi": [
        r"(ảnh|nguồn)\s*:\s*\S.{0,60}",
        r"(xem thêm|tin liên quan)\s*:.{0,80}",
        r"bình luận\s*\(\d+\)",
    ],
    "ru": [
        r"(фото|источник)\s*:.{0,80}",
        r"читайте также\s*:.{0,100}",
        r"подписывайтесь на\b.{0,100}",
    ],
    "tr": [
        r"(fotoğraf|foto|kaynak)\s*:\s*\S.{0,60}",
        r"(ilgili haber(ler)?|devamı için tıklayın|haberin devamı)\W{0,3}",
    ],
    # Microsoft Word's settings leaking into text copied from it, on one line.
    "office": [r"normal \d+ \d+ (false|true) (false|true) (false|true) .{0,120}"],
}
BOILERPLATE = [re.compile(p, re.I) for patterns in BOILERPLATE_PATTERNS.values() for p in patterns]
_ANY_BOILERPLATE = re.compile("|".join(f"(?:{p.pattern})" for p in BOILERPLATE), re.I)
# A line ending in a photo credit is a caption: "Tỷ phú Warren Buffett (Ảnh: Flickr)."
CAPTION_CREDIT = re.compile(
    r"\((?:ảnh|photo|foto|фото|fotoğraf|image|picture|kép)s?\s*:[^()]{1,80}\)\W{0,3}$", re.I
)
MAX_CAPTION_WORDS = 40
# A photo caption marker that repeats the title: "<title> -0", "<title> - 1".
_CAPTION_SUFFIX = re.compile(r"\s+-\s?\d{1,2}$")
AUTHOR_RE = re.compile(
    r"^(?:by|written by|author:|reporting by|autor:|автор:|yazar:|tác giả:)\s+"
    r"(?P<name>[^\W\d_][\w.'’ -]{0,60})$",
    re.I,
)
MAX_AUTHOR_WORDS = 6
MIN_REPEAT_CHARS = 30  # shorter lines ("Yes.", a subheading) may honestly repeat


# Microsoft Word's settings and style sheet, a line each, at the top of a copied text:
# "Normal", "0", "21", "false", "TR", "X-NONE", "/* Style Definitions */", "mso-…:…;".
_OFFICE_LINE = re.compile(
    r"normal|\d+|false|true|x-none|[a-z]{2,3}(-[a-z]{2,4})?|microsoftinternetexplorer\d|"
    r"/\*.*\*/|[\w.#-]*mso[\w.-]*|\{?\s*[\w-]+\s*:[^{}]*;?\s*\}?|\}",
    re.I,
)


def strip_office_residue(paragraphs: list[str]) -> list[str]:
    """The paragraphs without a leading block of Word settings and styles."""
    if not paragraphs or paragraphs[0].strip().lower() != "normal":
        return paragraphs
    start = 0
    while start < len(paragraphs) and _OFFICE_LINE.fullmatch(paragraphs[start].strip()):
        start += 1
    return paragraphs[start:]


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    return _ANY_BOILERPLATE.fullmatch(stripped) is not None


def is_caption(line: str) -> bool:
    """A photo caption with its credit: ``… (Photo: Reuters)``."""
    stripped = line.strip()
    return len(stripped.split()) <= MAX_CAPTION_WORDS and bool(CAPTION_CREDIT.search(stripped))


def author_of(line: str) -> str | None:
    """`By NT` -> `NT` for a short byline, else None."""
    match = AUTHOR_RE.match(line.strip())
    if match and len(match["name"].split()) <= MAX_AUTHOR_WORDS:
        return match["name"].strip()
    return None


def _key(line: str) -> str:
    return " ".join(fold(line).split())


def clean_paragraphs(paragraphs: list[str], title: str | None) -> tuple[list[str], str | None]:
    """(clean paragraphs, author). Drops repeats, captions and furniture lines."""
    title_key = _key(title) if title else None
    seen: set[str] = set()
    kept: list[str] = []
    author = None
    after_caption = False
    for raw in paragraphs:
        line = " ".join(raw.split())
        if not line:
            continue
        key = _key(line)
        unnumbered = _CAPTION_SUFFIX.sub("", line)  # "Title - 2": a photo's numbered marker
        if title_key and (
            key == title_key or (unnumbered != line and _key(unnumbered) == title_key)
        ):
            after_caption = bool(_CAPTION_SUFFIX.search(line))
            continue
        if after_caption:  # the photo's own caption line follows the marker
            after_caption = False
            if len(line.split()) <= 20 and key not in seen:
                seen.add(key)
                continue
        if is_boilerplate(line) or is_caption(line):
            continue
        if (name := author_of(line)) is not None:
            author = author or name
            continue
        if key in seen and len(key) > MIN_REPEAT_CHARS:
            continue
        seen.add(key)
        kept.append(line)
    return kept, author
