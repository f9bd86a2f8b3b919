"""The mapping editor of the upload flow, under AppTest: unknown layout -> map -> load -> saved mapping reused."""
from __future__ import annotations

import pathlib

import duckdb
from streamlit.testing.v1 import AppTest

from connectors import saved_mappings
from data_models import db

APP = str(pathlib.Path(__file__).parents[1] / "app.py")
UPLOAD = "pages/analyst/upload.py"

# A CRM export no layout knows: none of its column names is a synonym of an opportunity field.
ODD_OPPS = (
    "Deal Ref,Phase,Value (USD),Opened,Closes\n"
    "D1,Prospecting,1200.00,2026-08-03,2026-12-15\n"
    "D2,Qualification,800.50,2026-09-01,2026-12-20\n"
)
# The same columns in another order and spelling, the next month's export.
ODD_OPPS_NEXT = (
    "phase,deal_ref,Closes,Opened,value_usd\n"
    "Proposal,D1,2026-12-15,2026-08-03,1500.00\n"
    "Prospecting,D3,2027-01-31,2026-09-05,99.50\n"
)
MAPPING = {"Deal Ref": "opportunity_id", "Phase": "stage", "Value (USD)": "amount", "Opened": "created_date",
           "Closes": "close_date"}


def _app(db_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("MVD_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(UPLOAD)
    at.run()
    assert not at.exception, at.exception
    return at


def _upload(at, name, text):
    at.file_uploader[0].set_value((name, text.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    return at


def _problems(at):
    return next(d.value for d in at.dataframe if "what to do" in d.value.columns)


def _opps(db_path):
    with duckdb.connect(str(db_path)) as con:
        return con.execute("select opportunity_id, stage, amount, created_date::varchar from opportunities"
                           " where opportunity_id like 'D%' order by 1").fetchall()


def _map_columns(at, key_prefix, mapping):
    """Set each column's select (labelled with the column name) in the editor."""
    for label, field in mapping.items():
        box = next(s for s in at.selectbox if s.label == label and s.key.startswith(key_prefix))
        box.set_value(field)


def test_unknown_layout_is_mapped_checked_saved_and_loaded(tiny_db, monkeypatch):
    at = _upload(_app(tiny_db, monkeypatch), "deals.csv", ODD_OPPS)
    problems = _problems(at)
    assert problems["rule"].tolist() == ["unknown_layout"]
    message = problems["problem"].iloc[0]
    assert message.startswith("could not tell which export this is. Columns in the file: "
                              "Deal Ref, Phase, Value (USD), Opened, Closes. Layouts we know: ")
    assert "salesforce.opportunity [crm.opportunities]: Id, StageName, CloseDate" in message
    assert not [b for b in at.button if b.key == "upload_confirm"]

    # the editor: no kind recognises any column, so the analyst picks it
    kind_box = next(s for s in at.selectbox if s.label == "What does this file contain?")
    assert kind_box.value is None
    kind_box.set_value("crm.opportunities").run()
    columns = sorted((s for s in at.selectbox if s.key.startswith("upload_map_") and "_col_" in s.key),
                     key=lambda s: int(s.key.rsplit("_", 1)[1]))   # the grid is read column by column
    assert [s.label for s in columns] == ["Deal Ref", "Phase", "Value (USD)", "Opened", "Closes"]
    assert [s.value for s in columns] == ["(ignore)"] * 5
    assert columns[0].options[:3] == ["(ignore)", "opportunity_id", "account_id"]

    # an incomplete mapping cannot be saved
    _map_columns(at, "upload_map_", {"Value (USD)": "amount"})
    next(b for b in at.button if b.label == "Save this mapping").click().run()
    assert [e.value for e in at.error if "mapping has no column" in e.value] == [
        "the mapping has no column for opportunity_id, stage or is_won. "
        "Map a column of the file to each of: opportunity_id, stage or is_won."]

    _map_columns(at, "upload_map_", MAPPING)
    next(b for b in at.button if b.label == "Check again with this mapping").click().run()
    assert not at.exception, at.exception
    counts = {m.label: m.value for m in at.metric}
    assert counts == {"New rows": "2", "Updated rows": "0", "Unchanged rows": "0", "Rows with errors": "0"}
    assert any("mapped.opportunities" in c.value for c in at.caption)
    assert _opps(tiny_db) == []          # still a dry run

    next(b for b in at.button if b.label == "Save this mapping").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Saved the mapping of deals.csv as crm.opportunities: files with the columns "
                                  "Deal Ref, Phase, Value (USD), Opened, Closes will be read with it (saved by demo on ")
               for s in at.success)

    at.button(key="upload_confirm").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Loaded. deals.csv: crm.opportunities (mapped.opportunities), 2 rows: 2 new")
               for s in at.success)
    assert _opps(tiny_db) == [("D1", "Prospecting", 1200.00, "2026-08-03"), ("D2", "Qualification", 800.50, "2026-09-01")]
    # overview: Q3 pipeline 6000.60 + 1200.00 + 800.50 = 8001.10 -> "$8,001"
    at.switch_page("pages/dashboard/overview.py").run()
    assert {m.label: m.value for m in at.metric}["New pipeline"] == "$8,001"

    # the next export with the same columns is read with the saved mapping, and says whose it is
    at.switch_page(UPLOAD).run()
    _upload(at, "deals_october.csv", ODD_OPPS_NEXT)
    notes = [i.value for i in at.info if i.value.startswith("Using the mapping saved by")]
    assert len(notes) == 1 and notes[0].startswith("Using the mapping saved by demo on 20")
    counts = {m.label: m.value for m in at.metric}
    assert counts == {"New rows": "1", "Updated rows": "1", "Unchanged rows": "0", "Rows with errors": "0"}
    at.button(key="upload_confirm").click().run()
    assert not at.exception, at.exception
    assert _opps(tiny_db) == [("D1", "Proposal", 1500.00, "2026-08-03"), ("D2", "Qualification", 800.50, "2026-09-01"),
                              ("D3", "Prospecting", 99.50, "2026-09-05")]
    with duckdb.connect(str(tiny_db)) as con:
        log = con.execute("select file_name, layout, result from load_log order by load_id").fetchall()
    assert log == [("deals.csv", "mapped.opportunities", "accepted"),
                   ("deals_october.csv", "mapped.opportunities", "accepted")]


# ---- connectors.saved_mappings on its own ----------------------------------------------------------

def test_signature_ignores_order_and_spelling_of_the_same_columns():
    assert saved_mappings.signature(["Deal Ref", "Phase", "Value (USD)"]) == \
        saved_mappings.signature(["phase", "value_usd", "DealRef"])
    assert saved_mappings.signature(["Deal Ref", "Phase"]) != saved_mappings.signature(["Deal Ref", "Phase", "Owner"])


def test_save_find_replace_and_delete():
    import datetime as dt

    con = db.connect(":memory:")
    cols = ["Deal Ref", "Phase", "Value (USD)", "Opened", "Closes"]
    assert saved_mappings.find(con, cols) is None          # no table yet, none created by a lookup
    assert con.execute("select count(*) from information_schema.tables where table_name = 'saved_mappings'"
                       ).fetchall() == [(0,)]
    when = dt.datetime(2026, 10, 2, 9, 30)
    saved_mappings.save(con, cols, "crm.opportunities", dict(MAPPING, Opened="(ignore)"), user="ana@example.com",
                        when=when)
    found = saved_mappings.find(con, ["phase", "deal_ref", "Closes", "Opened", "value_usd"])
    assert found.kind == "crm.opportunities"
    assert found.describe() == "Using the mapping saved by ana@example.com on 2026-10-02"
    assert found.for_columns(["phase", "deal_ref", "Closes", "Opened", "value_usd"]) == {
        "phase": "stage", "deal_ref": "opportunity_id", "Closes": "close_date", "value_usd": "amount"}
    saved_mappings.save(con, cols, "crm.opportunities", MAPPING, user="bo@example.com", when=when)
    assert [s.saved_by for s in saved_mappings.all_saved(con)] == ["bo@example.com"]
    assert saved_mappings.as_frame(saved_mappings.all_saved(con))["mapping"].tolist() == [
        "Deal Ref → opportunity_id, Phase → stage, Value (USD) → amount, Opened → created_date, Closes → close_date"]
    assert saved_mappings.delete(con, found.signature) is True
    assert saved_mappings.delete(con, found.signature) is False
    assert saved_mappings.find(con, cols) is None


def test_save_refuses_unknown_kind_and_foreign_columns():
    import pytest

    con = db.connect(":memory:")
    with pytest.raises(ValueError, match="'crm.deals' is not an export kind"):
        saved_mappings.save(con, ["A"], "crm.deals", {"A": "opportunity_id"}, user="x")
    with pytest.raises(ValueError, match="the mapping names columns the file does not have: B"):
        saved_mappings.save(con, ["A"], "crm.opportunities", {"B": "opportunity_id"}, user="x")


def test_saved_mappings_panel_edits_and_deletes(tiny_db, monkeypatch):
    import datetime as dt

    con = db.connect(tiny_db)
    saved_mappings.save(con, list(MAPPING), "crm.opportunities", MAPPING, user="ana@example.com",
                        when=dt.datetime(2026, 10, 2, 9, 30))
    con.close()
    at = _app(tiny_db, monkeypatch)
    table = next(d.value for d in at.dataframe if "saved by" in d.value.columns)
    assert table[["kind", "saved by"]].values.tolist() == [["crm.opportunities", "ana@example.com"]]
    next(s for s in at.selectbox if s.key.startswith("saved_mappings_edit_") and s.label == "Value (USD)"
         ).set_value("(ignore)")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        "Saved the changed mapping for Deal Ref, Phase, Value (USD), Opened, Closes."]
    con = duckdb.connect(str(tiny_db))
    found = saved_mappings.find(con, list(MAPPING))
    con.close()
    assert found.saved_by == "demo" and "value_usd" not in found.mapping
    next(b for b in at.button if b.label == "Delete this mapping").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Deleted the mapping for Deal Ref, Phase, Value (USD), Opened, Closes."]
    with duckdb.connect(str(tiny_db)) as con:
        assert con.execute("select count(*) from saved_mappings").fetchall() == [(0,)]


