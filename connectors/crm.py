"""CRM exports: accounts, contacts and leads, opportunities, contact roles, campaigns,
campaign members and touchpoints, from Salesforce (Data Loader / Data Export and report
exports), HubSpot UI exports, and any other CRM through a table of column synonyms.
"""
from __future__ import annotations

import re

import pandas as pd

from connectors.detect import KindSpec, Layout
from connectors.personas import (
    normalise_regions, normalise_segments, personas, regions_from_countries, segments_from_employees,
)
from connectors.values import FieldReader, by_unique, clean, stable_ids
from data_models.channels import CHANNEL_LABELS, CHANNELS, LEAD_SOURCE_CHANNEL

# ---- vocabularies --------------------------------------------------------------------------------

# HubSpot's default sales pipeline: internal stage ids as exported by the API and some UI exports
HUBSPOT_STAGES = {
    "appointmentscheduled": "Appointment Scheduled",
    "qualifiedtobuy": "Qualified To Buy",
    "presentationscheduled": "Presentation Scheduled",
    "decisionmakerboughtin": "Decision Maker Bought-In",
    "contractsent": "Contract Sent",
    "closedwon": "Closed Won",
    "closedlost": "Closed Lost",
}

_WON_RE = r"\bwon\b|closed_?won|\bwin\b|\bbooked\b"
_LOST_RE = r"\blost\b|closed_?lost|\bloss\b"
_CLOSED_RE = _WON_RE + "|" + _LOST_RE + r"|\bclosed\b|disqualified|\bdead\b|cancel|no decision|churn"


