"""A small database for the board-deck tests (tests/test_deck.py, test_deck_page.py, benches/bench_deck.py), with every slide's figures worked out by hand.

Period FY2026 Q3 (Jan fiscal year) = 2026-07-01..2026-09-30; data as of 2026-09-30 (newest close date).

Opportunities (amount, created -> close, outcome, lead source -> group, contacts):
  O1 A1 10,000  2026-07-01 -> 08-31 won,  meeting 07-10, Webinar -> marketing, C1
  O2 A2 20,000  2026-07-15 -> 09-30 lost, no meeting,    Outbound -> sales,     C2
  O3 A3 30,000  2026-08-01 -> open (12-15),               Partner Referral -> partner, C3
  O4 A1 40,000  2026-04-01 -> 09-30 won,  no meeting,    Paid Search -> marketing, C4
  O5 A2  5,000  2026-02-01 -> 05-01 lost,                 (none) -> unknown,    C2
  O6 A4  6,000  2026-09-01 -> open,                       Web -> marketing,     no contacts, no touches
Touches (exported): T1 C1 06-20 webinar (campaign K1); T2 C1 07-05 content view of asset AS1;
  T3 C2 07-01 paid_search (K2); T4 C3 07-20 sales_outbound; T5 C4 03-20 sales_outbound.
Spend in Q3: K1 webinar campaign cost 2,000 (no ad spend); K2 paid search: ad spend 3,000 on 08-01
  (its CRM cost 999 is ignored because matched ad spend exists).
Survey, the sourced-share question: CEO 10, CMO 40, Sales 5 and 0.15 (read as 15) -> Sales mean 10.
"""
from __future__ import annotations

import datetime as dt

from data_models import db, perception

D = dt.date
TS = dt.datetime

ACCOUNTS = [
    ("A1", "Northwind", "Software", 450, "EMEA", "Mid-Market", "fixture", 0),
    ("A2", "Globex", "Manufacturing", 5200, "North America", "Enterprise", "fixture", 0),
    ("A3", "Initech", "Software", 900, "EMEA", "Mid-Market", "fixture", 0),
    ("A4", "Umbrella", "Health", 120, "APAC", "SMB", "fixture", 0),
]
CONTACTS = [  # contact_id, account_id, record_type, created_at
    ("C1", "A1", "contact", TS(2026, 5, 1)),
    ("C2", "A2", "contact", TS(2026, 1, 10)),
    ("C3", "A3", "contact", TS(2026, 5, 1)),
    ("C4", "A1", "contact", TS(2026, 3, 1)),
]
OPPORTUNITIES = [
    # id, account, name, amount, currency, stage, created, close, closed, won, first meeting, lead source
    ("O1", "A1", "Northwind expansion", 10000, "USD", "Closed Won", D(2026, 7, 1), D(2026, 8, 31), True, True, D(2026, 7, 10), "Webinar"),
    ("O2", "A2", "Globex pilot", 20000, "USD", "Closed Lost", D(2026, 7, 15), D(2026, 9, 30), True, False, None, "Outbound"),
    ("O3", "A3", "Initech platform", 30000, "USD", "Proposal", D(2026, 8, 1), D(2026, 12, 15), False, False, None, "Partner Referral"),
    ("O4", "A1", "Northwind suite", 40000, "USD", "Closed Won", D(2026, 4, 1), D(2026, 9, 30), True, True, None, "Paid Search"),
    ("O5", "A2", "Globex trial", 5000, "USD", "Closed Lost", D(2026, 2, 1), D(2026, 5, 1), True, False, None, None),
    ("O6", "A4", "Umbrella start", 6000, "USD", "Discovery", D(2026, 9, 1), D(2026, 12, 1), False, False, None, "Web"),
]
ROLES = [("O1", "C1"), ("O2", "C2"), ("O3", "C3"), ("O4", "C4"), ("O5", "C2")]
TOUCHES = [  # id, contact, account, occurred_at, channel, touch_type, campaign, asset
    ("T1", "C1", "A1", TS(2026, 6, 20, 10), "webinar", "webinar", "K1", None),
    ("T2", "C1", "A1", TS(2026, 7, 5, 10), "content", "content_view", None, "AS1"),
    ("T3", "C2", "A2", TS(2026, 7, 1, 10), "paid_search", "ad_click", "K2", None),
    ("T4", "C3", "A3", TS(2026, 7, 20, 10), "sales_outbound", "meeting", None, None),
    ("T5", "C4", "A1", TS(2026, 3, 20, 10), "sales_outbound", "meeting", None, None),
]
CAMPAIGNS = [  # id, name, channel, type, cost, start, end
    ("K1", "Q3 webinar series", "webinar", "Webinar", 2000, D(2026, 7, 10), D(2026, 7, 31)),
    ("K2", "K2 search", "paid_search", "Advertisement", 999, D(2026, 6, 1), D(2026, 9, 30)),
]
AD_SPEND = [("2026-08-01", "google_ads", "K2 search", "g-1", "K2", 10000, 300, 3.0, 3000, "USD", 0)]
# the perception question whose measured figure is the marketing-sourced share (its id is perception's to name)
SOURCED_QUESTION = next(q.question_id for q in perception.QUESTIONS.values() if q.measured == "sourced_share")
SURVEY = [  # response_id, respondent_key, role, question, value
    ("S1", "r1", "CEO", SOURCED_QUESTION, 10.0),
    ("S2", "r2", "CMO", SOURCED_QUESTION, 40.0),
    ("S3", "r3", "Sales", SOURCED_QUESTION, 5.0),
    ("S4", "r4", "Sales", SOURCED_QUESTION, 0.15),
]


