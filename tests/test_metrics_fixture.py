"""A small hand-made CRM shared by the metric tests, and a check that its models hold together.

Period under test: fiscal Q1 2025 (2025-01-01 .. 2025-03-31), today 2025-03-31, lookback 90 days.

accounts   A1 Enterprise/EMEA, A2 SMB/North America, A3 SMB/EMEA (no contacts)
contacts   C1 A1 lead source Webinar (created 2025-01-05; was lead L1 created 2024-12-20)
           C2 A1 Cold Call (2025-02-01), C3 A2 no lead source (2025-01-10), C4 A1 Email (2024-06-01)
opportunities (amount, created, close, outcome, own lead source, contact roles)
  O1 A1 1000.10  2025-02-10  2025-03-20 won   Webinar           C1 (primary)
  O2 A1 2000.20  2025-02-15  open             -                 C2 (primary: Cold Call -> sales)
  O3 A2 3000.30  2025-03-01  2025-03-25 lost  Partner Referral  none -> account fallback (C3)
  O4 A2 4000.40  2025-03-05  open             Bogus (-> other/unknown)  C3
  O5 A1  500.00  2024-12-01  2025-01-15 won   Webinar           C1   (created before the period)
  O6 A3  (null)  2025-03-10  open             -                 none, account has no contacts
  O7 A1  700.07  2025-01-20  open             -                 C4 (primary: Email -> marketing)
touchpoints (days before the created date of the deal they belong to)
  T1 C1 2025-01-20 webinar         O1: 21            O5: -50
  T2 C1 2024-10-01 paid_search     O1: 132 (outside) O5: 61
  T3 C2 2025-02-01 sales_outbound  O2: 14
  T4 C2 2025-02-20 sales_outbound  O2: -5
  T5 C3 2025-02-20 content (blog)  O3: 9 (via account)  O4: 13
  T6 C3 2025-03-28 paid_social     O3: after close (outside)  O4: -23
  T7 C4 2024-07-01 paid_search     O7: 203 (outside)
"""
from __future__ import annotations

import datetime as dt

import pytest

from data_models import db, model_tests
from data_models.params import Params

D = dt.date
TS = dt.datetime

Q1 = Params(start=D(2025, 1, 1), end=D(2025, 3, 31), as_of=D(2025, 3, 31), lookback_days=90)


def insert(con, table: str, rows: list[dict]) -> None:
    """Insert dict rows into a canonical table (names are test constants)."""
    for row in rows:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"insert into {table} ({cols}) values ({marks})", list(row.values()))


def build(con=None):
    con = con or db.connect(":memory:")
    insert(con, "accounts", [
        dict(account_id="A1", name="Acme", segment="Enterprise", region="EMEA"),
        dict(account_id="A2", name="Beta", segment="SMB", region="North America"),
        dict(account_id="A3", name="Gamma", segment="SMB", region="EMEA"),
    ])
    insert(con, "contacts", [
        dict(contact_id="L1", account_id=None, record_type="lead", lead_source="Webinar",
             created_at=TS(2024, 12, 20), mql_at=TS(2024, 12, 28), converted_contact_id="C1", persona="Marketing"),
        dict(contact_id="C1", account_id="A1", record_type="contact", lead_source="Webinar",
             created_at=TS(2025, 1, 5), sal_at=TS(2025, 1, 8), persona="Marketing", title="CMO"),
        dict(contact_id="C2", account_id="A1", record_type="contact", lead_source="Cold Call",
             created_at=TS(2025, 2, 1), persona="Finance", title="CFO"),
        dict(contact_id="C3", account_id="A2", record_type="contact", lead_source=None,
             created_at=TS(2025, 1, 10), mql_at=TS(2025, 1, 20), persona="IT", title="CIO"),
        dict(contact_id="C4", account_id="A1", record_type="contact", lead_source="Email",
             created_at=TS(2024, 6, 1), mql_at=TS(2024, 6, 10), persona="IT", title="IT manager"),
    ])

    def opp(oid, acct, amount, created, close, won, src):
        return dict(opportunity_id=oid, account_id=acct, amount=amount, created_date=created, close_date=close,
                    is_closed=close is not None, is_won=bool(won), lead_source=src, stage="Closed" if close else "Open")
    insert(con, "opportunities", [
        opp("O1", "A1", "1000.10", D(2025, 2, 10), D(2025, 3, 20), True, "Webinar"),
        opp("O2", "A1", "2000.20", D(2025, 2, 15), None, False, None),
        opp("O3", "A2", "3000.30", D(2025, 3, 1), D(2025, 3, 25), False, "Partner Referral"),
        opp("O4", "A2", "4000.40", D(2025, 3, 5), None, False, "Bogus"),
        opp("O5", "A1", "500.00", D(2024, 12, 1), D(2025, 1, 15), True, "Webinar"),
        opp("O6", "A3", None, D(2025, 3, 10), None, False, None),
        opp("O7", "A1", "700.07", D(2025, 1, 20), None, False, None),
    ])
    insert(con, "opportunity_contact_roles", [
        dict(opportunity_id="O1", contact_id="C1", role="Decision Maker", is_primary=True),
        dict(opportunity_id="O2", contact_id="C2", role="Decision Maker", is_primary=True),
        dict(opportunity_id="O4", contact_id="C3", role="Champion", is_primary=False),
        dict(opportunity_id="O5", contact_id="C1", role="Decision Maker", is_primary=True),
        dict(opportunity_id="O7", contact_id="C4", role="Champion", is_primary=True),
    ])
    insert(con, "content_assets", [
        dict(asset_id="AS1", url="example.com/blog/one", title="Blog one", asset_type="blog"),
    ])

    def tp(tid, contact, when, channel, asset=None):
        return dict(touchpoint_id=tid, contact_id=contact, occurred_at=when, channel=channel,
                    touch_type="content_view" if asset else "event", asset_id=asset)
    insert(con, "touchpoints", [
        tp("T1", "C1", TS(2025, 1, 20, 10), "webinar"),
        tp("T2", "C1", TS(2024, 10, 1, 9), "paid_search"),
        tp("T3", "C2", TS(2025, 2, 1, 8), "sales_outbound"),
        tp("T4", "C2", TS(2025, 2, 20, 8), "sales_outbound"),
        tp("T5", "C3", TS(2025, 2, 20, 12), "content", "AS1"),
        tp("T6", "C3", TS(2025, 3, 28, 12), "paid_social"),
        tp("T7", "C4", TS(2024, 7, 1, 12), "paid_search"),
    ])
    return con


@pytest.fixture
def con():
    return build()


def test_fixture_models_hold_together(con):
    assert model_tests.run_model_tests(con) == []
