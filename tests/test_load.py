"""Loads: all-or-nothing units, upsert counts, idempotency, undo, the load log and the archive.

These tests use a small stand-in parser (canonical column names in the CSV header), so they
exercise the load pipeline itself; tests/test_cli_load.py runs real exports through cli.py.
"""
from __future__ import annotations

import datetime as dt
import decimal
import io
import shutil

import duckdb

import pandas as pd
import pytest

from connectors import load
from connectors.base import ConnectorError, Parsed, Problem
from data_models import db

D = dt.date
KIND_BY_PREFIX = {"opps": "crm.opportunities", "ads": "ads.spend", "views": "web.page_views"}


def fake_parse(file_name: str, data: bytes, kind: str | None = None, mapping: dict | None = None) -> list[Parsed]:
    """CSV with canonical headers; the kind comes from the file name's prefix."""
    if data.startswith(b"\x00"):
        raise ConnectorError([Problem(file_name, None, None, None, "unreadable", "this is not a text file",
                                      "Export it as CSV")])
    kind = kind or KIND_BY_PREFIX[file_name.split("_")[0].split(".")[0]]
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    frame = frame.astype(object).where(frame != "", None)
    for col in frame.columns:
        if col.endswith("_date"):
            frame[col] = [D.fromisoformat(v) if v else None for v in frame[col]]
        elif col in ("occurred_at",):
            frame[col] = pd.to_datetime(frame[col])
        elif col in ("amount", "cost"):
            frame[col] = pd.to_numeric(frame[col])
        elif col in ("impressions", "clicks"):
            frame[col] = pd.to_numeric(frame[col]).astype("Int64")
        elif col.startswith("is_"):
            frame[col] = frame[col].map({"true": True, "false": False, None: None})
    frame.insert(0, "_row", range(2, len(frame) + 2))
    return [Parsed(file_name=file_name, kind=kind, layout="test.csv", frame=frame)]


OPPS_V1 = b"""opportunity_id,account_id,amount,created_date,close_date,is_closed,is_won
O1,A1,100.50,2026-01-10,2026-02-01,true,true
O2,A1,200.00,2026-01-11,,false,false
O3,A2,300.00,2026-01-12,,false,false
"""
# O1 unchanged, O2 won now, O3 unchanged, O4 new
OPPS_V2 = b"""opportunity_id,account_id,amount,created_date,close_date,is_closed,is_won
O1,A1,100.50,2026-01-10,2026-02-01,true,true
O2,A1,250.00,2026-01-11,2026-03-01,true,true
O3,A2,300.00,2026-01-12,,false,false
O4,A2,400.00,2026-02-01,,false,false
"""
OPPS_BAD = b"""opportunity_id,account_id,amount,created_date,close_date,is_closed,is_won
O1,A1,100.50,2026-01-10,2026-02-01,true,true
O2,A1,-5,2026-01-11,,false,false
O1,A2,7,2026-01-12,,false,false
"""
ADS = b"""spend_date,platform,ad_campaign,impressions,clicks,cost
2026-03-01,linkedin,Q1 launch,1000,20,55.10
2026-03-01,google_ads,Q1 launch,500,600,12.00
"""


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    """A freshly initialised database file, built once: each test works on its own copy."""
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    db.connect(path).close()
    return path


@pytest.fixture
def con(tmp_path, empty_db):
    shutil.copyfile(empty_db, tmp_path / "mvd.duckdb")
    c = duckdb.connect(str(tmp_path / "mvd.duckdb"))
    yield c
    c.close()


def run(con, *files, dry_run=False, user="ana"):
    return load.load_files(con, list(files), user=user, dry_run=dry_run, parser=fake_parse)


def table(con, name="opportunities"):
    return con.execute(f"select * from {name} order by all").fetchall()


def log(con):
    return con.execute("select load_id, loaded_by, file_name, kind, layout, rows_in_file, rows_inserted, rows_updated,"
                       " rows_unchanged, rows_rejected, result from load_log order by load_id").fetchall()


