"""Great Expectations suites: one per export kind, problems naming file line numbers."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from connectors import suites
from connectors.base import KIND_TABLE, Parsed
from data_models import db

D = dt.date


def parsed(kind: str, rows: list[dict], mapping: dict | None = None, name: str = "export.csv") -> Parsed:
    frame = pd.DataFrame(rows)
    frame.insert(0, "_row", range(2, len(frame) + 2))
    return Parsed(file_name=name, kind=kind, layout="test", frame=frame, mapping=mapping or {})


def brief(problems):
    return [(p.row, p.column, p.rule, p.severity) for p in problems]


def test_one_suite_per_kind_with_descriptions():
    defs = suites.suite_definitions()
    assert set(defs) == set(KIND_TABLE)
    opps = defs["crm.opportunities"]
    assert opps[:3] == [
        {"expectation": "expect_column_to_exist", "columns": ["opportunity_id"], "severity": "error",
         "description": "the export has a column for opportunity_id", "kwargs": {"column": "opportunity_id"}},
        {"expectation": "expect_column_values_to_not_be_null", "columns": ["opportunity_id"], "severity": "error",
         "description": "opportunity_id is filled in on every row", "kwargs": {"column": "opportunity_id"}},
        {"expectation": "expect_column_values_to_be_unique", "columns": ["opportunity_id"], "severity": "error",
         "description": "opportunity_id identifies one row: no value appears twice",
         "kwargs": {"column": "opportunity_id"}},
    ]
    warnings = [(d["expectation"], d["columns"]) for d in opps if d["severity"] == "warning"]
    assert warnings == [("expect_column_pair_values_a_to_be_greater_than_b", ["close_date", "created_date"])]
    ads = {(d["expectation"], tuple(d["columns"])): d["severity"] for d in defs["ads.spend"]}
    assert ads[("expect_compound_columns_to_be_unique", ("spend_date", "platform", "ad_campaign"))] == "error"
    assert ads[("expect_column_pair_values_a_to_be_greater_than_b", ("impressions", "clicks"))] == "warning"
    date_check = next(d for d in opps if d["columns"] == ["close_date"])
    assert date_check["kwargs"] == {"column": "close_date", "min_value": "1990-01-01T00:00:00",
                                    "max_value": "2100-12-31T23:59:59"}


def test_opportunities_problems_name_rows_and_file_columns():
    p = parsed("crm.opportunities", [
        {"opportunity_id": "O1", "amount": 100.0, "created_date": D(2026, 1, 10), "close_date": D(2026, 2, 1),
         "is_closed": True, "is_won": True},
        {"opportunity_id": "O2", "amount": -5.0, "created_date": D(2026, 1, 11), "close_date": D(2025, 12, 1),
         "is_closed": False, "is_won": True},
        {"opportunity_id": "O1", "amount": 7.0, "created_date": D(1985, 1, 12), "close_date": None,
         "is_closed": None, "is_won": None},
        {"opportunity_id": None, "amount": None, "created_date": D(2026, 3, 1), "close_date": D(2200, 1, 1),
         "is_closed": False, "is_won": False},
    ], mapping={"Id": "opportunity_id", "Amount": "amount", "CloseDate": "close_date"}, name="opps.csv")
    problems = suites.validate(p)
    assert brief(problems) == [
        (5, "Id", "expect_column_values_to_not_be_null", "error"),
        (2, "Id", "expect_column_values_to_be_unique", "error"),
        (4, "Id", "expect_column_values_to_be_unique", "error"),
        (3, "Amount", "expect_column_values_to_be_between", "error"),
        (4, "created_date", "expect_column_values_to_be_between", "error"),
        (5, "CloseDate", "expect_column_values_to_be_between", "error"),
        (3, "is_won", "expect_column_pair_values_to_be_in_set", "error"),
        (3, "CloseDate", "expect_column_pair_values_a_to_be_greater_than_b", "warning"),
    ]
    assert str(problems[1]) == (
        "opps.csv, row 2, column Id: Id appears more than once in the file (also on row 4) (O1). "
        "Keep one row per value: remove the duplicate rows.")
    assert (problems[3].message, problems[3].value) == ("Amount is negative", "-5")
    assert (problems[5].message, problems[5].value) == ("CloseDate is outside 1990..2100", "2200-01-01")
    assert problems[6].message == "the deal is marked won but not closed"
    assert problems[7].value == "CloseDate=2025-12-01, created_date=2026-01-11"


def test_clean_page_views_pass_and_results_are_kept():
    p = parsed("web.page_views", [
        {"event_id": f"e{i}", "visitor_id": "v1", "occurred_at": pd.Timestamp("2026-05-01 10:00") + pd.Timedelta(minutes=i),
         "url": "example.com/blog/a"} for i in range(5)
    ])
    run = suites.run_suite(p)
    assert run.problems == [] and run.bad_rows == {}
    assert [(r.expectation, r.column, r.success) for r in run.results] == [
        ("expect_column_to_exist", "event_id", True),
        ("expect_column_values_to_not_be_null", "event_id", True),
        ("expect_column_values_to_be_unique", "event_id", True),
        ("expect_column_to_exist", "visitor_id", True),
        ("expect_column_values_to_not_be_null", "visitor_id", True),
        ("expect_column_to_exist", "occurred_at", True),
        ("expect_column_values_to_not_be_null", "occurred_at", True),
        ("expect_column_values_to_be_between", "occurred_at", True),
    ]
    con = db.connect(":memory:")
    suites.record_results(con, "web.page_views", 7, run.results, dt.datetime(2026, 5, 2, 9, 0))
    suites.record_results(con, "web.page_views", 8, run.results[:2], dt.datetime(2026, 5, 3, 9, 0))
    assert con.execute("select kind, load_id, validated_at, expectation, column_name, success, unexpected_count,"
                       " severity from validation_results order by expectation").fetchall() == [
        ("web.page_views", 8, dt.datetime(2026, 5, 3, 9, 0), "expect_column_to_exist", "event_id", True, 0, "error"),
        ("web.page_views", 8, dt.datetime(2026, 5, 3, 9, 0), "expect_column_values_to_not_be_null", "event_id",
         True, 0, "error"),
    ]


def test_missing_required_column_is_one_file_level_error():
    p = parsed("web.page_views", [{"event_id": "e1", "occurred_at": pd.Timestamp("2026-05-01")}])
    problems = suites.validate(p)
    assert brief(problems) == [(None, "visitor_id", "expect_column_to_exist", "error")]
    assert problems[0].message == "the file has no column for visitor_id"


@pytest.mark.parametrize("kind, row, column, value", [
    ("crm.campaigns", {"campaign_id": "C1", "channel": "tv", "cost": 10.0}, "channel", "tv"),
    ("survey.responses", {"response_id": "R1", "respondent_key": "k", "respondent_role": "CFO", "question_id": "q1"},
     "respondent_role", "CFO"),
    ("content.assets", {"asset_id": "A1", "url": "x.com/a", "asset_type": "podcast"}, "asset_type", "podcast"),
    ("buyer.interviews", {"interview_id": "I1", "outcome": "maybe", "insight_area": "buyer_journey"}, "outcome", "maybe"),
    ("buyer.interviews", {"interview_id": "I1", "outcome": "won", "insight_area": "pricing"}, "insight_area", "pricing"),
    ("crm.touchpoints", {"touchpoint_id": "T1", "occurred_at": pd.Timestamp("2026-01-01"), "channel": "email",
                         "touch_type": "fax"}, "touch_type", "fax"),
])
def test_fixed_vocabularies(kind, row, column, value):
    problems = suites.validate(parsed(kind, [row]))
    assert [(p.row, p.column, p.rule, p.value) for p in problems] == [
        (2, column, "expect_column_values_to_be_in_set", value)]


def test_ad_spend_compound_key_and_click_warning():
    day = D(2026, 3, 1)
    p = parsed("ads.spend", [
        {"spend_date": day, "platform": "linkedin", "ad_campaign": "Q1", "impressions": 100, "clicks": 150, "cost": 10.0},
        {"spend_date": day, "platform": "linkedin", "ad_campaign": "Q2", "impressions": 100, "clicks": 5, "cost": -1.0},
        {"spend_date": day, "platform": "linkedin", "ad_campaign": "Q1", "impressions": 10, "clicks": 1, "cost": 1.0},
    ])
    problems = suites.validate(p)
    assert brief(problems) == [
        (2, "spend_date", "expect_compound_columns_to_be_unique", "error"),
        (4, "spend_date", "expect_compound_columns_to_be_unique", "error"),
        (3, "cost", "expect_column_values_to_be_between", "error"),
        (2, "impressions", "expect_column_pair_values_a_to_be_greater_than_b", "warning"),
    ]
    assert problems[0].message == ("the combination spend_date + platform + ad_campaign appears more than once "
                                   "in the file (also on row 4)")
    assert problems[0].value == "spend_date=2026-03-01, platform=linkedin, ad_campaign=Q1"


def test_text_in_a_date_column_and_the_cap_on_messages():
    rows = [{"event_id": "same", "visitor_id": "v", "occurred_at": "2026-01-01"} for _ in range(150)]
    rows[0]["occurred_at"] = "soon"
    run = suites.run_suite(parsed("web.page_views", rows))
    assert brief(run.problems[:1]) == [(2, "occurred_at", "date_format", "error")]
    unique = [p for p in run.problems if p.rule == "expect_column_values_to_be_unique"]
    assert len(unique) == suites.MAX_PROBLEMS_PER_CHECK + 1
    assert (unique[-1].row, unique[-1].message) == (
        None, "... and 50 more rows: {column} appears more than once in the file".format(column="event_id"))
    assert len(run.bad_rows) == 150
