"""Every demo export parses without errors, and the HubSpot layout of the same simulated company
gives the same deals (amounts, dates, won/closed) as its Salesforce layout."""
from __future__ import annotations

import pathlib
import zipfile

import pytest

from connectors.parse import parse_file

SAMPLE = pathlib.Path(__file__).resolve().parent.parent / "sample_data"
EXPECTED = {
    # a zip of several exports: the kind and layout of each member
    "demo/salesforce/data_export.zip": {
        "Account.csv": ("crm.accounts", "salesforce.account"),
        "Contact.csv": ("crm.contacts", "salesforce.contact"),
        "Lead.csv": ("crm.contacts", "salesforce.lead"),
        "Opportunity.csv": ("crm.opportunities", "salesforce.opportunity"),
        "OpportunityContactRole.csv": ("crm.opportunity_contact_roles", "salesforce.opportunity_contact_role"),
        "Campaign.csv": ("crm.campaigns", "salesforce.campaign"),
    },
    "demo/salesforce/campaign_members_report.zip": ("crm.campaign_members", "salesforce.report.campaign_members"),
    "demo/web/ga4_events.parquet": ("web.page_views", "ga4.events"),
    "demo/ads/google_ads_campaign_report.csv": ("ads.spend", "google_ads.campaign_report"),
    "demo/ads/linkedin_campaign_performance.csv": ("ads.spend", "linkedin.campaign_performance"),
    "demo/content/content_assets.csv": ("content.assets", "cms.content_assets"),
    "demo/survey/perception_survey.csv": ("survey.responses", "survey.long"),
    "demo/interviews/buyer_interviews.csv": ("buyer.interviews", "interviews.buyer"),
    "alt/hubspot/deals.csv": ("crm.opportunities", "hubspot.deals"),
    "alt/segment/pages.zip": ("web.page_views", "segment.pages"),
}


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_demo_file_parses_without_errors(relative):
    path = SAMPLE / relative
    if not path.is_file():
        pytest.skip(f"{relative} has not been generated")
    results = parse_file(path.name, path.read_bytes())
    assert results
    expected = EXPECTED[relative]
    if isinstance(expected, dict):
        assert sorted(p.file_name for p in results) == sorted(f"{path.name}:{m}" for m in expected)
    for parsed in results:
        want = expected[parsed.file_name.split(":", 1)[1]] if isinstance(expected, dict) else expected
        assert (parsed.kind, parsed.layout) == want
        assert parsed.errors == []
        assert len(parsed.frame) > 0
        unknown = [w for w in parsed.warnings if w.rule == "unknown_columns"]
        assert unknown == []


def _both_layouts(tmp_path):
    company = pytest.importorskip("sample_data.company")
    writers = pytest.importorskip("sample_data.writers")
    small = company.simulate(seed=42, scale=0.01)
    writers.write_salesforce(small, tmp_path)
    writers.write_alternatives(small, tmp_path)
    with zipfile.ZipFile(tmp_path / "salesforce" / "data_export.zip") as z:
        [sf] = parse_file("Opportunity.csv", z.read("Opportunity.csv"))
    [hs] = parse_file("deals.csv", (tmp_path / "hubspot" / "deals.csv").read_bytes())
    assert hs.errors == [] and len(hs.frame) == len(sf.frame) > 0
    return sf.frame, hs.frame


def _rows(frame, columns):
    return frame[columns].astype(object).values.tolist()


def test_hubspot_and_salesforce_layouts_of_one_company_agree(tmp_path):
    sf, hs = _both_layouts(tmp_path)
    # record i of the HubSpot export is deal i of the Salesforce export (ids differ by tool)
    columns = ["name", "amount", "is_won", "is_closed"]
    assert _rows(hs, columns) == _rows(sf, columns)
    closed = sf["stage"].isin(["Closed Won", "Closed Lost"])
    assert (hs["stage"][closed] == sf["stage"][closed]).all()


def test_hubspot_and_salesforce_dates_agree(tmp_path):
    sf, hs = _both_layouts(tmp_path)
    assert _rows(hs, ["created_date", "close_date"]) == _rows(sf, ["created_date", "close_date"])
