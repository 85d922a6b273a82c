"""Titles (the cascade) and the cleanup of bodies (repeats, captions, furniture)."""

from __future__ import annotations

import pytest

from indexer.cleanup import author_of, clean_paragraphs, is_boilerplate, is_caption
from indexer.normalize import normalize_bytes
from indexer.titles import clean_title, is_headline, shorten, title_from_lead


def _article(text: str, name: str = "t.txt") -> dict:
    (article,) = normalize_bytes(name, text.encode())
    return article.as_dict()


@pytest.mark.parametrize(
    "line, headline",
    [
        ("Hungary and Uzbekistan Deepen Cooperation in Law Enforcement", True),
        ("Vietnam, Hungary agree to strengthen security cooperation", True),
        ("Hà Nội: Thanh niên 20 tuổi đột tử trong quán game", True),
        ("Why does it matter?", True),
        ("The ministers met on Tuesday. They signed a protocol.", False),  # two sentences
        ("The Ministers of Internal Affairs of Uzbekistan and Russia held a meeting on June 25 "
         "in Tashkent to discuss issues.", False),  # a lead sentence
        ("Tỷ phú Warren Buffett (Ảnh: Flickr).", True),  # is_headline alone; see cascade below
        (" ".join(["word"] * 31), False),
        ("", False),
    ],
)  # fmt: skip
def test_is_headline_tells_a_headline_from_a_lead(line, headline):
    assert is_headline(line) is headline


@pytest.mark.parametrize(
    "text, title, source",
    [
        ("---\ntitle: Stated title\n---\nFirst line here\nBody.", "Stated title", "front-matter"),
        ("# title = Hash title\nFirst line here\nBody.", "Hash title", "front-matter"),
        ("A plain headline\nThe body follows here.", "A plain headline", "first-line"),
        ("BAKU, Azerbaijan, February 24. Hungary eyes stronger customs cooperation.\nBody.",
         "Hungary eyes stronger customs cooperation", "first-line"),
        ("Hà Nội: Thanh niên 20 tuổi đột tử\nNội dung bài viết.",
         "Hà Nội: Thanh niên 20 tuổi đột tử", "first-line"),  # no date: all of it is the title
        ("Tỷ phú Warren Buffett (Ảnh: Flickr).\nVới khối tài sản ròng 102,8 tỷ USD theo thống kê "
         "của Forbes, Warren Buffett hiện là một trong những tỷ phú giàu có nhất thế giới.\nThêm.",
         "Với khối tài sản ròng 102,8 tỷ USD theo thống kê của Forbes, Warren Buffett hiện là một "
         "trong…", "lead"),  # a caption is never the title
    ],
)  # fmt: skip
def test_title_cascade_takes_the_first_source_that_gives_one(text, title, source):
    article = _article(text)
    assert (article["title"], article["title_source"]) == (title, source)


def test_a_lead_paragraph_gives_a_short_title_and_stays_in_the_body():
    lead = (
        "The Ministers of Internal Affairs of Uzbekistan and Russia, Pulat Bobojonov and "
        "Vladimir Kolokoltsev, respectively, held a meeting on June 25, in Tashkent. They talked."
    )
    article = _article(lead + "\nMore text.")
    assert article["title_source"] == "lead"
    assert article["title"].startswith("The Ministers of Internal Affairs of Uzbekistan and Russia")
    assert len(article["title"]) <= 100 and article["title"].endswith("…")
    assert article["body"].startswith(lead)


@pytest.mark.parametrize(
    "text, limit, expected",
    [
        ("Short title.", 100, "Short title"),
        ("one two three four five six", 15, "one two three…"),
        ("alpha, beta gamma", 10, "alpha…"),
    ],
)
def test_shorten_cuts_at_a_word_and_marks_the_cut(text, limit, expected):
    assert shorten(text, limit) == expected


@pytest.mark.parametrize(
    "title, expected",
    [("  A   title.  ", "A title"), ("Wait...", "Wait..."), ("Why?", "Why?")],
)
def test_clean_title_tidies_spaces_and_a_final_period(title, expected):
    assert clean_title(title) == expected


def test_title_from_lead_takes_the_first_sentence():
    assert title_from_lead("Police met. Then they left.") == "Police met"


@pytest.mark.parametrize(
    "line, furniture",
    [
        ("Comments (0)", True),
        ("12 comments", True),
        ("Follow the author on X: @someone", True),
        ("Share on Facebook | Twitter | WhatsApp", True),
        ("Subscribe to our Telegram channel", True),
        ("Read more:", True),
        ("Photo: Reuters", True),
        ("Фото: Reuters Фото: Reuters Фото: Reuters", True),
        ("Ảnh: Tiến Tuấn", True),
        ("İlgili Haber", True),
        ("DEVAMI İÇİN TIKLAYIN", True),
        ("Normal 0 21 false false false TR X-NONE X-NONE MicrosoftInternetExplorer4", True),
        ("© 2024 Trend News Agency", True),
        ("The ministers shared information on drug trafficking.", False),
        ("Share prices rose sharply after the agreement was signed.", False),
        ("Bình luận của Bộ trưởng về hợp tác an ninh được đánh giá cao.", False),
    ],
)
def test_is_boilerplate_knows_page_furniture_lines(line, furniture):
    assert is_boilerplate(line) is furniture


@pytest.mark.parametrize(
    "line, caption",
    [
        ("Tỷ phú Warren Buffett (Ảnh: Flickr).", True),
        ("Toàn cảnh phiên họp cổ đông của Hòa Phát đang diễn ra (Ảnh: Tiến Tuấn)", True),
        ("The minister speaks in Budapest (Photo: MTI)", True),
        ("The minister spoke (in Budapest) on Tuesday.", False),
    ],
)
def test_is_caption_knows_a_photo_credit(line, caption):
    assert is_caption(line) is caption


@pytest.mark.parametrize(
    "line, author",
    [
        ("By NT", "NT"),
        ("Written by Anna Kovács", "Anna Kovács"),
        ("Автор: Иван Петров", "Иван Петров"),
        ("By the way, the ministers met on Tuesday in Budapest to talk about it", None),
    ],
)
def test_author_of_reads_a_byline(line, author):
    assert author_of(line) == author


def test_clean_paragraphs_drops_repeats_title_captions_and_furniture():
    title = "Vietnam, Hungary agree to strengthen security cooperation"
    lead = "Within the framework of his working visit to Hungary, the deputy minister met."
    paragraphs = [
        lead,
        lead,
        f"{title} -0",
        "Deputy Minister Le Quoc Hung speaks at the event.",
        "By NT",
        "Yes.",
        "Yes.",
        "Comments (0)",
        "The two sides signed an extradition agreement.",
    ]
    kept, author = clean_paragraphs(paragraphs, title)
    assert kept == [lead, "Yes.", "Yes.", "The two sides signed an extradition agreement."]
    assert author == "NT"


def test_word_settings_and_styles_at_the_top_are_dropped():
    from indexer.cleanup import strip_office_residue

    residue = ["Normal", "0", "21", "false", "TR", "X-NONE", "MicrosoftInternetExplorer4",
               "/* Style Definitions */", "table.MsoNormalTable", '{mso-style-name:"Normal";',
               "font-size:11.0pt;", "}"]  # fmt: skip
    text = ["İşte dakika dakika Meclis'teki notlar", "00.32 CHP milletvekili yemin etti."]
    assert strip_office_residue(residue + text) == text
    assert strip_office_residue(["Normal people", "0"]) == ["Normal people", "0"]
