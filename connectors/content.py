"""Content assets from a CMS export (URL, Title, Content Type, Topic, Publish Date).

An asset's id is derived from its normalised URL, so the same page gets the same id in
every load and web events and touchpoints can find it by URL alone.
"""
from __future__ import annotations

import hashlib
import re

import pandas as pd

from connectors.detect import KindSpec, Layout
from connectors.values import FieldReader, by_unique, clean, normalise_urls

ASSET_TYPES = ("blog", "guide", "case_study", "comparison", "pricing", "webinar", "video")

# checked in order; the first pattern found in the content type wins
_TYPE_WORDS = (
    ("case_study", r"case.?stud|customer.?stor|success.?stor|testimonial|customer.?review"),
    ("comparison", r"compar|\bvs\.?\b|versus|alternative"),
    ("pricing", r"pricing|\bprice|\bplans?\b"),
    ("webinar", r"webinar|on.?demand|virtual.?event|web.?cast|live.?session"),
    ("video", r"video|youtube|vimeo|\bdemo\b"),
    ("guide", r"guide|e.?book|white.?paper|report|playbook|checklist|template|toolkit|whitepaper|research"),
    ("blog", r"blog|article|\bpost\b|news|insight"),
)
# the same words in a URL path, for rows whose content type is missing or unknown
_PATH_WORDS = (
    ("case_study", r"/(case-stud|customer|success-stor)"),
    ("comparison", r"/(compare|comparison|vs|alternative)"),
    ("pricing", r"/pricing|/plans"),
    ("webinar", r"/webinar"),
    ("video", r"/video"),
    ("guide", r"/(guide|ebook|e-book|whitepaper|resources/guide|report)"),
    ("blog", r"/(blog|articles?|posts?|news)"),
)


def asset_type_of(text: str | None) -> str | None:
    if text is None or not str(text).strip():
        return None
    low = str(text).strip().lower()
    if low.replace(" ", "_") in ASSET_TYPES:
        return low.replace(" ", "_")
    for name, pattern in _TYPE_WORDS:
        if re.search(pattern, low):
            return name
    return None


def asset_type_from_url(url: str | None) -> str | None:
    if not url:
        return None
    path = "/" + url.split("/", 1)[1] if "/" in url else ""
    for name, pattern in _PATH_WORDS:
        if re.search(pattern, path):
            return name
    return None


def asset_id_of(url: str | None) -> str | None:
    """Stable id of a normalised URL."""
    if url is None or not str(url):
        return None
    return "ca-" + hashlib.sha1(str(url).encode("utf-8")).hexdigest()[:16]


def asset_ids(normalised_urls: pd.Series) -> pd.Series:
    return by_unique(clean(normalised_urls), lambda u: u.map(asset_id_of).astype("str")).astype("str")


def build_assets(r: FieldReader, options: dict) -> pd.DataFrame:
    url = normalise_urls(r.text("url"))
    given = r.text("asset_type")
    typed = by_unique(given, lambda u: u.map(asset_type_of).astype("str")).astype("str")
    from_url = by_unique(url, lambda u: u.map(asset_type_from_url).astype("str")).astype("str")
    asset_type = typed.fillna(from_url)
    unknown = sorted(set(given[typed.isna() & given.notna()]))
    if unknown:
        r.warn(f"content types we do not know: {', '.join(unknown[:10])}; those assets were typed from their URL "
               "where it says (e.g. /blog/), otherwise left blank", "unknown_content_type",
               r.column("asset_type"), "Use one of: " + ", ".join(ASSET_TYPES))
    return pd.DataFrame({
        "asset_id": asset_ids(url),
        "url": url,
        "title": r.text("title"),
        "asset_type": asset_type,
        "topic": r.text("topic"),
        "published_date": r.date("published_date"),
    })


KINDS = {
    "content.assets": KindSpec(
        "content.assets", build_assets,
        fields={
            "url": ("url", "page url", "address", "link", "permalink", "asset url", "content url", "page"),
            "title": ("title", "page title", "headline", "name", "asset name", "content title"),
            "asset_type": ("content type", "asset type", "type", "format", "content format", "template"),
            "topic": ("topic", "topics", "tag", "tags", "category", "theme", "subject", "pillar"),
            "published_date": ("publish date", "published", "published date", "date published", "publication date",
                               "published at", "publish_date", "date"),
            "asset_id": ("asset id", "content id"),
        },
        required=("url",),
        any_of=("title", "asset_type"),
        prefixes=("content", "asset", "page"),
    ),
}

LAYOUTS = [
    Layout("cms.content_assets", "content.assets", "cms", {
        "URL": "url", "Title": "title", "Content Type": "asset_type", "Topic": "topic",
        "Publish Date": "published_date", "Author": "", "Status": "", "Word Count": "", "Last Modified": "",
    }, required=("URL", "Title", "Content Type")),
]
