"""Shared page furniture: the database connection, sidebar filters, formatting and charts.

Every page goes through here so that all pages look alike and read the same filters.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pathlib

import plotly.graph_objects as go
import streamlit as st

from data_models import db, periods
from data_models.params import ATTRIBUTION_MODELS, SOURCED_DEFINITIONS, Params

DEFAULT_DB = "data/demo.duckdb"
PALETTE = ["#0B6E4F", "#3A86FF", "#F4A259", "#8E5572", "#5B8E7D", "#BC4B51", "#6C757D", "#2E4057", "#C9A227"]
GROUP_COLORS = {"marketing": "#0B6E4F", "sales": "#3A86FF", "partner": "#F4A259", "unknown": "#ADB5BD"}

MODEL_LABELS = {
    "first_touch": "First touch", "last_touch": "Last touch", "linear": "Linear",
    "u_shaped": "U-shaped (40/20/40)", "w_shaped": "W-shaped (30/30/30/10)", "full_path": "Full path (22.5×4 + 10)",
    "time_decay": "Time decay", "j_shaped": "J-shaped (20/60)", "inverse_j": "Inverse J (60/20)",
    "custom": "Custom weights", "markov": "Markov chain (data-driven)", "shapley": "Shapley value (data-driven)",
}
SOURCED_LABELS = {"lead_source": "Lead source", "first_touch": "First touch in lookback"}


def db_path() -> str:
    return os.environ.get("MVD_DB", DEFAULT_DB)


@st.cache_resource(show_spinner=False)
def _shared_connection(path: str):
    # one connection per process; DuckDB allows a single writer process per file
    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    return db.connect(path)


def connection():
    """A cursor of the process-wide connection, one per browser session."""
    path = db_path()
    key = f"cursor::{path}"
    if key not in st.session_state:
        st.session_state[key] = _shared_connection(path).cursor()
    return st.session_state[key]


# ---------- filters shared by all pages, mirrored in the URL ----------

def _query(name: str, default: str) -> str:
    return st.query_params.get(name, default)


def _choice(name: str, options: tuple[str, ...] | list[str], default: str) -> int:
    value = _query(name, default)
    return list(options).index(value) if value in options else list(options).index(default)


def sidebar_filters(con) -> Params | None:
    """Draw the sidebar, store the chosen Params in session state and return them (None when no data)."""
    as_of = periods.data_as_of(con)
    st.sidebar.caption("Filters apply to every page; the URL keeps them, so a view can be shared.")
    if as_of is None:
        st.session_state["params"] = None
        return None
    fy_month = st.sidebar.selectbox(
        "Fiscal year starts in", range(1, 13), index=int(_query("fy", "1")) - 1,
        format_func=lambda m: dt.date(2000, m, 1).strftime("%B"), key="f_fy",
    )
    preset = st.sidebar.selectbox("Period", periods.PRESETS, index=_choice("period", periods.PRESETS, "This quarter"),
                                  key="f_period")
    if preset == "Custom":
        start_default, end_default = periods.preset_range("Last 12 months", as_of, fy_month)
        start = st.sidebar.date_input("From", value=_date_query("from", start_default), key="f_from")
        end = st.sidebar.date_input("To", value=_date_query("to", end_default), key="f_to")
        if start > end:
            st.sidebar.error("'From' is after 'To'; showing 'To' to 'From' instead.")
            start, end = end, start
    else:
        start, end = periods.preset_range(preset, as_of, fy_month)
    segments = _distinct(con, "segment")
    regions = _distinct(con, "region")
    segment = st.sidebar.selectbox("Segment", ["All"] + segments, index=_choice("segment", ["All"] + segments, "All"),
                                   key="f_segment")
    region = st.sidebar.selectbox("Region", ["All"] + regions, index=_choice("region", ["All"] + regions, "All"),
                                  key="f_region")
    model = st.sidebar.selectbox("Attribution model", ATTRIBUTION_MODELS, format_func=MODEL_LABELS.get,
                                 index=_choice("model", ATTRIBUTION_MODELS, "w_shaped"), key="f_model")
    sourced = st.sidebar.selectbox("Sourced definition", SOURCED_DEFINITIONS, format_func=SOURCED_LABELS.get,
                                   index=_choice("sourced", SOURCED_DEFINITIONS, "lead_source"), key="f_sourced")
    lookback = st.sidebar.slider("Lookback before deal creation (days)", 7, 365,
                                 int(_query("lookback", "90")), step=1, key="f_lookback")
    params = Params(
        start=start, end=end, as_of=as_of, segment=None if segment == "All" else segment,
        region=None if region == "All" else region, lookback_days=lookback, sourced_definition=sourced,
        model=model, fiscal_year_start_month=fy_month,
    )
    st.sidebar.caption(f"Data as of {as_of:%b %d, %Y} · {periods.period_label(start, end, fy_month)}")
    _mirror_to_url(preset, params)
    st.session_state["params"] = params
    return params


def _date_query(name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(_query(name, default.isoformat()))
    except ValueError:
        return default


def _mirror_to_url(preset: str, p: Params) -> None:
    wanted = {
        "period": preset, "fy": str(p.fiscal_year_start_month), "segment": p.segment or "All",
        "region": p.region or "All", "model": p.model, "sourced": p.sourced_definition,
        "lookback": str(p.lookback_days),
    }
    if preset == "Custom":
        wanted |= {"from": p.start.isoformat(), "to": p.end.isoformat()}
    for k, v in wanted.items():
        if st.query_params.get(k) != v:
            st.query_params[k] = v


# whitelisted column -> query; never built from user input
_DISTINCT_SQL = {
    "segment": "select distinct segment from accounts where segment is not null order by 1",
    "region": "select distinct region from accounts where region is not null order by 1",
}


def _distinct(con, column: str) -> list[str]:
    return [r[0] for r in con.execute(_DISTINCT_SQL[column]).fetchall()]


def params() -> Params | None:
    return st.session_state.get("params")


def require_data(p: Params | None) -> Params:
    """Stop the page with a helpful empty state when nothing is loaded yet."""
    if p is None:
        st.info(
            "No CRM data is loaded yet. An analyst can upload exports on the **Upload** page "
            "(Salesforce, HubSpot or any CRM's opportunities, contacts and campaigns; GA4 or Segment page views; "
            "Google Ads and LinkedIn spend), or run `make run` to start on the demo data."
        )
        st.stop()
    return p


# ---------- formatting ----------

def money(value, currency: str = "USD") -> str:
    """Executive money: $4.1M, $950K, $12,300 below ten thousand."""
    if value is None:
        return "–"
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, "")
    v = float(value)
    sign = "-" if v < 0 else ""
    v = abs(v)
    if v >= 1e9:
        text = f"{v / 1e9:.1f}B"
    elif v >= 1e6:
        text = f"{v / 1e6:.1f}M"
    elif v >= 1e4:
        text = f"{v / 1e3:.0f}K"
    else:
        text = f"{v:,.0f}"
    return f"{sign}{symbol}{text}"


def pct(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{float(value) * 100:.{digits}f}%"


def headline(text: str) -> None:
    """The plain-language sentence a page opens with."""
    st.markdown(f"<p class='mvd-headline'>{text}</p>", unsafe_allow_html=True)


def style() -> None:
    st.markdown(
        """<style>
        .mvd-headline {font-size: 1.35rem; font-weight: 600; line-height: 1.35; margin: 0.2rem 0 0.8rem 0;}
        [data-testid="stMetricValue"] {font-size: 1.6rem;}
        </style>""",
        unsafe_allow_html=True,
    )


def figure_layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    """Apply the one look every chart shares; the title states the finding."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        colorway=PALETTE, height=height, margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.3, "x": 0},
        plot_bgcolor="white", paper_bgcolor="white", font={"family": "sans-serif", "size": 13},
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#E9ECEF")
    return fig


def chart(fig: go.Figure, key: str) -> None:
    """Show a chart; the mode bar's camera button downloads it as PNG."""
    st.plotly_chart(
        fig, width="stretch", key=key,
        config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": key, "scale": 2}},
    )


def table_with_download(frame, key: str, file_name: str) -> None:
    """Show a table and offer it as CSV, with spreadsheet formula injection neutralised."""
    from data_models.export import safe_csv

    st.dataframe(frame, width="stretch", hide_index=True, key=f"{key}_table")
    st.download_button("Download CSV", safe_csv(frame), file_name=file_name, mime="text/csv", key=f"{key}_csv")


def replace_params(p: Params, **changes) -> Params:
    return dataclasses.replace(p, **changes)
