"""Pipeline, revenue, reconciliation, sourced, influenced and velocity on the hand-made CRM of
tests/test_metrics_fixture.py (its docstring lists every deal and touch with its day counts)."""
from __future__ import annotations

import dataclasses
import math
import datetime as dt
from decimal import Decimal

import pytest

from data_models import db, metrics
from data_models.params import Params
from tests.test_metrics_fixture import Q1, TS, build, insert

D = dt.date
DEC = Decimal


@pytest.fixture(scope="module")
def con():
    return build()


def test_pipeline_total_equals_the_crm_total_to_the_cent(con):
    df = metrics.pipeline(con, Q1)
    # O1..O4, O6, O7 created in Q1: 1000.10 + 2000.20 + 3000.30 + 4000.40 + 0 (O6 no amount) + 700.07
    assert df[["period", "opportunities", "amount", "missing_amount"]].values.tolist() == [
        ["FY2025 Q1", 6, DEC("10701.07"), 1]]
    assert metrics.crm_pipeline_total(con, Q1) == (6, DEC("10701.07"))


def test_pipeline_by_month_and_segment(con):
    df = metrics.pipeline(con, Q1, by=("period", "segment"), grain="month")
    assert df[["period", "segment", "opportunities", "amount"]].values.tolist() == [
        ["2025-01", "Enterprise", 1, DEC("700.07")],                 # O7
        ["2025-02", "Enterprise", 2, DEC("3000.30")],                # O1 + O2
        ["2025-03", "SMB", 3, DEC("7000.70")],                       # O3 + O4 + O6
    ]
    assert df["period_start"].tolist() == [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)]


def test_pipeline_by_channel_adds_up_to_the_total(con):
    df = metrics.pipeline(con, Q1, by="channel")
    assert dict(zip(df["channel"], df["amount"])) == {
        "email": DEC("700.07"), "other": DEC("4000.40"), "partner": DEC("3000.30"),
        "sales_outbound": DEC("2000.20"), "webinar": DEC("1000.10")}
    assert sum(df["amount"], DEC(0)) == DEC("10701.07")


def test_segment_filter_matches_the_crm_filter(con):
    smb = dataclasses.replace(Q1, segment="SMB")
    # SMB: O3 3000.30 + O4 4000.40 + O6 null
    assert metrics.pipeline(con, smb, by=())["amount"].tolist() == [DEC("7000.70")]
    assert metrics.crm_pipeline_total(con, smb) == (3, DEC("7000.70"))


def test_fiscal_quarters_follow_the_fiscal_year_start():
    con = build()
    fy_feb = Params(start=D(2024, 11, 1), end=D(2025, 4, 30), fiscal_year_start_month=2)
    df = metrics.pipeline(con, fy_feb, grain="quarter")
    # FY starting in February: Nov-Jan is FY2025 Q4 (O5 500.00 on 2024-12-01, O7 700.07 on 2025-01-20),
    # Feb-Apr is FY2026 Q1 (O1..O4, O6 = 10001.00)
    assert df[["period", "period_start", "opportunities", "amount"]].values.tolist() == [
        ["FY2025 Q4", D(2024, 11, 1), 2, DEC("1200.07")],
        ["FY2026 Q1", D(2025, 2, 1), 5, DEC("10001.00")],
    ]


def test_revenue_is_won_amount_by_close_date(con):
    df = metrics.revenue(con, Q1, by=())
    # O1 won 2025-03-20 (1000.10) + O5 won 2025-01-15 (500.00); O3 lost
    assert df[["opportunities", "amount"]].values.tolist() == [[2, DEC("1500.10")]]


@pytest.mark.parametrize("definition,expected", [
    # lead source: O1 Webinar + O7 Email (primary contact) | O2 Cold Call | O3 Partner | O4 Bogus + O6 none
    ("lead_source", {"marketing": (2, "1700.17"), "sales": (1, "2000.20"),
                     "partner": (1, "3000.30"), "unknown": (2, "4000.40")}),
    # first touch within 90 days before creation: O1 T1 webinar, O3 T5 content (account), O4 T5 content
    # | O2 T3 sales_outbound | none | O6 no touch, O7 only T7 203 days before
    ("first_touch", {"marketing": (3, "8000.80"), "sales": (1, "2000.20"),
                     "partner": (0, "0.00"), "unknown": (2, "700.07")}),
])
def test_sourced_pipeline_splits_add_up_to_total_exactly(con, definition, expected):
    df = metrics.sourced_pipeline(con, dataclasses.replace(Q1, sourced_definition=definition))
    got = {r.source_group: (r.opportunities, str(r.amount)) for r in df.itertuples()}
    assert got == expected
    assert sum(df["amount"], DEC(0)) == DEC("10701.07")
    assert df["share"].sum() == pytest.approx(1.0)


