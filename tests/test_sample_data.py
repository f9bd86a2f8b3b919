"""The sample-data generator: determinism, the committed demo's headline facts, the export layouts."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import decimal
import io
import json
import pathlib
import sys
import types
import urllib.parse
import zipfile

import numpy as np
import pandas as pd
import pytest

from data_models.channels import CHANNELS, LEAD_SOURCE_CHANNEL, lead_source_channel, source_group
from sample_data import generate, writers
from sample_data.company import simulate

DEMO = generate.DEMO_DIR
AS_OF = generate.DEMO.as_of


SF_EXPORT = DEMO / "salesforce" / "data_export.zip"
SF_REPORT = DEMO / "salesforce" / "campaign_members_report.zip"


def _member(path: pathlib.Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def _sf(name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(_member(SF_EXPORT, name)), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def sf():
    return {n: _sf(f"{n}.csv") for n in ("Account", "Contact", "Lead", "Opportunity", "OpportunityContactRole",
                                          "Campaign")}


GA4 = DEMO / "web" / "ga4_events.parquet"


@pytest.fixture(scope="module")
def ga4():
    """The GA4 export flattened to text columns as a CSV would have them ('' for a missing value)."""
    import duckdb
    return duckdb.connect().execute(
        "select event_date, cast(event_timestamp as varchar) as event_timestamp, event_name, user_pseudo_id,"
        " coalesce(user_id, '') as user_id,"
        " list_filter(event_params, lambda p: p.key = 'page_location')[1].value.string_value as page_location,"
        " coalesce(list_filter(event_params, lambda p: p.key = 'page_referrer')[1].value.string_value, '')"
        " as page_referrer, coalesce(traffic_source.source, '') as \"traffic_source.source\","
        " coalesce(traffic_source.medium, '') as \"traffic_source.medium\","
        " coalesce(traffic_source.name, '') as \"traffic_source.name\" from read_parquet(?)", [str(GA4)]).df()


@pytest.fixture(scope="module")
def answer_key():
    return json.loads((DEMO / "answer_key.json").read_text())


@pytest.fixture(scope="module")
def demo_company():
    s = generate.DEMO
    return simulate(seed=s.seed, scale=s.scale, as_of=s.as_of, anonymous_traffic=s.anonymous_traffic)


def _tree(root: pathlib.Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------- determinism ----------
def test_same_arguments_give_byte_identical_files(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out in (a, b):
        company, _ = generate.generate(out, scale=0.05, seed=7, as_of=dt.date(2026, 6, 30))
        writers.write_alternatives(company, out / "alt")
    generate.generate(c, scale=0.05, seed=8, as_of=dt.date(2026, 6, 30))
    ta, tb, tc = _tree(a), _tree(b), _tree(c)
    assert len(ta) == 11  # 8 exports + answer key + 2 alternative layouts
    assert ta == tb
    assert ta["salesforce/data_export.zip"] != tc["salesforce/data_export.zip"]
    assert ta["web/ga4_events.parquet"] != tc["web/ga4_events.parquet"]


def test_committed_ga4_export_is_what_the_code_generates(demo_company, tmp_path):
    [path] = writers.write_ga4(demo_company, tmp_path)
    assert path.name == "ga4_events.parquet"
    assert path.read_bytes() == GA4.read_bytes()


def test_committed_demo_set_is_a_few_megabytes():
    assert sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file()) <= 4_500_000


def test_ga4_export_has_the_bigquery_shape():
    import pyarrow.parquet as pq

    f = pq.ParquetFile(GA4)
    schema = f.schema_arrow
    assert schema.names == ["event_date", "event_timestamp", "event_name", "event_params", "user_id",
                            "user_pseudo_id", "traffic_source"]
    assert str(schema.field("traffic_source").type) == "struct<name: string, medium: string, source: string>"
    assert str(schema.field("event_params").type) == (
        "list<element: struct<key: string, value: struct<string_value: string, int_value: int64,"
        " float_value: double, double_value: double>>>")
    assert schema.field("event_timestamp").type == "int64"
    assert f.metadata.row_group(0).column(0).compression == "ZSTD"
    assert f.metadata.num_rows == json.loads((DEMO / "answer_key.json").read_text())["counts"]["ga4_events"]


def test_committed_demo_is_what_the_code_generates(demo_company, answer_key, tmp_path):
    for path in writers.write_salesforce(demo_company, tmp_path):
        assert path.read_bytes() == (DEMO / "salesforce" / path.name).read_bytes(), path.name
    assert json.loads(json.dumps(demo_company.facts, sort_keys=True)) == answer_key


@pytest.mark.parametrize("path, members", [
    ("salesforce/data_export.zip", ["Account.csv", "Campaign.csv", "Contact.csv", "Lead.csv", "Opportunity.csv",
                                    "OpportunityContactRole.csv"]),
    ("salesforce/campaign_members_report.zip", ["campaign_members_report.csv"]),
])
def test_zip_entries_have_a_fixed_date(path, members):
    with zipfile.ZipFile(DEMO / path) as z:
        infos = z.infolist()
    assert [i.filename for i in infos] == members
    for info in infos:
        assert info.date_time == (AS_OF.year, AS_OF.month, AS_OF.day, 0, 0, 0)
        assert info.compress_type == zipfile.ZIP_DEFLATED


def test_a_bad_row_in_the_data_export_is_named_by_member_and_line(tmp_path):
    from connectors.load import load_files
    from data_models import db

    small = simulate(seed=3, scale=0.01, as_of=AS_OF)
    members = writers.salesforce_objects(small)
    lines = members["Opportunity.csv"].decode().split("\n")
    cells = lines[4].split('","')
    cells[4] = "12x.50"  # Amount
    lines[4] = '","'.join(cells)
    members["Opportunity.csv"] = "\n".join(lines).encode()
    path = writers._write_zip(tmp_path / "data_export.zip", members, AS_OF)
    report = load_files(db.connect(":memory:"), [(path.name, path.read_bytes())], dry_run=True)
    kinds = {f.name: f.kind for f in report.files}
    assert kinds == {"data_export.zip:Account.csv": "crm.accounts", "data_export.zip:Campaign.csv": "crm.campaigns",
                     "data_export.zip:Contact.csv": "crm.contacts", "data_export.zip:Lead.csv": "crm.contacts",
                     "data_export.zip:Opportunity.csv": "crm.opportunities",
                     "data_export.zip:OpportunityContactRole.csv": "crm.opportunity_contact_roles"}
    assert not report.ok
    errors = [(p.file, p.row, p.column, p.value) for f in report.files for p in f.errors]
    assert errors == [("data_export.zip:Opportunity.csv", 5, "Amount", "12x.50")]  # row = line in the member
    assert report.messages()[0].startswith("data_export.zip:Opportunity.csv, row 5, column Amount: ")


# ---------- headline facts of the committed demo ----------
@pytest.mark.parametrize("name, low, high", [
    ("Account", 2_700, 3_300), ("Contact", 13_500, 16_500), ("Lead", 3_000, 4_000), ("Opportunity", 4_500, 5_500),
    ("Campaign", 140, 160), ("OpportunityContactRole", 10_000, 16_000),
])
def test_entity_counts(sf, name, low, high):
    assert low <= len(sf[name]) <= high


def test_ids_are_unique_18_char_with_object_prefix(sf):
    for name, prefix in (("Account", "001"), ("Contact", "003"), ("Lead", "00Q"), ("Opportunity", "006"),
                         ("OpportunityContactRole", "00K"), ("Campaign", "701")):
        ids = sf[name]["Id"]
        assert ids.is_unique, name
        assert ids.str.len().eq(18).all() and ids.str.startswith(prefix).all(), name
    assert not set(sf["Contact"]["Id"]) & set(sf["Lead"]["Id"])


def test_salesforce_id_checksum_is_the_case_safe_one():
    # worked by hand: body 001 5g 0000000001 -> uppercase bits per 5-char chunk are all zero -> "AAA"
    assert writers.sf_id("001", 1 - writers._OFFSETS["001"]) == "0015g0000000001AAA"


def test_references_point_at_existing_rows(sf):
    ocr, opp, con, acc = sf["OpportunityContactRole"], sf["Opportunity"], sf["Contact"], sf["Account"]
    assert ocr["OpportunityId"].isin(opp["Id"]).all()
    assert ocr["ContactId"].isin(con["Id"]).all()
    assert not ocr.duplicated(["OpportunityId", "ContactId"]).any()
    assert con["AccountId"].isin(acc["Id"]).all()
    assert opp["AccountId"].isin(acc["Id"]).all()
    paid = opp["CampaignId"] != ""
    assert opp.loc[paid, "CampaignId"].isin(sf["Campaign"]["Id"]).all()
    per_deal = ocr.groupby("OpportunityId").size()
    assert per_deal.between(1, 6).all()
    assert (ocr[ocr["IsPrimary"] == "true"].groupby("OpportunityId").size() == 1).all()
    without_roles = 1 - len(per_deal) / len(opp)
    assert 0.02 <= without_roles <= 0.07


def test_won_revenue_matches_the_simulation(sf, answer_key, demo_company):
    opp = sf["Opportunity"]
    won = sum(decimal.Decimal(a) for a in opp.loc[opp["IsWon"] == "true", "Amount"])
    assert str(won) == answer_key["won_revenue_usd"] == demo_company.facts["won_revenue_usd"]
    assert str(sum(decimal.Decimal(a) for a in opp["Amount"])) == answer_key["pipeline_usd"]


def test_opportunity_fields(sf):
    opp = sf["Opportunity"]
    assert set(opp["CurrencyIsoCode"]) == {"USD"}
    assert opp["Amount"].str.fullmatch(r"\d+\.\d{2}").all()
    assert set(opp["StageName"]) == {"Prospecting", "Qualification", "Needs Analysis", "Proposal", "Negotiation",
                                     "Closed Won", "Closed Lost"}
    closed = opp["IsClosed"] == "true"
    assert (opp.loc[closed, "CloseDate"] <= AS_OF.isoformat()).all()
    assert (opp.loc[~closed, "CloseDate"] > AS_OF.isoformat()).all()
    assert ((opp["IsWon"] == "true") == (opp["StageName"] == "Closed Won")).all()
    met = opp["First_Meeting_Date__c"] != ""
    assert 0.8 <= met.mean() <= 0.95
    assert (opp.loc[met, "First_Meeting_Date__c"] >= opp.loc[met, "CreatedDate"].str[:10]).all()
    assert opp["CreatedDate"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000").all()
    known = opp["LeadSource"].str.lower().isin(LEAD_SOURCE_CHANNEL)
    assert 0.85 <= known.mean() < 1.0  # a few odd lead sources on purpose


def test_campaign_channels_and_names(sf):
    camp = sf["Campaign"]
    assert set(camp["Channel__c"]) == set(CHANNELS) - {"other"}
    assert camp["Name"].is_unique
    assert set(camp["Type"]) <= {"Webinar", "Conference", "Trade Show", "Advertisement", "Email", "Partners",
                                 "Content", "Telemarketing", "Other"}


def test_ad_campaigns_match_crm_campaigns_by_name(sf):
    names = set(sf["Campaign"]["Name"])
    google = _google_ads_rows()
    linkedin = _linkedin_rows()
    g_names, l_names = set(google["Campaign"]), set(linkedin["Campaign Name"])
    assert len(g_names - names) == 2 and len(l_names - names) == 1  # a few unmatched, on purpose
    paid = sf["Campaign"][sf["Campaign"]["Channel__c"].isin(["paid_search", "paid_social"])]
    assert set(paid["Name"]) <= g_names | l_names
    # the CRM cost of a paid campaign is what the platform billed
    cost = google.assign(c=google["Cost"].str.replace(",", "").map(decimal.Decimal)).groupby("Campaign")["c"].sum()
    first = paid[paid["Channel__c"] == "paid_search"].iloc[0]
    assert cost[first["Name"]] == decimal.Decimal(first["ActualCost"])


def test_web_events_stitch_to_crm_ids_and_content(sf, ga4):
    people = set(sf["Contact"]["Id"]) | set(sf["Lead"]["Id"])
    users = set(ga4["user_id"]) - {""}
    assert users <= people
    assert len(users) > 5_000
    pv = ga4[ga4["event_name"] == "page_view"]
    assert 150_000 <= len(pv) <= 400_000
    # visitors read anonymously before they identify: stitching adds page views to known people
    known_pseudo = set(ga4.loc[ga4["user_id"] != "", "user_pseudo_id"])
    stitched = pv["user_pseudo_id"].isin(known_pseudo) & (pv["user_id"] == "")
    assert stitched.sum() > 10_000
    assets = pd.read_csv(DEMO / "content" / "content_assets.csv", dtype=str)
    paths = pv["page_location"].str.split("?").str[0]
    assert assets["URL"].isin(set(paths)).mean() > 0.95
    campaigns = set(sf["Campaign"]["Name"])
    utm = pv["page_location"].str.extract(r"utm_campaign=([^&]+)")[0].dropna().map(urllib.parse.unquote)
    assert len(utm) > 1_000 and utm.isin(campaigns).all()


def _content_depth(sf, ga4) -> pd.DataFrame:
    """Distinct content assets read by a deal's contacts before the first meeting, from the files alone."""
    assets = set(pd.read_csv(DEMO / "content" / "content_assets.csv", dtype=str)["URL"])
    ident = ga4[ga4["user_id"] != ""].drop_duplicates("user_pseudo_id")[["user_pseudo_id", "user_id"]]
    pv = ga4[(ga4["event_name"] == "page_view")].copy()
    pv["url"] = pv["page_location"].str.split("?").str[0]
    pv = pv[pv["url"].isin(assets)].merge(ident, on="user_pseudo_id", suffixes=("_event", ""))
    pv["day"] = pv["event_date"].str[:4] + "-" + pv["event_date"].str[4:6] + "-" + pv["event_date"].str[6:]
    opp = sf["Opportunity"]
    opp = opp.assign(cut=np.where(opp["First_Meeting_Date__c"] != "", opp["First_Meeting_Date__c"],
                                  opp["CreatedDate"].str[:10]))
    reads = (sf["OpportunityContactRole"][["OpportunityId", "ContactId"]]
             .merge(pv, left_on="ContactId", right_on="user_id")
             .merge(opp[["Id", "cut"]], left_on="OpportunityId", right_on="Id"))
    reads = reads[reads["day"] < reads["cut"]]
    depth = reads.groupby("OpportunityId")["url"].nunique()
    closed = opp[opp["IsClosed"] == "true"].set_index("Id")
    return pd.DataFrame({"won": closed["IsWon"] == "true", "depth": depth.reindex(closed.index).fillna(0)})


