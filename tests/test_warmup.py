"""The cache warm-up (pages/shared/warmup.py) on tests/dashboard_fixture.py's company, and the grouped influenced
pipeline the Pipeline page reads.

Default view: "This quarter" = FY2026 Q3 (Jul 1 - Sep 30 2026), lookback 90 days, W-shaped, lead source.
New pipeline: O1 10,000 + O2 20,000 + O3 30,000 + O4 40,000 = $100,000 (Overview: "$100K"). The load below adds
O7, $1,000.00 created Sep 20 in Acme (A1): $101,000 ("$101K").

Synchronisation is by events at a known point (inside the warm-up's first figure), never by sleeping.
"""
from __future__ import annotations

import datetime as dt
import functools
import pathlib
import threading
from decimal import Decimal

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from connectors import load
from data_models import db, headlines, metrics, page_figures, periods, settings
from data_models.params import Params
from pages.shared import ui, warmup
from tests.dashboard_fixture import build_dashboard_db, run_app_page

ROOT = pathlib.Path(__file__).resolve().parents[1]
OVERVIEW = "pages/dashboard/overview.py"
TIMEOUT = 300   # only a bound for a hung test; nothing asserts on time
NEW_OPPORTUNITY = (
    "Id,Name,AccountId,StageName,Amount,CurrencyIsoCode,CloseDate,CreatedDate,LeadSource,IsWon,IsClosed\n"
    "O7,Acme extra,A1,Prospecting,1000.00,USD,2026-12-20,2026-09-20T10:00:00.000+0000,Web,false,false\n"
)


@pytest.fixture
def served(tmp_path, monkeypatch):
    """(database path, names of the figures computed so far in any thread) with the warm-up switched on."""
    path = tmp_path / "dashboard.duckdb"
    build_dashboard_db(path)
    monkeypatch.setenv("MVD_DB", str(path))
    # figures of another test's database must not leak in (ui.metric's key has the path, but be sure)
    st.cache_data.clear()
    ui._deal_touches.clear()
    ui._versions.clear()
    computed: list[tuple[str, str]] = []
    real = ui._compute

    def counting(path, module, name, *rest):
        computed.append((threading.current_thread().name, name))
        return real(path, module, name, *rest)

    monkeypatch.setattr(ui, "_compute", counting)
    monkeypatch.setattr(warmup, "_enabled", True)
    yield str(path), computed
    assert warmup.wait(TIMEOUT)


run_page = run_app_page


def new_pipeline(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "New pipeline")


def load_new_opportunity(path: str) -> None:
    """A real load (connectors.load) on the app's connection, then what the Upload page does after a commit."""
    report = load.load_files(ui._shared_connection(path).cursor(), [("Opportunity.csv", NEW_OPPORTUNITY.encode())],
                             user="analyst")
    assert report.ok, report
    ui.data_changed()


def test_the_warm_up_fills_every_dashboard_page_for_the_default_view(served):
    path, computed = served
    thread = warmup.start(path)
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    warmed = [name for _, name in computed]
    # every page's figures, Pipeline's drill-down (the latest quarter's first marketing-sourced deal) included
    for name in ("headlines", "crm_totals", "credit", "sourced_pipeline", "influenced_by", "reconciliation",
                 "sourced_by_opportunity", "timeline", "compare_models", "markov_details", "shapley_details",
                 "assisted_comparison", "roi_summary", "roi_by_campaign", "perception_gap", "by_persona",
                 "funnel_by_source"):
        assert name in warmed, name
    # Overview 6 (headlines, CRM totals and revenue credit now and before, the trend), Pipeline 13 (sourced share
    # for each of 3 segments, ...; "This quarter" is a whole quarter, so its sourced shares under both definitions
    # and its influenced pipeline are added up from the quarterly rows), Attribution 6, Content 5, ROI 3,
    # Perception 4, Buyers 6 (no interview notes in the fixture: no filtered notes)
    assert len(warmed) == 43
    for script in page_figures.DASHBOARD:
        computed.clear()
        at = run_page(script)
        assert computed == [], f"{script} computed figures the warm-up should have cached: {computed}"
    at = run_page(OVERVIEW)
    assert new_pipeline(at) == "$100K"


