"""CRM layouts: the same three deals exported by Salesforce (Data Loader and report), HubSpot and a
generic CRM must become the same canonical rows; plus accounts, contacts, leads, campaigns, members."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from connectors.base import ROW_COLUMN
from connectors.parse import parse_file

D = dt.date

SALESFORCE = (
    '"Id","Name","AccountId","StageName","Amount","CurrencyIsoCode","CloseDate","CreatedDate","LeadSource",'
    '"IsWon","IsClosed","CampaignId","OwnerId","Type","First_Meeting_Date__c"\n'
    '"006A","Deal A","001A","Closed Won","1200.50","USD","2025-03-31","2025-01-04T10:22:11.000+0000","Web",'
    '"true","true","701A","Dana","New Business","2025-01-10"\n'
    '"006B","Deal B","001B","Closed Lost","","USD","2025-04-15","2025-02-01T08:00:00.000+0000","Webinar",'
    '"false","true","","Dana","New Business",""\n'
    '"006C","Deal C","001A","Proposal","3000","USD","2025-06-30","2025-03-01T23:59:59.000+0000","Partner Referral",'
    '"false","false","","Sam","New Business",""\n')
SALESFORCE_REPORT = (
    '"Opportunity ID","Opportunity Name","Account ID","Stage","Amount","Close Date","Created Date","Lead Source",'
    '"Opportunity Owner"\n'
    '"006A","Deal A","001A","Closed Won","$1,200.50","3/31/2025","1/4/2025","Web","Dana"\n'
    '"006B","Deal B","001B","Closed Lost","","4/15/2025","2/1/2025","Webinar","Dana"\n'
    '"006C","Deal C","001A","Proposal","$3,000.00","6/30/2025","3/1/2025","Partner Referral","Sam"\n'
    '\n"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n')
HUBSPOT = (
    '"Record ID","Deal Name","Deal Stage","Amount","Deal owner","Close Date","Create Date","Original Source",'
    '"Associated Company IDs"\n'
    '"006A","Deal A","closedwon","1200.5","Dana","2025-03-31 00:00","2025-01-04 10:22","Web","001A;001Z"\n'
    '"006B","Deal B","Closed Lost","","Dana","2025-04-15 00:00","2025-02-01 08:00","Webinar","001B"\n'
    '"006C","Deal C","decisionmakerboughtin","3000","Sam","2025-06-30 00:00","2025-03-01 23:59","Partner Referral",'
    '"001A"\n')
GENERIC = (   # the public "CRM sales opportunities" dataset's columns
    "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
    "006A,Dana,GTX,001A,Won,2025-01-04,2025-03-31,1200.50\n"
    "006B,Dana,GTX,001B,Lost,2025-02-01,2025-04-15,\n"
    "006C,Sam,GTX,001A,Engaging,2025-03-01,2025-06-30,3000\n")

COMMON = ["opportunity_id", "account_id", "amount", "created_date", "close_date", "is_closed", "is_won", "owner"]


@pytest.mark.parametrize("name, text, layout, source", [
    ("Opportunity.csv", SALESFORCE, "salesforce.opportunity", "salesforce"),
    ("report.csv", SALESFORCE_REPORT, "salesforce.report.opportunities", "salesforce"),
    ("deals.csv", HUBSPOT, "hubspot.deals", "hubspot"),
    ("sales_pipeline.csv", GENERIC, "generic.opportunities", "generic"),
])
def test_same_deals_in_every_layout(name, text, layout, source):
    [p] = parse_file(name, text.encode())
    assert (p.kind, p.layout) == ("crm.opportunities", layout)
    f = p.frame
    assert f[COMMON].astype(object).where(f[COMMON].notna(), None).values.tolist() == [
        ["006A", "001A", 1200.50, D(2025, 1, 4), D(2025, 3, 31), True, True, "Dana"],
        ["006B", "001B", None, D(2025, 2, 1), D(2025, 4, 15), True, False, "Dana"],
        ["006C", "001A", 3000.00, D(2025, 3, 1), D(2025, 6, 30), False, False, "Sam"],
    ]
    assert f["source_system"].unique().tolist() == [source]
    assert f[ROW_COLUMN].tolist() == [2, 3, 4]
    assert not p.errors


def test_salesforce_extras_and_hubspot_stage_labels():
    [sf] = parse_file("Opportunity.csv", SALESFORCE.encode())
    assert sf.frame["stage"].tolist() == ["Closed Won", "Closed Lost", "Proposal"]
    assert sf.frame["first_meeting_date"].tolist()[0] == D(2025, 1, 10)
    assert sf.frame["primary_campaign_id"].tolist()[0] == "701A" and sf.frame["currency"].tolist()[0] == "USD"
    assert sf.mapping["StageName"] == "stage" and not sf.warnings      # Type is known and not loaded
    [hs] = parse_file("deals.csv", HUBSPOT.encode())
    assert hs.frame["stage"].tolist() == ["Closed Won", "Closed Lost", "Decision Maker Bought-In"]
    [generic] = parse_file("sales_pipeline.csv", GENERIC.encode())
    assert [w.message for w in generic.warnings] == ["1 columns are not used: product"]


def test_accounts_regions_segments_and_employee_ranges():
    text = ("Account ID,Account Name,Industry,Employees,Country\n"
            "A1,Northwind,Software,450,Germany\nA2,Globex,Manufacturing,\"5,200\",USA\n"
            "A3,Initech,,10-50,Brazil\nA4,Hooli,,,Atlantis\n")
    [p] = parse_file("accounts.csv", text.encode())
    f = p.frame
    assert f["employees"].tolist()[:3] == [450, 5200, 10]
    assert f["segment"].tolist()[:3] == ["Mid-Market", "Enterprise", "SMB"] and pd.isna(f["segment"].iloc[3])
    assert f["region"].tolist()[:3] == ["EMEA", "North America", "LATAM"] and pd.isna(f["region"].iloc[3])
    assert [w.rule for w in p.warnings] == ["unknown_country"]


def test_salesforce_contacts_and_leads():
    contacts = ('"Id","AccountId","FirstName","LastName","Email","Title","LeadSource","CreatedDate","MQL_Date__c",'
                '"SAL_Date__c","SQL_Date__c"\n'
                '"003A","001A","Lucas","Scott","Lucas.Scott@X.com","Head of Marketing","Paid Social",'
                '"2024-12-18T17:16:04.000+0000","2024-12-21","",""\n')
    [c] = parse_file("Contact.csv", contacts.encode())
    assert c.layout == "salesforce.contact"
    row = c.frame.iloc[0]
    assert (row["record_type"], row["email"], row["persona"]) == ("contact", "lucas.scott@x.com", "Marketing")
    assert row["created_at"] == dt.datetime(2024, 12, 18, 17, 16, 4) and row["mql_at"] == dt.datetime(2024, 12, 21)
    leads = ('"Id","Company","FirstName","LastName","Email","Title","LeadSource","Status","CreatedDate","IsConverted",'
             '"MQL_Date__c","SAL_Date__c"\n'
             '"00QA","Helwind","Fatima","White","f@h.com","Finance Director","Web","Nurturing",'
             '"2025-11-18T15:01:36.000+0000","false","2025-11-19",""\n')
    [lead] = parse_file("Lead.csv", leads.encode())
    assert lead.layout == "salesforce.lead"
    assert lead.frame[["contact_id", "record_type", "persona"]].values.tolist() == [["00QA", "lead", "Finance"]]
    assert pd.isna(lead.frame["account_id"].iloc[0]) and not lead.warnings


def test_campaign_channels_from_field_type_and_name():
    text = ('"Id","Name","Type","Channel__c","Status","StartDate","EndDate","ActualCost","BudgetedCost"\n'
            '"7A","Q1 Webinar","Webinar","webinar","Completed","2025-01-01","2025-01-01","100.00","90"\n'
            '"7B","LinkedIn ABM","Advertisement","","Completed","2025-01-01","2025-03-31","2000","2000"\n'
            '"7C","Google Brand","Advertisement","","Completed","2025-01-01","2025-03-31","","1000"\n'
            '"7D","SaaStr booth","Trade Show","Paid Search","Completed","2025-01-01","2025-01-03","5000","5000"\n'
            '"7E","Cold calls","Telemarketing","","Completed","","","",""\n'
            '"7F","Partner MDF","Partners","","Completed","","","",""\n'
            '"7G","Syndication","Content","","Completed","","","",""\n'
            '"7H","Nurture","Email","carrier pigeon","Completed","","","",""\n')
    [p] = parse_file("Campaign.csv", text.encode())
    f = p.frame
    assert f["channel"].tolist() == ["webinar", "paid_social", "paid_search", "paid_search", "sales_outbound",
                                     "partner", "content", "email"]
    assert f["cost"].tolist()[:2] == [100.00, 2000.00] and pd.isna(f["cost"].iloc[2])   # ActualCost, not budget
    assert [w.rule for w in p.warnings] == ["unknown_channel"]


def test_data_loader_campaign_members_and_contact_roles():
    members = ('"Id","CampaignId","LeadId","ContactId","Status","HasResponded","FirstRespondedDate","CreatedDate"\n'
               '"00v1","7A","00QA","","Responded","true","2025-01-02","2025-01-01T00:00:00.000+0000"\n'
               '"00v2","7A","","003B","Sent","false","","2025-01-01T00:00:00.000+0000"\n')
    [m] = parse_file("CampaignMember.csv", members.encode())
    assert m.layout == "salesforce.campaign_member"
    assert m.frame[["campaign_id", "contact_id", "has_responded"]].values.tolist() == [
        ["7A", "00QA", True], ["7A", "003B", False]]
    roles = '"Id","OpportunityId","ContactId","Role","IsPrimary"\n"00K1","006A","003A","Decision Maker","true"\n'
    [r] = parse_file("OpportunityContactRole.csv", roles.encode())
    assert r.frame[["opportunity_id", "contact_id", "role", "is_primary"]].values.tolist() == [
        ["006A", "003A", "Decision Maker", True]]


def test_generic_touchpoints_by_email_and_asset_url():
    text = ("email,timestamp,channel,campaign,asset url,touch type\n"
            "A@x.com,2025-01-05T10:00:00Z,Paid Social,LinkedIn ABM,,ad click\n"
            "a@x.com,2025-01-06T11:00:00Z,content,,https://www.x.com/blog/roi/,Content View\n")
    [p] = parse_file("touches.csv", text.encode())
    assert p.kind == "crm.touchpoints"
    f = p.frame
    assert f["contact_id"].tolist() == ["a@x.com", "a@x.com"]
    assert f["channel"].tolist() == ["paid_social", "content"]
    assert f["touch_type"].tolist() == ["ad_click", "content_view"]
    assert pd.isna(f["asset_id"].iloc[0]) and f["asset_id"].iloc[1].startswith("ca-")
    assert f["touchpoint_id"].is_unique and f["touchpoint_id"].str.startswith("tp-").all()
    assert [w.rule for w in p.warnings] == ["contact_by_email"]
    [again] = parse_file("touches.csv", text.encode())
    assert again.frame["touchpoint_id"].tolist() == f["touchpoint_id"].tolist()