def test_content_assisted_deals_win_more_and_depth_helps(sf, ga4, answer_key):
    d = _content_depth(sf, ga4)
    assisted, unassisted = d[d["depth"] > 0], d[d["depth"] == 0]
    assert len(assisted) > 1_000 and len(unassisted) > 1_000
    assert assisted["won"].mean() - unassisted["won"].mean() > 0.08
    rate = d.groupby(pd.cut(d["depth"], [-1, 0, 2, 10, 10**6]), observed=True)["won"].mean().to_numpy()
    assert list(rate) == sorted(rate)
    truth = answer_key["content_assisted"]
    assert truth["assisted_win_rate_pct"] > 28 and truth["unassisted_win_rate_pct"] < 21
    assert truth["assisted_median_cycle_days"] < truth["unassisted_median_cycle_days"]


def test_perception_gap_cmo_above_measured_above_sales(sf, answer_key):
    opp = sf["Opportunity"]
    amount = opp["Amount"].astype(float)
    group = opp["LeadSource"].map(lambda s: source_group(lead_source_channel(s)))
    measured = 100 * amount[group == "marketing"].sum() / amount.sum()
    assert 35 <= measured <= 45
    assert round(measured, 2) == answer_key["marketing_sourced_share_pct"]
    survey = pd.read_csv(DEMO / "survey" / "perception_survey.csv")
    share = survey[survey["question_id"] == "sourced_share"].groupby("role")["answer"].mean()
    assert share["CMO"] > measured > share["Sales"]
    assert share["CMO"] > share["CEO"] > share["Sales"]
    assert survey.groupby("role")["respondent_id"].nunique().to_dict() == {
        "Board": 4, "CEO": 1, "CMO": 1, "Marketing": 5, "Sales": 6}
    assert len(survey) == 17 * 9