def test_sourced_pipeline_by_period_has_every_group_every_period(con):
    df = metrics.sourced_pipeline(con, Q1, grain="month")
    assert len(df) == 3 * 4
    feb = df[df["period"] == "2025-02"].set_index("source_group")
    # Feb: O1 marketing 1000.10, O2 sales 2000.20 -> shares 1/3 and 2/3
    assert feb.loc["marketing", "amount"] == DEC("1000.10")
    assert feb.loc["marketing", "share"] == pytest.approx(1000.10 / 3000.30)
    assert feb.loc["partner", "amount"] == DEC("0.00")


@pytest.mark.parametrize("start,expected", [
    # Feb + Mar: O1 (Feb, first touch webinar) 1000.10, O3 3000.30 and O4 4000.40 (Mar, content) are
    # marketing; O2 (Feb, sales) 2000.20 and O6 (Mar, no amount) are not: 8000.80 of 10001.00
    (D(2025, 2, 1), (DEC("8000.80"), DEC("10001.00"))),
    # the whole quarter: O7 (Jan, 700.07, unknown) joins the total
    (D(2025, 1, 1), (DEC("8000.80"), DEC("10701.07"))),
])
def test_sourced_share_of_whole_periods_equals_sourced_share(con, start, expected):
    p = dataclasses.replace(Q1, sourced_definition="first_touch")
    share, amount, total = metrics.sourced_share_of(metrics.sourced_pipeline(con, p, grain="month"), start)
    assert (amount, total) == expected
    assert share == pytest.approx(float(expected[0]) / float(expected[1]))
    assert (share, amount, total) == metrics.sourced_share(con, dataclasses.replace(p, start=start))


def test_influenced_of_whole_quarters_adds_up_the_quarters():
    import pandas as pd

    by_quarter = pd.DataFrame({
        "period_start": [D(2025, 1, 1), D(2025, 4, 1), D(2025, 7, 1)],
        "total_opportunities": [5, 2, 3], "total_amount": [DEC("500.00"), DEC("200.00"), DEC("300.50")],
        "influenced_opportunities": [4, 1, 2], "influenced_amount": [DEC("400.00"), DEC("100.00"), DEC("150.25")],
        "via_account_opportunities": [1, 0, 1], "via_account_amount": [DEC("10.00"), DEC("0.00"), DEC("0.25")],
    })
    row = metrics.influenced_of(by_quarter, D(2025, 4, 1), Q1).iloc[0]
    # Q2 + Q3: 5 deals, 500.50; influenced 3 deals, 250.25 (one through its account, 0.25)
    assert (row.total_opportunities, row.total_amount) == (5, DEC("500.50"))
    assert (row.influenced_opportunities, row.influenced_amount) == (3, DEC("250.25"))
    assert (row.via_account_opportunities, row.via_account_amount) == (1, DEC("0.25"))
    assert row.influenced_share == pytest.approx(250.25 / 500.50)
    assert row.lookback_days == 90


def test_influenced_of_the_quarter_equals_influenced_pipeline(con):
    got = metrics.influenced_of(metrics.influenced_by(con, Q1, "quarter"), Q1.start, Q1)
    want = metrics.influenced_pipeline(con, Q1)
    assert got.columns.tolist() == want.columns.tolist()
    # 6 deals, 10701.07; influenced O1, O3, O4: 8000.80, O3 through its account (3000.30)
    assert got.iloc[0].tolist() == want.iloc[0].tolist() == [
        6, DEC("10701.07"), 3, DEC("8000.80"), 8000.80 / 10701.07, 1, DEC("3000.30"), 90]


def test_lookback_moves_a_touch_into_the_window(con):
    # 140 days of lookback takes in T2 (paid_search, 132 days before O1) as O1's first touch, and T7 stays out
    df = metrics.sourced_by_opportunity(con, dataclasses.replace(Q1, lookback_days=140, sourced_definition="first_touch"))
    first = dict(zip(df["opportunity_id"], df["first_touch_channel"]))
    assert first["O1"] == "paid_search"
    assert first["O7"] is None or first["O7"] != first["O7"]


def test_first_touch_ties_go_to_the_lowest_touchpoint_id():
    """Two touches at the same moment: the first touch is the one with the lowest touchpoint id."""
    con = build()                                         # its own database: touches are added below
    p = dataclasses.replace(Q1, sourced_definition="first_touch")
    first = dict(zip(*metrics.sourced_by_opportunity(con, p)[["opportunity_id", "first_touch_channel"]].T.values))
    assert first["O1"] == "webinar"                       # T1, Jan 20 10:00, 21 days before O1
    insert(con, "touchpoints", [
        dict(touchpoint_id="T0", contact_id="C1", occurred_at=TS(2025, 1, 20, 10), channel="email", touch_type="event"),
        dict(touchpoint_id="T9", contact_id="C1", occurred_at=TS(2025, 1, 20, 10), channel="events", touch_type="event")])
    db.refresh_models(con)
    first = dict(zip(*metrics.sourced_by_opportunity(con, p)[["opportunity_id", "first_touch_channel"]].T.values))
    assert first["O1"] == "email"                         # T0 < T1 < T9, all at Jan 20 10:00


