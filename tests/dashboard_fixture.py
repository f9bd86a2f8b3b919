"""A small company for the dashboard pages (Pipeline, Attribution, Content, ROI), figures worked out by hand.

Data as of 2026-09-28 (O6's close), so "This quarter" = FY2026 Q3, Jul 1 - Sep 30 2026.

Deals                                   created     closed            lead source (group)     contacts
  O1 Acme core      10,000  Mid-Market  2026-07-10  won  2026-08-20   Web (marketing)         C1 (meeting 07-15)
  O2 Beta pilot     20,000  Enterprise  2026-07-20  lost 2026-09-10   Outbound (sales)        C2
  O3 Cyan store     30,000  SMB         2026-08-05  open (12-01)      Partner Referral        C3
  O4 Acme add-on    40,000  Mid-Market  2026-09-25  open (12-15)      none (unknown)          no roles -> account A1 (C1)
  O5 Beta starter    5,000  Enterprise  2026-04-15  won  2026-07-28   Webinar (marketing)     C4 (meeting 04-20)
  O6 Cyan renewal    8,000  SMB         2026-05-10  won  2026-09-28   Partner (partner)       C3

Touches (exported touchpoints)
  T1  C1 2026-06-05 paid_search  CP1      T2  C1 2026-07-01 content AS1 (guide)
  T3  C1 2026-07-16 webinar      CP2      T8  C1 2026-09-01 email
  T4  C2 2026-07-18 sales_outbound        T5  C2 2026-07-25 webinar CP2
  T6  C3 2026-01-10 event        CP3      (207 days before O3, 120 before O6: outside a 90-day lookback)
  T9  C4 2026-04-01 webinar               T10 C4 2026-04-10 content AS2 (case study)
  T11 C4 2026-05-15 email

Spend in Q3: CP1 "Search Always On" ad spend 2,000 (Jul 15, matched by id, paid search);
  LinkedIn "LI prospecting" 1,000 (Aug 15, no campaign -> paid social); CP2 campaign cost 3,000 (Jul 1, webinar);
  CP3 campaign cost 12,000 (Aug 1, event). Total 18,000.
"""
from __future__ import annotations

import datetime as dt

from data_models import db

D = dt.date
T = dt.datetime

ACCOUNTS = [
    ("A1", "Acme", "Software", 300, "EMEA", "Mid-Market", "fixture", 0),
    ("A2", "Beta", "Manufacturing", 4000, "North America", "Enterprise", "fixture", 0),
    ("A3", "Cyan", "Retail", 40, "EMEA", "SMB", "fixture", 0),
]
CONTACTS = [  # contact_id, account_id, record_type, email, title, persona, lead_source, created_at
    ("C1", "A1", "contact", "c1@acme.test", "CFO", "Finance", "Web", T(2026, 6, 1)),
    ("C2", "A2", "contact", "c2@beta.test", "COO", "Operations", "Outbound", T(2026, 6, 20)),
    ("C3", "A3", "contact", "c3@cyan.test", "CEO", "Executive", "Partner Referral", T(2026, 1, 5)),
    ("C4", "A2", "contact", "c4@beta.test", "IT Director", "IT", "Webinar", T(2026, 3, 1)),
]
OPPORTUNITIES = [  # id, account, name, amount, stage, created, close, closed, won, first meeting, lead source
    ("O1", "A1", "Acme core", 10000, "Closed Won", D(2026, 7, 10), D(2026, 8, 20), True, True, D(2026, 7, 15), "Web"),
    ("O2", "A2", "Beta pilot", 20000, "Closed Lost", D(2026, 7, 20), D(2026, 9, 10), True, False, None, "Outbound"),
    ("O3", "A3", "Cyan store", 30000, "Proposal", D(2026, 8, 5), D(2026, 12, 1), False, False, None, "Partner Referral"),
    ("O4", "A1", "Acme add-on", 40000, "Discovery", D(2026, 9, 25), D(2026, 12, 15), False, False, None, None),
    ("O5", "A2", "Beta starter", 5000, "Closed Won", D(2026, 4, 15), D(2026, 7, 28), True, True, D(2026, 4, 20), "Webinar"),
    ("O6", "A3", "Cyan renewal", 8000, "Closed Won", D(2026, 5, 10), D(2026, 9, 28), True, True, None, "Partner"),
]
ROLES = [("O1", "C1", "Decision Maker", True), ("O2", "C2", "Champion", True), ("O3", "C3", "Decision Maker", True),
         ("O5", "C4", "Decision Maker", True), ("O6", "C3", "Decision Maker", True)]