def test_interviews_refer_to_closed_deals(sf):
    iv = pd.read_csv(DEMO / "interviews" / "buyer_interviews.csv", dtype=str)
    assert len(iv) == 120 and iv["interview_id"].is_unique
    closed = sf["Opportunity"].set_index("Id")
    assert (closed.loc[iv["opportunity_id"], "IsClosed"] == "true").all()
    won = closed.loc[iv["opportunity_id"], "IsWon"].to_numpy() == "true"
    assert ((iv["outcome"] == "won").to_numpy() == won).all()
    assert set(iv["insight_area"]) == {"priority_initiative", "success_factors", "perceived_barriers",
                                       "decision_criteria", "buyer_journey"}


# ---------- layouts ----------
def _google_ads_lines() -> list[list[str]]:
    raw = (DEMO / "ads" / "google_ads_campaign_report.csv").read_bytes()
    assert raw[:2] == b"\xff\xfe"
    return list(csv.reader(io.StringIO(raw[2:].decode("utf-16-le"), newline=""), delimiter="\t"))


def _google_ads_rows() -> pd.DataFrame:
    lines = _google_ads_lines()
    body = [r for r in lines[3:] if not r[0].startswith("Total:")]
    return pd.DataFrame(body, columns=lines[2])


def _linkedin_rows() -> pd.DataFrame:
    text = (DEMO / "ads" / "linkedin_campaign_performance.csv").read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    return pd.DataFrame(lines[5:], columns=lines[4])


