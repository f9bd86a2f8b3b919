"""The model layers: key/FK tests hold, identity stitching, touch unions, deal touch timelines, spend matching."""
from __future__ import annotations

import datetime as dt
import pathlib
from decimal import Decimal

import pytest

from data_models import db, model_tests
from tests.test_metrics_fixture import TS, build, insert

D = dt.date
ROOT = pathlib.Path(__file__).resolve().parents[1]


def rows(con, sql, args=()):
    return con.execute(sql, list(args)).fetchall()


def test_every_model_has_key_tests_and_they_pass_on_an_empty_db():
    con = db.connect(":memory:")
    assert model_tests.untested_models() == []
    assert model_tests.run_model_tests(con) == []


def test_model_tests_report_a_duplicate_key_and_a_dangling_foreign_key():
    con = build()
    # a second role for O1/C1 is impossible (primary key), so break a mart key instead:
    # two campaigns with a touch pointing at a campaign the CRM does not have
    insert(con, "touchpoints", [dict(touchpoint_id="T9", contact_id="C1", occurred_at=TS(2025, 1, 2),
                                     channel="email", campaign_id="NOPE")])
    failures = model_tests.run_model_tests(con, ["stg_touchpoints", "int_touchpoints", "fct_touchpoints"])
    found = {(f.model, f.test, f.columns, f.rows) for f in failures}
    assert ("stg_touchpoints", "relationship", "campaign_id", 1) in found
    assert ("int_touchpoints", "relationship", "campaign_id", 1) in found
    assert all(f.severity == "warn" for f in failures)


def test_unique_test_counts_duplicated_keys():
    con = db.connect(":memory:")
    con.execute("create table dup_check as select * from (values ('a'), ('a'), ('b'), (null)) as t(k)")
    assert con.execute(model_tests.unique_sql("dup_check", ("k",))).fetchone()[0] == 1
    assert con.execute(model_tests.not_null_sql("dup_check", ("k",))).fetchone()[0] == 1


def test_touchpoints_by_opportunity_has_exactly_the_agreed_columns():
    con = build()
    cols = [(r[0], r[1]) for r in rows(con, "describe int_touchpoints_by_opportunity")]
    assert cols == [
        ("opportunity_id", "VARCHAR"), ("touchpoint_id", "VARCHAR"), ("contact_id", "VARCHAR"),
        ("account_id", "VARCHAR"), ("occurred_at", "TIMESTAMP"), ("channel", "VARCHAR"),
        ("campaign_id", "VARCHAR"), ("asset_id", "VARCHAR"), ("touch_type", "VARCHAR"),
        ("via_account", "BOOLEAN"), ("opp_created_date", "DATE"), ("close_date", "DATE"),
        ("is_closed", "BOOLEAN"), ("is_won", "BOOLEAN"), ("amount", "DECIMAL(18,2)"),
        ("lead_created_at", "TIMESTAMP"), ("first_meeting_date", "DATE"), ("days_before_created", "INTEGER"),
    ]


def test_touchpoints_by_opportunity_rows_of_the_fixture():
    con = build()
    got = rows(con, "select opportunity_id, touchpoint_id, via_account, days_before_created "
                    "from int_touchpoints_by_opportunity order by 1, 2")
    # days = created date - touch date, e.g. O1 2025-02-10 - T1 2025-01-20 = 21; O3 has no roles -> via account
    assert got == [
        ("O1", "T1", False, 21), ("O1", "T2", False, 132),
        ("O2", "T3", False, 14), ("O2", "T4", False, -5),
        ("O3", "T5", True, 9), ("O3", "T6", True, -27),
        ("O4", "T5", False, 13), ("O4", "T6", False, -23),
        ("O5", "T1", False, -50), ("O5", "T2", False, 61),
        ("O7", "T7", False, 203),
    ]
    # lead created = earliest creation of the deal's people: C1 was lead L1 created 2024-12-20
    assert rows(con, "select distinct lead_created_at from int_touchpoints_by_opportunity "
                     "where opportunity_id = 'O1'") == [(TS(2024, 12, 20),)]


def test_opportunity_contacts_fall_back_to_the_account():
    con = build()
    got = rows(con, "select opportunity_id, contact_id, via_account from int_opportunity_contacts order by 1, 2")
    # O3 has no roles: every contact of A2 (C3); O6's account A3 has no contacts: no rows
    assert got == [("O1", "C1", False), ("O2", "C2", False), ("O3", "C3", True), ("O4", "C3", False),
                   ("O5", "C1", False), ("O7", "C4", False)]


