"""Shared page furniture: the database connection, sidebar filters, formatting and charts.

Every page goes through here so that all pages look alike and read the same filters.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import pathlib
import pickle
import threading
import time

import plotly.graph_objects as go
import streamlit as st

from data_models import db, periods
from data_models.formatting import (  # noqa: F401  (re-exported for pages)
    GROUP_COLORS, MODEL_LABELS, PALETTE, SOURCED_LABELS, money, pct,
)
from data_models.params import ATTRIBUTION_MODELS, SOURCED_DEFINITIONS, Params

DEFAULT_DB = "data/demo.duckdb"


def db_path() -> str:
    return os.environ.get("MVD_DB", DEFAULT_DB)


@st.cache_resource(show_spinner=False)
def _shared_connection(path: str):
    # one connection per process; DuckDB allows a single writer process per file
    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    return db.connect(path)


def _session_cursor():
    path = db_path()
    key = f"cursor::{path}"
    if key not in st.session_state:
        st.session_state[key] = _shared_connection(path).cursor()
    return st.session_state[key]


def connection():
    """This session's cursor of the process-wide connection: read-only for viewers (issue 9)."""
    from pages.shared import auth

    return auth.session_connection(_session_cursor())


def write_connection():
    """The session's cursor for the app's own writes (validated loads, survey and interview forms);
    never for SQL from a user. Survey answers are the one write a viewer makes."""
    return _session_cursor()


# ---------- filters shared by all pages, mirrored in the URL ----------

def _query(name: str, default: str) -> str:
    return st.query_params.get(name, default)


def _choice(name: str, options: tuple[str, ...] | list[str], default: str) -> int:
    value = _query(name, default)
    return list(options).index(value) if value in options else list(options).index(default)