def test_a_load_clears_the_cache_and_the_new_figures_are_warmed(served):
    path, computed = served
    warmup.start(path).join(TIMEOUT)
    assert new_pipeline(run_page(OVERVIEW)) == "$100K"

    load_new_opportunity(path)   # data_changed() starts the warm-up of the new data
    assert warmup.wait(TIMEOUT)
    computed.clear()
    at = run_page(OVERVIEW)
    assert computed == []
    assert new_pipeline(at) == "$101K"
    version = ui.read_version(ui._shared_connection(path).cursor())
    p = Params(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), as_of=dt.date(2026, 9, 28))
    assert ui.metric_at(path, version, metrics.pipeline, p, by=())["amount"].iloc[0] == Decimal("101000.00")


def test_a_warm_up_started_before_a_load_stores_nothing_under_the_new_version(served, monkeypatch):
    path, computed = served
    inside, release = threading.Event(), threading.Event()
    first_thread = f"mvd-warmup-{ui.generation()}"
    real_headlines = headlines.headlines

    @functools.wraps(real_headlines)   # same module and name: the same cache key
    def held(con, params):
        value = real_headlines(con, params)   # worked out from the data before the load
        if threading.current_thread().name == first_thread and not inside.is_set():
            inside.set()
            release.wait(TIMEOUT)
        return value

    monkeypatch.setattr(headlines, "headlines", held)   # the warm-up's first figure (Overview's headlines)
    old = warmup.start(path)
    assert inside.wait(TIMEOUT)
    old_version = ui.read_version(ui._shared_connection(path).cursor())

    load_new_opportunity(path)   # commits, clears the caches, starts the new data's warm-up
    new_version = ui.read_version(ui._shared_connection(path).cursor())
    assert new_version > old_version
    release.set()                # the old warm-up's first figure comes back: it must be dropped, and the thread stop
    old.join(TIMEOUT)
    assert warmup.wait(TIMEOUT)

    # the old warm-up dropped the figure it had in hand and stopped there (no other figure of the old data)
    assert [name for thread, name in computed if thread == first_thread] == ["headlines"]
    computed.clear()
    at = run_page(OVERVIEW)
    assert computed == []                 # the new warm-up cached every figure of the page...
    assert new_pipeline(at) == "$101K"    # ...from the new data
    # and the old warm-up's figure was not stored under its own version either: asking for it computes it
    view = periods.view_params(dt.date(2026, 9, 28), settings.defaults())
    ui.metric_at(path, old_version, headlines.headlines, view)
    assert [name for _, name in computed] == ["headlines"]


def test_a_failing_page_is_logged_and_the_other_pages_are_still_warmed(served, monkeypatch):
    path, computed = served
    logged = []
    monkeypatch.setattr(warmup.log, "exception", lambda message, *args: logged.append(message % args))

    def broken_reconciliation(con, params):
        raise RuntimeError("no such table")

    monkeypatch.setattr(metrics, "reconciliation", broken_reconciliation)   # read by the Pipeline page only
    assert warmup.run(path) > 0
    warmed = [name for _, name in computed]
    assert "broken_reconciliation" in warmed and "assisted_comparison" in warmed and "by_persona" in warmed
    assert "sourced_by_opportunity" not in warmed   # the rest of Pipeline's figures were skipped
    assert logged == [f"cache warm-up of {path}: the figures of pages/dashboard/pipeline.py failed"]


def test_the_sidebar_opens_on_the_params_the_warm_up_uses(served):
    path, _ = served
    con = ui._shared_connection(path).cursor()
    # workspace defaults an admin saved (Admin > Settings): a February fiscal year, 60 days' lookback...
    for key, value in {"lookback_days": "60", "fiscal_year_start_month": "2", "gross_margin_pct": "70",
                       "attribution_model": "linear", "sourced_definition": "first_touch"}.items():
        con.execute("insert or replace into settings values (?, ?)", [key, value])
    ui.data_changed()
    expected = Params(start=dt.date(2026, 8, 1), end=dt.date(2026, 10, 31), as_of=dt.date(2026, 9, 28),
                      lookback_days=60, sourced_definition="first_touch", model="linear", gross_margin=0.7,
                      fiscal_year_start_month=2, currency="USD")
    assert periods.view_params(dt.date(2026, 9, 28), settings.get_settings(con)) == expected
    assert run_page(OVERVIEW).session_state["params"] == expected


# ---------------------------------------------------------------- influenced pipeline by quarter and segment
# Lookback 90 days, today 2026-09-28. Q2: O5 5,000 (T9 webinar 14 days before) influenced, O6 8,000 not (T6 is
# 120 days before). Q3: O1 10,000 (T1, T2, T3), O2 20,000 (T5 webinar), O4 40,000 (account fallback: T2, T3, T8)
# influenced; O3 30,000 not (T6, 207 days before).

