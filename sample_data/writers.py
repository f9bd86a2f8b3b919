"""Writers: a simulated Company out to files in the layouts the real tools export.

Each function writes one source's exports (see sample_data/demo/README.md for the list). Output is
byte-for-byte a function of the Company: fixed column order, stable row order, numbers
formatted here rather than by a library's defaults, zip entries with a fixed timestamp.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import pathlib
import urllib.parse
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa

from sample_data.company import DAY, SOURCES, Company

SITE = "https://www.acmecloud.com"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
ASSET_TYPE_LABELS = {"blog": "Blog Post", "guide": "Guide", "case_study": "Case Study", "comparison": "Comparison",
                     "pricing": "Pricing", "webinar": "Webinar", "video": "Video"}
HUBSPOT_STAGES = {"Prospecting": "Appointment Scheduled", "Qualification": "Qualified To Buy",
                  "Needs Analysis": "Presentation Scheduled", "Proposal": "Decision Maker Bought-In",
                  "Negotiation": "Contract Sent", "Closed Won": "Closed Won", "Closed Lost": "Closed Lost"}
HUBSPOT_SOURCES = {"content": "Organic Search", "paid_search": "Paid Search", "paid_social": "Paid Social",
                   "webinar": "Other Campaigns", "email": "Email Marketing", "event": "Offline Sources",
                   "partner": "Referrals", "sales_outbound": "Offline Sources", "other": "Direct Traffic"}
SF_FOOTER_USER = "Dana Analyst"
COMPANY_NAME = "Acme Cloud, Inc."
GA4_CHUNK = 200_000
GA4_ROW_GROUP = 1_000_000

# ---------- Salesforce-style ids ----------
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_OFFSETS = {"001": 410_000_000, "003": 2_100_000_000, "00Q": 3_300_000_000, "006": 870_000_000,
            "701": 52_000_000, "00v": 6_400_000_000, "00K": 1_700_000_000, "005": 9_100_000}


def sf_id(prefix: str, n: int) -> str:
    """An 18-character Salesforce id: prefix, instance, base-62 counter, case-safe checksum."""
    k, digits = _OFFSETS.get(prefix, 0) + n, []
    while k:
        k, r = divmod(k, 62)
        digits.append(_B62[r])
    body = prefix + "5g" + "".join(reversed(digits)).rjust(10, "0")
    suffix = ""
    for i in range(3):
        bits = sum(1 << j for j, ch in enumerate(body[i * 5:i * 5 + 5]) if "A" <= ch <= "Z")
        suffix += _SUFFIX[bits]
    return body + suffix


def sf_ids(prefix: str, count: int) -> np.ndarray:
    return np.array([sf_id(prefix, i) for i in range(count)], dtype=object)


def person_ids(c: Company) -> np.ndarray:
    """Contact (003) or Lead (00Q) id of every simulated person, in people order."""
    kind = c.people["kind"].to_numpy()
    ids = np.empty(len(kind), dtype=object)
    contacts, leads = np.flatnonzero(kind == "contact"), np.flatnonzero(kind == "lead")
    ids[contacts] = sf_ids("003", len(contacts))
    ids[leads] = sf_ids("00Q", len(leads))
    return ids


# ---------- formatting ----------
def _days(day_numbers) -> pd.DatetimeIndex:
    return pd.to_datetime(np.asarray(day_numbers, dtype=np.int64) * DAY, unit="s")


def iso_dates(day_numbers, missing=None) -> np.ndarray:
    """YYYY-MM-DD per day number; '' where the day is negative (missing)."""
    d = np.asarray(day_numbers, dtype=np.int64)
    out = np.datetime_as_string(np.maximum(d, 0).astype("datetime64[D]"), unit="D").astype(object)
    out[d < 0] = ""
    return out


def sf_datetimes(seconds) -> np.ndarray:
    """Salesforce Data Loader datetimes: 2025-03-04T10:22:11.000+0000."""
    s = np.datetime_as_string(np.asarray(seconds, dtype=np.int64).astype("datetime64[s]"), unit="s").astype(object)
    return s + ".000+0000"


def us_dates(day_numbers) -> np.ndarray:
    """M/D/YYYY, as Salesforce reports and LinkedIn write dates; '' where missing."""
    d = np.asarray(day_numbers, dtype=np.int64)
    idx = _days(np.maximum(d, 0))
    out = (idx.month.astype(str) + "/" + idx.day.astype(str) + "/" + idx.year.astype(str)).to_numpy(dtype=object)
    out[d < 0] = ""
    return out


def money(cents) -> np.ndarray:
    c = np.asarray(cents, dtype=np.int64)
    return np.array([f"{v // 100}.{v % 100:02d}" for v in c], dtype=object)


def _long_date(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def _short_time(day: dt.date, hour: int, minute: int) -> str:
    h12 = hour % 12 or 12
    return f"{day.month}/{day.day}/{day.year}, {h12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"


def _write_csv(path: pathlib.Path, header, rows, quoting=csv.QUOTE_ALL, encoding="utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f, quoting=quoting, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _csv_bytes(header, rows, quoting=csv.QUOTE_ALL) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, quoting=quoting, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _bool(a) -> np.ndarray:
    return np.where(np.asarray(a, dtype=bool), "true", "false").astype(object)


# ---------- Salesforce ----------
SF_EXPORT_ZIP = "data_export.zip"
SF_REPORT_ZIP = "campaign_members_report.zip"


def salesforce_objects(c: Company) -> dict[str, bytes]:
    """The Data Loader / Data Export CSV of each object, by member name (Account.csv, ...), in name order."""
    acc, p, o, camp = c.accounts, c.people, c.opportunities, c.campaigns
    acc_ids = sf_ids("001", len(acc))
    pid = person_ids(c)
    opp_ids = sf_ids("006", len(o))
    camp_ids = sf_ids("701", len(camp))
    rep_ids = sf_ids("005", len(c.reps))
    out = {}

    out["Account.csv"] = _csv_bytes(
        ["Id", "Name", "Industry", "NumberOfEmployees", "BillingCountry", "Type"],
        zip(acc_ids, acc["name"], acc["industry"], acc["employees"].astype(str), acc["country"], acc["type"]))

    contacts = np.flatnonzero(p["kind"].to_numpy() == "contact")
    pc = p.iloc[contacts]
    out["Contact.csv"] = _csv_bytes(
        ["Id", "AccountId", "FirstName", "LastName", "Email", "Title", "LeadSource", "CreatedDate",
         "MQL_Date__c", "SAL_Date__c", "SQL_Date__c"],
        zip(pid[contacts], acc_ids[pc["acc"].to_numpy()], pc["first"], pc["last"], pc["email"], pc["title"],
            pc["lead_source"], sf_datetimes(pc["created"]), iso_dates(pc["mql_day"]),
            iso_dates(pc["sal_day"]), iso_dates(pc["sql_day"])))

    leads = np.flatnonzero(p["kind"].to_numpy() == "lead")
    pl = p.iloc[leads]
    out["Lead.csv"] = _csv_bytes(
        ["Id", "Company", "FirstName", "LastName", "Email", "Title", "LeadSource", "Status",
         "CreatedDate", "IsConverted", "MQL_Date__c", "SAL_Date__c"],
        zip(pid[leads], pl["company"], pl["first"], pl["last"], pl["email"], pl["title"], pl["lead_source"],
            pl["status"], sf_datetimes(pl["created"]), _bool(np.zeros(len(pl))), iso_dates(pl["mql_day"]),
            iso_dates(pl["sal_day"])))

    camp_of = np.where(o["campaign"].to_numpy() >= 0, camp_ids[np.maximum(o["campaign"].to_numpy(), 0)], "")
    out["Opportunity.csv"] = _csv_bytes(
        ["Id", "Name", "AccountId", "StageName", "Amount", "CurrencyIsoCode", "CloseDate",
         "CreatedDate", "LeadSource", "IsWon", "IsClosed", "CampaignId", "OwnerId", "Type",
         "First_Meeting_Date__c"],
        zip(opp_ids, o["name"], acc_ids[o["acc"].to_numpy()], o["stage"], money(o["amount_cents"]),
            ["USD"] * len(o), iso_dates(o["close_day"]), sf_datetimes(o["created"]), o["lead_source"],
            _bool(o["won"]), _bool(o["closed"]), camp_of, rep_ids[o["owner"].to_numpy()], o["type"],
            iso_dates(o["meeting_day"])))

    r = c.roles
    out["OpportunityContactRole.csv"] = _csv_bytes(
        ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary"],
        zip(sf_ids("00K", len(r)), opp_ids[r["opp"].to_numpy()], pid[r["person"].to_numpy()], r["role"],
            _bool(r["primary"])))

    end_day = camp["end"].to_numpy() // DAY
    as_of_day = c.t_end // DAY
    status = np.where(end_day < as_of_day, "Completed", "In Progress")
    out["Campaign.csv"] = _csv_bytes(
        ["Id", "Name", "Type", "Channel__c", "Status", "StartDate", "EndDate", "ActualCost", "BudgetedCost"],
        zip(camp_ids, camp["name"], camp["type"], camp["channel"], status, iso_dates(camp["start"] // DAY),
            iso_dates(end_day), money(camp["actual_cents"]), money(camp["budget_cents"])))
    return dict(sorted(out.items()))


def campaign_members_report(c: Company) -> bytes:
    """The "Campaign Members" report as Salesforce's Export Details writes it, footer included."""
    camp = c.campaigns
    pid = person_ids(c)
    camp_ids = sf_ids("701", len(camp))
    m = c.members.sort_values(["camp", "added", "person"], kind="stable")
    responded = m["ts"].to_numpy() >= 0
    first_resp = np.where(responded & m["responded"].to_numpy(), m["ts"].to_numpy() // DAY, -1)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(["Campaign ID", "Campaign Name", "Lead/Contact ID", "Member Status", "Responded",
                "First Responded Date", "Created Date"])
    w.writerows(zip(camp_ids[m["camp"].to_numpy()], camp["name"].to_numpy()[m["camp"].to_numpy()],
                    pid[m["person"].to_numpy()], m["status"], np.where(m["responded"], "1", "0"),
                    us_dates(first_resp), us_dates(m["added"].to_numpy() // DAY)))
    buf.write("\n")
    gen = f"{c.as_of.month}/{c.as_of.day}/{c.as_of.year} 9:14 AM"
    for line in ("Campaign Members", f"Copyright (c) 2000-{c.as_of.year} salesforce.com, inc. All rights reserved.",
                 "Confidential Information - Do Not Distribute", f"Generated By:  {SF_FOOTER_USER}  {gen}",
                 COMPANY_NAME):
        w.writerow([line])
    return buf.getvalue().encode("utf-8")


def write_salesforce(c: Company, root: pathlib.Path) -> list[pathlib.Path]:
    """The weekly Data Export zip (one CSV per object) and the campaign members report, zipped.

    Both are zipped because the CSVs are most of the demo's bytes; the loader opens zips and
    names each member in its messages ("data_export.zip:Opportunity.csv, row 12").
    """
    sf = root / "salesforce"
    export = _write_zip(sf / SF_EXPORT_ZIP, salesforce_objects(c), c.as_of)
    report = _write_zip(sf / SF_REPORT_ZIP, {"campaign_members_report.csv": campaign_members_report(c)}, c.as_of)
    return [export, report]


# ---------- GA4 ----------
def _ga4_tables(c: Company):
    camp = c.campaigns
    paths = (SITE + c.pages["path"]).to_numpy(dtype=object)
    query = np.empty(len(camp) + 1, dtype=object)
    query[0] = ""
    names = np.empty(len(camp) + 1, dtype=object)
    names[0] = ""
    for i, (name, channel) in enumerate(zip(camp["name"], camp["channel"])):
        src, medium = {"paid_search": ("google", "cpc"), "paid_social": ("linkedin", "paid_social")}.get(
            channel, ("marketo", "email"))
        query[i + 1] = "?" + urllib.parse.urlencode(
            {"utm_source": src, "utm_medium": medium, "utm_campaign": name}, quote_via=urllib.parse.quote)
        names[i + 1] = name
    return paths, query, names


def ga4_rows(c: Company, pid: np.ndarray, tables, start: int, stop: int):
    """Columns of GA4 events start..stop as object arrays (shared by the GA4 and Segment writers)."""
    w = c.web.iloc[start:stop]
    paths, query, names = tables
    src = w["src"].to_numpy()
    camp = w["camp"].to_numpy() + 1
    pos = w["pos"].to_numpy()
    with_q = (pos == 0) & (camp > 0)
    loc = paths[w["page"].to_numpy()] + np.where(with_q, query[camp], "")
    ref_page = w["ref"].to_numpy()
    ext = np.array([s[3] for s in SOURCES], dtype=object)[src]
    ref = np.where(ref_page >= 0, paths[np.maximum(ref_page, 0)] + np.where((pos == 1) & (camp > 0), query[camp], ""), ext)
    ts_source = np.array([s[0] for s in SOURCES], dtype=object)[src]
    ts_medium = np.array([s[1] for s in SOURCES], dtype=object)[src]
    fixed = np.array([s[2] or "" for s in SOURCES], dtype=object)[src]
    ts_name = np.where(camp > 0, names[camp], fixed)
    uid = w["uid"].to_numpy()
    user = np.where(uid >= 0, pid[np.maximum(uid, 0)], "")
    return {
        "us": w["us"].to_numpy(), "day": w["day"].to_numpy(), "name": w["name"].to_numpy(),
        "pseudo": c.pseudo_ids[w["person"].to_numpy()], "user": user, "loc": loc, "ref": ref,
        "source": ts_source, "medium": ts_medium, "campaign": ts_name,
    }


def _zip_info(name: str, as_of: dt.date) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(as_of.year, as_of.month, as_of.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def _write_zip(path: pathlib.Path, members: dict[str, bytes], as_of: dt.date) -> pathlib.Path:
    """A zip of the members in the given order, each dated as_of 00:00 and deflated at level 9."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            zf.writestr(_zip_info(name, as_of), data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


# GA4's BigQuery export schema (events_YYYYMMDD), the columns the demo fills, in BigQuery's order
_GA4_PARAM_VALUE = pa.struct([("string_value", pa.string()), ("int_value", pa.int64()),
                              ("float_value", pa.float64()), ("double_value", pa.float64())])
GA4_SCHEMA = pa.schema([
    ("event_date", pa.string()),
    ("event_timestamp", pa.int64()),
    ("event_name", pa.string()),
    ("event_params", pa.list_(pa.struct([("key", pa.string()), ("value", _GA4_PARAM_VALUE)]))),
    ("user_id", pa.string()),
    ("user_pseudo_id", pa.string()),
    ("traffic_source", pa.struct([("name", pa.string()), ("medium", pa.string()), ("source", pa.string())])),
])


def _nullable(values: np.ndarray) -> pa.Array:
    """Text with '' as NULL, as BigQuery leaves a value out."""
    values = np.asarray(values, dtype=object)
    return pa.array(values, pa.string(), mask=values == "")


def _ga4_params(loc: np.ndarray, ref: np.ndarray) -> pa.Array:
    """event_params of each event: page_location, then page_referrer when there is one (string values)."""
    has_ref = np.asarray(ref, dtype=object) != ""
    offsets = np.zeros(len(loc) + 1, dtype=np.int32)
    np.cumsum(1 + has_ref, out=offsets[1:])
    keys = np.full(offsets[-1], "page_location", dtype=object)
    values = np.empty(offsets[-1], dtype=object)
    values[offsets[:-1]] = loc
    at_ref = offsets[:-1][has_ref] + 1
    keys[at_ref] = "page_referrer"
    values[at_ref] = np.asarray(ref, dtype=object)[has_ref]
    n = len(values)
    value = pa.StructArray.from_arrays(
        [pa.array(values, pa.string()), pa.nulls(n, pa.int64()), pa.nulls(n, pa.float64()), pa.nulls(n, pa.float64())],
        fields=list(_GA4_PARAM_VALUE))
    params = GA4_SCHEMA.field("event_params").type
    item = pa.StructArray.from_arrays([pa.array(keys, pa.string()), value], fields=list(params.value_type))
    return pa.ListArray.from_arrays(pa.array(offsets), item, type=params)


def write_ga4(c: Company, root: pathlib.Path) -> list[pathlib.Path]:
    """GA4 events as BigQuery's EXPORT DATA (format PARQUET) writes the events_* tables: nested
    traffic_source struct, page_location / page_referrer inside event_params. zstd level 19, row
    groups of GA4_ROW_GROUP events, event_timestamp byte-stream-split (its bytes compress far better
    apart), no timestamps in the file: the same Company gives the same bytes."""
    import pyarrow.parquet as pq

    from sample_data.company import EVENT_NAMES
    path = root / "web" / "ga4_events.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pid = person_ids(c)
    tables = _ga4_tables(c)
    day_cache: dict[int, str] = {}
    event_names = np.array(EVENT_NAMES, dtype=object)
    traffic = GA4_SCHEMA.field("traffic_source").type
    text_columns = ["event_date", "event_name", "event_params.list.element.key",
                    "event_params.list.element.value.string_value", "user_id", "user_pseudo_id",
                    "traffic_source.name", "traffic_source.medium", "traffic_source.source"]
    pending: list[pa.Table] = []
    with pq.ParquetWriter(path, GA4_SCHEMA, compression="zstd", compression_level=19, use_dictionary=text_columns,
                          column_encoding={"event_timestamp": "BYTE_STREAM_SPLIT"}, write_statistics=True,
                          store_schema=False) as writer:
        for start in range(0, len(c.web), GA4_CHUNK):
            r = ga4_rows(c, pid, tables, start, start + GA4_CHUNK)
            for d in np.unique(r["day"]):
                if int(d) not in day_cache:
                    day_cache[int(d)] = (dt.date(1970, 1, 1) + dt.timedelta(days=int(d))).strftime("%Y%m%d")
            dates = np.array([day_cache[int(d)] for d in r["day"]], dtype=object)
            source = pa.StructArray.from_arrays(
                [_nullable(r["campaign"]), _nullable(r["medium"]), _nullable(r["source"])], fields=list(traffic))
            pending.append(pa.table([
                pa.array(dates, pa.string()), pa.array(r["us"], pa.int64()),
                pa.array(event_names[r["name"]], pa.string()), _ga4_params(r["loc"], r["ref"]), _nullable(r["user"]),
                pa.array(r["pseudo"], pa.string()), source,
            ], schema=GA4_SCHEMA))
            if sum(len(t) for t in pending) >= GA4_ROW_GROUP or start + GA4_CHUNK >= len(c.web):
                writer.write_table(pa.concat_tables(pending), row_group_size=GA4_ROW_GROUP)
                pending = []
    return [path]


# ---------- ad platforms ----------
def _thousands(values) -> list[str]:
    return [f"{int(v):,}" for v in values]


def write_ads(c: Company, root: pathlib.Path) -> list[pathlib.Path]:
    ads = c.ads
    out = []
    g = ads[ads["platform"] == "google_ads"].sort_values(["day", "name"], kind="stable")
    first = dt.date(1970, 1, 1) + dt.timedelta(days=int(c.t0 // DAY))
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter="\t", lineterminator="\r\n")
    w.writerow(["Campaign report"])
    w.writerow([f"{_long_date(first)} - {_long_date(c.as_of)}"])
    w.writerow(["Day", "Campaign", "Campaign ID", "Currency code", "Impr.", "Clicks", "Cost", "Conversions"])
    cost = [f"{v // 100:,}.{v % 100:02d}" for v in g["cost_cents"]]
    w.writerows(zip(iso_dates(g["day"]), g["name"], g["platform_id"], ["USD"] * len(g), _thousands(g["impressions"]),
                    _thousands(g["clicks"]), cost, [f"{v:,}.00" for v in g["conversions"]]))
    tc = int(g["cost_cents"].sum())
    total = ["USD", f"{int(g['impressions'].sum()):,}", f"{int(g['clicks'].sum()):,}", f"{tc // 100:,}.{tc % 100:02d}",
             f"{int(g['conversions'].sum()):,}.00"]
    for label in ("Total: Account", "Total: Search", "Total: Campaigns"):
        w.writerow([label, "--", "--"] + total)
    path = root / "ads" / "google_ads_campaign_report.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe" + buf.getvalue().encode("utf-16-le"))
    out.append(path)

    li = ads[ads["platform"] == "linkedin"].sort_values(["day", "name"], kind="stable")
    path = root / "ads" / "linkedin_campaign_performance.csv"
    gen = c.as_of + dt.timedelta(days=1)
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Campaign Performance Report (in UTC)"])
        w.writerow([f"Report Start: {_short_time(first, 0, 0)}"])
        w.writerow([f"Report End: {_short_time(c.as_of, 23, 59)}"])
        w.writerow([f"Date Generated: {_short_time(gen, 8, 0)}"])
        w.writerow(["Start Date (in UTC)", "Account Name", "Campaign Group Name", "Campaign Name", "Campaign ID",
                    "Campaign Type", "Total Spent", "Currency", "Impressions", "Clicks", "Leads"])
        years = _days(li["day"]).year.astype(str)
        w.writerows(zip(us_dates(li["day"]), ["Acme Cloud"] * len(li), "FY" + years + " Demand Gen", li["name"],
                        li["platform_id"], ["Sponsored Content"] * len(li), money(li["cost_cents"]), ["USD"] * len(li),
                        li["impressions"].astype(str), li["clicks"].astype(str), li["conversions"].astype(str)))
    out.append(path)
    return out


# ---------- content, survey, interviews ----------
def write_content(c: Company, root: pathlib.Path) -> list[pathlib.Path]:
    a = c.assets
    path = root / "content" / "content_assets.csv"
    _write_csv(path, ["URL", "Title", "Content Type", "Topic", "Publish Date"],
               zip(SITE + a["path"], a["title"], a["type"].map(ASSET_TYPE_LABELS), a["topic"],
                   iso_dates(a["publish"] // DAY)), quoting=csv.QUOTE_MINIMAL)
    return [path]


def write_survey(c: Company, root: pathlib.Path) -> list[pathlib.Path]:
    s = c.survey
    stamp = np.datetime_as_string(s["ts"].to_numpy().astype("datetime64[s]"), unit="s").astype(object) + "Z"
    path = root / "survey" / "perception_survey.csv"
    _write_csv(path, ["respondent_id", "role", "question_id", "answer", "submitted_at"],
               zip(s["respondent"], s["role"], s["question"], s["answer"].astype(str), stamp),
               quoting=csv.QUOTE_MINIMAL)
    return [path]


def write_interviews(c: Company, root: pathlib.Path) -> list[pathlib.Path]:
    i = c.interviews
    opp_ids = sf_ids("006", len(c.opportunities))
    path = root / "interviews" / "buyer_interviews.csv"
    _write_csv(path, ["interview_id", "date", "opportunity_id", "persona", "outcome", "insight_area", "quote"],
               zip(i["interview"], iso_dates(i["day"]), opp_ids[i["opp"].to_numpy()], i["persona"], i["outcome"],
                   i["area"], i["quote"]), quoting=csv.QUOTE_MINIMAL)
    return [path]


def write_answer_key(c: Company, root: pathlib.Path) -> pathlib.Path:
    path = root / "answer_key.json"
    path.write_text(json.dumps(c.facts, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def write_all(c: Company, root: str | pathlib.Path) -> list[pathlib.Path]:
    """Every export the demo loads, plus answer_key.json (not an export); returns the exports."""
    root = pathlib.Path(root)
    root.mkdir(parents=True, exist_ok=True)
    files = []
    for writer in (write_salesforce, write_ga4, write_ads, write_content, write_survey, write_interviews):
        files += writer(c, root)
    write_answer_key(c, root)
    return files


# ---------- alternative layouts ----------
def _hubspot_time(seconds) -> np.ndarray:
    # seconds since the epoch, shown to the minute as HubSpot's UI export does
    s = np.datetime_as_string(np.asarray(seconds, dtype=np.int64).astype("datetime64[s]"), unit="m").astype(object)
    return np.array([x.replace("T", " ") for x in s], dtype=object)


def _uuid(rng: np.random.Generator, n: int) -> list[str]:
    raw = rng.integers(0, 2**63, size=(n, 2), dtype=np.int64)
    out = []
    for a, b in raw:
        h = f"{int(a):016x}{int(b):016x}"
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}")
    return out


def write_alternatives(c: Company, root: str | pathlib.Path) -> list[pathlib.Path]:
    """HubSpot deals and Segment pages for the same simulated company (other tools' layouts)."""
    root = pathlib.Path(root)
    rng = np.random.default_rng(c.seed + 1)
    o = c.opportunities
    out = [root / "hubspot" / "deals.csv"]
    record = 9_000_000_000 + np.arange(len(o)) * 7 + 11
    company = 40_000_000 + o["acc"].to_numpy() * 3 + 1
    close = o["close_day"].to_numpy() * DAY + 17 * 3600
    _write_csv(out[-1], ["Record ID", "Deal Name", "Deal Stage", "Amount", "Deal owner", "Close Date", "Create Date",
                         "Original Source", "Associated Company IDs"],
               zip(record.astype(str), o["name"], o["stage"].map(HUBSPOT_STAGES), money(o["amount_cents"]),
                   c.reps["name"].to_numpy()[o["owner"].to_numpy()], _hubspot_time(close), _hubspot_time(o["created"]),
                   o["channel"].map(HUBSPOT_SOURCES), company.astype(str)))

    pid = person_ids(c)
    pv = np.flatnonzero(c.web["name"].to_numpy() == 0)
    rows = ga4_rows(c, pid, _ga4_tables(c), 0, len(c.web))
    anon = dict(zip(range(len(c.pseudo_ids)), _uuid(rng, len(c.pseudo_ids))))
    msg = _uuid(rng, len(pv))
    us = rows["us"][pv]
    stamp = np.datetime_as_string((us // 1000).astype("datetime64[ms]"), unit="ms").astype(object) + "Z"
    persons = c.web["person"].to_numpy()[pv]
    has_campaign = np.char.find(rows["loc"][pv].astype(str), "utm_campaign=") >= 0
    # zipped: the random message and anonymous ids make it the largest alternative file
    pages = _csv_bytes(["id", "anonymous_id", "user_id", "timestamp", "context_page_url", "context_page_referrer",
                        "context_campaign_source", "context_campaign_medium", "context_campaign_name"],
                       zip(msg, [anon[int(x)] for x in persons], rows["user"][pv], stamp, rows["loc"][pv],
                           rows["ref"][pv], np.where(has_campaign, rows["source"][pv], ""),
                           np.where(has_campaign, rows["medium"][pv], ""),
                           np.where(has_campaign, rows["campaign"][pv], "")), quoting=csv.QUOTE_MINIMAL)
    out.append(_write_zip(root / "segment" / "pages.zip", {"pages.csv": pages}, c.as_of))
    return out