def test_google_ads_layout():
    lines = _google_ads_lines()
    assert lines[0] == ["Campaign report"]
    assert lines[1] == ["November 21, 2024 - November 20, 2026"]
    assert lines[2] == ["Day", "Campaign", "Campaign ID", "Currency code", "Impr.", "Clicks", "Cost", "Conversions"]
    assert [r[0] for r in lines[-3:]] == ["Total: Account", "Total: Search", "Total: Campaigns"]
    rows = _google_ads_rows()
    assert rows["Day"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    assert rows["Impr."].str.contains(",").any()
    total = sum(decimal.Decimal(c.replace(",", "")) for c in rows["Cost"])
    assert decimal.Decimal(lines[-1][6].replace(",", "")) == total
    assert b"\r\n".decode() in (DEMO / "ads" / "google_ads_campaign_report.csv").read_bytes()[2:].decode("utf-16-le")


def test_linkedin_layout():
    raw = (DEMO / "ads" / "linkedin_campaign_performance.csv").read_bytes()
    assert raw[:3] == b"\xef\xbb\xbf"
    head = raw[3:].decode().split("\n")[:5]
    assert head[:4] == ["Campaign Performance Report (in UTC)", '"Report Start: 11/21/2024, 12:00 AM"',
                        '"Report End: 11/20/2026, 11:59 PM"', '"Date Generated: 11/21/2026, 8:00 AM"']
    assert head[4].startswith("Start Date (in UTC),Account Name,Campaign Group Name,Campaign Name,Campaign ID")
    rows = _linkedin_rows()
    assert rows["Start Date (in UTC)"].str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}").all()
    assert set(rows["Currency"]) == {"USD"}


