"""Channel vocabulary and the mapping from CRM lead sources to channels.

Every touchpoint and campaign carries one of CHANNELS. Every lead source
maps to a channel and a source group (marketing / sales / partner / unknown),
which is what the *lead source* definition of sourced pipeline uses
(shared/domain.md, "Sourced pipeline" (a)).
"""

MARKETING_CHANNELS = ("paid_search", "paid_social", "webinar", "event", "content", "email")
CHANNELS = MARKETING_CHANNELS + ("partner", "sales_outbound", "other")

CHANNEL_LABELS = {
    "paid_search": "Paid search",
    "paid_social": "Paid social",
    "webinar": "Webinars",
    "event": "Events",
    "content": "Content & SEO",
    "email": "Email",
    "partner": "Partner",
    "sales_outbound": "Sales outbound",
    "other": "Other",
}

SOURCE_GROUPS = ("marketing", "sales", "partner", "unknown")


def source_group(channel: str | None) -> str:
    """Which of the four source groups a channel belongs to."""
    if channel in MARKETING_CHANNELS:
        return "marketing"
    if channel == "sales_outbound":
        return "sales"
    if channel == "partner":
        return "partner"
    return "unknown"


# Lead source picklist values seen in Salesforce and HubSpot exports, lower-cased.
# Anything not listed maps to channel 'other', group 'unknown'.
LEAD_SOURCE_CHANNEL = {
    # Salesforce standard picklist
    "web": "content",
    "website": "content",
    "advertisement": "paid_search",
    "webinar": "webinar",
    "seminar - internal": "event",
    "seminar - partner": "partner",
    "trade show": "event",
    "event": "event",
    "partner": "partner",
    "partner referral": "partner",
    "reseller": "partner",
    "phone inquiry": "content",
    "purchased list": "email",
    "email": "email",
    "outbound": "sales_outbound",
    "sales outbound": "sales_outbound",
    "cold call": "sales_outbound",
    "sdr outbound": "sales_outbound",
    "employee referral": "sales_outbound",
    "sales prospecting": "sales_outbound",
    # HubSpot original source
    "organic search": "content",
    "paid search": "paid_search",
    "paid social": "paid_social",
    "social media": "paid_social",
    "organic social": "content",
    "email marketing": "email",
    "direct traffic": "content",
    "referrals": "partner",
    "offline sources": "sales_outbound",
    "other campaigns": "email",
    "content": "content",
    "content syndication": "content",
    "linkedin": "paid_social",
    "google ads": "paid_search",
}


def lead_source_channel(lead_source: str | None) -> str:
    if not isinstance(lead_source, str) or not lead_source.strip():
        return "other"
    return LEAD_SOURCE_CHANNEL.get(lead_source.strip().lower(), "other")


def lead_source_rows() -> list[tuple[str, str, str]]:
    """(lead_source lower-cased, channel, source group) rows for the lead_source_map table."""
    return [(src, ch, source_group(ch)) for src, ch in sorted(LEAD_SOURCE_CHANNEL.items())]


def channel_rows() -> list[tuple[str, str, str, bool]]:
    """(channel, label, source group, is_marketing) rows for the dim_channels seed."""
    return [(c, CHANNEL_LABELS[c], source_group(c), c in MARKETING_CHANNELS) for c in CHANNELS]