def test_accepted_load_writes_rows_log_and_archive(con, tmp_path):
    report = run(con, ("opps.csv", OPPS_V1))
    assert report.ok and report.load_ids == [1]
    assert table(con)[0] == ("O1", "A1", None, decimal.Decimal("100.50"), None, None, D(2026, 1, 10),
                             D(2026, 2, 1), True, True, None, None, None, None, None, 1)
    assert [r[0] for r in table(con)] == ["O1", "O2", "O3"]
    assert log(con) == [(1, "ana", "opps.csv", "crm.opportunities", "test.csv", 3, 3, 0, 0, 0, "accepted")]
    sha, archive = con.execute("select sha256, archive_path from load_log").fetchone()
    assert archive == str(tmp_path / "archive" / f"{sha[:12]}_opps.csv")
    assert open(archive, "rb").read() == OPPS_V1
    assert report.summary() == ("opps.csv: crm.opportunities (test.csv), 3 rows: 3 new, 0 updated, 0 unchanged. "
                                "Loaded as load 1.\nLoaded 1 file.")
    assert con.execute("select count(*), bool_and(success) from validation_results"
                       " where kind = 'crm.opportunities' and load_id = 1").fetchone() == (11, True)


def test_same_file_twice_changes_nothing(con, tmp_path):
    run(con, ("opps.csv", OPPS_V1))
    before = table(con)
    report = run(con, ("opps.csv", OPPS_V1))
    assert report.ok
    assert report.files[0].counts == {"rows": 3, "inserted": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert table(con) == before
    assert [r[6:9] for r in log(con)] == [(3, 0, 0), (0, 0, 3)]
    assert len(list((tmp_path / "archive").iterdir())) == 1


def test_newer_export_updates_by_key(con):
    run(con, ("opps.csv", OPPS_V1))
    report = run(con, ("opps_v2.csv", OPPS_V2))
    assert report.files[0].counts == {"rows": 4, "inserted": 1, "updated": 1, "unchanged": 2, "rejected": 0}
    rows = {r[0]: r for r in con.execute(
        "select opportunity_id, amount, close_date, is_won, load_id from opportunities").fetchall()}
    assert rows == {
        "O1": ("O1", decimal.Decimal("100.50"), D(2026, 2, 1), True, 1),
        "O2": ("O2", decimal.Decimal("250.00"), D(2026, 3, 1), True, 2),
        "O3": ("O3", decimal.Decimal("300.00"), None, False, 1),
        "O4": ("O4", decimal.Decimal("400.00"), None, False, 2),
    }


def test_errors_reject_the_file_with_row_numbers(con):
    report = run(con, ("opps.csv", OPPS_BAD))
    assert not report.ok and report.load_ids == []
    assert report.messages() == [
        "opps.csv, row 2, column opportunity_id: opportunity_id appears more than once in the file "
        "(also on row 4) (O1). Keep one row per value: remove the duplicate rows.",
        "opps.csv, row 4, column opportunity_id: opportunity_id appears more than once in the file "
        "(also on row 2) (O1). Keep one row per value: remove the duplicate rows.",
        "opps.csv, row 3, column amount: amount is negative (-5). "
        "Correct the value in the source system; it cannot be below zero.",
    ]
    assert table(con) == []
    assert log(con) == [(1, "ana", "opps.csv", "crm.opportunities", "test.csv", 3, 0, 0, 0, 3, "rejected")]
    message = con.execute("select message from load_log").fetchone()[0]
    assert message.startswith("3 errors: opps.csv, row 2, column opportunity_id: ")
    rejected = report.rejected_rows()
    assert list(rejected.columns[:4]) == ["file", "row", "problems", "opportunity_id"]
    assert rejected[["row", "opportunity_id"]].values.tolist() == [[2, "O1"], [3, "O2"], [4, "O1"]]
    assert rejected["problems"].tolist()[1] == "amount: amount is negative"
    assert report.summary().splitlines() == [
        "opps.csv: crm.opportunities (test.csv), 3 rows; 3 errors on 3 rows. Not loaded.",
        "Rejected: opps.csv has errors; nothing was loaded.",
    ]


def test_unit_is_all_or_nothing(con):
    run(con, ("opps.csv", OPPS_V1))
    before = table(con)
    report = run(con, ("ads.csv", ADS), ("opps_bad.csv", OPPS_BAD))
    assert not report.ok
    assert table(con) == before and table(con, "ad_spend") == []
    assert [(r[2], r[10]) for r in log(con)] == [
        ("opps.csv", "accepted"), ("ads.csv", "rejected"), ("opps_bad.csv", "rejected")]
    assert con.execute("select message from load_log where load_id = 2").fetchone()[0] == (
        "not loaded: another file of the same upload was rejected (opps_bad.csv)")


def test_unreadable_file_rejects_the_unit(con):
    report = run(con, ("opps.csv", OPPS_V1), ("views.csv", b"\x00\x01"))
    assert not report.ok
    assert report.messages() == ["views.csv: this is not a text file. Export it as CSV."]
    assert table(con) == []


def test_warnings_load_with_the_warning(con):
    report = run(con, ("ads.csv", ADS))
    assert report.ok
    assert report.files[0].counts == {"rows": 2, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    assert report.warning_messages() == [
        "ads.csv, row 3, column impressions: more clicks than impressions (impressions=500, clicks=600). "
        "The row is loaded as is; check the export (clicks usually cannot exceed impressions)."]
    assert con.execute("select result, message from load_log").fetchone() == (
        "accepted", "1 warning: " + report.warning_messages()[0])
    assert table(con, "ad_spend")[1] == (D(2026, 3, 1), "linkedin", "Q1 launch", None, None, 1000, 20, None,
                                         decimal.Decimal("55.10"), None, 1)


def test_dry_run_counts_without_writing(con):
    run(con, ("opps.csv", OPPS_V1))
    before = table(con)
    report = run(con, ("opps_v2.csv", OPPS_V2), ("ads.csv", ADS), dry_run=True)
    assert report.ok and report.dry_run and report.load_ids == []
    assert [f.counts for f in report.files] == [
        {"rows": 4, "inserted": 1, "updated": 1, "unchanged": 2, "rejected": 0},
        {"rows": 2, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 0},
    ]
    assert table(con) == before and table(con, "ad_spend") == []
    assert len(log(con)) == 1
    assert report.summary().splitlines()[-1] == "Preview only: nothing was written."


def test_undo_restores_exactly(con):
    empty = table(con)
    run(con, ("opps.csv", OPPS_V1))
    after_v1 = table(con)
    run(con, ("opps_v2.csv", OPPS_V2))
    assert table(con) != after_v1
    with pytest.raises(load.UndoError, match=r"changed since by load 2\. Undo the later load\(s\) first"):
        load.undo_load(con, 1)
    assert load.undo_load(con, 2) == (
        "Undid load 2 (opps_v2.csv): removed 1 new row, restored 1 updated row in opportunities.")
    assert table(con) == after_v1
    assert load.undo_load(con, 1) == (
        "Undid load 1 (opps.csv): removed 3 new rows, restored 0 updated rows in opportunities.")
    assert table(con) == empty
    assert [r[10] for r in log(con)] == ["undone", "undone"]
    with pytest.raises(load.UndoError, match="Load 2 .* is undone; only an accepted load can be undone"):
        load.undo_load(con, 2)
    with pytest.raises(load.UndoError, match="There is no load 9"):
        load.undo_load(con, 9)
    # the same file again after an undo loads again
    assert run(con, ("opps.csv", OPPS_V1)).files[0].inserted == 3


def test_undo_compound_key_table(con):
    run(con, ("ads.csv", ADS))
    before = table(con, "ad_spend")
    changed = ADS.replace(b"55.10", b"60.00") + b"2026-03-02,linkedin,Q1 launch,900,10,40.00\n"
    report = run(con, ("ads_2.csv", changed))
    assert report.files[0].counts == {"rows": 3, "inserted": 1, "updated": 1, "unchanged": 1, "rejected": 0}
    load.undo_load(con, 2)
    assert table(con, "ad_spend") == before


def test_failure_while_writing_rolls_back(con, monkeypatch):
    run(con, ("opps.csv", OPPS_V1))
    before = table(con)

    calls = []
    real_archive = load.archive_file

    def broken_archive(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 2:  # the second file: after its rows were upserted inside the transaction
            raise OSError("disk full")
        return real_archive(*args, **kwargs)

    monkeypatch.setattr(load, "archive_file", broken_archive)
    report = run(con, ("ads.csv", ADS), ("opps_v2.csv", OPPS_V2))
    assert not report.ok
    assert report.message == "Rejected: the files could not be stored (OSError: disk full); nothing was loaded."
    assert table(con) == before and table(con, "ad_spend") == []
    assert [(r[0], r[10]) for r in log(con)] == [(1, "accepted"), (2, "rejected"), (3, "rejected")]
    assert calls == ["ads.csv", "opps_v2.csv"]
    # even the undo table created inside the failed transaction (for O2's prior version) is gone
    assert con.execute("select count(*) from duckdb_tables() where table_name like 'load_undo_%'").fetchone() == (0,)


def test_history_newest_first(con):
    run(con, ("opps.csv", OPPS_V1))
    run(con, ("opps.csv", OPPS_BAD))
    history = load.load_history(con)
    assert history[["load_id", "result"]].values.tolist() == [[2, "rejected"], [1, "accepted"]]


def test_in_memory_database_has_no_archive():
    c = db.connect(":memory:")
    report = run(c, ("opps.csv", OPPS_V1))
    assert report.ok and report.files[0].archive_path is None
    assert c.execute("select archive_path from load_log").fetchone() == (None,)


def test_archive_never_overwrites(tmp_path):
    first = load.archive_file(tmp_path, "../../etc/odd name?.csv", b"abc", "f" * 64)
    assert first == tmp_path / "ffffffffffff_odd_name_.csv"
    first.write_bytes(b"kept")
    again = load.archive_file(tmp_path, "odd name?.csv", b"abc", "f" * 64)
    assert again == first and first.read_bytes() == b"kept"


def test_large_load_counts_and_undo(con):
    """More than one DuckDB row group (122,880 rows): guards the staging path against DuckDB 2.0's
    CTAS-in-a-transaction bug (see load._create_like)."""
    n = 130_000
    base = pd.DataFrame({
        "_row": range(2, n + 2),
        "event_id": [f"event-{i:09d}" for i in range(n)],
        "visitor_id": [f"visitor-{i % 5000:06d}" for i in range(n)],
        "occurred_at": pd.Timestamp("2026-02-01") + pd.to_timedelta(range(n), unit="s"),
        "url": "example.com/blog/a",
    })
    newer = pd.concat([base, pd.DataFrame({
        "_row": [n + 2, n + 3], "event_id": ["event-new-1", "event-new-2"], "visitor_id": ["v", "v"],
        "occurred_at": [pd.Timestamp("2026-03-01")] * 2, "url": ["example.com/pricing"] * 2})], ignore_index=True)
    newer.loc[[0, 10, 129_999], "url"] = "example.com/guide"
    frames = {"views.csv": base, "views_2.csv": newer}

    def parser(name, data, kind=None, mapping=None):
        return [Parsed(name, "web.page_views", "test", frames[name])]

    first = load.load_files(con, [("views.csv", b"1")], user="ana", parser=parser)
    assert first.files[0].counts == {"rows": n, "inserted": n, "updated": 0, "unchanged": 0, "rejected": 0}
    before = con.execute("select * from web_events order by event_id").fetchall()
    second = load.load_files(con, [("views_2.csv", b"2")], user="ana", parser=parser)
    assert second.files[0].counts == {"rows": n + 2, "inserted": 2, "updated": 3, "unchanged": n - 3, "rejected": 0}
    assert con.execute("select count(*), count(*) filter (where url = 'example.com/guide') from web_events"
                       ).fetchall() == [(n + 2, 3)]
    load.undo_load(con, second.load_ids[0])
    assert con.execute("select * from web_events order by event_id").fetchall() == before


PAGE_VIEWS = (b"id,anonymous_id,user_id,timestamp,context_page_url\n"
              b"m1,a1,,2026-03-01T10:00:00.000Z,https://example.com/p\n"
              b"m2,a2,,2026-03-01T11:00:00.000Z,https://example.com/q\n"
              b"m3,a1,C1,2026-03-02T09:30:00.000Z,https://example.com/r\n")


def test_web_event_ids_stay_unique_without_an_index(tmp_path):
    """web_events has no primary key (the loader keeps event_id unique): a database made with the
    key is rebuilt without it, rows unchanged; the same export twice, and a newer one overlapping
    it, leave one row per event."""
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("create table web_events (event_id varchar primary key, visitor_id varchar not null,"
                " user_id varchar, occurred_at timestamp not null, event_name varchar, url varchar,"
                " referrer varchar, utm_source varchar, utm_medium varchar, utm_campaign varchar,"
                " source_system varchar, load_id bigint)")
    old.execute("insert into web_events (event_id, visitor_id, occurred_at, url, load_id)"
                " values ('m1', 'a1', timestamp '2026-03-01 10:00:00', 'example.com/p', 7)")
    old.close()
    con = db.connect(path)
    assert con.execute("select constraint_type from duckdb_constraints() where table_name = 'web_events'"
                       " order by all").fetchall() == [("NOT NULL",)] * 3
    assert con.execute("select event_id, visitor_id, url, load_id from web_events").fetchall() == [
        ("m1", "a1", "example.com/p", 7)]

    first = load.load_files(con, [("pages.csv", PAGE_VIEWS)], user="t")
    assert first.ok and (first.files[0].inserted, first.files[0].updated, first.files[0].unchanged) == (2, 1, 0)
    again = load.load_files(con, [("pages.csv", PAGE_VIEWS)], user="t")
    assert (again.files[0].inserted, again.files[0].updated, again.files[0].unchanged) == (0, 0, 3)
    newer = PAGE_VIEWS.replace(b"https://example.com/r", b"https://example.com/s") + \
        b"m4,a3,,2026-03-03T08:00:00.000Z,https://example.com/p\n"
    third = load.load_files(con, [("pages2.csv", newer)], user="t")
    assert (third.files[0].inserted, third.files[0].updated, third.files[0].unchanged) == (1, 1, 2)
    assert con.execute("select event_id, url from web_events order by event_id").fetchall() == [
        ("m1", "example.com/p"), ("m2", "example.com/q"), ("m3", "example.com/s"), ("m4", "example.com/p")]
    load.undo_load(con, third.load_ids[0])
    assert con.execute("select event_id, url from web_events order by event_id").fetchall() == [
        ("m1", "example.com/p"), ("m2", "example.com/q"), ("m3", "example.com/r")]


def test_validation_runs_beside_the_write_and_rolls_it_back(con, tmp_path):
    """load_files validates while the rows are written: the rows of a file whose only error is
    found by the suite (a negative amount; nothing the database refuses) were written inside
    the transaction, and are rolled back with the other file of the unit; no archive is kept."""
    run(con, ("opps.csv", OPPS_V1))
    before = table(con)
    negative = OPPS_V1.replace(b"100.50", b"-100.50")
    assert negative != OPPS_V1
    report = load.load_files(con, [("ads.csv", ADS), ("opps_neg.csv", negative)], user="ana",
                             archive_dir=tmp_path / "unit_archive")
    assert not report.ok
    assert [str(p) for p in report.errors] == [
        "opps_neg.csv, row 2, column amount: amount is negative (-100.5). "
        "Correct the value in the source system; it cannot be below zero."]
    assert report.load_ids == []
    assert [(f.inserted, f.updated, f.result, f.archive_path) for f in report.files] == [(0, 0, "rejected", None)] * 2
    assert table(con) == before and table(con, "ad_spend") == []
    assert [(r[2], r[10]) for r in log(con)][-2:] == [("ads.csv", "rejected"), ("opps_neg.csv", "rejected")]
    assert not (tmp_path / "unit_archive").exists()