def test_influenced_by_quarter_and_segment(served):
    path, _ = served
    con = db.connect(path, read_only=False)
    try:
        p = Params(start=dt.date(2026, 4, 1), end=dt.date(2026, 9, 30), as_of=dt.date(2026, 9, 28))
        q = metrics.influenced_by(con, p, "quarter")
        assert q["period"].tolist() == ["FY2026 Q2", "FY2026 Q3"]
        assert q["period_start"].tolist() == [dt.date(2026, 4, 1), dt.date(2026, 7, 1)]
        assert q["total_amount"].tolist() == [Decimal("13000.00"), Decimal("100000.00")]
        assert q["influenced_amount"].tolist() == [Decimal("5000.00"), Decimal("70000.00")]
        assert q["influenced_opportunities"].tolist() == [1, 3]
        assert q["via_account_amount"].tolist() == [Decimal("0.00"), Decimal("40000.00")]
        assert q["influenced_share"].tolist() == pytest.approx([5000 / 13000, 0.7])

        q3 = Params(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), as_of=dt.date(2026, 9, 28))
        s = metrics.influenced_by(con, q3, "segment")
        assert s["segment"].tolist() == ["Enterprise", "Mid-Market", "SMB"]
        assert s["total_amount"].tolist() == [Decimal("20000.00"), Decimal("50000.00"), Decimal("30000.00")]
        assert s["influenced_amount"].tolist() == [Decimal("20000.00"), Decimal("50000.00"), Decimal("0.00")]
        assert s["via_account_opportunities"].tolist() == [0, 1, 0]
        # each group equals influenced_pipeline on that group's own filters
        for row in s.itertuples():
            one = metrics.influenced_pipeline(con, Params(start=q3.start, end=q3.end, as_of=q3.as_of,
                                                          segment=row.segment)).iloc[0]
            assert (one.total_amount, one.influenced_amount, one.influenced_opportunities) == \
                (row.total_amount, row.influenced_amount, row.influenced_opportunities)
        with pytest.raises(ValueError, match="by must be one of"):
            metrics.influenced_by(con, q3, "region")
    finally:
        con.close()


# ---------------------------------------------------------------- a page's figures on two threads

PIPELINE = "pages/dashboard/pipeline.py"


def test_a_page_works_out_its_figures_from_both_ends_each_once_and_shows_the_same(served, monkeypatch):
    """warmup.alongside: while the page's script asks for its figures first to last, a thread of its own asks
    for them last to first through the same cache. The page's first figure is held back until that thread has
    worked out the last one (the reconciliation), so both threads surely compute; every figure is still
    computed once, and the page shows what it shows without the helper."""
    _, computed = served
    plain = run_page(PIPELINE)
    computed.clear()
    plain.run()                      # the page's own figures only (the first run also showed Overview)
    assert computed == []
    st.cache_data.clear()
    ui._deal_touches.clear()
    plain.run()
    shown = [(m.label, m.value) for m in plain.metric]
    plain_figures = sorted(name for _, name in computed)
    st.cache_data.clear()
    ui._deal_touches.clear()
    computed.clear()

    helper_done = threading.Event()
    real_reconciliation, real_sourced = metrics.reconciliation, metrics.sourced_pipeline

    @functools.wraps(real_reconciliation)
    def reconciliation(con, params):
        value = real_reconciliation(con, params)
        if threading.current_thread().name == "mvd-alongside":
            helper_done.set()
        return value

    @functools.wraps(real_sourced)
    def sourced_pipeline(con, params, grain=None):
        if threading.current_thread().name != "mvd-alongside":
            assert helper_done.wait(TIMEOUT)
        return real_sourced(con, params, grain=grain)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()                         # the default page (Overview), as a viewer arrives
    st.cache_data.clear()
    ui._deal_touches.clear()
    computed.clear()
    monkeypatch.setattr(metrics, "reconciliation", reconciliation)
    monkeypatch.setattr(metrics, "sourced_pipeline", sourced_pipeline)
    monkeypatch.setattr(warmup, "_alongside", True)
    at.switch_page(PIPELINE).run()
    assert not at.exception, at.exception
    for thread in threading.enumerate():
        if thread.name == "mvd-alongside":
            thread.join(TIMEOUT)
    assert [(m.label, m.value) for m in at.metric] == shown
    by_thread = {}
    for thread, name in computed:
        by_thread.setdefault(thread, []).append(name)
    assert by_thread["mvd-alongside"][0] == "reconciliation"   # its first: the page's last figure
    assert len(by_thread) == 2 and all(by_thread.values())
    assert sorted(name for _, name in computed) == plain_figures   # nothing computed twice
