"""HTML pages, written here: what the reader must find and what it must leave out."""

from __future__ import annotations

import json

import pytest

from indexer.html_meta import strip_site_name
from indexer.normalize import normalize_bytes

ARTICLE = [
    "Hungary and Uzbekistan agreed on Tuesday to deepen cooperation between their police "
    "forces, the interior ministries said in a joint statement.",
    "The ministers signed a roadmap covering drug trafficking, cybercrime and training, "
    "and agreed to meet again in Tashkent next year.",
    "Officials said the agreement builds on a protocol signed in 2022, which set up a working "
    "group on organized crime.",
]
FURNITURE = [
    "Home News Sport Business Contact",  # navigation
    "Share on Facebook",  # share bar
    "Related: Five things to know about Hungary",  # related links box
    "We use cookies to improve your experience. Accept all",  # cookie banner
    "© 2024 Daily Example. All rights reserved. Privacy Terms",  # footer
    "Great article, thanks!",  # a reader's comment
    "Subscribe to our newsletter",
    "var tracking = true;",  # script
]


def page(head: str = "", before: str = "", after: str = "") -> str:
    paragraphs = "".join(f"<p>{p.replace('cybercrime', '<b>cyber</b>crime')}</p>" for p in ARTICLE)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}
<script>var tracking = true;</script><style>p {{ color: red }}</style></head>
<body>
<nav class="menu"><a href="/">Home</a> <a href="/n">News</a> <a href="/s">Sport</a>
 <a href="/b">Business</a> <a href="/c">Contact</a></nav>
<div id="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<header class="site-header"><a href="/">Daily Example</a></header>
<main><article>
<h1>Hungary, Uzbekistan deepen police cooperation</h1>
{before}
<div class="share-bar"><a href="#">Share on Facebook</a></div>
<div class="article-body">{paragraphs}
<figure><img src="a.jpg"><figcaption>The ministers in Budapest.</figcaption></figure>
</div>
{after}
<aside class="related"><h3>Related: Five things to know about Hungary</h3>
<ul><li><a href="/x">Five things to know about Hungary</a></li></ul></aside>
</article></main>
<section id="comments"><div class="comment"><p>Great article, thanks!</p></div></section>
<div class="newsletter-signup"><p>Subscribe to our newsletter</p></div>
<footer><p>© 2024 Daily Example. All rights reserved. <a href="/p">Privacy</a>
 <a href="/t">Terms</a></p></footer>
</body></html>"""


def normalized(html: str) -> dict:
    (article,) = normalize_bytes("page.html", html.encode())
    return article.as_dict()


def test_body_holds_the_articles_paragraphs_and_no_page_furniture():
    article = normalized(page("<title>Hungary, Uzbekistan deepen police cooperation</title>"))
    for paragraph in ARTICLE:
        assert paragraph in article["body"]
    for line in FURNITURE:
        assert line not in article["body"], line
    assert "Share" not in article["body"] and "cookies" not in article["body"]
    assert "The ministers in Budapest." not in article["body"]  # a photo caption
    assert article["body"].count("\n\n") == len(ARTICLE) - 1


@pytest.mark.parametrize(
    "head, title",
    [
        ('<meta property="og:title" content="Police cooperation deepens | Daily Example">'
         '<meta property="og:site_name" content="Daily Example">', "Police cooperation deepens"),
        ("<title>Hungary, Uzbekistan deepen police cooperation - Daily Example</title>",
         "Hungary, Uzbekistan deepen police cooperation"),
        ("<title>Daily Example | Hungary, Uzbekistan deepen police cooperation</title>"
         '<meta property="og:url" content="https://www.dailyexample.com/a">',
         "Hungary, Uzbekistan deepen police cooperation"),
        ('<meta property="x:title dc:title" content="Preferred title">'
         "<title>Title element</title>", "Preferred title"),
        ("", "Hungary, Uzbekistan deepen police cooperation"),  # the <h1>
        ("<title>Site</title>", "Hungary, Uzbekistan deepen police cooperation"),  # lone <h1>
    ],
)  # fmt: skip
def test_title_is_the_stated_one_without_the_sites_name(head, title):
    article = normalized(page(head))
    assert (article["title"], article["title_source"]) == (title, "html")


@pytest.mark.parametrize(
    "head, before, date",
    [
        ('<meta property="article:published_time" content="2024-03-05T10:20:00+01:00">', "",
         "2024-03-05T10:20:00"),
        ('<script type="application/ld+json">' + json.dumps({"@context": "https://schema.org",
         "@graph": [{"@type": "WebPage", "name": "x"}, {"@type": "NewsArticle",
         "datePublished": "2024-03-06T08:00:00Z", "dateModified": "2024-03-09T08:00:00Z"}]})
         + "</script>", "", "2024-03-06T08:00:00"),
        ('<script type="application/ld+json">//<![CDATA[\n{"@type": "Article", '
         '"datePublished": 1709712000}\n//]]></script>', "", "2024-03-06T08:00:00"),
        ('<meta name="parsely-page" content=\'{"pub_date": "2024-03-07T09:00:00Z"}\'>', "",
         "2024-03-07T09:00:00"),
        ("", '<time datetime="2024-03-08">8 March 2024</time>', "2024-03-08"),
        ("", '<p class="byline-date">Published 9 March 2024</p>', "2024-03-09"),
        ('<meta name="dateModified" content="2024-03-20">', "", None),  # an update is no date
    ],
)  # fmt: skip
def test_publication_date_comes_from_structured_data_meta_or_the_page(head, before, date):
    article = normalized(page(head, before=before))
    assert article["date"] == date


def test_a_page_with_only_scripts_is_skipped():
    from indexer.article import Skip

    with pytest.raises(Skip, match="no article text"):
        normalize_bytes("s.html", b"<html><body><script>alert(1)</script></body></html>")


def test_text_straight_in_a_div_and_inline_markup_read_naturally():
    html = (
        "<html><head><title>Base test</title></head><body><article><div>Lorem ipsum "
        "<b>dolor</b>, sit <a href='#'>amet</a>. Viet<i>nam</i> and Hungary agreed to "
        "cooperate.</div></article></body></html>"
    )
    article = normalized(html)
    assert (
        article["body"] == "Lorem ipsum dolor, sit amet. Vietnam and Hungary agreed to cooperate."
    )


def test_a_box_named_like_furniture_but_holding_the_article_is_kept():
    body = "".join(f"<p>{p}</p>" for p in ARTICLE)
    html = (
        "<html><head><title>T</title></head><body><div id='gigya-share-btns-2_containerParent'>"
        f"{body}</div><div class='sidebar'><p>Short sidebar text here.</p></div></body></html>"
    )
    article = normalized(html)
    assert ARTICLE[0] in article["body"]


@pytest.mark.parametrize(
    "title, sites, expected",
    [
        ("Five Social Media Lessons for Business - BusinessWeek", [],
         "Five Social Media Lessons for Business"),
        ("TechCrunch | 2005 Zuckerberg Didn’t Want To Take Over The World", ["TechCrunch"],
         "2005 Zuckerberg Didn’t Want To Take Over The World"),
        ("Daring Fireball: Colophon", [], "Daring Fireball: Colophon"),  # a colon is kept
        ("Mozilla - Wikipedia", [], "Mozilla - Wikipedia"),  # too short to tell
        ("宇航员在太空中喝酒会怎么样？后果很严重 _探索者 _光明网", ["光明网"],
         "宇航员在太空中喝酒会怎么样？后果很严重 _探索者"),
    ],
)  # fmt: skip
def test_strip_site_name(title, sites, expected):
    assert strip_site_name(title, sites) == expected