def web_fixture():
    con = build()
    insert(con, "content_assets", [dict(asset_id="AS2", url="example.com/guide", title="Guide", asset_type="guide")])
    insert(con, "campaigns", [dict(campaign_id="CP1", name="Spring Webinar", channel="webinar", cost="1200.00",
                                   start_date=D(2025, 2, 1)),
                              dict(campaign_id="CP2", name="Google Brand", channel="paid_search", cost="999.00",
                                   start_date=D(2025, 1, 1))])
    insert(con, "campaign_members", [
        dict(campaign_id="CP1", contact_id="L1", has_responded=True, first_responded_at=TS(2024, 12, 22)),
        dict(campaign_id="CP1", contact_id="C2", has_responded=False, created_at=TS(2025, 2, 2)),
    ])

    def ev(eid, visitor, user, when, url, src=None, medium=None, campaign=None):
        return dict(event_id=eid, visitor_id=visitor, user_id=user, occurred_at=when, event_name="page_view",
                    url=url, utm_source=src, utm_medium=medium, utm_campaign=campaign)
    insert(con, "web_events", [
        # visitor V1 reads anonymously, then fills a form as C2: both views are C2's
        ev("E1", "V1", None, TS(2025, 1, 3), "example.com/guide", "google", "cpc", "CP2"),
        ev("E2", "V1", "C2", TS(2025, 1, 5), "example.com/form"),
        ev("E3", "V1", None, TS(2025, 1, 9), "example.com/blog/one", "linkedin", "paid_social"),
        ev("E4", "V1", None, TS(2025, 1, 10), "example.com/blog/one", "newsletter", "email"),
        # V2 is never identified: its view is not a touch
        ev("E5", "V2", None, TS(2025, 1, 4), "example.com/guide"),
        # V3 identified as lead L1, converted into C1
        ev("E6", "V3", "L1", TS(2025, 1, 6), "example.com/guide", "linkedin", "cpc"),
    ])
    insert(con, "ad_spend", [
        dict(spend_date=D(2025, 1, 1), platform="google_ads", ad_campaign="google-brand", cost="100.50"),
        dict(spend_date=D(2025, 1, 2), platform="google_ads", ad_campaign="google-brand", cost="99.50"),
        dict(spend_date=D(2025, 1, 2), platform="linkedin", ad_campaign="Unknown LI", cost="40.00"),
    ])
    return con


def test_identity_stitching_and_content_view_channels():
    con = web_fixture()
    assert rows(con, "select visitor_id, contact_id from int_identity_map order by 1") == [("V1", "C2"), ("V3", "C1")]
    got = rows(con, "select touchpoint_id, contact_id, account_id, channel, asset_id, campaign_id "
                    "from int_content_views order by 1")
    assert got == [
        ("web:E1", "C2", "A1", "paid_search", "AS2", "CP2"),   # anonymous view before the form fill
        ("web:E3", "C2", "A1", "paid_social", "AS1", None),
        ("web:E4", "C2", "A1", "email", "AS1", None),
        ("web:E6", "C1", "A1", "paid_social", "AS2", None),    # lead L1 -> contact C1; linkedin cpc is social
    ]


def test_int_touchpoints_unions_campaign_responses_views_and_exported_touches():
    con = web_fixture()
    got = rows(con, "select touch_source, count(*) from int_touchpoints group by 1 order by 1")
    # 1 responded member (C2 did not respond), 4 identified content views, 7 exported touches
    assert got == [("campaign_members", 1), ("touchpoints", 7), ("web_events", 4)]
    assert rows(con, "select contact_id, account_id, channel, occurred_at from int_touchpoints "
                     "where touch_source = 'campaign_members'") == [("C1", "A1", "webinar", TS(2024, 12, 22))]


def test_spend_lines_do_not_double_count_campaign_cost():
    con = web_fixture()
    got = rows(con, "select campaign_id, spend_basis, ad_spend, spend from dim_campaigns order by 1")
    # CP1: no ad spend -> its CRM cost 1200.00; CP2 'Google Brand' matches 'google-brand' by
    # normalised name -> ad spend 100.50 + 99.50 = 200.00 and its CRM cost 999.00 is not added
    assert got == [("CP1", "campaign_cost", Decimal("0.00"), Decimal("1200.00")),
                   ("CP2", "ad_spend", Decimal("200.00"), Decimal("200.00"))]
    by_month = rows(con, "select channel, spend_month, spend from fct_spend_by_channel_month order by 1, 2")
    # unmatched LinkedIn spend goes to paid_social by platform
    assert by_month == [("paid_search", D(2025, 1, 1), Decimal("200.00")),
                        ("paid_social", D(2025, 1, 1), Decimal("40.00")),
                        ("webinar", D(2025, 2, 1), Decimal("1200.00"))]
    assert model_tests.run_model_tests(con) == []


def test_fct_pipeline_lead_source_falls_back_to_primary_contact():
    con = build()
    got = rows(con, "select opportunity_id, lead_source, lead_source_origin, lead_source_channel, "
                    "lead_source_group, committee_size, cycle_days from fct_pipeline order by 1")
    assert got == [
        ("O1", "Webinar", "opportunity", "webinar", "marketing", 1, 38),      # 2025-02-10 -> 03-20
        ("O2", "Cold Call", "primary_contact", "sales_outbound", "sales", 1, None),
        ("O3", "Partner Referral", "opportunity", "partner", "partner", 0, 24),  # 03-01 -> 03-25
        ("O4", "Bogus", "opportunity", "other", "unknown", 1, None),
        ("O5", "Webinar", "opportunity", "webinar", "marketing", 1, 45),       # 2024-12-01 -> 2025-01-15
        ("O6", None, None, "other", "unknown", 0, None),
        ("O7", "Email", "primary_contact", "email", "marketing", 1, None),
    ]


