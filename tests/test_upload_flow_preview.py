"""What the upload preview keeps in the session: the rows it shows and the rows with errors, not the whole file."""
from __future__ import annotations

from connectors.base import ROW_COLUMN
from connectors.load import load_files
from data_models import db
from pages.shared import upload_flow

HEADER = "Id,Name,AccountId,StageName,Amount,CurrencyIsoCode,CloseDate,CreatedDate,LeadSource,IsWon,IsClosed\n"


def _row(n: int, close: str = "2026-12-15") -> str:
    return f"X{n},Deal {n},A1,Prospecting,{n}.00,USD,{close},2026-08-03T10:00:00.000+0000,Web,false,false\n"


def test_preview_keeps_first_rows_and_bad_rows_only():
    # 30 data rows on file lines 2..31; the one on line 27 has no readable close date
    text = HEADER + "".join(_row(n, "someday" if n == 26 else "2026-12-15") for n in range(1, 31))
    report = load_files(db.connect(":memory:"), [("Opportunity.csv", text.encode())], dry_run=True)
    before = report.rejected_rows()
    upload_flow._keep_only_what_is_shown(report)
    frame = report.files[0].parsed.frame
    assert frame[ROW_COLUMN].tolist() == list(range(2, 22)) + [27]
    assert report.files[0].rows_in_file == 30 and report.files[0].rejected == 1
    after = report.rejected_rows()
    assert after.equals(before)
    assert after[["file", "row"]].values.tolist() == [["Opportunity.csv", 27]]


def test_small_preview_is_kept_whole():
    text = HEADER + "".join(_row(n) for n in range(1, 6))
    report = load_files(db.connect(":memory:"), [("Opportunity.csv", text.encode())], dry_run=True)
    frame = report.files[0].parsed.frame
    upload_flow._keep_only_what_is_shown(report)
    assert report.files[0].parsed.frame is frame


def test_staged_file_keeps_first_rows_and_bad_rows_without_building_the_whole_frame(monkeypatch):
    # the same 30 rows read by DuckDB (as a large file is): the preview fetches lines 2..21 and 27 only
    from connectors import staging

    monkeypatch.setattr(staging, "STREAM_MIN_BYTES", 0)
    text = HEADER + "".join(_row(n, "someday" if n == 26 else "2026-12-15") for n in range(1, 31))
    report = load_files(db.connect(":memory:"), [("Opportunity.csv", text.encode())], dry_run=True)
    parsed = report.files[0].parsed
    assert parsed.staged is not None and parsed._frame is None
    before = report.rejected_rows()
    upload_flow._keep_only_what_is_shown(report)
    kept = report.files[0].parsed
    assert kept.staged is None                      # the staging database is let go
    assert kept.frame[ROW_COLUMN].tolist() == list(range(2, 22)) + [27]
    assert kept.head(3)["opportunity_id"].tolist() == ["X1", "X2", "X3"]
    after = report.rejected_rows()
    assert after[["file", "row"]].values.tolist() == [["Opportunity.csv", 27]]
    assert after["problems"].tolist() == before["problems"].tolist()
