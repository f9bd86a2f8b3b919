"""Analyst pages and the in-app forms under AppTest: exact counts, messages and database effects."""
from __future__ import annotations

import pathlib

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

APP = str(pathlib.Path(__file__).parents[1] / "app.py")

# Two new Salesforce opportunities created in Q3 2026 plus an update of O3's amount (3000.30 -> 3500.00).
GOOD_OPPS = (
    "Id,Name,AccountId,StageName,Amount,CurrencyIsoCode,CloseDate,CreatedDate,LeadSource,IsWon,IsClosed\n"
    "O5,New deal,A1,Prospecting,1200.00,USD,2026-12-15,2026-08-03T10:00:00.000+0000,Webinar,false,false\n"
    "O6,Another deal,A2,Qualification,800.50,USD,2026-12-20,2026-09-01T09:30:00.000+0000,Outbound,false,false\n"
    "O3,Globex platform,A2,Proposal,3500.00,USD,2026-12-01,2026-09-10T00:00:00.000+0000,Partner Referral,false,false\n"
)
# Row 3 of the file (the second data row) has a close date that is not a date.
BAD_OPPS = (
    "Id,Name,AccountId,StageName,Amount,CurrencyIsoCode,CloseDate,CreatedDate,LeadSource,IsWon,IsClosed\n"
    "O7,Fine deal,A1,Prospecting,100.00,USD,2026-12-15,2026-08-03T10:00:00.000+0000,Web,false,false\n"
    "O8,Broken deal,A1,Prospecting,200.00,USD,next tuesday,2026-08-04T10:00:00.000+0000,Web,false,false\n"
)