def test_lead_funnel_merges_a_converted_lead_into_its_contact():
    con = build()
    got = rows(con, "select contact_id, lead_created_at, mql_at, sal_at, reached_mql, reached_sal, "
                    "opportunity_created_date, won_date from fct_lead_funnel where contact_id = 'C1'")
    # L1 (created 2024-12-20, MQL 12-28) became C1 (SAL 2025-01-08); C1 is on O5 (created 2024-12-01, won 2025-01-15)
    assert got == [("C1", TS(2024, 12, 20), TS(2024, 12, 28), TS(2025, 1, 8), True, True, D(2024, 12, 1), D(2025, 1, 15))]
    assert rows(con, "select count(*) from fct_lead_funnel") == [(4,)]


DEMO = ROOT / "sample_data" / "demo"


def test_model_tests_pass_on_the_loaded_demo_db(demo_db):
    con = db.connect(demo_db)
    errors = [f for f in model_tests.run_model_tests(con) if f.severity == "error"]
    assert errors == []
    assert con.execute("select count(*) from fct_pipeline").fetchone()[0] == 5000


def test_a_refresh_re_creates_views_only_when_the_model_sql_changed(tmp_path):
    """A staging view is SQL alone (DuckDB binds it when read): a refresh re-creates it only when the
    stored signature of the models' SQL differs from the files' (e.g. after an upgrade)."""
    con = db.connect(tmp_path / "m.duckdb")
    db.refresh_models(con)
    insert(con, "web_events", [dict(event_id="E1", visitor_id="V1", occurred_at=TS(2025, 1, 2),
                                    event_name="page_view", url="example.com/a")])
    assert rows(con, "select count(*) from stg_web_events") == [(1,)]           # a view: always current
    con.execute("create or replace view stg_web_events as select * from web_events where false")
    db.refresh_models(con)                                                       # SQL unchanged: view kept
    assert rows(con, "select count(*) from stg_web_events") == [(0,)]
    con.execute("update settings set value = 'old' where key = 'models_signature'")
    db.refresh_models(con)
    assert rows(con, "select count(*) from stg_web_events") == [(1,)]           # re-created from its file
    assert rows(con, "select value from settings where key = 'models_signature'") == [(db.models_signature(),)]


def test_a_load_rebuilds_only_the_models_that_read_the_tables_it_wrote(tmp_path):
    """refresh_models(changed=...) rebuilds the materialized models reading those tables (directly or
    through other models) and leaves the others as they are; without `changed`, every one is rebuilt."""
    reading_web = db.models_reading({"web_events"})
    assert {"stg_web_events", "int_identity_map", "int_touchpoints", "fct_touchpoints"} <= reading_web
    assert not {"fct_pipeline", "int_people", "int_spend_lines", "fct_spend", "stg_crm_opportunities"} & reading_web
    assert "fct_pipeline" in db.models_reading({"opportunities"})

    con = db.connect(tmp_path / "m.duckdb")
    insert(con, "contacts", [dict(contact_id="C1", record_type="contact", created_at=TS(2025, 1, 5))])
    db.refresh_models(con)
    insert(con, "opportunities", [dict(opportunity_id="O1", amount="100.00", created_date=D(2025, 2, 1),
                                       is_closed=False, is_won=False, stage="Open")])
    insert(con, "web_events", [dict(event_id="E1", visitor_id="V1", user_id="C1", occurred_at=TS(2025, 1, 2),
                                    event_name="page_view", url="example.com/a")])
    db.refresh_models(con, changed={"web_events"})
    # the web visitor is stitched to C1, while the deal table, which does not read web events, still holds
    # the figures it had (a load of opportunities would rebuild it)
    assert rows(con, "select visitor_id, contact_id from int_identity_map") == [("V1", "C1")]
    assert rows(con, "select count(*) from fct_pipeline") == [(0,)]
    db.refresh_models(con, changed={"opportunities"})
    assert rows(con, "select opportunity_id, amount from fct_pipeline") == [("O1", Decimal("100.00"))]
    con.execute("delete from web_events")
    db.refresh_models(con)                                                       # everything
    assert rows(con, "select count(*) from int_identity_map") == [(0,)]


def test_deal_touches_are_stored_in_deal_creation_order():
    """int_touchpoints_by_opportunity is materialized in creation order, so a period's deals sit in few row
    groups (metrics filter it on opp_created_date and DuckDB skips the others)."""
    con = build()
    db.refresh_models(con)
    stored = rows(con, "select opp_created_date, opportunity_id from int_touchpoints_by_opportunity order by rowid")
    assert len(stored) > 5 and stored == sorted(stored)
    assert len({d for d, _ in stored}) > 2