CAMPAIGNS = [  # id, name, channel, type, cost, start, end
    ("CP1", "Search Always On", "paid_search", "Advertisement", None, D(2026, 1, 1), D(2026, 12, 31)),
    ("CP2", "July Webinar", "webinar", "Webinar", 3000, D(2026, 7, 1), D(2026, 7, 31)),
    ("CP3", "Summit", "event", "Conference", 12000, D(2026, 8, 1), D(2026, 8, 2)),
]
ASSETS = [("AS1", "example.test/guide", "Buyer's guide", "guide", "pricing", D(2026, 1, 1)),
          ("AS2", "example.test/case", "Beta case study", "case_study", "results", D(2026, 1, 1))]
TOUCHES = [  # id, contact, occurred_at, channel, touch_type, campaign, asset
    ("T1", "C1", T(2026, 6, 5, 10), "paid_search", "ad_click", "CP1", None),
    ("T2", "C1", T(2026, 7, 1, 10), "content", "content_view", None, "AS1"),
    ("T3", "C1", T(2026, 7, 16, 10), "webinar", "webinar", "CP2", None),
    ("T8", "C1", T(2026, 9, 1, 10), "email", "email_click", None, None),
    ("T4", "C2", T(2026, 7, 18, 10), "sales_outbound", "meeting", None, None),
    ("T5", "C2", T(2026, 7, 25, 10), "webinar", "webinar", "CP2", None),
    ("T6", "C3", T(2026, 1, 10, 10), "event", "event", "CP3", None),
    ("T9", "C4", T(2026, 4, 1, 10), "webinar", "webinar", None, None),
    ("T10", "C4", T(2026, 4, 10, 10), "content", "content_view", None, "AS2"),
    ("T11", "C4", T(2026, 5, 15, 10), "email", "email_click", None, None),
]
AD_SPEND = [  # day, platform, ad campaign, crm campaign id, impressions, clicks, cost
    (D(2026, 7, 15), "google_ads", "Search Always On", "CP1", 10000, 300, 2000),
    (D(2026, 8, 15), "linkedin", "LI prospecting", None, 5000, 50, 1000),
]


def build_dashboard_db(path) -> None:
    con = db.connect(path)
    con.executemany("insert into accounts values (?, ?, ?, ?, ?, ?, ?, ?)", ACCOUNTS)
    con.executemany(
        "insert into contacts (contact_id, account_id, record_type, email, title, persona, lead_source, created_at,"
        " source_system, load_id) values (?, ?, ?, ?, ?, ?, ?, ?, 'fixture', 0)", CONTACTS)
    con.executemany(
        "insert into opportunities (opportunity_id, account_id, name, amount, currency, stage, created_date,"
        " close_date, is_closed, is_won, first_meeting_date, lead_source, source_system, load_id)"
        " values (?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?, ?, ?, 'fixture', 0)", OPPORTUNITIES)
    con.executemany(
        "insert into opportunity_contact_roles values (?, ?, ?, ?, 'fixture', 0)", ROLES)
    con.executemany(
        "insert into campaigns values (?, ?, ?, ?, ?, ?, ?, 'fixture', 0)", CAMPAIGNS)
    con.executemany(
        "insert into content_assets values (?, ?, ?, ?, ?, ?, 0)", ASSETS)
    con.executemany(
        "insert into touchpoints (touchpoint_id, contact_id, occurred_at, channel, touch_type, campaign_id, asset_id,"
        " source_system, load_id) values (?, ?, ?, ?, ?, ?, ?, 'fixture', 0)", TOUCHES)
    con.executemany(
        "insert into ad_spend (spend_date, platform, ad_campaign, campaign_id, impressions, clicks, cost, currency,"
        " load_id) values (?, ?, ?, ?, ?, ?, ?, 'USD', 0)", AD_SPEND)
    con.close()


def run_app_page(script: str):
    """The app (app.py) under AppTest, switched to one page script; fails on any exception."""
    import pathlib

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(pathlib.Path(__file__).parents[1] / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(script).run()
    assert not at.exception, at.exception
    return at
