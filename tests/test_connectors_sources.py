"""Web events, ad spend, content, survey answers and buyer interviews; the parse API itself."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from connectors.base import ROW_COLUMN, ConnectorError
from connectors.parse import guess_mapping, known_layouts, parse_file

GA4 = ("event_date,event_timestamp,event_name,user_pseudo_id,user_id,page_location,page_referrer,"
       "traffic_source.source,traffic_source.medium,traffic_source.name\n"
       "20241121,1732196036804512,page_view,111.222,,https://www.acme.com/Blog/ROI/?utm_source=linkedin"
       "&utm_medium=paid_social&utm_campaign=ABM%20Q4,,google,organic,(organic)\n"
       "20241121,1732196040000000,scroll,111.222,,https://www.acme.com/blog/roi,,google,organic,(organic)\n"
       "20241121,1732196050000000,form_submit,111.222,003A,https://acme.com/request-demo,,google,organic,(organic)\n")


def test_ga4_events():
    [p] = parse_file("ga4.csv", GA4.encode())
    assert (p.kind, p.layout) == ("web.page_views", "ga4.events")
    f = p.frame
    assert f[ROW_COLUMN].tolist() == [2, 4]                     # the scroll event is left out
    assert f["event_name"].tolist() == ["page_view", "form_submit"]
    assert f["occurred_at"].iloc[0] == dt.datetime(2024, 11, 21, 13, 33, 56, 804512)
    assert f["url"].tolist() == ["acme.com/blog/roi", "acme.com/request-demo"]
    assert f[["utm_source", "utm_medium", "utm_campaign"]].values.tolist() == [
        ["linkedin", "paid_social", "ABM Q4"], ["google", "organic", "(organic)"]]   # URL first, then columns
    assert f["visitor_id"].tolist() == ["111.222", "111.222"] and f["user_id"].tolist()[1] == "003A"
    assert f["event_id"].is_unique and f["event_id"].str.startswith("ev-").all()
    [again] = parse_file("other_name.csv", GA4.encode())
    assert again.frame["event_id"].tolist() == f["event_id"].tolist()   # deterministic
    assert [w.rule for w in p.warnings] == ["events_filtered"]


def test_segment_pages():
    text = ("id,anonymous_id,user_id,timestamp,context_page_url,context_page_referrer,context_campaign_source,"
            "context_campaign_medium,context_campaign_name\n"
            "m1,anon1,,2024-11-22T07:17:11.298Z,https://www.acme.com/pricing/,https://www.g2.com/,g2,referral,\n"
            "m2,,003A,2024-11-22T08:00:00Z,https://acme.com/blog/x?utm_campaign=spring,,,,\n")
    [p] = parse_file("pages.csv", text.encode())
    assert p.layout == "segment.pages"
    f = p.frame
    assert f["event_id"].tolist() == ["m1", "m2"]
    assert f["visitor_id"].tolist() == ["anon1", "003A"]             # identified calls may lack anonymous_id
    assert f["url"].tolist() == ["acme.com/pricing", "acme.com/blog/x"]
    assert f["utm_source"].tolist()[0] == "g2" and f["utm_campaign"].tolist()[1] == "spring"
    assert f["occurred_at"].iloc[0] == dt.datetime(2024, 11, 22, 7, 17, 11, 298000)


def test_linkedin_export_with_preamble():
    text = ("\ufeffCampaign Performance Report (in UTC)\n"
            '"Report Start: 1/1/2025, 12:00 AM"\n"Report End: 1/31/2025, 11:59 PM"\n'
            '"Date Generated: 2/1/2025, 8:00 AM"\n\n'
            "Start Date (in UTC),Account Name,Campaign Group Name,Campaign Name,Campaign ID,Campaign Type,Total Spent,"
            "Currency,Impressions,Clicks,Leads\n"
            "1/13/2025,Acme,FY25,ABM - CMO,509682206,Sponsored Content,721.48,USD,6571,40,6\n"
            "1/14/2025,Acme,FY25,ABM - CMO,509682206,Sponsored Content,\"1,315.45\",USD,\"14,930\",87,7\n").encode()
    [p] = parse_file("linkedin.csv", text)
    assert p.layout == "linkedin.campaign_performance"
    f = p.frame
    assert f[ROW_COLUMN].tolist() == [7, 8]
    assert f["spend_date"].tolist() == [dt.date(2025, 1, 13), dt.date(2025, 1, 14)]
    assert f["cost"].tolist() == [721.48, 1315.45] and f["impressions"].tolist() == [6571, 14930]
    assert f["conversions"].tolist() == [6.0, 7.0] and f["platform"].unique().tolist() == ["linkedin"]
    assert not p.problems


def test_survey_long_and_wide():
    long = ("respondent_id,role,question_id,answer,submitted_at\n"
            "R1,CEO,sourced_share,32,2026-11-16T15:29:26Z\nR1,CEO,revenue_driver,2,2026-11-16T15:29:27Z\n"
            "cmo@x.com,Chief Marketing Officer,sourced_share,38%,2026-11-16T15:29:28Z\n")
    [p] = parse_file("survey.csv", long.encode())
    f = p.frame
    assert f["response_id"].tolist()[:2] == ["R1:sourced_share", "R1:revenue_driver"]
    assert f["respondent_role"].tolist() == ["CEO", "CEO", "CMO"]
    assert f["answer_value"].tolist() == [32.0, 2.0, 38.0] and f["answer_text"].tolist()[2] == "38%"
    assert f["respondent_key"].iloc[2] == "email:cmo@x.com"  # marked; the loader stores a salted key instead
    wide = "respondent_id,role,submitted_at,sourced_share,revenue_driver\nR9,Board,2026-11-17,20,\n"
    [w] = parse_file("wide.csv", wide.encode(), kind="survey.responses")
    assert w.frame[["response_id", "respondent_role", "question_id", "answer_value"]].values.tolist() == [
        ["R9:sourced_share", "Board", "sourced_share", 20.0]]
    assert w.frame[ROW_COLUMN].tolist() == [2]


def test_interviews_without_ids_and_with_repeated_ids():
    text = ("date,persona,outcome,insight area,quote\n"
            "2025-05-09,VP Marketing,Closed Won,Decision criteria,They compared us on data freshness\n"
            "2025-05-10,CFO,No decision,Barriers,Budget froze\n")
    [p] = parse_file("notes.csv", text.encode())
    assert p.kind == "buyer.interviews"
    f = p.frame
    assert f["outcome"].tolist() == ["won", "no_decision"]
    assert f["insight_area"].tolist() == ["decision_criteria", "perceived_barriers"]
    assert f["persona"].tolist() == ["Marketing", "Executive"] and f["interview_id"].str.startswith("bi-").all()
    repeated = ("interview_id,date,opportunity_id,persona,outcome,insight_area,quote\n"
                "I-1,2025-05-09,O1,CMO,won,decision_criteria,A\nI-1,2025-05-09,O1,CMO,won,buyer_journey,B\n")
    [r] = parse_file("interviews.csv", repeated.encode())
    assert r.frame["interview_id"].tolist() == ["I-1:decision_criteria", "I-1:buyer_journey"]


def test_kind_forced_and_mapping_override():
    text = "Deal,Where,Value\nX1,Won,10\nX2,Open,\n"
    with pytest.raises(ConnectorError):
        parse_file("x.csv", text.encode())
    [p] = parse_file("x.csv", text.encode(), mapping={"Deal": "opportunity_id", "Where": "stage", "Value": "amount"})
    assert (p.kind, p.layout) == ("crm.opportunities", "mapped.opportunities")
    assert p.frame[["opportunity_id", "is_won", "amount"]].astype(object).values.tolist()[0] == ["X1", True, 10.0]
    with pytest.raises(ConnectorError) as caught:
        parse_file("x.csv", text.encode(), mapping={"Nope": "opportunity_id"})
    assert caught.value.problems[0].rule == "mapping_column"
    with pytest.raises(ConnectorError) as caught:
        parse_file("x.csv", text.encode(), kind="crm.accounts")
    assert "account_id" in caught.value.problems[0].message
    [forced] = parse_file("a.csv", b"Id,Name\n1,Acme\n", kind="crm.accounts")   # bare Id/Name only when forced
    assert forced.frame[["account_id", "name"]].values.tolist() == [["1", "Acme"]]


def test_guess_mapping_and_known_layouts():
    mapping, confidence, unmapped = guess_mapping(["Deal ID", "Deal Stage", "Deal Value", "Colour"],
                                                  "crm.opportunities")
    assert mapping == {"Deal ID": "opportunity_id", "Deal Stage": "stage", "Deal Value": "amount"}
    assert unmapped == ["Colour"] and 0.5 < confidence < 1
    assert guess_mapping(["Colour"], "crm.opportunities")[1] == 0.0
    layouts = {name: (kind, required) for name, kind, required in known_layouts()}
    assert layouts["salesforce.opportunity"] == ("crm.opportunities", ["Id", "StageName", "CloseDate"])
    assert layouts["generic.ad_spend"][0] == "ads.spend"


def test_content_types_from_labels_and_urls():
    text = ("URL,Title,Content Type,Topic,Publish Date\n"
            "https://x.com/customers/acme,Acme story,Customer Story,ROI,2025-01-01\n"
            "https://x.com/webinars/roi,ROI live,,ROI,2025-01-02\n"
            "https://x.com/misc/thing,Thing,Podcast,ROI,2025-01-03\n")
    [p] = parse_file("cms.csv", text.encode())
    assert p.frame["asset_type"].tolist()[:2] == ["case_study", "webinar"] and pd.isna(p.frame["asset_type"].iloc[2])
    assert [w.rule for w in p.warnings] == ["unknown_content_type"]
