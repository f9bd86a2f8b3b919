"""Every page runs under AppTest on the tiny database and shows the exact figures worked out in conftest."""
from __future__ import annotations

import pathlib

import pytest
from streamlit.testing.v1 import AppTest

APP = pathlib.Path(__file__).parents[1] / "app.py"


@pytest.fixture
def app(tiny_db, monkeypatch):
    monkeypatch.setenv("MVD_DB", str(tiny_db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_overview_headline_and_kpis(app):
    text = " ".join(m.value for m in app.markdown)
    # lead-source definition: only O1 ("Web" -> content -> marketing) of Q3's three deals is marketing-sourced:
    # 1000.10 / 6000.60 = 16.67% -> "17%"; Q2's only deal O4 ("Webinar") was marketing-sourced: 100%
    assert "Marketing sourced 17% of new pipeline this quarter, $1,000, down from 100%." in text
    # closed this quarter: O1 (Aug 20), O2 (Sep 15), O4 (Jul 15); the fixture has no touches, so no content
    assert "No deal that closed this quarter had a buyer read content before the first sales meeting (3 closed deals)." in text
    metrics = {m.label: (m.value, m.delta) for m in app.metric}
    # Q3 to date (data as of Sep 15) vs Q2 to Jun 15: 6000.60 vs 500.00 (O4, Apr 10); change 5500.60 -> "$5,501"
    assert metrics["New pipeline"] == ("$6,001", "$5,501 vs same point last period")
    # 16.67% - 100% = -83.3 points
    assert metrics["Marketing-sourced share"] == ("17%", "-83 pts")
    assert metrics["Marketing-influenced share"] == ("0%", "+0 pts")
    assert metrics["Revenue attributed to marketing"] == ("$0", "$0 vs same point last period")


def test_empty_database_shows_help(tmp_path, monkeypatch):
    monkeypatch.setenv("MVD_DB", str(tmp_path / "empty.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("No CRM data is loaded yet" in i.value for i in at.info)


def test_period_filter_changes_figures(app):
    app.sidebar.selectbox(key="f_period").set_value("Last quarter").run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["New pipeline"] == "$500"   # O4 only, created 2026-04-10
    assert app.title[0].value == "Marketing's contribution · FY2026 Q2"
