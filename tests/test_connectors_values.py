"""Cell-level conversions: amounts, dates, booleans, counts, URLs, personas, regions, segments."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from connectors import personas, values


def _s(*items):
    return pd.Series(list(items), dtype="str")


@pytest.mark.parametrize("raw, decimal_comma, expected", [
    (["$1,234.50", "(1,234.00)", "USD 99", "-12", "12-"], None, [1234.50, -1234.00, 99.00, -12.00, -12.00]),
    (["€ 1.234,50", "980,00", "1.000.000,1"], None, [1234.50, 980.00, 1000000.10]),
    (["1 234,5", "12,25"], None, [1234.50, 12.25]),
    (["1,234", "17"], None, [1234.00, 17.00]),          # only 1,234 forms: thousands, as most exports write
    (["1,234", "17"], True, [1.23, 17.00]),              # ... unless the file is semicolon-separated (cents)
    (["1.234", "17"], True, [1234.00, 17.00]),
    (["1.5", "2.25"], None, [1.50, 2.25]),
])
def test_amounts(raw, decimal_comma, expected):
    got, bad = values.parse_amounts(_s(*raw), decimal_comma)
    assert got.round(3).tolist() == pytest.approx(expected)
    assert not bad.any()


def test_amount_placeholders_are_empty_and_words_are_bad():
    got, bad = values.parse_amounts(_s("--", "", None, "n/a", "abc", "12"))
    assert got.isna().tolist() == [True, True, True, True, True, False]
    assert bad.tolist() == [False, False, False, False, True, False]


@pytest.mark.parametrize("raw, expected", [
    ("2025-03-04T10:22:11.000+0000", dt.datetime(2025, 3, 4, 10, 22, 11)),
    ("2025-03-04T12:22:11+02:00", dt.datetime(2025, 3, 4, 10, 22, 11)),   # to UTC
    ("2025-03-04T10:22:11Z", dt.datetime(2025, 3, 4, 10, 22, 11)),
    ("2025-03-04 10:22", dt.datetime(2025, 3, 4, 10, 22)),
    ("2025-03-04", dt.datetime(2025, 3, 4)),
    ("20250304", dt.datetime(2025, 3, 4)),
    ("2025/03/04", dt.datetime(2025, 3, 4)),
    ("Jan 5, 2025", dt.datetime(2025, 1, 5)),
    ("5 January 2025", dt.datetime(2025, 1, 5)),
    ("45678", dt.datetime(2025, 1, 21)),                   # Excel serial day
    ("45678.5", dt.datetime(2025, 1, 21, 12)),
    ("1/1/2025, 12:00 AM", dt.datetime(2025, 1, 1, 0, 0)),
    ("11/20/2026 9:14 PM", dt.datetime(2026, 11, 20, 21, 14)),
    ("31.03.2025", dt.datetime(2025, 3, 31)),
    ("1732196036000000", dt.datetime(2024, 11, 21, 13, 33, 56)),   # epoch microseconds
])
def test_date_formats(raw, expected):
    got, bad, _ = values.parse_datetimes(_s(raw))
    assert not bad.any()
    assert got.iloc[0].to_pydatetime() == expected


def test_day_month_order_is_decided_per_column():
    us, _, note_us = values.parse_datetimes(_s("3/4/2025", "12/31/2025"))
    eu, _, note_eu = values.parse_datetimes(_s("3/4/2025", "31/12/2025"))
    assert [d.date() for d in us] == [dt.date(2025, 3, 4), dt.date(2025, 12, 31)] and note_us is None
    assert [d.date() for d in eu] == [dt.date(2025, 4, 3), dt.date(2025, 12, 31)] and note_eu is None
    guessed, _, note = values.parse_datetimes(_s("3/4/2025", "5/6/2025"))
    assert guessed.iloc[0].date() == dt.date(2025, 3, 4) and note == "month/day"
    dotted, _, note_dot = values.parse_datetimes(_s("3.4.2025"))
    assert dotted.iloc[0].date() == dt.date(2025, 4, 3) and note_dot is None   # D.M.YYYY by convention


def test_bad_dates_are_marked():
    got, bad, _ = values.parse_datetimes(_s("2025-13-45", "soon", "", "2025-01-01"))
    assert bad.tolist() == [True, True, False, False]
    assert got.isna().tolist() == [True, True, True, False]


def test_booleans_and_counts():
    b, bad = values.parse_bools(_s("TRUE", "0", "yes", "N", "maybe", ""))
    assert b.tolist()[:4] == [True, False, True, False] and bad.tolist() == [False] * 4 + [True, False]
    n, bad = values.parse_ints(_s("1,234", "1.234", "1 234", "12", "1.5", "--"))
    assert n.tolist()[:4] == [1234, 1234, 1234, 12] and bad.tolist() == [False] * 4 + [True, False]


def test_urls_and_parameters():
    raw = _s("https://www.Acme.com/Blog/Post/?utm_source=google&utm_campaign=Brand%20Q1#x",
             "http://acme.com:8080/x/", "//www2.acme.com", None)
    assert values.normalise_urls(raw).tolist()[:3] == ["acme.com/blog/post", "acme.com/x", "acme.com"]
    params = values.url_parameters(raw, ("utm_source", "utm_campaign", "utm_medium"))
    assert params["utm_source"].tolist()[0] == "google"
    assert params["utm_campaign"].tolist()[0] == "Brand Q1"
    assert params["utm_medium"].isna().all()


def test_stable_ids_are_deterministic():
    a = values.stable_ids([_s("v1", "v2"), _s("1", None)], "ev-")
    b = values.stable_ids([_s("v1", "v2"), _s("1", "")], "ev-")
    assert a.tolist() == b.tolist() and a.iloc[0] != a.iloc[1] and a.iloc[0].startswith("ev-")


@pytest.mark.parametrize("title, persona", [
    ("CEO", "Executive"), ("Founder & CEO", "Executive"), ("Chief Marketing Officer", "Executive"),
    ("VP Marketing", "Marketing"), ("Vice President, Sales", "Sales"), ("Head of RevOps", "Operations"),
    ("IT Director", "IT/Engineering"), ("Senior Software Engineer", "IT/Engineering"), ("Controller", "Finance"),
    ("Head of Operations", "Operations"), ("Intern", "Other"), (None, None),
])
def test_personas(title, persona):
    assert personas.persona_for_title(title) == persona


def test_regions_and_segments():
    got = personas.regions_from_countries(_s("US", "Germany", "united kingdom", "Brazil", "JP", "Mars"))
    assert got.tolist()[:5] == ["North America", "EMEA", "EMEA", "LATAM", "APAC"] and pd.isna(got.iloc[5])
    seg = personas.segments_from_employees(pd.Series([10, 199, 200, 1999, 2000, None], dtype="Int64"))
    assert seg.tolist()[:5] == ["SMB", "SMB", "Mid-Market", "Mid-Market", "Enterprise"] and pd.isna(seg.iloc[5])