def stage_flags(stages: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(is_won, is_closed) from stage words: Won / Closed Won / closedwon; Lost / Closed Lost ..."""
    low = clean(stages).str.lower().str.replace(r"[-\s]+", " ", regex=True)
    won = low.str.contains(_WON_RE).astype("boolean")
    closed = (low.str.contains(_CLOSED_RE).astype("boolean") | won).astype("boolean")
    return won, closed


def hubspot_stage_labels(stages: pd.Series) -> pd.Series:
    def convert(u: pd.Series) -> pd.Series:
        key = u.str.lower().str.replace(r"[^a-z]", "", regex=True)
        return key.map(HUBSPOT_STAGES).astype("str").fillna(u)
    return by_unique(clean(stages), convert).astype("str")


_CHANNEL_WORDS = {
    "paid_search": "paid search|search|sem|ppc|cpc|google ads|adwords|bing ads|microsoft ads|search ads",
    "paid_social": "paid social|social|social ads|linkedin|linkedin ads|facebook|meta|twitter|instagram",
    "webinar": "webinar|webinars|virtual event",
    "event": "event|events|trade show|tradeshow|conference|field marketing|field event|seminar|roadshow|meetup",
    "content": "content|content & seo|content and seo|seo|organic|organic search|blog|inbound",
    "email": "email|e mail|newsletter|nurture|email marketing",
    "partner": "partner|partners|referral|partner referral|reseller|channel partner",
    "sales_outbound": "sales outbound|outbound|sdr|bdr|cold call|telemarketing|sales prospecting|prospecting",
    "other": "other|direct mail|print|pr|public relations",
}
CHANNEL_SYNONYMS = {w: ch for ch, words in _CHANNEL_WORDS.items() for w in words.split("|")}
CHANNEL_SYNONYMS.update({c.replace("_", " "): c for c in CHANNELS})
CHANNEL_SYNONYMS.update({label.lower(): c for c, label in CHANNEL_LABELS.items()})


def channel_of(text: str | None) -> str | None:
    """A channel name as written ("Paid Search", "paid_search", "LinkedIn") -> one of CHANNELS, or None."""
    if text is None or not str(text).strip():
        return None
    key = re.sub(r"[_\-/]+", " ", str(text).strip().lower())
    key = re.sub(r"\s+", " ", key)
    return CHANNEL_SYNONYMS.get(key) or LEAD_SOURCE_CHANNEL.get(key)


def normalise_channels(values: pd.Series) -> pd.Series:
    return by_unique(clean(values), lambda u: u.map(channel_of).astype("str")).astype("str")


def campaign_channel(ctype: str | None, name: str | None) -> str:
    """Channel of a campaign from its type and name keywords (when no Channel field says it)."""
    t = (ctype or "").lower()
    n = (name or "").lower()
    social = re.search(r"linkedin|facebook|\bmeta\b|twitter|instagram|social", t + " " + n)
    if "webinar" in t:
        return "webinar"
    if re.search(r"conference|trade ?show|event|seminar|roadshow|meetup|summit", t):
        return "event"
    if re.search(r"e-?mail|newsletter|nurture", t):
        return "email"
    if "partner" in t or "referral" in t:
        return "partner"
    if re.search(r"telemarketing|outbound|cold call|prospecting|\bsdr\b|\bbdr\b", t):
        return "sales_outbound"
    if re.search(r"content|\bseo\b|syndication", t):
        return "content"
    if re.search(r"advertis|\bpaid\b|\bads?\b|banner|display|social|search|ppc|\bsem\b", t):
        return "paid_social" if social else "paid_search"
    if t and channel_of(t):
        return channel_of(t)
    # no usable type: the name decides
    if "webinar" in n:
        return "webinar"
    if social:
        return "paid_social"
    if re.search(r"google|adwords|\bsearch\b|\bppc\b|\bsem\b|bing", n):
        return "paid_search"
    if re.search(r"conference|summit|trade ?show|\bevent\b|roadshow|meetup|booth", n):
        return "event"
    if re.search(r"e-?mail|newsletter|nurture", n):
        return "email"
    if "partner" in n:
        return "partner"
    if re.search(r"outbound|telemarketing|cold call", n):
        return "sales_outbound"
    if re.search(r"content|e-?book|guide|blog|whitepaper|\bseo\b|syndication", n):
        return "content"
    return "other"


_TOUCH_TYPES = {
    "form_fill": "form|form fill|form_fill|form submit|form submission|form submitted|submission|download|signup|sign up|demo request|contact us",
    "content_view": "content view|content_view|page view|pageview|view|read|content|visit",
    "webinar": "webinar|webinar attended|webinar attendance|webinar registration",
    "ad_click": "ad click|ad_click|click|ad|paid click",
    "email_click": "email click|email_click|email|email open|email opened|email clicked",
    "event": "event|trade show|booth visit|conference|event attended",
    "meeting": "meeting|call|demo|sales meeting|first meeting",
}
TOUCH_TYPE_SYNONYMS = {w: t for t, words in _TOUCH_TYPES.items() for w in words.split("|")}


def normalise_touch_types(values: pd.Series) -> pd.Series:
    def convert(u: pd.Series) -> pd.Series:
        key = u.str.lower().str.replace(r"[\s\-]+", " ", regex=True)
        return key.map(TOUCH_TYPE_SYNONYMS).astype("str").fillna(u)
    return by_unique(clean(values), convert).astype("str")


def first_id(values: pd.Series) -> pd.Series:
    """HubSpot writes several associated ids as "123;456": the first is the primary one."""
    return clean(clean(values).str.split(r"[;,]", n=1, regex=True).str[0])


_RESPONDED_RE = r"respond|attend|regist|click|download|submit|repl|convert|visit|engag"

# ---- builders -------------------------------------------------------------------------------------

def employee_counts(r: FieldReader) -> pd.Series:
    """Employees as a whole number; ranges such as "201-500" or "10,001+" count as their lower bound."""
    raw = clean(r.raw("employees"))
    lower = raw.str.extract(r"^\s*([\d,.\s]+?)\s*(?:-|–|to|\+)", expand=False)
    ranged = raw.str.contains(r"^\s*[\d,.\s]+\s*(?:-|–|to)\s*[\d,.\s]+$|^\s*[\d,.\s]+\+\s*$")
    if ranged.fillna(False).any():
        r.frame = r.frame.assign(employees=raw.where(~ranged.fillna(False).astype(bool), lower))
    return r.integer("employees")


def build_accounts(r: FieldReader, options: dict) -> pd.DataFrame:
    employees = employee_counts(r)
    from_countries = regions_from_countries(r.text("country"))
    unknown = sorted(set(r.text("country")[from_countries.isna() & r.text("country").notna()]))
    if unknown and not r.has("region"):
        r.warn(f"no region known for {len(unknown)} countries: {', '.join(unknown[:10])}", "unknown_country",
               r.column("country"), "Those accounts have no region; use country names or ISO codes")
    return pd.DataFrame({
        "account_id": r.text("account_id"),
        "name": r.text("name"),
        "industry": r.text("industry"),
        "employees": employees,
        "region": normalise_regions(r.text("region")).fillna(from_countries),
        "segment": normalise_segments(r.text("segment")).fillna(segments_from_employees(employees)),
        "source_system": r.source_system,
    })


def build_contacts(r: FieldReader, options: dict) -> pd.DataFrame:
    record_type = options.get("record_type")
    if record_type:
        types = pd.Series(record_type, index=r.index, dtype="str")
    else:
        given = r.text("record_type").str.lower()
        types = given.where(given.isin(["lead", "contact"]))
        types = types.fillna(pd.Series("contact", index=r.index, dtype="str"))
    given_persona = personas(r.text("persona"))
    account = first_id(r.text("account_id")) if options.get("multi_ids") else r.text("account_id")
    return pd.DataFrame({
        "contact_id": r.text("contact_id"),
        "account_id": account,
        "record_type": types,
        "email": r.text("email").str.lower(),
        "title": r.text("title"),
        "persona": given_persona.fillna(personas(r.text("title"))),
        "lead_source": r.text("lead_source"),
        "created_at": r.timestamp("created_at"),
        "mql_at": r.timestamp("mql_at"),
        "sal_at": r.timestamp("sal_at"),
        "sql_at": r.timestamp("sql_at"),
        "converted_contact_id": r.text("converted_contact_id"),
        "source_system": r.source_system,
    })


def build_opportunities(r: FieldReader, options: dict) -> pd.DataFrame:
    stage = r.text("stage")
    if options.get("hubspot_stages") or r.source_system == "hubspot":
        stage = hubspot_stage_labels(stage)
    won_from_stage, closed_from_stage = stage_flags(stage)
    is_won = r.boolean("is_won") if r.has("is_won") else won_from_stage
    is_won = is_won.fillna(won_from_stage)
    is_closed = r.boolean("is_closed") if r.has("is_closed") else closed_from_stage
    is_closed = (is_closed.fillna(closed_from_stage) | is_won.fillna(False)).astype("boolean")
    account = first_id(r.text("account_id")) if options.get("multi_ids") else r.text("account_id")
    currency = r.text("currency").str.upper()
    return pd.DataFrame({
        "opportunity_id": r.text("opportunity_id"),
        "account_id": account,
        "name": r.text("name"),
        "amount": r.amount("amount"),
        "currency": currency,
        "stage": stage,
        "created_date": r.date("created_date"),
        "close_date": r.date("close_date"),
        "is_closed": is_closed,
        "is_won": is_won,
        "first_meeting_date": r.date("first_meeting_date"),
        "lead_source": r.text("lead_source"),
        "primary_campaign_id": r.text("primary_campaign_id"),
        "owner": r.text("owner"),
        "source_system": r.source_system,
    })


def build_contact_roles(r: FieldReader, options: dict) -> pd.DataFrame:
    return pd.DataFrame({
        "opportunity_id": r.text("opportunity_id"),
        "contact_id": r.text("contact_id"),
        "role": r.text("role"),
        "is_primary": r.boolean("is_primary"),
        "source_system": r.source_system,
    })


def build_campaigns(r: FieldReader, options: dict) -> pd.DataFrame:
    names, types = r.text("name"), r.text("type")
    derived = pd.Series([campaign_channel(t, n) for t, n in zip(types.fillna("").tolist(), names.fillna("").tolist())],
                        index=r.index, dtype="str")
    channel = derived
    if r.has("channel"):
        given = r.text("channel")
        mapped = normalise_channels(given)
        unknown = sorted(set(given[mapped.isna() & given.notna()]))
        if unknown:
            r.warn(f"channel values we do not know were replaced by the channel of the campaign type: "
                   f"{', '.join(unknown[:10])}", "unknown_channel", r.column("channel"),
                   "Use one of: " + ", ".join(CHANNELS))
        channel = mapped.fillna(derived)
    cost = r.amount("cost") if r.has("cost") else r.amount("budgeted_cost")
    return pd.DataFrame({
        "campaign_id": r.text("campaign_id"),
        "name": names,
        "channel": channel,
        "type": types,
        "cost": cost,
        "start_date": r.date("start_date"),
        "end_date": r.date("end_date"),
        "source_system": r.source_system,
    })


def build_campaign_members(r: FieldReader, options: dict) -> pd.DataFrame:
    status = r.text("status")
    responded = r.boolean("has_responded")
    from_status = status.str.lower().str.contains(_RESPONDED_RE).astype("boolean")
    return pd.DataFrame({
        "campaign_id": r.text("campaign_id"),
        "contact_id": r.text("contact_id", "lead_id", "lead_or_contact_id"),
        "status": status,
        "has_responded": responded.fillna(from_status) if r.has("has_responded") else from_status,
        "first_responded_at": r.timestamp("first_responded_at"),
        "created_at": r.timestamp("created_at"),
        "source_system": r.source_system,
    })


def build_touchpoints(r: FieldReader, options: dict) -> pd.DataFrame:
    from connectors.content import asset_ids
    from connectors.values import normalise_urls
    contact = r.text("contact_id")
    if not r.has("contact_id") and r.has("email"):
        r.warn("touchpoints name contacts by email: the email is kept as the contact id",
               "contact_by_email", r.column("email"),
               "Export the CRM contact id to link touchpoints to contacts and deals")
    contact = contact.fillna(r.text("email").str.lower())
    asset = r.text("asset_id").fillna(asset_ids(normalise_urls(r.text("asset_url"))))
    ids = r.text("touchpoint_id")
    if ids.isna().any():
        derived = stable_ids([contact, r.text("account_id"), r.raw("occurred_at"), r.raw("channel"),
                              r.text("campaign_id"), r.raw("asset_url"), r.raw("touch_type")], "tp-")
        ids = ids.fillna(derived)
    channel = r.text("channel")
    mapped = normalise_channels(channel)
    return pd.DataFrame({
        "touchpoint_id": ids,
        "contact_id": contact,
        "account_id": r.text("account_id"),
        "occurred_at": r.timestamp("occurred_at"),
        "channel": mapped.fillna(channel),     # unknown channels stay as written; validation names them
        "touch_type": normalise_touch_types(r.text("touch_type")),
        "campaign_id": r.text("campaign_id"),
        "asset_id": asset,
        "source_system": r.source_system,
    })


# ---- kinds: fields and the column names any CRM may use for them -------------------------------

KINDS = {
    "crm.accounts": KindSpec(
        "crm.accounts", build_accounts,
        fields={
            "account_id": ("account id", "accountid", "company id", "company_id", "organization id", "org id",
                           "customer id", "account number", "sfdc account id"),
            "name": ("account name", "company name", "company", "organization", "organisation", "account",
                     "organization name", "customer name"),
            "industry": ("industry", "sector", "vertical"),
            "employees": ("number of employees", "numberofemployees", "employees", "employee count", "headcount",
                          "company size", "size", "num employees", "no of employees", "employee_count"),
            "country": ("billing country", "country", "country region", "country/region", "hq country",
                        "shipping country", "office_location", "location"),
            "region": ("region", "sales region", "geo", "territory"),
            "segment": ("segment", "market segment", "company segment", "tier"),
        },
        required=("account_id", "name"),
        weak={"account_id": ("id", "record id"), "name": ("name",)},
        targets={"country": "region"},
        prefixes=("account", "company", "organization"),
    ),
    "crm.contacts": KindSpec(
        "crm.contacts", build_contacts,
        fields={
            "contact_id": ("contact id", "contactid", "person id", "lead id", "leadid", "lead or contact id",
                           "prospect id", "people id"),
            "account_id": ("account id", "accountid", "company id", "associated company id",
                           "associated company ids", "converted account id", "organization id"),
            "record_type": ("record type", "type", "contact type", "person type"),
            "email": ("email", "email address", "e mail", "work email", "business email"),
            "title": ("title", "job title", "jobtitle", "position", "role title"),
            "persona": ("persona", "buyer persona"),
            "lead_source": ("lead source", "leadsource", "original source", "source", "lead source detail",
                            "acquisition source"),
            "created_at": ("created date", "createddate", "create date", "created", "created at", "date created",
                           "created on", "creation date"),
            "mql_at": ("mql date", "mql_date", "mql date c", "became a marketing qualified lead date",
                       "marketing qualified date", "mql at", "date became mql"),
            "sal_at": ("sal date", "sal_date", "sal date c", "sales accepted date", "became a sales accepted lead date",
                       "sal at", "date accepted"),
            "sql_at": ("sql date", "sql_date", "sql date c", "became a sales qualified lead date",
                       "sales qualified date", "sql at"),
            "converted_contact_id": ("converted contact id", "convertedcontactid"),
            "first_name": ("first name", "firstname", "given name"),
            "last_name": ("last name", "lastname", "surname", "family name"),
        },
        required=("contact_id",),
        any_of=("email", "title", "last_name"),
        weak={"contact_id": ("id", "record id")},
        prefixes=("contact", "lead", "person"),
    ),
    "crm.opportunities": KindSpec(
        "crm.opportunities", build_opportunities,
        fields={
            "opportunity_id": ("opportunity id", "opportunityid", "opportunity_id", "deal id", "deal_id", "opp id",
                               "oppty id", "deal number", "opportunity number"),
            "account_id": ("account id", "accountid", "account", "company id", "company", "associated company id",
                           "associated company ids", "customer id", "customer"),
            "name": ("opportunity name", "deal name", "opportunity", "deal", "deal title", "title"),
            "amount": ("amount", "close value", "close_value", "deal value", "deal amount", "value",
                       "opportunity amount", "total amount", "arr", "acv", "contract value", "revenue"),
            "currency": ("currency", "currency code", "currencyisocode", "currency iso code", "deal currency code",
                         "opportunity currency", "amount currency"),
            "stage": ("stage", "deal stage", "deal_stage", "stage name", "stagename", "opportunity stage",
                      "sales stage", "status", "pipeline stage"),
            "created_date": ("created date", "createddate", "create date", "created", "engage date", "engage_date",
                             "created at", "date created", "open date", "opened date", "creation date", "created on"),
            "close_date": ("close date", "closedate", "closed date", "closing date", "close_date", "expected close date",
                           "date closed", "won date"),
            "is_closed": ("is closed", "isclosed", "closed"),
            "is_won": ("is won", "iswon", "won", "is closed won"),
            "first_meeting_date": ("first meeting date", "first meeting", "first sales meeting",
                                   "first meeting date c", "first_meeting_date", "meeting date", "first call date"),
            "lead_source": ("lead source", "leadsource", "original source", "source", "deal source",
                            "opportunity source"),
            "primary_campaign_id": ("primary campaign id", "campaign id", "campaignid", "primary campaign source id"),
            "owner": ("owner", "deal owner", "opportunity owner", "owner id", "ownerid", "sales agent", "sales_agent",
                      "sales rep", "account executive", "rep"),
        },
        required=("opportunity_id",),
        any_of=("stage", "is_won"),
        weak={"opportunity_id": ("id", "record id")},
        prefixes=("opportunity", "opp", "deal"),
    ),
    "crm.opportunity_contact_roles": KindSpec(
        "crm.opportunity_contact_roles", build_contact_roles,
        fields={
            "opportunity_id": ("opportunity id", "opportunityid", "deal id", "opp id"),
            "contact_id": ("contact id", "contactid", "person id"),
            "role": ("role", "contact role", "buying role", "opportunity contact role"),
            "is_primary": ("is primary", "isprimary", "primary", "primary contact"),
        },
        required=("opportunity_id", "contact_id"),
        prefixes=("contact",),
    ),
    "crm.campaigns": KindSpec(
        "crm.campaigns", build_campaigns,
        fields={
            "campaign_id": ("campaign id", "campaignid", "program id", "campaign_id"),
            "name": ("campaign name", "campaign", "program name", "program"),
            "channel": ("channel", "channel c", "marketing channel", "campaign channel"),
            "type": ("type", "campaign type", "program type"),
            "cost": ("actual cost", "actualcost", "cost", "spend", "actual spend", "total cost"),
            "budgeted_cost": ("budgeted cost", "budgetedcost", "budget", "planned cost"),
            "start_date": ("start date", "startdate", "start", "launch date", "begin date"),
            "end_date": ("end date", "enddate", "end", "finish date"),
        },
        required=("campaign_id", "name"),
        any_of=("type", "channel", "cost", "budgeted_cost", "start_date"),
        weak={"campaign_id": ("id",), "name": ("name",)},
        targets={"budgeted_cost": "cost"},
        prefixes=("campaign", "program"),
    ),
    "crm.campaign_members": KindSpec(
        "crm.campaign_members", build_campaign_members,
        fields={
            "campaign_id": ("campaign id", "campaignid"),
            "contact_id": ("contact id", "contactid", "lead contact id", "lead/contact id", "member id", "person id"),
            "lead_id": ("lead id", "leadid"),
            "lead_or_contact_id": ("lead or contact id", "leadorcontactid"),
            "status": ("member status", "status", "campaign member status"),
            "has_responded": ("responded", "has responded", "hasresponded"),
            "first_responded_at": ("first responded date", "firstrespondeddate", "responded date", "response date",
                                   "first responded"),
            "created_at": ("created date", "createddate", "member created date", "added date", "created"),
        },
        required=("campaign_id",),
        any_of=("contact_id", "lead_id", "lead_or_contact_id"),
        targets={"lead_id": "contact_id", "lead_or_contact_id": "contact_id"},
        prefixes=("member", "campaign_member"),
    ),
    "crm.touchpoints": KindSpec(
        "crm.touchpoints", build_touchpoints,
        fields={
            "touchpoint_id": ("touchpoint id", "touch id", "activity id", "interaction id"),
            "contact_id": ("contact id", "contactid", "person id", "lead id", "lead or contact id", "visitor id"),
            "email": ("email", "email address", "contact email"),
            "account_id": ("account id", "accountid", "company id"),
            "occurred_at": ("timestamp", "occurred at", "date", "touch date", "activity date", "event time",
                            "datetime", "time", "touched at", "interaction date", "created date"),
            "channel": ("channel", "marketing channel", "source channel", "touch channel"),
            "touch_type": ("touch type", "type", "activity type", "interaction type", "event type"),
            "campaign_id": ("campaign id", "campaign", "campaign name", "campaignid"),
            "asset_id": ("asset id", "content id"),
            "asset_url": ("asset url", "url", "content url", "page url", "asset", "page"),
        },
        required=("occurred_at", "channel"),
        any_of=("contact_id", "email", "account_id"),
        targets={"email": "contact_id", "asset_url": "asset_id"},
        prefixes=("touch", "touchpoint", "activity"),
    ),
}

# ---- named layouts --------------------------------------------------------------------------------

_ = ""   # a column the layout knows and deliberately does not load

LAYOUTS = [
    # Salesforce Data Loader / weekly Data Export: API field names
    Layout("salesforce.account", "crm.accounts", "salesforce", {
        "Id": "account_id", "Name": "name", "Industry": "industry", "NumberOfEmployees": "employees",
        "BillingCountry": "country", "Type": _, "AnnualRevenue": _, "Website": _, "OwnerId": _,
        "BillingCity": _, "BillingState": _, "CreatedDate": _, "Region__c": "region", "Segment__c": "segment",
        "ParentId": _, "Phone": _,
    }, required=("Id", "Name"), any_of=("NumberOfEmployees", "BillingCountry", "Industry", "AnnualRevenue")),
    Layout("salesforce.contact", "crm.contacts", "salesforce", {
        "Id": "contact_id", "AccountId": "account_id", "FirstName": _, "LastName": _, "Name": _,
        "Email": "email", "Title": "title", "LeadSource": "lead_source", "CreatedDate": "created_at",
        "MQL_Date__c": "mql_at", "SAL_Date__c": "sal_at", "SQL_Date__c": "sql_at", "Persona__c": "persona",
        "Phone": _, "Department": _, "MailingCountry": _, "OwnerId": _,
    }, required=("Id", "AccountId"), any_of=("LastName", "Email", "FirstName"), options={"record_type": "contact"}),
    Layout("salesforce.lead", "crm.contacts", "salesforce", {
        "Id": "contact_id", "Company": _, "FirstName": _, "LastName": _, "Name": _, "Email": "email",
        "Title": "title", "LeadSource": "lead_source", "Status": _, "CreatedDate": "created_at",
        "IsConverted": _, "ConvertedContactId": "converted_contact_id", "ConvertedAccountId": "account_id",
        "ConvertedOpportunityId": _, "ConvertedDate": _, "MQL_Date__c": "mql_at", "SAL_Date__c": "sal_at",
        "SQL_Date__c": "sql_at", "Persona__c": "persona", "Phone": _, "Country": _, "Industry": _,
        "NumberOfEmployees": _, "OwnerId": _, "Rating": _,
    }, required=("Id", "Company"), any_of=("LastName", "Email", "IsConverted", "Status"),
        options={"record_type": "lead"}),
    Layout("salesforce.opportunity", "crm.opportunities", "salesforce", {
        "Id": "opportunity_id", "Name": "name", "AccountId": "account_id", "StageName": "stage",
        "Amount": "amount", "CurrencyIsoCode": "currency", "CloseDate": "close_date", "CreatedDate": "created_date",
        "LeadSource": "lead_source", "IsWon": "is_won", "IsClosed": "is_closed", "CampaignId": "primary_campaign_id",
        "OwnerId": "owner", "Type": _, "First_Meeting_Date__c": "first_meeting_date", "Probability": _,
        "ForecastCategoryName": _, "ExpectedRevenue": _, "FiscalYear": _, "FiscalQuarter": _, "Description": _,
        "NextStep": _, "LastActivityDate": _, "IsDeleted": _,
    }, required=("Id", "StageName", "CloseDate")),
    Layout("salesforce.opportunity_contact_role", "crm.opportunity_contact_roles", "salesforce", {
        "Id": _, "OpportunityId": "opportunity_id", "ContactId": "contact_id", "Role": "role",
        "IsPrimary": "is_primary", "CreatedDate": _, "IsDeleted": _,
    }, required=("OpportunityId", "ContactId")),
    Layout("salesforce.campaign", "crm.campaigns", "salesforce", {
        "Id": "campaign_id", "Name": "name", "Type": "type", "Channel__c": "channel", "Status": _,
        "StartDate": "start_date", "EndDate": "end_date", "ActualCost": "cost", "BudgetedCost": "budgeted_cost",
        "IsActive": _, "ParentId": _, "ExpectedRevenue": _, "NumberSent": _, "ExpectedResponse": _,
        "Description": _, "OwnerId": _, "CreatedDate": _,
    }, required=("Id", "Name"), any_of=("StartDate", "EndDate", "ActualCost", "BudgetedCost", "Channel__c",
                                        "IsActive")),
    Layout("salesforce.campaign_member", "crm.campaign_members", "salesforce", {
        "Id": _, "CampaignId": "campaign_id", "LeadId": "lead_id", "ContactId": "contact_id",
        "LeadOrContactId": "lead_or_contact_id", "Status": "status", "HasResponded": "has_responded",
        "FirstRespondedDate": "first_responded_at", "CreatedDate": "created_at", "IsDeleted": _,
    }, required=("CampaignId",), any_of=("LeadId", "ContactId", "LeadOrContactId")),
    # Salesforce report exports ("Export details"): field labels, footer lines below the data
    Layout("salesforce.report.campaign_members", "crm.campaign_members", "salesforce", {
        "Campaign ID": "campaign_id", "Campaign Name": _, "Lead/Contact ID": "contact_id",
        "Contact ID": "contact_id", "Lead ID": "lead_id", "Member Status": "status", "Status": "status",
        "Responded": "has_responded", "First Responded Date": "first_responded_at", "Created Date": "created_at",
        "Member First Responded Date": "first_responded_at", "First Name": _, "Last Name": _, "Company": _,
        "Title": _, "Email": _, "Type": _, "Campaign Type": _,
    }, required=("Campaign ID",), any_of=("Lead/Contact ID", "Contact ID", "Lead ID")),
    Layout("salesforce.report.opportunities", "crm.opportunities", "salesforce", {
        "Opportunity ID": "opportunity_id", "Opportunity Name": "name", "Account ID": "account_id",
        "Account Name": _, "Stage": "stage", "Amount": "amount", "Amount Currency": "currency",
        "Opportunity Currency": "currency", "Close Date": "close_date", "Created Date": "created_date",
        "Lead Source": "lead_source", "Won": "is_won", "Closed": "is_closed", "Opportunity Owner": "owner",
        "Primary Campaign ID": "primary_campaign_id", "Primary Campaign Source": _, "Type": _,
        "Probability (%)": _, "Fiscal Period": _, "Age": _, "Next Step": _, "Forecast Category": _,
        "First Meeting Date": "first_meeting_date", "Expected Revenue": _,
    }, required=("Opportunity ID", "Stage"), any_of=("Close Date", "Opportunity Name", "Amount")),
    # HubSpot UI exports: property labels
    Layout("hubspot.deals", "crm.opportunities", "hubspot", {
        "Record ID": "opportunity_id", "Deal Name": "name", "Deal Stage": "stage", "Amount": "amount",
        "Deal owner": "owner", "Close Date": "close_date", "Create Date": "created_date",
        "Original Source": "lead_source", "Original Source Type": "lead_source",
        "Associated Company IDs": "account_id", "Associated Company ID": "account_id",
        "Associated Company IDs (Primary)": "account_id", "Currency": "currency", "Deal currency code": "currency",
        "Pipeline": _, "Deal Type": _, "Deal probability": _, "Associated Contact IDs": _,
        "Last Activity Date": _, "Amount in company currency": _, "Is Closed Won": "is_won",
        "Is closed": "is_closed", "Is Deal Closed?": "is_closed", "First Meeting Date": "first_meeting_date",
        "Associated Company": _, "Associated Contact": _, "Forecast category": _, "Deal Description": _,
    }, required=("Record ID", "Deal Name", "Deal Stage"), options={"multi_ids": True, "hubspot_stages": True}),
    Layout("hubspot.contacts", "crm.contacts", "hubspot", {
        "Record ID": "contact_id", "First Name": _, "Last Name": _, "Email": "email", "Job Title": "title",
        "Lifecycle Stage": _, "Original Source": "lead_source", "Create Date": "created_at",
        "Became a Marketing Qualified Lead Date": "mql_at", "Became a Sales Qualified Lead Date": "sql_at",
        "Became a Lead Date": _, "Became an Opportunity Date": _, "Became a Customer Date": _,
        "Associated Company ID": "account_id", "Associated Company IDs": "account_id",
        "Associated Company IDs (Primary)": "account_id", "Contact owner": _, "Phone Number": _,
        "Company Name": _, "Lead Status": _, "Persona": "persona", "Last Activity Date": _,
        "Country/Region": _, "Original Source Drill-Down 1": _, "Original Source Drill-Down 2": _,
    }, required=("Record ID", "Email"), any_of=("Lifecycle Stage", "First Name", "Last Name", "Job Title"),
        options={"record_type": "contact", "multi_ids": True}),
    Layout("hubspot.companies", "crm.accounts", "hubspot", {
        "Record ID": "account_id", "Company name": "name", "Industry": "industry",
        "Number of Employees": "employees", "Country/Region": "country", "Company owner": _,
        "Company Domain Name": _, "Annual Revenue": _, "City": _, "State/Region": _, "Lifecycle Stage": _,
        "Create Date": _, "Phone Number": _, "Last Activity Date": _, "Time Zone": _, "Type": _,
    }, required=("Record ID", "Company name")),
]
