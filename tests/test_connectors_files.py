"""The awkward-file corpus in tests/fixtures/connectors (written by make_fixtures.py): encodings,
delimiters, preambles, footers, line breaks inside values, workbooks, zips, bad values.
Expected rows are worked out by hand from the fixture text."""
from __future__ import annotations

import datetime as dt
import pathlib

import pytest

from connectors import files
from connectors.base import ROW_COLUMN, ConnectorError
from connectors.parse import parse_file

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "connectors"
D = dt.date


def parse(name, **kw):
    return parse_file(name, (FIXTURES / name).read_bytes(), **kw)


def one(name, **kw):
    [parsed] = parse(name, **kw)
    return parsed


def test_bom_semicolons_decimal_commas_and_dotted_dates():
    p = one("bom_semicolon_decimal_comma.csv")
    assert (p.kind, p.layout) == ("crm.opportunities", "salesforce.report.opportunities")
    f = p.frame
    assert f["opportunity_id"].tolist() == ["O-1", "O-2", "O-3"]
    assert f["amount"].tolist()[:2] == [1234.56, 980.00] and f["amount"].isna().tolist()[2]
    assert f["created_date"].tolist() == [D(2025, 1, 5), D(2025, 2, 13), D(2025, 3, 1)]
    assert f["is_won"].tolist() == [True, False, False] and f["is_closed"].tolist() == [True, True, False]
    assert not p.problems


def test_utf16_tab_google_ads_with_title_rows_and_totals():
    table = files.read_table("g.csv", (FIXTURES / "google_ads_utf16le_tab.csv").read_bytes())
    assert (table.encoding, table.delimiter, table.header_row) == ("utf-16-le", "\t", 3)
    assert table.preamble == ["Campaign report", "January 1, 2025 - January 2, 2025"]
    assert len(table.footer) == 2 and table.footer[0].startswith("Total: Account")
    p = one("google_ads_utf16le_tab.csv")
    assert (p.kind, p.layout) == ("ads.spend", "google_ads.campaign_report")
    f = p.frame
    assert f[ROW_COLUMN].tolist() == [4, 5, 6]
    assert f["impressions"].tolist()[:2] == [1234, 987] and f["impressions"].isna().tolist()[2]   # "--"
    assert f["cost"].tolist() == [1005.50, 800.00, 0.00]
    assert f["platform"].unique().tolist() == ["google_ads"] and f["campaign_id"].isna().all()
    assert not p.errors


def test_cp1252_crlf_quoted_commas():
    p = one("cp1252_contacts_crlf.csv")
    assert p.kind == "crm.contacts"
    f = p.frame
    assert f["email"].tolist() == ["renée@example.com", "jose@example.com"]
    assert f["title"].tolist() == ["Directrice Marketing, EMEA", "Chief Financial Officer (budget € 1M)"]
    assert f["persona"].tolist() == ["Marketing", "Executive"]
    assert f["record_type"].tolist() == ["contact", "contact"]


def test_embedded_newlines_keep_spreadsheet_row_numbers():
    p = one("interviews_embedded_newlines.csv")
    f = p.frame
    assert f[ROW_COLUMN].tolist() == [2, 3, 4]                 # one record spans three physical lines
    assert f["note"].iloc[0] == 'They said:\r\n"the comparison page sold it"\r\nand moved on.'
    assert f["outcome"].tolist() == ["won", "lost", "no_decision"]
    [error] = p.errors
    assert (error.row, error.column, error.value, error.rule) == (3, "date", "03/02/2025x", "date_format")


def test_bad_values_are_reported_with_their_rows_below_a_preamble():
    p = one("bad_values.csv")
    found = sorted((e.row, e.column, e.value, e.rule) for e in p.errors)
    assert found == [
        (5, "Amount", "abc", "amount_format"),
        (6, "Created Date", "2025-13-45", "date_format"),
        (7, "Won", "maybe", "boolean_format"),
        (8, "Opportunity ID", None, "not_null"),
    ]
    assert p.frame[ROW_COLUMN].tolist() == [4, 5, 6, 7]        # the row without a key is set aside
    assert all(e.hint for e in p.errors)


def test_ambiguous_dates_warn_once_per_column():
    p = one("ambiguous_dates.csv")
    assert p.frame["created_date"].tolist() == [D(2025, 1, 2), D(2025, 5, 6)]
    assert sorted(w.column for w in p.warnings if w.rule == "date_order") == ["Close Date", "Created Date"]
    assert not p.errors