def sidebar_filters() -> Params | None:
    """Draw the sidebar, store the chosen Params in session state and return them (None when no data).

    What the filters offer (the data's as-of date, segments, regions, the admin's defaults) comes from
    `workspace()`, read once per load version rather than on every run of every session."""
    ws = workspace()
    as_of = ws.as_of
    st.sidebar.caption("Filters apply to every page; the URL keeps them, so a view can be shared.")
    if as_of is None:
        st.session_state["params"] = None
        return None
    default = ws.settings   # the admin's workspace defaults (pages/admin/settings.py); the URL overrides them
    fy_month = st.sidebar.selectbox(
        "Fiscal year starts in", range(1, 13), index=int(_query("fy", str(default["fiscal_year_start_month"]))) - 1,
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
    segments, regions = list(ws.segments), list(ws.regions)
    segment = st.sidebar.selectbox("Segment", ["All"] + segments, index=_choice("segment", ["All"] + segments, "All"),
                                   key="f_segment")
    region = st.sidebar.selectbox("Region", ["All"] + regions, index=_choice("region", ["All"] + regions, "All"),
                                  key="f_region")
    models = tuple(m for m in ATTRIBUTION_MODELS if m != "custom")  # custom weights are set on the Attribution page
    model = st.sidebar.selectbox("Attribution model", models, format_func=MODEL_LABELS.get,
                                 index=_choice("model", models, default["attribution_model"]), key="f_model")
    sourced = st.sidebar.selectbox("Sourced definition", SOURCED_DEFINITIONS, format_func=SOURCED_LABELS.get,
                                   index=_choice("sourced", SOURCED_DEFINITIONS, default["sourced_definition"]), key="f_sourced")
    lookback = st.sidebar.slider("Lookback before deal creation (days)", 7, 365,
                                 int(_query("lookback", str(default["lookback_days"]))), step=1, key="f_lookback")
    params = periods.view_params(
        as_of, default, preset="Custom", start=start, end=end, fiscal_year_start_month=fy_month,
        segment=None if segment == "All" else segment, region=None if region == "All" else region,
        model=model, sourced_definition=sourced, lookback_days=lookback,
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
    changed = {k: v for k, v in wanted.items() if st.query_params.get(k) != v}
    if changed:   # one message to the browser (one history entry), not one per filter
        st.query_params.update(changed)


# whitelisted column -> query; never built from user input
_DISTINCT_SQL = {
    "segment": "select distinct segment from accounts where segment is not null order by 1",
    "region": "select distinct region from accounts where region is not null order by 1",
}


def _distinct(con, column: str) -> list[str]:
    return [r[0] for r in con.execute(_DISTINCT_SQL[column]).fetchall()]


@dataclasses.dataclass(frozen=True)
class Workspace:
    """What every run of app.py reads before the page: the sidebar's choices and the admin's settings."""
    as_of: dt.date | None
    segments: tuple[str, ...]
    regions: tuple[str, ...]
    settings: dict   # data_models.settings.get_settings; a copy per call (st.cache_data), safe to change


# as_of depends on the day (deals closed up to today), hence `today` in the key and a ttl
@st.cache_data(show_spinner=False, max_entries=16, ttl=dt.timedelta(minutes=10))
def _workspace(path: str, version: int, today: dt.date) -> Workspace:
    from data_models.settings import get_settings

    con = _shared_connection(path).cursor()
    try:
        return Workspace(periods.data_as_of(con), tuple(_distinct(con, "segment")), tuple(_distinct(con, "region")),
                         get_settings(con))
    finally:
        con.close()


def workspace() -> Workspace:
    """The database's as-of date, segments, regions and workspace settings, cached per load version (every
    session asks on every run; they change only through writes that call data_changed())."""
    path = db_path()
    return _workspace(path=path, version=load_version(path), today=dt.date.today())


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


_FORMATS = {
    "pct": lambda label: st.column_config.NumberColumn(label, format="percent"),
    "money": lambda label: st.column_config.NumberColumn(label, format="dollar"),
    "int": lambda label: st.column_config.NumberColumn(label, format="localized"),
    "num": lambda label: st.column_config.NumberColumn(label, format="%.1f"),
    "text": lambda label: st.column_config.TextColumn(label),
    "date": lambda label: st.column_config.DateColumn(label),
}


def table_with_download(frame, key: str, file_name: str, columns: dict[str, tuple[str, str]] | None = None,
                        max_rows: int | None = None) -> None:
    """Show a table and offer it as CSV (raw values, formula injection neutralised).

    `columns` picks and orders the columns to show: {column: (label, format)} with format one of
    pct, money, int, num, text, date; the CSV download keeps every column with its raw values.
    `max_rows` shows only the first rows (the browser gets only those); the CSV still has every row.
    """
    from data_models.export import safe_csv

    shown = frame if max_rows is None else frame.head(max_rows)
    config = None
    if columns:
        shown = shown[[c for c in columns if c in shown.columns]].copy()
        for c in shown.columns:  # exact decimals display as numbers
            if shown[c].dtype == object and len(shown) and all(hasattr(v, "as_tuple") for v in shown[c].dropna()):
                shown[c] = shown[c].astype(float)
        config = {c: _FORMATS[fmt](label) for c, (label, fmt) in columns.items() if c in shown.columns}
    st.dataframe(shown, width="stretch", hide_index=True, key=f"{key}_table", column_config=config)
    # the CSV is made when the button is clicked, not on every run of the page
    st.download_button("Download CSV", lambda: safe_csv(frame), file_name=file_name, mime="text/csv",
                       key=f"{key}_csv", on_click="ignore")


def replace_params(p: Params, **changes) -> Params:
    return dataclasses.replace(p, **changes)


# ---------- who is using the app, and cached figures ----------

def user_name() -> str:
    """The signed-in user's email, or 'demo' in open demo mode (recorded in the load log)."""
    try:
        if st.user.is_logged_in:
            return st.user.get("email") or st.user.get("name") or "signed-in user"
    except Exception:  # no [auth] configured: open demo mode
        pass
    return "demo"


def data_changed() -> None:
    """After a commit or an undo: drop every cached figure so all pages read the new state, then (in a served
    app) work out the default view's figures again in the background (pages/shared/warmup.py)."""
    from pages.shared import warmup

    global _generation
    with _versions_lock:
        _generation += 1
        _versions.clear()
    st.cache_data.clear()
    _deal_touches.clear()
    warmup.start(db_path())


def generation() -> int:
    """How many times the data changed in this process (data_changed): a figure worked out from an older
    generation must not be stored once a newer one exists."""
    return _generation


@st.cache_resource(show_spinner=False, max_entries=8, ttl=dt.timedelta(hours=1))
def _deal_touches(path: str, version: int, basis: str, start: dt.date, end: dt.date, segment: str | None,
                  region: str | None, lookback_days: int, today: dt.date):
    """One load of the period's deal touches per filter set, shared read-only by every attribution-based
    figure of every session (credit, model comparison, Markov, Shapley, ROI) until the data changes.
    The key is every filter `attribution.load_deal_touches` reads, plus the database and its load version."""
    from data_models import attribution

    params = Params(start=start, end=end, as_of=today, segment=segment, region=region, lookback_days=lookback_days)
    con = _shared_connection(path).cursor()
    try:
        return attribution.load_deal_touches(con, params, basis)
    finally:
        con.close()


def _shared_loader(path: str, version: int):
    def load(con, p: Params, basis: str):
        return _deal_touches(path, version, basis, p.start, p.end, p.segment, p.region, int(p.lookback_days), p.today)
    return load


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(key: bytes, _path: str, _module: str, _name: str, _params: Params | None, _version: int, _kwargs: tuple,
            _current=None):
    """One cached figure. `key` is a digest of every other argument (see `metric`): Streamlit hashes only it
    (arguments named with a leading underscore are not hashed), which costs far less than hashing Params."""
    return _compute(_path, _module, _name, _params, _version, _kwargs, _current)


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_hashed(path: str, module: str, name: str, params: Params | None, version: int, kwargs: tuple,
                   _current=None):
    """The same, for arguments that do not pickle: Streamlit hashes each of them."""
    return _compute(path, module, name, params, version, kwargs, _current)


class Superseded(Exception):
    """The data changed while a figure was worked out for the background warm-up: it is not stored."""


def _compute(path: str, module: str, name: str, params: Params | None, version: int, kwargs: tuple, current=None):
    import importlib

    from data_models import attribution

    function = getattr(importlib.import_module(module), name)
    con = _shared_connection(path).cursor()
    try:
        with attribution.shared_loads(_shared_loader(path, version)):
            value = function(con, params, **dict(kwargs)) if params is not None else function(con, **dict(kwargs))
    finally:
        con.close()
    # raising keeps Streamlit from storing the value (the warm-up passes `current`; pages wait for nothing)
    if current is not None and not current():
        raise Superseded(f"{name}: the data changed while it was computed")
    return value


# The load version of each database, read at most once a second: a page asks for a dozen or more
# figures per run. Only this process writes the file (DuckDB lets one process open it for writing),
# and every write it makes (loads, undo, forms, settings) calls data_changed(), which forgets it.
_VERSION_TTL_S = 1.0
_versions: dict[str, tuple[float, int]] = {}
_versions_lock = threading.Lock()
_generation = 0


def read_version(con) -> int:
    """The latest load id in the database, read on `con` (our own fixed query: no viewer checks needed)."""
    return int(con.execute("select coalesce(max(load_id), 0) from load_log").fetchone()[0])


def load_version(path: str) -> int:
    """The database's latest load id: part of every cached figure's key."""
    now = time.monotonic()
    known = _versions.get(path)
    if known is not None and now - known[0] < _VERSION_TTL_S:
        return known[1]
    seen = _generation
    version = read_version(_session_cursor())
    with _versions_lock:
        # a version read before a data_changed() that cleared the memo must not be remembered after it
        if _generation == seen:
            _versions[path] = (now, version)
    return version


def metric(function, params: Params | None = None, **kwargs):
    """Call a metric function `(con, params, **kwargs)`, cached per filters until the data changes."""
    path = db_path()
    return metric_at(path, load_version(path), function, params, **kwargs)


def metric_at(path: str, version: int, function, params: Params | None = None, current=None, **kwargs):
    """`metric` on the database at `path` in its load `version` (what the caller read before any figure).
    `current()`, when given, is asked after the figure is worked out: False means the data changed meanwhile,
    and the figure is not stored (`Superseded` is raised)."""
    args = (path, function.__module__, function.__name__, params, version, tuple(sorted(kwargs.items())))
    try:
        # equal pickles mean equal arguments (the other way round may miss, never mix up two figures)
        key = hashlib.blake2b(pickle.dumps(args, protocol=5), digest_size=20).digest()
    except Exception:  # noqa: BLE001 - an argument that does not pickle
        return _cached_hashed(*args, _current=current)
    # by keyword: for each positional argument Streamlit looks up the function's signature again
    return _cached(key=key, _path=path, _module=args[1], _name=args[2], _params=params, _version=args[4],
                   _kwargs=args[5], _current=current)


def page_links(links: list[tuple[str, str]]) -> None:
    """Links to other pages, in columns; a page not in the navigation (e.g. not allowed for the role) is left out."""
    from pages import PAGE_TABLE

    registered = {script for _, script, _, _ in PAGE_TABLE}
    present = [(script, label) for script, label in links if script in registered]
    if not present:
        return
    for column, (script, label) in zip(st.columns(len(present)), present):
        column.page_link(script, label=label)


def vs_previous(p: Params) -> str:
    """How a period-over-period change is labelled: like for like when the period is still running."""
    return "vs same point last period" if p.in_progress else "vs previous period"


def change_history(con, area: str, empty: str, key: str, show_action: bool = True) -> None:
    """The admin pages' audit trail of one area (data_models.audit), newest first."""
    from data_models import audit

    st.subheader("Change history")
    trail = audit.trail(con, area)
    if trail.empty:
        st.caption(empty)
        return
    st.dataframe(trail, hide_index=True, width="stretch", key=key, column_config={
        "changed_at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
        "changed_by": "Who", "area": None, "action": "Action" if show_action else None, "detail": "Change"})