def test_forced_kind_maps_without_asking_the_kind(tiny_db, monkeypatch):
    at = _app(tiny_db, monkeypatch)
    at.selectbox(key="upload_kind").set_value("crm.opportunities").run()
    _upload(at, "deals.csv", ODD_OPPS)
    assert _problems(at)["problem"].iloc[0].startswith(
        "the file does not have the columns a crm.opportunities export needs: no column for opportunity_id, "
        "stage or is_won")
    assert not [s for s in at.selectbox if s.label == "What does this file contain?"]
    _map_columns(at, "upload_map_", MAPPING)
    next(b for b in at.button if b.label == "Check again with this mapping").click().run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["New rows"] == "2"
    at.button(key="upload_confirm").click().run()
    assert [r[0] for r in _opps(tiny_db)] == ["D1", "D2"]
    with duckdb.connect(str(tiny_db)) as con:   # checked, not saved
        assert con.execute("select count(*) from information_schema.tables where table_name = 'saved_mappings'"
                           ).fetchall() == [(0,)]


def test_generic_layout_offers_the_editor_with_the_guess(tiny_db, monkeypatch):
    at = _upload(_app(tiny_db, monkeypatch), "deals.csv",
                 "Deal ID,Stage,Amount,Mystery\nG1,Prospecting,10.00,x\n")
    assert any("Read as **generic.opportunities**" in c.value for c in at.caption)
    assert [e.label for e in at.expander if e.label.startswith("Column mapping of deals.csv")] == [
        "Column mapping of deals.csv (guessed from the column names; change it if it is wrong)"]
    boxes = sorted((s for s in at.selectbox if s.key.startswith("upload_map_") and "_col_" in s.key),
                   key=lambda s: int(s.key.rsplit("_", 1)[1]))
    assert [(s.label, s.value) for s in boxes] == [("Deal ID", "opportunity_id"), ("Stage", "stage"),
                                                    ("Amount", "amount"), ("Mystery", "(ignore)")]
