"""Dates: header lines, stated metadata, datelines' and leads' dates, year inference."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.dates import (
    event_date,
    find_complete_dates,
    infer_year,
    parse_header_line,
    parse_stated,
    partial_dates,
    plausible,
)
from indexer.normalize import normalize_bytes


@pytest.mark.parametrize(
    "line, iso, precision, text",
    [
        # Vietnamese weekday headers, the weekday checked against the date
        ("Thứ Ba, 19/09/2023, 20:38", "2023-09-19T20:38:00", "minute", "Thứ Ba, 19/09/2023, 20:38"),
        ("Thứ Hai, 09/04/2023", "2023-09-04", "day", "Thứ Hai, 09/04/2023"),  # month first fits
        ("Thứ Hai, 04/09/2023", "2023-09-04", "day", "Thứ Hai, 04/09/2023"),  # day first fits
        ("Chủ Nhật, 1/10/2023 - 07:15", "2023-10-01T07:15:00", "minute", None),
        ("Cập nhật: 25/11/2023 lúc 10:35", "2023-11-25T10:35:00", "minute", None),
        # ISO and numeric stamps
        ("2026-01-21 14:00:00 / News", "2026-01-21T14:00:00", "minute", "2026-01-21 14:00:00"),
        ("2024-04-12", "2024-04-12", "day", "2024-04-12"),
        ("12.04.2024", "2024-04-12", "day", "12.04.2024"),
        ("05/08/2008 10:35", "2008-08-05T10:35:00", "minute", "05/08/2008 10:35"),
        ("08/25/2020", "2020-08-25", "day", "08/25/2020"),  # only month first is a date
        # words
        ("Published: 3 May 2024", "2024-05-03", "day", "3 May 2024"),
        ("Tuesday, March 12, 2024", "2024-03-12", "day", "Tuesday, March 12, 2024"),
        ("Dec. 6, 2024, 10:00 PM UTC", "2024-12-06T22:00:00", "minute", None),
        ("5 мая 2020 года", "2020-05-05", "day", "5 мая 2020"),
        ("Опубликовано 14 августа 2008", "2008-08-14", "day", None),
        ("3 Ekim 2024 Perşembe", "2024-10-03", "day", None),
        ("2024. február 24.", "2024-02-24", "day", None),
        ("ngày 19 tháng 9 năm 2023", "2023-09-19", "day", None),
    ],
)
def test_parse_header_line_reads_a_line_that_is_a_date(line, iso, precision, text):
    found = parse_header_line(line)
    assert found is not None
    assert found.iso() == iso
    assert found.precision == precision
    if text is not None:
        assert found.text == text


@pytest.mark.parametrize(
    "line",
    [
        "Дэвид Рокфеллер 24 октября 1953 года",  # a photo caption, not a header
        "Hungary and Uzbekistan, 12.04.2024",
        "The ministers met on 3 May 2024 in Budapest to discuss police cooperation at length",
        "Thứ Ba",
        "",
        "31/02/2024",  # no such day
    ],
)
def test_parse_header_line_rejects_lines_that_are_not_a_date(line):
    assert parse_header_line(line) is None


@pytest.mark.parametrize(
    "value, iso, precision",
    [
        ("2024-04-20T04:20:00.000Z", "2024-04-20T04:20:00", "minute"),
        ("2021-11-01T10:52:50+0100", "2021-11-01T10:52:00", "minute"),
        ("2014-10-09", "2014-10-09", "day"),
        ("20201001", "2020-10-01", "day"),
        ("1676551869", "2023-02-16T12:51:00", "minute"),  # Unix seconds
        ("1676551869000", "2023-02-16T12:51:00", "minute"),  # Unix milliseconds
        ("Fri, 24 Jul 2015 05:36:09 GMT", "2015-07-24T05:36:00", "minute"),
        ("Thu Sep 16 2021 03:52:10 GMT+0000 (UTC)", "2021-09-16T03:52:00", "minute"),
        ("2024", "2024-01-01", "year"),
        ("2024-03", "2024-03-01", "month"),
        ("June 5, 2015", "2015-06-05", "day"),
    ],
)
def test_parse_stated_reads_metadata_dates(value, iso, precision):
    found = parse_stated(value)
    assert found is not None and found.iso() == iso and found.precision == precision


@pytest.mark.parametrize("value", ["", "yesterday", "2024-13-45", "n/a", "12345"])
def test_parse_stated_gives_nothing_for_what_is_no_date(value):
    assert parse_stated(value) is None


@pytest.mark.parametrize(
    "lead, iso, text",
    [
        ("On 17–18 July 2025, a delegation visited Hungary.", "2025-07-18", "17–18 July 2025"),
        ("On July 17-18, 2025, the ministers met.", "2025-07-18", "July 17-18, 2025"),
        ("From 12 to 16 September 2023 the talks went on.", "2023-09-16", None),
        ("The summit of 30 June – 2 July 2025 ended.", "2025-07-02", "2 July 2025"),
        ("Ngày 19 tháng 9 năm 2023, hai bên đã ký.", "2023-09-19", None),
    ],
)
def test_event_date_is_the_last_day_of_the_event(lead, iso, text):
    found = event_date(lead)
    assert found is not None and found.iso() == iso
    if text is not None:
        assert found.text == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("BAKU, Azerbaijan, February 24.", [(2, 24, "February 24")]),
        ("held a meeting on June 25, in Tashkent", [(6, 25, "June 25")]),
        ("on 24th of February", [(2, 24, "24th of February")]),
        ("from September 12-16", [(9, 16, "September 12-16")]),
        ("ngày 30/9 và ngày 25 tháng 11", [(9, 30, "ngày 30/9"), (11, 25, "ngày 25 tháng 11")]),
        ("on 3 May 2024", []),  # has a year: a complete date
        ("in May the weather", []),
    ],
)
def test_partial_dates_finds_days_written_without_a_year(text, expected):
    assert partial_dates(text) == expected


@pytest.mark.parametrize(
    "month, day, text, expected",
    [
        (2, 24, "An agreement was signed on November 6, 2024 in Bishkek.", date(2025, 2, 24)),
        (12, 1, "An agreement was signed on November 6, 2024 in Bishkek.", date(2024, 12, 1)),
        (11, 6, "Signed on November 6, 2024.", date(2025, 11, 6)),  # after, not on, the date
        (2, 29, "The law of 1 March 2023 applies.", date(2024, 2, 29)),  # next leap day
        (6, 25, "No year is mentioned anywhere.", None),  # never invented
    ],
)
def test_infer_year_takes_the_first_such_day_after_the_latest_complete_date(
    month, day, text, expected
):
    assert infer_year(month, day, text) == expected


def test_find_complete_dates_keeps_the_order_of_the_text():
    found = find_complete_dates("Signed 2024-01-02, in force from 3 March 2024 to 05.06.2025.")
    assert [d.iso() for d in found] == ["2024-01-02", "2024-03-03", "2025-06-05"]


def test_plausible_rejects_dates_before_1900_and_after_tomorrow():
    assert plausible(parse_stated("2024-01-01"), today=date(2025, 1, 1))
    assert not plausible(parse_stated("1875-11-17"), today=date(2025, 1, 1))
    assert not plausible(parse_stated("2030-01-01"), today=date(2025, 1, 1))


def _normalized(text: str) -> dict:
    (article,) = normalize_bytes("dated.txt", text.encode())
    return article.as_dict()


@pytest.mark.parametrize(
    "text, date_, source, precision, date_text",
    [
        ("A headline\n2026-01-21 14:00:00 / News\nBody text here.", "2026-01-21T14:00:00",
         "header", "minute", "2026-01-21 14:00:00"),
        ("İSTANBUL, 3 October 2024 — Turkish police said on Thursday that they had arrested.",
         "2024-10-03", "dateline", "day", "3 October 2024"),
        ("Talks held\nOn 17–18 July 2025, the ministers met in Budapest.", "2025-07-18", "event",
         "day", "17–18 July 2025"),
        ("---\ndate: 2024-05-01\n---\nA headline\nSome body text.", "2024-05-01", "front-matter",
         "day", "2024-05-01"),
        ("Talks held\nThe ministers met on June 25 in Tashkent.", None, None, None, "June 25"),
        ("Talks held\nThe ministers met in Tashkent.", None, None, None, None),
    ],
)  # fmt: skip
def test_normalized_article_dates_come_from_the_cascade(text, date_, source, precision, date_text):
    article = _normalized(text)
    assert article["date"] == date_
    assert article["date_source"] == source
    assert article["date_precision"] == precision
    assert article["date_text"] == date_text


def test_a_year_less_dateline_takes_its_year_from_the_text():
    article = _normalized(
        "BAKU, Azerbaijan, February 24. Hungary eyes stronger customs cooperation.\n"
        "An agreement was signed on November 6, 2024 in Bishkek."
    )
    assert (article["date"], article["date_source"]) == ("2025-02-24", "dateline")


def test_a_date_text_never_stands_without_its_source_in_the_text():
    article = _normalized("Talks held\nIn 2024 the ministers met twice.")
    assert article["date"] is None and article["date_text"] is None