def build_deck_db(path) -> None:
    con = db.connect(path)
    con.executemany("insert into accounts values (?, ?, ?, ?, ?, ?, ?, ?)", ACCOUNTS)
    con.executemany("insert into contacts (contact_id, account_id, record_type, created_at, source_system, load_id)"
                    " values (?, ?, ?, ?, 'fixture', 0)", CONTACTS)
    con.executemany(
        "insert into opportunities (opportunity_id, account_id, name, amount, currency, stage, created_date,"
        " close_date, is_closed, is_won, first_meeting_date, lead_source, source_system, load_id)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'fixture', 0)", OPPORTUNITIES)
    con.executemany("insert into opportunity_contact_roles values (?, ?, 'Decision Maker', true, 'fixture', 0)", ROLES)
    con.executemany("insert into touchpoints values (?, ?, ?, ?, ?, ?, ?, ?, 'fixture', 0)", TOUCHES)
    con.executemany("insert into campaigns values (?, ?, ?, ?, ?, ?, ?, 'fixture', 0)", CAMPAIGNS)
    con.execute("insert into content_assets values ('AS1', 'example.com/guide', 'Buyer''s guide', 'guide',"
                " 'pricing', '2026-01-05', 0)")
    con.executemany("insert into ad_spend values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", AD_SPEND)
    con.executemany("insert into survey_responses (response_id, respondent_key, respondent_role, question_id,"
                    " answer_value, load_id) values (?, ?, ?, ?, ?, 0)", SURVEY)
    con.close()


def test_fixture_crm_totals(tmp_path):
    """The fixture's own CRM totals for FY2026 Q3, the base every deck figure reconciles to."""
    from data_models.crm_totals import crm_totals
    from data_models.params import Params
    from data_models.periods import data_as_of

    build_deck_db(tmp_path / "deck.duckdb")
    con = db.connect(tmp_path / "deck.duckdb", read_only=True)
    row = crm_totals(con, Params(start=D(2026, 7, 1), end=D(2026, 9, 30))).iloc[0]
    # created in Q3: O1 10,000 + O2 20,000 + O3 30,000 + O6 6,000; won in Q3: O1 10,000 + O4 40,000
    assert (int(row.opportunities), float(row.pipeline), int(row.won_deals), float(row.revenue)) == (4, 66000.0, 2, 50000.0)
    assert data_as_of(con) == D(2026, 9, 30)
    con.close()
