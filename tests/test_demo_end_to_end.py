"""The demo exports, loaded through the real connectors, tie out to the simulation's own answer key."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from data_models import db, metrics
from data_models.params import Params
from sample_data.generate import DEMO_DIR

KEY = json.loads((DEMO_DIR / "answer_key.json").read_text())


def test_row_counts_match_the_files(demo_db):
    con = db.connect(demo_db)
    counts = KEY["counts"]
    assert con.execute("select count(*) from accounts").fetchone()[0] == counts["accounts"]
    assert con.execute("select count(*) from opportunities").fetchone()[0] == counts["opportunities"]
    assert con.execute("select count(*) from contacts where record_type = 'contact'").fetchone()[0] == counts["contacts"]
    assert con.execute("select count(*) from contacts where record_type = 'lead'").fetchone()[0] == counts["leads"]
    assert con.execute("select count(*) from opportunity_contact_roles").fetchone()[0] == counts["opportunity_contact_roles"]
    assert con.execute("select count(*) from campaigns").fetchone()[0] == counts["campaigns"]
    assert con.execute("select count(*) from content_assets").fetchone()[0] == counts["content_assets"]
    assert con.execute("select count(*) from survey_responses").fetchone()[0] == counts["survey_responses"]


def test_pipeline_and_won_revenue_equal_the_files_to_the_cent(demo_db):
    con = db.connect(demo_db)
    pipeline, won, won_deals = con.execute(
        "select sum(amount), sum(amount) filter (where is_won), count(*) filter (where is_won) from opportunities"
    ).fetchone()
    assert pipeline == Decimal(KEY["pipeline_usd"])
    assert won == Decimal(KEY["won_revenue_usd"])
    assert won_deals == KEY["won_deals"]


def test_metric_totals_equal_the_crm_totals_over_the_whole_history(demo_db):
    # every opportunity created over the two years: the metric's pipeline equals the file's total to the cent
    con = db.connect(demo_db)
    p = Params(start=dt.date(2000, 1, 1), end=dt.date(2030, 12, 31), as_of=dt.date.fromisoformat(KEY["as_of"]))
    sourced = metrics.sourced_pipeline(con, p)
    assert sum(sourced["amount"], Decimal(0)) == Decimal(KEY["pipeline_usd"])
    got = {g: a for g, a in zip(sourced["source_group"], sourced["amount"])}
    assert got == _lead_source_split_from_the_files()


def _lead_source_split_from_the_files() -> dict[str, Decimal]:
    """Domain.md's lead-source definition computed straight from the Salesforce CSVs (members of the
    Data Export zip) with the csv module: the opportunity's lead source, else its primary contact's,
    mapped to a source group."""
    import csv
    import io
    import zipfile

    from data_models.channels import lead_source_channel, source_group

    def rows(name):
        with zipfile.ZipFile(DEMO_DIR / "salesforce" / "data_export.zip") as z:
            return list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8"), newline="")))

    contact_source = {r["Id"]: r["LeadSource"] for r in rows("Contact.csv")}
    primary = {r["OpportunityId"]: r["ContactId"] for r in rows("OpportunityContactRole.csv") if r["IsPrimary"] == "true"}
    split = {g: Decimal("0.00") for g in ("marketing", "sales", "partner", "unknown")}
    for opp in rows("Opportunity.csv"):
        source = opp["LeadSource"] or contact_source.get(primary.get(opp["Id"], ""), "")
        split[source_group(lead_source_channel(source or None))] += Decimal(opp["Amount"] or "0")
    return split


def test_web_events_are_loaded_and_stitched(demo_db):
    con = db.connect(demo_db)
    page_views = con.execute("select count(*) from web_events where event_name = 'page_view'").fetchone()[0]
    assert page_views == KEY["counts"]["ga4_page_views"]
    content_views = con.execute("select count(*) from int_touchpoints where touch_type = 'content_view'").fetchone()[0]
    assert content_views > 0


def test_web_events_equal_the_ga4_parquet_export(demo_db):
    """Read independently of the connectors: DuckDB straight on the Parquet file (page URL from event_params)."""
    import duckdb

    path = str(DEMO_DIR / "web" / "ga4_events.parquet")
    per_event = dict(duckdb.connect().execute(
        "select event_name, count(distinct (user_pseudo_id, event_timestamp,"
        " list_filter(event_params, lambda p: p.key = 'page_location')[1].value.string_value))"
        " from read_parquet(?) where event_name in ('page_view', 'form_submit') group by 1", [path]).fetchall())
    con = db.connect(demo_db)
    loaded = dict(con.execute("select event_name, count(*) from web_events group by 1").fetchall())
    assert loaded == per_event
    assert sum(loaded.values()) == 204_797
    identified = duckdb.connect().execute(
        "select count(distinct user_id) from read_parquet(?) where event_name in ('page_view', 'form_submit')",
        [path]).fetchone()[0]
    assert con.execute("select count(distinct user_id) from web_events").fetchone()[0] == identified


def test_content_asset_lists_are_sorted_so_rebuilds_give_the_same_text(demo_db):
    con = db.connect(demo_db, read_only=True)
    lists = [r[0].split(",") for r in con.execute(
        "select asset_ids from fct_content_consumption where asset_ids like '%,%'").fetchall()]
    con.close()
    assert len(lists) > 100
    assert all(ids == sorted(ids) for ids in lists)