def test_reconciliation_explains_the_difference(con):
    df = metrics.reconciliation(con, Q1).set_index("line")
    got = {k: (int(r.opportunities), r.amount) for k, r in df.iterrows()}
    assert got == {
        "CRM total pipeline": (6, DEC("10701.07")),
        "Attributed pipeline": (4, DEC("10001.00")),               # O1..O4 have a touch in the window
        "Difference": (2, DEC("700.07")),
        "Reason: no touches at all": (1, DEC("0.00")),              # O6
        "Reason: touches only outside the lookback window": (1, DEC("700.07")),   # O7: T7 203 days before
        "Note: attributed through account fallback only": (1, DEC("3000.30")),   # O3
        "Note: missing amount": (1, DEC("0.00")),                   # O6
    }
    reasons = got["Reason: no touches at all"][1] + got["Reason: touches only outside the lookback window"][1]
    assert reasons == got["Difference"][1]


def test_influenced_pipeline_counts_each_deal_once_and_flags_fallback(con):
    row = metrics.influenced_pipeline(con, Q1).iloc[0]
    # O1 (T1 webinar), O3 (T5 content, via account; T6 after close), O4 (T5 + T6): 1000.10 + 3000.30 + 4000.40
    # O2 only sales touches, O6 none, O7 outside the window
    assert int(row.influenced_opportunities) == 3
    assert row.influenced_amount == DEC("8000.80")
    assert int(row.via_account_opportunities) == 1 and row.via_account_amount == DEC("3000.30")
    assert row.influenced_share == pytest.approx(8000.80 / 10701.07)


def test_influenced_by_channel_linear_adds_up_to_the_influenced_total(con):
    df = metrics.influenced_by_channel(con, Q1, model="linear")
    # O1: webinar 1000.10; O3: content 3000.30; O4: content and paid_social half each = 2000.20 + 2000.20
    assert dict(zip(df["channel"], df["amount"])) == {
        "content": DEC("5000.50"), "paid_social": DEC("2000.20"), "webinar": DEC("1000.10")}
    assert dict(zip(df["channel"], df["credited_opportunities"])) == {"content": 1.5, "paid_social": 0.5, "webinar": 1.0}
    assert sum(df["amount"], DEC(0)) == DEC("8000.80")


def test_influenced_by_channel_with_the_default_model_still_adds_up(con):
    df = metrics.influenced_by_channel(con, Q1)
    assert sum(df["amount"], DEC(0)) == DEC("8000.80")
    assert df["credited_opportunities"].sum() == pytest.approx(3.0)
    assert set(df["channel"]) <= {"content", "paid_social", "webinar"}


def test_velocity_formula(con):
    row = metrics.velocity(con, Q1).iloc[0]
    # open on 2025-03-31: O2, O4, O6, O7 = 4; closed in Q1: O1 won, O3 lost, O5 won -> win rate 2/3
    # avg won = 1500.10 / 2 = 750.05; avg cycle of won = (38 + 45) / 2 = 41.5 days
    assert (row.open_opportunities, row.closed_deals, row.won_deals) == (4, 3, 2)
    assert row.avg_cycle_days == 41.5
    assert row.velocity_per_day == pytest.approx(4 * (2 / 3) * 750.05 / 41.5)


def test_apportion_rounds_to_cents_that_add_up():
    # 100.00 in thirds: 3333.33.. cents each, the one left over goes to the first largest remainder
    assert metrics.apportion(DEC("100.00"), [1, 1, 1]) == [DEC("33.34"), DEC("33.33"), DEC("33.33")]
    assert metrics.apportion(DEC("0.05"), [0.5, 0.25, 0.25]) == [DEC("0.03"), DEC("0.01"), DEC("0.01")]


def test_wilson_interval_matches_the_formula():
    # 8 of 10, z = 1.96: centre = (0.8 + 1.96^2/20) / (1 + 1.96^2/10) = 0.99208 / 1.38416 = 0.71674
    # half = 1.96 * sqrt(0.8*0.2/10 + 1.96^2/400) / 1.38416 = 1.96 * sqrt(0.016 + 0.009604) / 1.38416 = 0.22657
    lo, hi = metrics.wilson_interval(8, 10, z=1.96)
    assert lo == pytest.approx(0.71674 - 0.22657, abs=1e-4)
    assert hi == pytest.approx(0.71674 + 0.22657, abs=1e-4)
    assert all(math.isnan(x) for x in metrics.wilson_interval(0, 0))


def test_unknown_grouping_is_refused(con):
    with pytest.raises(ValueError):
        metrics.pipeline(con, Q1, by="amount; drop table opportunities")
