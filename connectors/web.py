"""Web analytics events: GA4 event exports and Segment-style page views.

Only page views and form submits are kept (everything else a tag sends, such as scrolls and
clicks, is counted in a warning and dropped). URLs are normalised like content asset URLs;
UTM fields come from the page URL's query string, falling back to the source / medium /
campaign columns the tool writes. GA4 has no event id, so one is derived deterministically
from user_pseudo_id + event_timestamp + event_name + page URL.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from connectors.detect import KindSpec, Layout
from connectors.values import FieldReader, by_unique, clean, normalise_urls, stable_ids, url_parameters

PAGE_EVENTS = {"page_view", "page", "pageview", "page view", "page_viewed", "loaded a page", "viewed page",
               "screen_view"}
FORM_EVENTS = {"form_submit", "form_submission", "form submitted", "form_submitted", "generate_lead",
               "form submit", "form_fill", "form fill", "submitted form", "lead"}


def build_page_views(r: FieldReader, options: dict) -> pd.DataFrame:
    # event names repeat: classify the distinct ones (page view / form submit / other)
    kinds = by_unique(r.raw("event_name"), lambda u: u.str.strip().str.lower().map(
        lambda v: "page_view" if v in PAGE_EVENTS or not v else "form_submit" if v in FORM_EVENTS else "").astype(
        "str")).fillna("page_view")
    keep = kinds != ""
    dropped = int((~keep).sum())
    if dropped:
        top = clean(r.raw("event_name"))[~keep].value_counts().head(5)
        r.warn(f"{dropped:,} events that are not page views or form submits were left out "
               f"({', '.join(f'{k}: {v:,}' for k, v in top.items())})", "events_filtered", r.column("event_name"))
        r.subset(keep)
        kinds = kinds[keep]
    event_name = kinds

    if r.has("timestamp_micros"):
        raw = clean(r.raw("timestamp_micros"))
        try:   # fast path: every value is an integer
            micros = pd.Series(pc.cast(pa.array(raw.array), pa.int64()).to_numpy(zero_copy_only=False),
                               index=raw.index)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            micros = pd.to_numeric(raw, errors="coerce")
        occurred = pd.to_datetime(micros, unit="us", errors="coerce").astype("datetime64[us]")
        r.report(raw.notna() & occurred.isna(), "timestamp_micros", "date_format",
                 "not a GA4 event_timestamp (microseconds since 1970)", "Export event_timestamp unchanged")
    else:
        occurred = r.timestamp("occurred_at")
    if r.has("event_date") and occurred.isna().any():
        occurred = occurred.fillna(r.timestamp("event_date"))

    page_url = r.text("url")
    if r.has("hostname"):
        relative = page_url.str.startswith("/").fillna(False).astype(bool)
        page_url = page_url.where(~relative, r.text("hostname") + page_url)
    visitor = r.text("visitor_id").fillna(r.text("user_id"))

    from_url = url_parameters(page_url, ("utm_source", "utm_medium", "utm_campaign"))

    def utm(name: str, field: str) -> pd.Series:
        values = from_url[name]
        return values.fillna(r.text(field)) if r.has(field) and values.isna().any() else values

    event_id = r.text("event_id")
    if event_id.isna().any():
        raw_time = r.raw("timestamp_micros") if r.has("timestamp_micros") else r.raw("occurred_at")
        derived = stable_ids([r.raw("visitor_id"), raw_time, r.raw("event_name"), r.raw("url")],
                             "ev-")
        event_id = event_id.fillna(derived)
    out = pd.DataFrame({
        "event_id": event_id,
        "visitor_id": visitor,
        "user_id": r.text("user_id"),
        "occurred_at": occurred,
        "event_name": event_name,
        "url": normalise_urls(page_url),
        "referrer": r.text("referrer"),
        "utm_source": utm("utm_source", "utm_source"),
        "utm_medium": utm("utm_medium", "utm_medium"),
        "utm_campaign": utm("utm_campaign", "utm_campaign"),
        "source_system": r.source_system,
    })
    duplicated = out["event_id"].duplicated() & out["event_id"].notna()
    if duplicated.any():
        r.warn(f"{int(duplicated.sum()):,} events appear twice in the file (same visitor, time, event and page);"
               " each is loaded once", "duplicate_events")
        out = out[~duplicated]
    return out


KINDS = {
    "web.page_views": KindSpec(
        "web.page_views", build_page_views,
        fields={
            "event_id": ("event id", "message id", "messageid", "hit id", "id"),
            "visitor_id": ("user pseudo id", "anonymous id", "anonymousid", "client id", "visitor id", "cookie id",
                           "device id", "distinct id", "visitor"),
            "user_id": ("user id", "userid", "crm id", "contact id", "customer id"),
            "occurred_at": ("timestamp", "event time", "event timestamp iso", "time", "datetime", "occurred at",
                            "original timestamp", "received at", "hit time", "date time"),
            "timestamp_micros": ("event timestamp", "event_timestamp"),
            "event_date": ("event date", "date", "day"),
            "event_name": ("event name", "event", "event type", "type", "hit type", "action"),
            "url": ("page location", "url", "context page url", "page url", "page", "full url", "page path",
                    "landing page", "href"),
            "hostname": ("hostname", "page hostname", "host", "domain"),
            "referrer": ("page referrer", "referrer", "context page referrer", "referrer url", "referer",
                         "document referrer"),
            "utm_source": ("traffic source source", "utm source", "context campaign source", "source",
                           "session source", "campaign source", "collected traffic source manual source"),
            "utm_medium": ("traffic source medium", "utm medium", "context campaign medium", "medium",
                           "session medium", "campaign medium", "collected traffic source manual medium"),
            "utm_campaign": ("traffic source name", "utm campaign", "context campaign name", "campaign",
                             "campaign name", "session campaign", "collected traffic source manual campaign name"),
        },
        required=("visitor_id", "url"),
        any_of=("occurred_at", "timestamp_micros"),
        targets={"timestamp_micros": "occurred_at", "event_date": "occurred_at", "hostname": "url"},
        prefixes=("event", "hit"),
    ),
}

_GA4_IGNORED = (
    "page_title", "ga_session_id", "ga_session_number", "engagement_time_msec", "platform", "stream_id",
    "device.category", "device.operating_system", "device.web_info.browser", "geo.country", "geo.region",
    "geo.city", "event_bundle_sequence_id", "event_server_timestamp_offset", "event_previous_timestamp",
    "user_first_touch_timestamp", "privacy_info.analytics_storage", "is_active_user", "batch_event_index",
    "event_value_in_usd", "session_engaged", "entrances", "items", "ecommerce", "collected_traffic_source",
    # BigQuery export (Parquet): the nested lists; page_location / page_referrer are read from event_params
    "event_params", "user_properties", "event_dimensions",
)
_SEGMENT_IGNORED = (
    "name", "path", "title", "search", "context_page_path", "context_page_title", "context_page_search",
    "context_ip", "context_user_agent", "context_locale", "context_library_name", "context_library_version",
    "received_at", "sent_at", "original_timestamp", "uuid_ts", "context_campaign_content", "context_campaign_term",
    "loaded_at", "event_text", "category",
)

LAYOUTS = [
    Layout("ga4.events", "web.page_views", "ga4", {
        "event_date": "event_date", "event_timestamp": "timestamp_micros", "event_name": "event_name",
        "user_pseudo_id": "visitor_id", "user_id": "user_id", "page_location": "url", "page_referrer": "referrer",
        "event_params.page_location": "url", "event_params.page_referrer": "referrer",
        "traffic_source.source": "utm_source", "traffic_source.medium": "utm_medium",
        "traffic_source.name": "utm_campaign", "hostname": "hostname",
        **{c: "" for c in _GA4_IGNORED},
    }, required=("event_name", "user_pseudo_id"), any_of=("event_timestamp", "event_date")),
    Layout("segment.pages", "web.page_views", "segment", {
        "id": "event_id", "message_id": "event_id", "anonymous_id": "visitor_id", "user_id": "user_id",
        "timestamp": "occurred_at", "context_page_url": "url", "url": "url",
        "context_page_referrer": "referrer", "referrer": "referrer", "context_campaign_source": "utm_source",
        "context_campaign_medium": "utm_medium", "context_campaign_name": "utm_campaign", "event": "event_name",
        "type": "event_name",
        **{c: "" for c in _SEGMENT_IGNORED},
    }, required=("anonymous_id", "timestamp"), any_of=("context_page_url", "url")),
]