def _app(db_path, monkeypatch, page: str) -> AppTest:
    monkeypatch.setenv("MVD_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _pipeline_rows(db_path):
    with duckdb.connect(str(db_path)) as con:
        return con.execute("select opportunity_id, amount from opportunities order by 1").fetchall()


def test_upload_preview_then_confirm_loads_and_updates_figures(tiny_db, monkeypatch):
    at = _app(tiny_db, monkeypatch, "pages/analyst/upload.py")
    at.get("file_uploader")[0]
    at.file_uploader[0].set_value(("Opportunity.csv", GOOD_OPPS.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    counts = {m.label: m.value for m in at.metric}
    assert counts == {"New rows": "2", "Updated rows": "1", "Unchanged rows": "0", "Rows with errors": "0"}
    assert len(_pipeline_rows(tiny_db)) == 4  # preview wrote nothing
    at.button(key="upload_confirm").click().run()
    assert not at.exception, at.exception
    assert any("Loaded." in s.value for s in at.success)
    rows = dict(_pipeline_rows(tiny_db))
    assert len(rows) == 6 and float(rows["O3"]) == 3500.00
    # overview now: Q3 pipeline 1000.10 + 2000.20 + 3500.00 + 1200.00 + 800.50 = 8500.80 -> "$8,501"
    at.switch_page("pages/dashboard/overview.py").run()
    assert {m.label: m.value for m in at.metric}["New pipeline"] == "$8,501"


def test_bad_upload_shows_row_and_column_and_loads_nothing(tiny_db, monkeypatch):
    before = _pipeline_rows(tiny_db)
    at = _app(tiny_db, monkeypatch, "pages/analyst/upload.py")
    at.file_uploader[0].set_value(("Opportunity.csv", BAD_OPPS.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    frames = [d.value for d in at.dataframe]
    problems = next(f for f in frames if "what to do" in f.columns)
    assert problems["row"].tolist() == ["3"]
    assert problems["column"].tolist() == ["CloseDate"]
    assert problems["value"].tolist() == ["next tuesday"]
    assert not [b for b in at.button if b.key == "upload_confirm"]
    assert _pipeline_rows(tiny_db) == before


def test_survey_form_stores_anonymous_answers(tiny_db, monkeypatch):
    at = _app(tiny_db, monkeypatch, "pages/dashboard/perception.py")
    at.selectbox(key="survey_role").set_value("CMO")
    sourced_slider = next(s for s in at.slider if "share of pipeline" in s.label)
    sourced_slider.set_value(60)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert any("anonymously" in s.value for s in at.success)
    # Q3 measured: O1 is the only marketing-sourced deal, 1000.10 / 6000.60 = 17%
    assert "Marketing sources 17% of new pipeline by the data (lead source). CMO believes 60%." in \
        " ".join(m.value for m in at.markdown)
    with duckdb.connect(str(tiny_db)) as con:
        keys = con.execute("select distinct respondent_key, respondent_role from survey_responses").fetchall()
        logged = con.execute("select loaded_by, kind, result from load_log").fetchall()
    assert len(keys) == 1 and keys[0][1] == "CMO" and keys[0][0].startswith("r-")
    assert logged == [("anonymous", "survey.responses", "accepted")]


def test_interview_form_adds_a_note(tiny_db, monkeypatch):
    at = _app(tiny_db, monkeypatch, "pages/dashboard/buyers.py")
    at.text_input(key="interview_persona").input("Marketing")
    at.text_area(key="interview_quote").input("We read three of your guides before calling.")
    at.selectbox(key="interview_area").set_value("buyer_journey")
    next(b for b in at.button if b.label == "Save note").click().run()
    assert not at.exception, at.exception
    assert any("We read three of your guides before calling." in m.value for m in at.markdown)


@pytest.mark.parametrize("page", ["pages/analyst/history.py", "pages/analyst/data_quality.py", "pages/analyst/templates.py"])
def test_analyst_pages_render(tiny_db, monkeypatch, page):
    at = _app(tiny_db, monkeypatch, page)
    assert at.title[0].value in ("Load history", "Data quality", "Templates and data dictionary")


def test_data_quality_coverage_on_tiny_db(tiny_db, monkeypatch):
    at = _app(tiny_db, monkeypatch, "pages/analyst/data_quality.py")
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    # none of the 4 fixture deals has contact roles
    assert metrics["Opportunities with contact roles"] == ("0%", "0 of 4")


def test_a_viewer_can_answer_the_survey_but_not_upload(tiny_db, monkeypatch):
    # viewers read through a read-only cursor; the survey form writes through the app's own validated loader
    monkeypatch.setenv("MVD_DEMO_ROLE", "viewer")
    at = _app(tiny_db, monkeypatch, "pages/dashboard/perception.py")
    assert not [e for e in at.expander if e.label == "Upload survey answers (CSV)"]
    at.selectbox(key="survey_role").set_value("CEO")
    at.button[0].click().run()
    assert not at.exception, at.exception
    with duckdb.connect(str(tiny_db)) as con:
        assert con.execute("select distinct respondent_role from survey_responses").fetchall() == [("CEO",)]


def test_upload_of_a_parquet_export_previews_and_loads(tiny_db, monkeypatch, tmp_path):
    # GOOD_OPPS as a Parquet file with typed columns (as a warehouse export writes it): same counts as the CSV
    csv_path, parquet_path = tmp_path / "opps.csv", tmp_path / "Opportunity.parquet"
    csv_path.write_text(GOOD_OPPS)
    with duckdb.connect() as con:
        con.execute("copy (select * from read_csv(?)) to '" + str(parquet_path).replace("'", "''") + "' (format parquet)",
                    [str(csv_path)])
    at = _app(tiny_db, monkeypatch, "pages/analyst/upload.py")
    at.file_uploader[0].set_value(("Opportunity.parquet", parquet_path.read_bytes(), "application/octet-stream")).run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric} == {
        "New rows": "2", "Updated rows": "1", "Unchanged rows": "0", "Rows with errors": "0"}
    at.button(key="upload_confirm").click().run()
    assert not at.exception, at.exception
    rows = dict(_pipeline_rows(tiny_db))
    assert len(rows) == 6 and float(rows["O3"]) == 3500.00 and float(rows["O6"]) == 800.50
