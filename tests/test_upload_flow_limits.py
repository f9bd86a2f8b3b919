"""The app-level upload limit (MVD_MAX_UPLOAD_MB): a file above it is named with the limit and never parsed."""
from __future__ import annotations

import pathlib
import tomllib

import duckdb
from streamlit.testing.v1 import AppTest

from connectors import load
from pages.shared import upload_flow
from tests.test_pages_data import GOOD_OPPS

ROOT = pathlib.Path(__file__).parents[1]
APP = str(ROOT / "app.py")


def test_server_upload_limit_is_configured():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 200


def test_app_limit_defaults_to_200_mb_and_reads_the_env(monkeypatch):
    monkeypatch.delenv("MVD_MAX_UPLOAD_MB", raising=False)
    assert upload_flow.max_upload_mb() == 200.0
    monkeypatch.setenv("MVD_MAX_UPLOAD_MB", "0.5")
    assert upload_flow.max_upload_mb() == 0.5
    monkeypatch.setenv("MVD_MAX_UPLOAD_MB", "lots")
    assert upload_flow.max_upload_mb() == 200.0


def test_too_large_message():
    assert upload_flow.too_large_message("big.csv", 3 * 1024 * 1024 + 200_000, 2) == (
        "big.csv is 3.2 MB, above the upload limit of 2 MB, so it was not read. Split the export (for example by "
        "date range) or load it with `cli.py load`; an administrator can raise the limit with MVD_MAX_UPLOAD_MB.")


def test_file_above_the_limit_is_refused_without_parsing(tiny_db, monkeypatch):
    monkeypatch.setenv("MVD_DB", str(tiny_db))
    monkeypatch.setenv("MVD_MAX_UPLOAD_MB", "0.001")      # 1,048 bytes; GOOD_OPPS is 466 bytes
    parsed = []
    real = load._parse_all
    monkeypatch.setattr(load, "_parse_all", lambda *a, **k: parsed.append(a) or real(*a, **k))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/analyst/upload.py").run()
    big = GOOD_OPPS + "".join(f"O{n},Deal {n},A1,Prospecting,10.00,USD,2026-12-15,2026-08-03T10:00:00.000+0000,"
                              "Web,false,false\n" for n in range(100, 110))
    at.file_uploader[0].set_value([("Opportunity.csv", GOOD_OPPS.encode(), "text/csv"),
                                   ("big_opportunities.csv", big.encode(), "text/csv")]).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        f"big_opportunities.csv is {len(big.encode()) / 1024:.1f} KB, above the upload limit of 0.001 MB, so it was "
        "not read. Split the export (for example by date range) or load it with `cli.py load`; an administrator "
        "can raise the limit with MVD_MAX_UPLOAD_MB."]
    assert parsed == []
    assert not at.metric and not [b for b in at.button if b.key == "upload_confirm"]
    with duckdb.connect(str(tiny_db)) as con:
        assert con.execute("select count(*) from load_log").fetchall() == [(0,)]