def test_salesforce_report_footer_and_data_loader_quoting():
    text = _member(SF_REPORT, "campaign_members_report.csv").decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == ('"Campaign ID","Campaign Name","Lead/Contact ID","Member Status","Responded",'
                        '"First Responded Date","Created Date"')
    assert lines[-7:] == ["", '"Campaign Members"',
                          '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."',
                          '"Confidential Information - Do Not Distribute"',
                          '"Generated By:  Dana Analyst  11/20/2026 9:14 AM"', '"Acme Cloud, Inc."', ""]
    body = list(csv.reader(io.StringIO("\n".join(lines[1:-8]))))
    assert {r[4] for r in body} == {"0", "1"}
    assert all(r[6].count("/") == 2 for r in body)
    first = _member(SF_EXPORT, "Account.csv").decode().split("\n")[1]
    assert first.startswith('"001') and first.endswith('"') and first.count('","') == 5


def test_alternative_layouts_are_written():
    deals = pd.read_csv(generate.ALT_DIR / "hubspot" / "deals.csv", dtype=str, keep_default_na=False)
    assert list(deals.columns) == ["Record ID", "Deal Name", "Deal Stage", "Amount", "Deal owner", "Close Date",
                                   "Create Date", "Original Source", "Associated Company IDs"]
    assert deals["Create Date"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()
    assert deals["Original Source"].str.lower().isin(LEAD_SOURCE_CHANNEL).all()
    pages = pd.read_csv(io.BytesIO(_member(generate.ALT_DIR / "segment" / "pages.zip", "pages.csv")), dtype=str,
                        keep_default_na=False)
    assert list(pages.columns) == ["id", "anonymous_id", "user_id", "timestamp", "context_page_url",
                                   "context_page_referrer", "context_campaign_source", "context_campaign_medium",
                                   "context_campaign_name"]
    assert pages["timestamp"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z").all()
    assert pages["id"].is_unique and (pages["user_id"] != "").any()


# ---------- cli ----------
@dataclasses.dataclass
class _FakeReport:
    ok: bool = True

    def summary(self) -> str:
        return "fake: loaded"

    def messages(self) -> list[str]:
        return []


def test_cli_sample_loads_the_demo_folder_in_order(monkeypatch, capsys):
    calls = []
    fake = types.ModuleType("connectors.load")
    fake.load_paths = lambda db, paths, user="sample", kind=None: calls.append((db, paths, user)) or _FakeReport()
    monkeypatch.setitem(sys.modules, "connectors.load", fake)
    args = types.SimpleNamespace(db="x.duckdb", scale=1.0, seed=42, as_of=None, out=None, from_files=str(DEMO))
    assert generate.cli_sample(args) == 0
    (db, paths, user), = calls
    assert (db, user) == ("x.duckdb", "sample")
    assert [str(pathlib.Path(p).relative_to(DEMO)) for p in paths] == list(generate.EXPORT_FILES)
    assert "fake: loaded" in capsys.readouterr().out


def test_cli_sample_generates_then_loads(monkeypatch, tmp_path):
    calls = []
    fake = types.ModuleType("connectors.load")
    fake.load_paths = lambda db, paths, user="sample", kind=None: calls.append(paths) or _FakeReport(ok=False)
    monkeypatch.setitem(sys.modules, "connectors.load", fake)
    args = types.SimpleNamespace(db="x.duckdb", scale=0.02, seed=3, as_of=dt.date(2026, 1, 31),
                                 out=str(tmp_path / "out"), from_files=None)
    assert generate.cli_sample(args) == 1  # the loader said no
    assert len(calls[0]) == 8 and all(pathlib.Path(p).is_file() for p in calls[0])
    key = json.loads((tmp_path / "out" / "answer_key.json").read_text())
    assert key["as_of"] == "2026-01-31" and key["history_start"] == "2024-02-02"  # 730 days, 2024 a leap year
