"""Real export files through connectors.parse and the load pipeline: a zip is one unit."""
from __future__ import annotations

import io
import zipfile

from connectors import load
from data_models import db
from tests.test_cli_load import BAD, OPPS

ACCOUNTS = """Id,Name,Industry,NumberOfEmployees,BillingCountry
001A1,Northwind,Software,450,Germany
001A2,Globex,Manufacturing,5200,United States
"""


def zipped(**members: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


def test_zip_of_two_exports_loads_as_one_unit(tmp_path):
    con = db.connect(tmp_path / "mvd.duckdb")
    data = zipped(**{"accounts.csv": ACCOUNTS, "opps.csv": OPPS})
    report = load.load_files(con, [("crm export.zip", data)], user="ana")
    assert report.ok and report.load_ids == [1, 2]
    assert [(f.name, f.kind, f.layout, f.inserted) for f in report.files] == [
        ("crm export.zip:accounts.csv", "crm.accounts", "salesforce.account", 2),
        ("crm export.zip:opps.csv", "crm.opportunities", "salesforce.opportunity", 3),
    ]
    archives = sorted(p.name for p in (tmp_path / "archive").iterdir())
    assert archives == [f"{report.files[0].sha256[:12]}_crm_export.zip"]
    assert con.execute("select count(distinct archive_path), count(*) from load_log").fetchall() == [(1, 2)]
    assert con.execute("select account_id, name, employees from accounts order by 1").fetchall() == [
        ("001A1", "Northwind", 450), ("001A2", "Globex", 5200)]


def test_zip_with_a_bad_member_loads_nothing(tmp_path):
    con = db.connect(tmp_path / "mvd.duckdb")
    report = load.load_files(con, [("crm.zip", zipped(**{"accounts.csv": ACCOUNTS, "bad.csv": BAD}))], user="ana")
    assert not report.ok
    assert report.messages()[2] == ("crm.zip:bad.csv, row 2, column Amount: Amount is negative (-5). "
                                    "Correct the value in the source system; it cannot be below zero.")
    assert con.execute("select count(*) from accounts").fetchall() == [(0,)]
    assert con.execute("select file_name, result from load_log order by load_id").fetchall() == [
        ("crm.zip:accounts.csv", "rejected"), ("crm.zip:bad.csv", "rejected")]
    assert not (tmp_path / "archive").exists()


def test_binary_garbage_is_rejected_with_the_parser_message(tmp_path):
    con = db.connect(tmp_path / "mvd.duckdb")
    report = load.load_files(con, [("photo.csv", bytes(range(256)) * 20)], user="ana")
    assert not report.ok and report.files[0].kind is None
    assert report.messages() and all(m.startswith("photo.csv") for m in report.messages())
    assert con.execute("select file_name, kind, result from load_log").fetchall() == [
        ("photo.csv", "unknown", "rejected")]


def test_user_mapping_reaches_the_parser_and_names_file_columns(tmp_path):
    con = db.connect(tmp_path / "mvd.duckdb")
    data = b"Deal Ref,Value,Opened,Phase\nD1,10,2026-01-05,Proposal\nD2,-3,2026-01-06,Proposal\n"
    mapping = {"Deal Ref": "opportunity_id", "Value": "amount", "Opened": "created_date", "Phase": "stage"}
    preview = load.load_files(con, [("deals.csv", data)], user="ana", kind="crm.opportunities", mapping=mapping,
                              dry_run=True)
    assert not preview.ok
    assert preview.messages() == ["deals.csv, row 3, column Value: Value is negative (-3). "
                                  "Correct the value in the source system; it cannot be below zero."]
    assert con.execute("select count(*) from load_log").fetchall() == [(0,)]


def test_load_paths_reads_files_and_opens_the_database(tmp_path):
    (tmp_path / "opps.csv").write_text(OPPS)
    report = load.load_paths(str(tmp_path / "new.duckdb"), [str(tmp_path / "opps.csv")], user="cron")
    assert report.ok and report.load_ids == [1]
    con = db.connect(tmp_path / "new.duckdb")
    assert load.load_history(con)[["loaded_by", "file_name", "rows_inserted"]].values.tolist() == [
        ["cron", "opps.csv", 3]]
