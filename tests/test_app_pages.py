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
    # Q3 2026: 3 opportunities, 1000.10 + 2000.20 + 3000.30 = 6000.60 -> "$6,001"; won 1000.10 + 500.00 = 1500.10 -> "$1,500"
    text = " ".join(m.value for m in app.markdown)
    assert "FY2026 Q3: 3 new opportunities worth $6,001; 2 deals won for $1,500." in text
    metrics = {m.label: (m.value, m.delta) for m in app.metric}
    # previous quarter: pipeline 500.00 (1 opp), revenue 0
    assert metrics["Pipeline created"] == ("$6,001", "$5,501 vs previous")
    assert metrics["New opportunities"] == ("3", "+2")
    assert metrics["Revenue won"] == ("$1,500", "$1,500 vs previous")
    assert metrics["Deals won"] == ("2", "+2")


def test_empty_database_shows_help(tmp_path, monkeypatch):
    monkeypatch.setenv("MVD_DB", str(tmp_path / "empty.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("No CRM data is loaded yet" in i.value for i in at.info)


def test_period_filter_changes_figures(app):
    app.sidebar.selectbox(key="f_period").set_value("Last quarter").run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Pipeline created"] == "$500"   # O4 only, created 2026-04-10
    assert metrics["Revenue won"] == "$0"
