"""ROI on the hand-made CRM of tests/test_metrics_fixture.py plus spend.

Spend in Q1 2025: campaign CP1 (webinar, CRM cost 1200.00, starts 2025-02-01, no ad spend);
campaign CP2 (paid search, CRM cost 999.00) whose ad spend is 300.00 on 2025-01-05 (and 50.00
on 2024-12-31, outside the period) - its CRM cost is not added on top.
Revenue credit (won deals closed in Q1, touches in window): O1 1000.10 -> webinar (T1);
O5 500.00 -> paid_search (T2, 61 days before creation; T1 is after its close).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from decimal import Decimal

import pytest

from data_models import roi
from tests.test_metrics_fixture import Q1, build, insert

D = dt.date
P = dataclasses.replace(Q1, model="linear", gross_margin=0.75)


@pytest.fixture(scope="module")
def con():
    con = build()
    insert(con, "campaigns", [
        dict(campaign_id="CP1", name="Spring webinar", channel="webinar", cost="1200.00", start_date=D(2025, 2, 1)),
        dict(campaign_id="CP2", name="Brand search", channel="paid_search", cost="999.00", start_date=D(2024, 12, 1)),
    ])
    insert(con, "ad_spend", [
        dict(spend_date=D(2025, 1, 5), platform="google_ads", ad_campaign="BS-1", campaign_id="CP2", cost="300.00"),
        dict(spend_date=D(2024, 12, 31), platform="google_ads", ad_campaign="BS-1", campaign_id="CP2", cost="50.00"),
    ])
    return con


def test_spend_by_channel_and_campaign(con):
    by_channel = roi.spend_by_channel(con, P)
    assert dict(zip(by_channel["channel"], by_channel["spend"])) == {
        "paid_search": Decimal("300.00"), "webinar": Decimal("1200.00")}
    by_campaign = roi.spend_by_campaign(con, P)
    assert by_campaign[["campaign_id", "ad_spend", "campaign_cost", "spend"]].values.tolist() == [
        ["CP1", Decimal("0.00"), Decimal("1200.00"), Decimal("1200.00")],
        ["CP2", Decimal("300.00"), Decimal("0.00"), Decimal("300.00")],
    ]


def test_campaign_names_come_from_the_crm_whatever_the_spend():
    """Names for every CRM campaign, spend or not (the Attribution page's campaign table uses them)."""
    con = build()
    insert(con, "campaigns", [dict(campaign_id="CP1", name="Spring webinar", channel="webinar"),
                              dict(campaign_id="CP9", name="No spend yet", channel="email"),
                              dict(campaign_id="CP8", name=None, channel="email")])
    assert roi.campaign_names(con, P).to_dict() == {"CP1": "Spring webinar", "CP9": "No spend yet"}


def test_roi_by_channel_arithmetic(con):
    df = roi.roi_by_channel(con, P).set_index("channel")
    web, ps = df.loc["webinar"], df.loc["paid_search"]
    assert web.attributed_revenue == pytest.approx(1000.10)
    assert ps.attributed_revenue == pytest.approx(500.00)
    # webinar: (1000.10 x 0.75 - 1200) / 1200 = (750.075 - 1200) / 1200 = -0.3749375
    assert web.roi == pytest.approx(-0.3749375)
    assert web.pays_back is not None and not web.pays_back
    # paid search: (500 x 0.75 - 300) / 300 = 75 / 300 = 0.25
    assert ps.roi == pytest.approx(0.25)
    assert bool(ps.pays_back) is True
    # pipeline credit: O1 (created in Q1) 1000.10 to webinar; nothing to paid search
    assert web.pipeline_per_dollar == pytest.approx(1000.10 / 1200)
    assert web.cost_per_opportunity == pytest.approx(1200.0)       # 1200 / 1 credited opportunity
    assert math.isnan(ps.cost_per_opportunity)                     # no opportunity credited
    assert web.cac == pytest.approx(1200.0) and ps.cac == pytest.approx(300.0)   # one won deal each


def test_roi_summary(con):
    row = roi.roi_summary(con, P).iloc[0]
    assert row.spend == Decimal("1500.00")
    # (1500.10 x 0.75 - 1500) / 1500 = (1125.075 - 1500) / 1500 = -0.24995
    assert row.roi == pytest.approx(-0.24995)
    # A1's first won deal (O5) closed 2025-01-15: one new customer; CAC = 1500 / 1
    assert (row.new_customers, row.cac) == (1, 1500.0)
    assert row.channels_not_paying_back == 1
