"""Reporting periods: the data's own 'today' and the period presets of the sidebar."""
from __future__ import annotations

import datetime as dt

import duckdb

from data_models.params import fiscal_quarter_bounds, fiscal_year_bounds

PRESETS = ("This quarter", "Last quarter", "Year to date", "Last fiscal year", "Last 12 months", "Custom")

# the latest date the CRM knows about: newest created date, or newest close date that is not in the future
AS_OF_SQL = """
with dates as (
    select max(created_date) as d from opportunities
    union all
    select max(close_date) from opportunities where is_closed and close_date <= current_date
),
final as (select max(d) as as_of from dates)
select * from final
"""


def data_as_of(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The last day the loaded CRM data covers; None when no opportunity is loaded."""
    return con.execute(AS_OF_SQL).fetchone()[0]


def preset_range(preset: str, as_of: dt.date, fiscal_year_start_month: int = 1) -> tuple[dt.date, dt.date]:
    """Start and end (inclusive) of a named period, relative to the data's as-of date."""
    if preset == "This quarter":
        return fiscal_quarter_bounds(as_of, fiscal_year_start_month)
    if preset == "Last quarter":
        start, _ = fiscal_quarter_bounds(as_of, fiscal_year_start_month)
        return fiscal_quarter_bounds(start - dt.timedelta(days=1), fiscal_year_start_month)
    if preset == "Year to date":
        start, _ = fiscal_year_bounds(as_of, fiscal_year_start_month)
        return start, as_of
    if preset == "Last fiscal year":
        start, _ = fiscal_year_bounds(as_of, fiscal_year_start_month)
        return fiscal_year_bounds(start - dt.timedelta(days=1), fiscal_year_start_month)
    if preset == "Last 12 months":
        return as_of - dt.timedelta(days=364), as_of
    raise ValueError(f"unknown period preset {preset!r}; choose one of {', '.join(PRESETS)}")


def period_label(start: dt.date, end: dt.date, fiscal_year_start_month: int = 1) -> str:
    """'FY2026 Q3' when the range is exactly a fiscal quarter, else 'Jul 1 – Sep 30, 2026'."""
    q_start, q_end = fiscal_quarter_bounds(start, fiscal_year_start_month)
    if (q_start, q_end) == (start, end):
        fy_start, fy_end = fiscal_year_bounds(start, fiscal_year_start_month)
        quarter = (start.month - fiscal_year_start_month) % 12 // 3 + 1
        return f"FY{fy_end.year} Q{quarter}"
    y_start, y_end = fiscal_year_bounds(start, fiscal_year_start_month)
    if (y_start, y_end) == (start, end):
        return f"FY{y_end.year}"
    if start.year == end.year:
        return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    return f"{start:%b} {start.day}, {start.year} – {end:%b} {end.day}, {end.year}"


DEFAULT_PRESET = "This quarter"


def view_params(as_of: dt.date, settings: dict, *, preset: str = DEFAULT_PRESET, fiscal_year_start_month: int | None = None,
                start: dt.date | None = None, end: dt.date | None = None, segment: str | None = None,
                region: str | None = None, model: str | None = None, sourced_definition: str | None = None,
                lookback_days: int | None = None):
    """The filters of one view of the dashboard: the sidebar's choices, each defaulting to the workspace
    settings (data_models.settings.get_settings). The sidebar and the cache warm-up build their Params here,
    so that the default view's figures are cached under exactly the key a page asks for."""
    from data_models.params import Params

    fy = int(settings["fiscal_year_start_month"] if fiscal_year_start_month is None else fiscal_year_start_month)
    if preset != "Custom":
        start, end = preset_range(preset, as_of, fy)
    return Params(
        start=start, end=end, as_of=as_of, segment=segment, region=region,
        lookback_days=int(settings["lookback_days"] if lookback_days is None else lookback_days),
        sourced_definition=sourced_definition or settings["sourced_definition"],
        model=model or settings["attribution_model"], fiscal_year_start_month=fy, currency=settings["currency"],
        gross_margin=settings["gross_margin_pct"] / 100,
    )
