"""Content-assisted deals on a small hand-made CRM.

Q1 2025, today 2025-03-31. One account, four contacts K1..K4, assets AS1..AS3.
  D1 won  1000.00 created 01-10 meeting 01-20 closed 02-10 (31 days)  K1: AS1 01-05, AS2 01-15, AS3 01-25 (after meeting)
  D2 lost 2000.00 created 01-15 no meeting    closed 03-01            K2: AS1 01-14 (before created date)
  D3 won  3000.00 created 02-01 meeting 02-05 closed 03-03 (30 days)  K3: AS2 02-05 (meeting day: not before)
  D4 lost  500.00 created 02-10               closed 03-10            K4: no touches
  D5 open  800.00 created 03-01                                        K1 (read AS1..AS3 before 03-01)
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from data_models import content, db
from data_models.params import Params
from tests.test_metrics_fixture import TS, insert

D = dt.date
P = Params(start=D(2025, 1, 1), end=D(2025, 3, 31), as_of=D(2025, 3, 31))
Z = 1.959963984540054


@pytest.fixture(scope="module")
def con():
    con = db.connect(":memory:")
    insert(con, "accounts", [dict(account_id="A1", segment="SMB", region="EMEA")])
    insert(con, "contacts", [dict(contact_id=k, account_id="A1", created_at=TS(2024, 12, 1)) for k in ("K1", "K2", "K3", "K4")])

    def opp(oid, amount, created, meeting, close, won):
        return dict(opportunity_id=oid, account_id="A1", amount=amount, created_date=created, first_meeting_date=meeting,
                    close_date=close, is_closed=close is not None, is_won=won)
    insert(con, "opportunities", [
        opp("D1", "1000.00", D(2025, 1, 10), D(2025, 1, 20), D(2025, 2, 10), True),
        opp("D2", "2000.00", D(2025, 1, 15), None, D(2025, 3, 1), False),
        opp("D3", "3000.00", D(2025, 2, 1), D(2025, 2, 5), D(2025, 3, 3), True),
        opp("D4", "500.00", D(2025, 2, 10), None, D(2025, 3, 10), False),
        opp("D5", "800.00", D(2025, 3, 1), None, None, False),
    ])
    insert(con, "opportunity_contact_roles", [
        dict(opportunity_id=o, contact_id=k, is_primary=True)
        for o, k in (("D1", "K1"), ("D2", "K2"), ("D3", "K3"), ("D4", "K4"), ("D5", "K1"))])
    insert(con, "content_assets", [dict(asset_id=a, url=f"x.com/{a}", title=a, asset_type="guide") for a in ("AS1", "AS2", "AS3")])
    insert(con, "touchpoints", [
        dict(touchpoint_id=t, contact_id=k, occurred_at=when, channel="content", touch_type="content_view", asset_id=a)
        for t, k, when, a in (("V1", "K1", TS(2025, 1, 5), "AS1"), ("V2", "K1", TS(2025, 1, 15), "AS2"),
                              ("V3", "K1", TS(2025, 1, 25), "AS3"), ("V4", "K2", TS(2025, 1, 14), "AS1"),
                              ("V5", "K3", TS(2025, 2, 5, 9), "AS2"))])
    return con


def test_consumption_per_deal(con):
    got = con.execute("select opportunity_id, assets_consumed, is_content_assisted, depth_bucket "
                      "from fct_content_consumption order by 1").fetchall()
    assert got == [("D1", 2, True, "1-2"), ("D2", 1, True, "1-2"), ("D3", 0, False, "0"),
                   ("D4", 0, False, "0"), ("D5", 3, False, "3-5")]   # D5 is open: consumed, not assisted


def test_assisted_vs_unassisted(con):
    df = content.assisted_comparison(con, P).set_index("group")
    a, u = df.loc["assisted"], df.loc["unassisted"]
    assert (a.deals, a.won, a.won_amount, a.avg_cycle_days, a.open_opportunities) == (2, 1, Decimal("1000.00"), 31.0, 1)
    assert (u.deals, u.won, u.won_amount, u.avg_cycle_days, u.open_opportunities) == (2, 1, Decimal("3000.00"), 30.0, 0)
    # velocity = open x win rate x avg won / cycle = 1 x 0.5 x 1000 / 31; unassisted has no open deal -> 0
    assert a.velocity_per_day == pytest.approx(1 * 0.5 * 1000 / 31)
    assert u.velocity_per_day == 0
    # Wilson for 1 of 2: centre = (0.5 + z^2/4) / (1 + z^2/2), half = z sqrt(0.125 + z^2/16) / (1 + z^2/2)
    centre = (0.5 + Z * Z / 4) / (1 + Z * Z / 2)
    half = Z * math.sqrt(0.5 * 0.5 / 2 + Z * Z / 16) / (1 + Z * Z / 2)
    assert a.win_rate == 0.5
    assert (a.win_rate_low, a.win_rate_high) == pytest.approx((centre - half, centre + half))
    assert (a.win_rate_low, a.win_rate_high) == pytest.approx((0.0945, 0.9055), abs=1e-4)


def test_assets_by_revenue_and_lift(con):
    by_rev = content.top_assets(con, P, order="revenue")
    # AS1: D1 won + D2 lost -> 2 deals, 1000.00; AS2: D1 only (D3 read it on the meeting day) -> 1000.00; AS3 after meeting
    assert by_rev[["asset_id", "deals", "won", "assisted_won_revenue"]].values.tolist() == [
        ["AS1", 2, 1, Decimal("1000.00")], ["AS2", 1, 1, Decimal("1000.00")]]
    by_lift = content.top_assets(con, P, order="lift", min_deals=1)
    # AS2: 1/1 with vs 1/3 without (D2, D3, D4) -> +66.7 points, lift 3.0; AS1: 1/2 vs 1/2 -> 0 points
    assert by_lift["asset_id"].tolist() == ["AS2", "AS1"]
    assert by_lift["lift_points"].tolist() == pytest.approx([1 - 1 / 3, 0.0])
    assert by_lift["lift"].tolist() == pytest.approx([3.0, 1.0])
    assert content.top_assets(con, P, order="lift", min_deals=2)["asset_id"].tolist() == ["AS1"]
    # the Content page ranks one `assets` frame both ways: the same tables as two top_assets queries
    every = content.assets(con, P)
    assert content.rank_assets(every, "revenue").equals(by_rev)
    assert content.rank_assets(every, "lift", min_deals=1).equals(by_lift)


def test_content_depth_buckets(con):
    df = content.content_depth(con, P)
    assert df["depth_bucket"].tolist() == ["0", "1-2", "3-5", "6-10", "11-20", "21+"]
    assert df["deals"].tolist() == [2, 2, 0, 0, 0, 0]    # D3, D4 | D1, D2
    assert df["won"].tolist() == [1, 1, 0, 0, 0, 0]
    assert df["win_rate"].iloc[0] == 0.5 and math.isnan(df["win_rate"].iloc[2])


def test_share_of_journey_before_the_first_meeting(con):
    row = content.journey_before_meeting(con, P).iloc[0]
    # won deals D1 (3 touches up to close, 2 before the meeting) and D3 (1 touch, on the meeting day): 2 / 4
    assert (row.won_deals, row.touches, row.touches_before_meeting) == (2, 4, 2)
    assert row.share == 0.5
    assert row.mean_deal_share == pytest.approx((2 / 3 + 0) / 2)


def test_caveat_says_correlation_not_causation():
    assert "correlation, not causation" in content.CAVEAT