def test_row_with_too_many_values_is_an_error_and_short_rows_are_padded():
    p = one("too_many_fields.csv")
    [error] = p.errors
    assert (error.row, error.rule) == (3, "row_width")
    assert p.frame["opportunity_id"].tolist() == ["T-1", "T-3"]
    assert p.frame[ROW_COLUMN].tolist() == [2, 4]


def test_pipe_delimited_generic_spend_adds_up_repeated_rows():
    p = one("spend_pipe.txt")
    assert (p.kind, p.layout) == ("ads.spend", "generic.ad_spend")
    f = p.frame
    assert f["platform"].tolist() == ["google_ads", "linkedin"]
    assert f["cost"].tolist() == [100.10, 299.90] and f["impressions"].tolist() == [1000, 5100]
    assert f[ROW_COLUMN].tolist() == [2, 3]
    assert [w.rule for w in p.warnings] == ["rows_combined"]


def test_utf16be_content_assets():
    p = one("content_utf16be.csv")
    f = p.frame
    assert f["url"].tolist() == ["example.com/blog/why-roi", "example.com/compare/us-vs-them",
                                 "example.com/resources/guides/attribution"]
    assert f["asset_type"].tolist() == ["blog", "comparison", "guide"]
    assert f["published_date"].tolist() == [D(2025, 1, 5), D(2025, 2, 10), D(2025, 3, 1)]
    assert f["asset_id"].str.startswith("ca-").all() and f["asset_id"].is_unique


def test_xlsx_first_sheet_blank_rows_serial_dates_and_total_row():
    p = one("deals.xlsx")
    assert p.kind == "crm.opportunities"
    f = p.frame
    assert f["opportunity_id"].tolist() == ["D-1", "D-2", "D-3"]
    assert f[ROW_COLUMN].tolist() == [4, 6, 7]
    assert f["created_date"].tolist() == [D(2025, 1, 5), D(2025, 1, 21), D(2025, 2, 1)]
    assert f["close_date"].tolist()[:2] == [D(2025, 3, 1), D(2025, 3, 15)]
    assert f["is_won"].tolist() == [True, False, False] and f["amount"].tolist()[:2] == [1200.50, 800.00]
    assert [w.rule for w in p.warnings] == ["other_sheets"]


def test_zip_gives_one_result_per_member():
    results = parse("salesforce_export.zip")
    assert [(r.file_name, r.kind) for r in results] == [
        ("salesforce_export.zip:export/Account.csv", "crm.accounts"),
        ("salesforce_export.zip:export/OpportunityContactRole.csv", "crm.opportunity_contact_roles"),
    ]
    assert results[0].frame[["account_id", "region", "segment"]].values.tolist() == [["001A", "EMEA", "Mid-Market"]]


def test_unknown_layout_lists_layouts_and_columns():
    with pytest.raises(ConnectorError) as caught:
        parse("unknown_layout.csv")
    [problem] = caught.value.problems
    assert problem.rule == "unknown_layout"
    assert "foo, bar, baz" in problem.message and "hubspot.deals" in problem.message
    assert "--kind" in problem.hint and "mapping editor" in problem.hint


def test_salesforce_report_footer_is_not_data():
    text = ('"Campaign ID","Campaign Name","Lead/Contact ID","Member Status","Responded","First Responded Date",'
            '"Created Date"\n'
            '"701A","Webinar","00QA","Attended","1","11/25/2024","11/5/2024"\n'
            '"701A","Webinar","003B","No Show","0","","11/6/2024"\n'
            '\n'
            '"Campaign Members"\n'
            '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'
            '"Confidential Information - Do Not Distribute"\n'
            '"Generated By:  Dana Analyst  11/20/2026 9:14 AM"\n'
            'Acme Cloud, Inc.\n')
    [p] = parse_file("members.csv", text.encode())
    assert (p.kind, p.layout) == ("crm.campaign_members", "salesforce.report.campaign_members")
    f = p.frame
    assert f["contact_id"].tolist() == ["00QA", "003B"] and f["has_responded"].tolist() == [True, False]
    assert f["first_responded_at"].iloc[0] == dt.datetime(2024, 11, 25)
    assert f["created_at"].tolist() == [dt.datetime(2024, 11, 5), dt.datetime(2024, 11, 6)]
    assert not p.problems


@pytest.mark.parametrize("payload, rule", [
    (b"", "empty_file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_excel"),
    (b"just one line of text\n", "no_header"),
])
def test_unreadable_files(payload, rule):
    with pytest.raises(ConnectorError) as caught:
        parse_file("x.csv", payload)
    assert [p.rule for p in caught.value.problems] == [rule]
