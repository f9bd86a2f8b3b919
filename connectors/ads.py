"""Ad spend: Google Ads campaign reports, LinkedIn Campaign Manager exports, generic spend CSVs.

One row per day, platform and ad campaign. Rows that repeat a day and campaign (the same
campaign name in two campaign groups, or a report split by network) are added together.
ad_spend.campaign_id stays empty: CRM campaigns are matched by name in the models.
"""
from __future__ import annotations

import pandas as pd

from connectors.detect import KindSpec, Layout
from connectors.values import FieldReader, by_unique, clean

PLATFORMS = {
    "google_ads": "google|google ads|adwords|google adwords|search ads|youtube|gads",
    "linkedin": "linkedin|linkedin ads|linked in|linkedin campaign manager",
    "meta": "meta|facebook|fb|instagram|meta ads|facebook ads",
    "microsoft_ads": "bing|bing ads|microsoft|microsoft ads|microsoft advertising",
    "x": "x|twitter|twitter ads|x ads",
    "capterra": "capterra|g2|g2 crowd",
}
PLATFORM_SYNONYMS = {w: p for p, words in PLATFORMS.items() for w in words.split("|")}


def normalise_platforms(values: pd.Series) -> pd.Series:
    def convert(u: pd.Series) -> pd.Series:
        key = u.str.lower().str.replace(r"[_\-]+", " ", regex=True).str.strip()
        snake = key.str.replace(r"\s+", "_", regex=True)
        return key.map(PLATFORM_SYNONYMS).astype("str").fillna(snake)
    return by_unique(clean(values), convert).astype("str")


def build_spend(r: FieldReader, options: dict) -> pd.DataFrame:
    platform = options.get("platform")
    if platform:
        platforms = pd.Series(platform, index=r.index, dtype="str")
    else:
        platforms = normalise_platforms(r.text("platform"))
        if platforms.isna().any():
            r.warn("rows without a platform were loaded as platform 'unknown'", "missing_platform",
                   r.column("platform") if r.has("platform") else None,
                   "Add a platform column (google_ads, linkedin, ...) to the file")
            platforms = platforms.fillna("unknown")
    out = pd.DataFrame({
        "spend_date": r.date("spend_date"),
        "platform": platforms,
        "ad_campaign": r.text("ad_campaign"),
        "ad_campaign_id": r.text("ad_campaign_id"),
        "campaign_id": pd.Series(None, index=r.index, dtype="str"),
        "impressions": r.integer("impressions"),
        "clicks": r.integer("clicks"),
        "conversions": r.number("conversions"),
        "cost": r.amount("cost"),
        "currency": r.text("currency").str.upper(),
    })
    return _add_up_repeats(out, r)


def _add_up_repeats(out: pd.DataFrame, r: FieldReader) -> pd.DataFrame:
    """Rows with the same day, platform and campaign become one row (the first), measures added."""
    keys = ["spend_date", "platform", "ad_campaign"]
    repeated = out.duplicated(keys, keep=False) & out[keys].notna().all(axis=1)
    if not repeated.any():
        return out
    rows = out[repeated]
    groups = rows.groupby(keys, sort=False)
    first = rows[~rows.duplicated(keys, keep="first")].copy()
    for column in ("impressions", "clicks", "conversions", "cost"):
        first[column] = groups[column].transform("sum", min_count=1)[first.index]
    first["cost"] = first["cost"].round(2)
    r.warn(f"{int(repeated.sum()):,} rows repeat a day and campaign; they were added together into "
           f"{len(first):,} rows", "rows_combined")
    return pd.concat([out[~repeated], first]).sort_index()


KINDS = {
    "ads.spend": KindSpec(
        "ads.spend", build_spend,
        fields={
            "spend_date": ("day", "date", "start date in utc", "start date", "reporting date", "segments date",
                           "report date", "spend date", "reporting starts"),
            "platform": ("platform", "ad platform", "source", "network", "publisher", "channel", "ad network"),
            "ad_campaign": ("campaign", "campaign name", "ad campaign", "ad campaign name"),
            "ad_campaign_id": ("campaign id", "ad campaign id", "campaignid"),
            "impressions": ("impressions", "impr", "impr.", "views"),
            "clicks": ("clicks", "link clicks", "clicks all"),
            "conversions": ("conversions", "leads", "conv", "conv.", "results", "all conv"),
            "cost": ("cost", "spend", "amount spent", "total spent", "amount", "cost usd", "spent", "media cost",
                     "amount spent usd"),
            "currency": ("currency", "currency code", "account currency"),
        },
        required=("spend_date", "ad_campaign", "cost"),
        prefixes=("ad",),
    ),
}

_GOOGLE_IGNORED = ("Campaign status", "Campaign type", "Account", "Account name", "Customer ID", "Avg. CPC", "CTR",
                   "Conv. rate", "Cost / conv.", "Interactions", "Interaction rate", "Budget", "Budget type",
                   "Network", "Network (with search partners)", "Campaign state", "Status", "Avg. cost",
                   "Search impr. share", "Conv. value", "All conv.", "View-through conv.", "Bid strategy type")
_LINKEDIN_IGNORED = ("Account Name", "Account ID", "Campaign Group Name", "Campaign Group ID", "Campaign Type",
                     "Campaign Status", "Cost Type", "Average CPM", "Average CPC", "Click Through Rate",
                     "Conversions", "Total Engagements", "Likes", "Comments", "Shares", "Follows",
                     "Lead Forms Opened", "Conversion Rate", "Cost per Conversion", "Cost per Lead",
                     "Campaign Start Date", "Campaign End Date", "Daily Budget", "Total Budget", "Landing Page Clicks")

LAYOUTS = [
    Layout("google_ads.campaign_report", "ads.spend", "google_ads", {
        "Day": "spend_date", "Date": "spend_date", "Campaign": "ad_campaign", "Campaign ID": "ad_campaign_id",
        "Currency code": "currency", "Currency": "currency", "Impr.": "impressions", "Impressions": "impressions",
        "Clicks": "clicks", "Cost": "cost", "Conversions": "conversions",
        **{c: "" for c in _GOOGLE_IGNORED},
    }, required=("Day", "Campaign", "Cost"), any_of=("Impr.", "Clicks", "Currency code"),
        options={"platform": "google_ads"}),
    Layout("linkedin.campaign_performance", "ads.spend", "linkedin", {
        "Start Date (in UTC)": "spend_date", "Campaign Name": "ad_campaign", "Campaign ID": "ad_campaign_id",
        "Total Spent": "cost", "Currency": "currency", "Impressions": "impressions", "Clicks": "clicks",
        "Leads": "conversions",
        **{c: "" for c in _LINKEDIN_IGNORED},
    }, required=("Start Date (in UTC)", "Campaign Name", "Total Spent"), options={"platform": "linkedin"}),
]
