"""Large files read by DuckDB (connectors.staging): the staged path must give exactly what the
in-memory path gives (rows, row numbers, problems, validation), while pandas only ever holds one
batch. Small files are forced onto the staged path by setting STREAM_MIN_BYTES to 0 and
BATCH_ROWS to a few rows, so every batch boundary is crossed."""
from __future__ import annotations

import datetime as dt
import gc
import io
import pathlib
import tracemalloc
import zipfile

import pandas as pd
import pytest

from connectors import load, staging, suites
from connectors.parse import parse_file
from data_models import db

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "connectors"
D = dt.date


@pytest.fixture
def staged_small(monkeypatch):
    """Every text file staged, in batches of 2 rows."""
    monkeypatch.setattr(staging, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(staging, "BATCH_ROWS", 2)


# a semicolon export (decimal commas) with a title row and a blank row above the header (row 3);
# data rows are 4..9 and row 7 has a date no one can read
EUROPEAN = (
    "Opportunity report, all regions\n"
    "\n"
    "Opportunity ID;Opportunity Name;Amount;Stage;Created Date;Close Date\n"
    "O-1;Alpha;1.234,56;Closed Won;05.01.2025;20.02.2025\n"
    "O-2;Beta;980,00;Closed Lost;13.02.2025;01.03.2025\n"
    'O-3;"Gamma; the big one";€ 12.000,5;Proposal;01.03.2025;\n'
    "O-4;Delta;15,00;Proposal;31/02/2025x;\n"
    "O-5;Epsilon;2.000;Proposal;02.03.2025;\n"
    "O-6;Zeta;;Proposal;03.03.2025;\n"
).encode()


def test_staged_csv_preamble_decimal_commas_and_a_bad_date_on_row_7(staged_small, tmp_path):
    [parsed] = parse_file("deals.csv", EUROPEAN)
    assert parsed.staged is not None                      # read by DuckDB, not by the in-memory reader
    assert (parsed.kind, parsed.layout) == ("crm.opportunities", "salesforce.report.opportunities")
    f = parsed.frame
    assert f["_row"].tolist() == [4, 5, 6, 7, 8, 9]
    assert f["amount"].tolist()[:3] == [1234.56, 980.00, 12000.5] and f["amount"].tolist()[4] == 2000.0
    assert f["name"].tolist()[2] == "Gamma; the big one"
    assert f["created_date"].tolist()[:3] == [D(2025, 1, 5), D(2025, 2, 13), D(2025, 3, 1)]
    assert [str(p) for p in parsed.errors] == [
        "deals.csv, row 7, column Created Date: not a date or time we can read (31/02/2025x). "
        "Use a date like 2025-03-31 or 3/31/2025 (times like 2025-03-31T14:05:00Z are fine)."]

    con = db.connect(tmp_path / "t.duckdb")
    before = db.table_counts(con)
    report = load.load_files(con, [("deals.csv", EUROPEAN)], user="test")
    assert not report.ok
    assert report.messages() == [
        "deals.csv, row 7, column Created Date: not a date or time we can read (31/02/2025x). "
        "Use a date like 2025-03-31 or 3/31/2025 (times like 2025-03-31T14:05:00Z are fine)."]
    assert db.table_counts(con) == before                 # nothing written
    assert con.execute("select result from load_log").fetchall() == [("rejected",)]
    rejected = report.rejected_rows()                     # fetched from the staging database
    assert rejected[["row", "opportunity_id"]].values.tolist() == [[7, "O-4"]]


def test_staged_load_upserts_and_undoes(staged_small, tmp_path):
    con = db.connect(tmp_path / "t.duckdb")
    good = EUROPEAN.replace(b"31/02/2025x", b"04.03.2025")
    first = load.load_files(con, [("deals.csv", good)], user="test")
    assert first.ok and (first.files[0].inserted, first.files[0].updated) == (6, 0)
    changed = good.replace(b"O-6;Zeta;;", b"O-6;Zeta;99,5;")
    second = load.load_files(con, [("deals.csv", changed)], user="test")
    f = second.files[0]
    assert (f.inserted, f.updated, f.unchanged) == (0, 1, 5)
    assert con.execute("select amount from opportunities where opportunity_id = 'O-6'").fetchall()[0][0] == 99.5
    load.undo_load(con, second.load_ids[0])
    assert con.execute("select amount from opportunities where opportunity_id = 'O-6'").fetchall()[0][0] is None


# ---- the staged path gives what the in-memory path gives ----------------------------------------

AMBIGUOUS_FIRST = (b"Opportunity ID,Stage,Close Date,Amount\n"
                   + b"".join(b"O%d,Proposal,0%d/0%d/2026,1.5\n" % (i, i, i + 1) for i in range(1, 6))
                   + b"O9,Proposal,13/04/2026,2\n")          # only the last batch shows day/month order

DUPLICATES_ACROSS_BATCHES = (b"Opportunity ID,Stage,Close Date\nO1,Won,2026-01-01\nO2,Lost,2026-01-02\n"
                             b"O3,Lost,2026-01-03\nO1,Won,2026-01-04\nO5,Lost,1900-01-05\n")

MANY_BAD = (b"Opportunity ID,Stage,Close Date,Amount\n"
            + b"".join(b"O%d,Proposal,2026-01-01,lots%d\n" % (i, i) for i in range(130)))

GA4 = b"""event_date,event_timestamp,event_name,user_pseudo_id,user_id,page_location,page_referrer,traffic_source.source,traffic_source.medium,traffic_source.name,hostname
20260301,1772370000000000,page_view,u1,,https://www.Example.com/Pricing/?utm_source=LinkedIn&utm_campaign=Spring%20Sale+X,https://google.com,google,organic,(organic),example.com
20260301,1772370000000001,scroll,u1,,https://www.example.com/pricing,,google,organic,,example.com
20260301,1772370000000002,form_submit,u2,C9,/contact,,,,,www.example.com
20260302,notanumber,page_view,u3,,https://example.com:8080/a//,,,,,
20260302,,page_view,u4,,http://user@www2.example.com/b#frag,,,,,
20260301,1772370000000000,page_view,u1,,https://www.Example.com/Pricing/?utm_source=LinkedIn&utm_campaign=Spring%20Sale+X,https://google.com,google,organic,(organic),example.com
20260303,1772370000000009,click,u5,,/x,,,,,
2026-13-45,,Page_View,u6,,/y,,,,,
"""

SEGMENT = b"""id,anonymous_id,user_id,timestamp,context_page_url,context_page_referrer,context_campaign_source,context_campaign_medium,context_campaign_name,event
m1,a1,, 2026-03-01T10:00:00.123Z ,https://example.com/p?utm_medium=cpc,,src,,camp,
m2,a2,,2026-03-01 10:00:00 UTC,https://example.com/p,,,,,
,a3,,2026-03-01T11:00:00+01:00,https://example.com/q,,,,,
m4,a4,,03/04/2026 10:00,https://example.com/r,,,,,
m5,a5,,13/04/2026,https://example.com/r,,,,,
m6,,u6,31.12.2025,https://example.com/s,,,,,
m7,a7,,garbage,https://example.com/t,,,,,
m8,a8,,1772370000,https://example.com/t,,,,,
m9,a9,,"Mar 3, 2026",https://example.com/t,,,,,
m1,a1,, 2026-03-01T10:00:00.123Z ,https://example.com/p?utm_medium=cpc,,src,,camp,
"""

# the first time has a layout strptime reads (the fast path for values of that length); the others
# do not all have it: another length, an offset, an impossible month or hour, surrounding spaces;
# two rows of empty cells (one of spaces) are left out
ONE_FORMAT = b"""id,anonymous_id,user_id,timestamp,context_page_url
m1,a1,,2026-03-01T10:00:00.123Z,https://example.com/p
m2,a2,,2026-03-01T10:00:00.5Z,https://example.com/p
,,,,
m3,a3,,2026-03-01T11:00:00.000+01:00,https://example.com/q
m4,a4,,2026-13-01T10:00:00.000Z,https://example.com/r
m5,a5,,2026-03-01T25:00:00.000Z,https://example.com/r
 , ,  ,	,
m6,a6,, 2026-03-02T10:00:00.250Z ,https://example.com/s
m7,a7,,2026-03-02T10:00:00.250Z,https://example.com/s
m8,a8,,2026-03-02 10:00:00,https://example.com/t
m9,\xc2\xa0a9\t,\xe3\x80\x80,2026-03-02T10:00:00.250Z,https://example.com/t
"""

CASES = {name: (FIXTURES / name).read_bytes() for name in (
    "ambiguous_dates.csv", "bad_values.csv", "bom_semicolon_decimal_comma.csv", "salesforce_export.zip",
    "spend_pipe.txt", "content_utf16be.csv", "cp1252_contacts_crlf.csv", "google_ads_utf16le_tab.csv")}
CASES.update({"euro.csv": EUROPEAN, "ambiguous_first.csv": AMBIGUOUS_FIRST,
              "dupes.csv": DUPLICATES_ACROSS_BATCHES, "many_bad.csv": MANY_BAD, "ga4.csv": GA4, "pages.csv": SEGMENT,
              "one_format.csv": ONE_FORMAT})


def _outcome(name: str, data: bytes) -> list[tuple]:
    out = []
    for p in parse_file(name, data):
        frame = p.frame.sort_values("_row").reset_index(drop=True).astype(str)
        run = suites.run_suite(p)
        out.append((p.kind, p.layout, p.staged is not None, frame, [str(x) for x in p.problems],
                    [str(x) for x in run.problems], run.bad_rows,
                    [(r.expectation, r.column, r.success, r.unexpected_count) for r in run.results]))
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_staged_path_matches_the_in_memory_path(name, monkeypatch):
    data = CASES[name]
    monkeypatch.setattr(staging, "STREAM_MIN_BYTES", 10**12)
    in_memory = _outcome(name, data)
    monkeypatch.setattr(staging, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(staging, "BATCH_ROWS", 2)
    staged = _outcome(name, data)
    assert len(in_memory) == len(staged)
    for a, b in zip(in_memory, staged):
        assert not a[2] and b[2]                           # the paths really differ
        assert a[:2] == b[:2]
        pd.testing.assert_frame_equal(a[3], b[3])
        assert a[4] == b[4]                                # parser problems, in order
        assert a[5:] == b[5:]                              # GX problems, rejected rows, results


def _assert_same_outcomes(expected: list[tuple], got: list[tuple]) -> None:
    assert len(expected) == len(got)
    for a, b in zip(expected, got):
        assert a[:3] == b[:3]
        pd.testing.assert_frame_equal(a[3], b[3])
        assert a[4:] == b[4:]


@pytest.mark.parametrize("name", list(CASES))
def test_staging_inside_the_load_instance_matches_a_staging_instance_of_its_own(name, staged_small, tmp_path):
    """A load stages its files in an in-memory database attached to the target's DuckDB instance:
    same rows, row numbers, problems and suite results as a staging instance of its own."""
    own = _outcome(name, CASES[name])
    con = db.connect(tmp_path / "t.duckdb")
    with staging.in_instance(con):
        parsed = parse_file(name, CASES[name])
        assert all(p.staged.staging.shares(con) for p in parsed)
        inside = _outcome(name, CASES[name])
    _assert_same_outcomes(own, inside)


def test_a_load_copies_staged_rows_inside_its_instance_and_detaches_them(staged_small, tmp_path, monkeypatch):
    """Page views staged in the target's instance: the load copies them natively, the same rows as a
    load through the in-memory reader; the target's catalog shows none of the staging tables, and the
    staging database is detached once the report goes."""
    clean = SEGMENT.replace(b"m7,a7,,garbage,https://example.com/t,,,,,\n", b"")   # 9 rows, one repeated
    con = db.connect(tmp_path / "acme-marketing.duckdb")   # a database name SQL must quote
    report = load.load_files(con, [("pages.csv", clean)], user="test")
    assert report.ok and report.files[0].inserted == 8
    store = report.files[0].parsed.staged.staging
    assert store.shares(con)
    attached = [r[0] for r in con.execute("select database_name from duckdb_databases() where not internal")
                .fetchall()]
    assert sorted(attached) == sorted(["acme-marketing", store.catalog])
    assert load._columns(con, "web_events") == [c for c, _ in load._column_types(con, "web_events")]
    assert "canonical" not in {r[0] for r in con.execute("select table_name from information_schema.tables"
                                                         " where table_catalog = current_database()").fetchall()}

    columns = "event_id, visitor_id, user_id, occurred_at, event_name, url, referrer, utm_source, utm_medium," \
              " utm_campaign, source_system"
    staged_rows = con.execute(f"select {columns} from web_events order by event_id").fetchall()
    del report, store
    gc.collect()
    assert [r[0] for r in con.execute("select database_name from duckdb_databases() where not internal")
            .fetchall()] == ["acme-marketing"]

    monkeypatch.setattr(staging, "STREAM_MIN_BYTES", 10**12)   # the in-memory reader
    other = db.connect(tmp_path / "in_memory.duckdb")
    assert load.load_files(other, [("pages.csv", clean)], user="test").ok
    assert other.execute(f"select {columns} from web_events order by event_id").fetchall() == staged_rows
    assert [r[0] for r in staged_rows][1:] == ["m1", "m2", "m4", "m5", "m6", "m8", "m9"]
    assert staged_rows[0][0].startswith("ev-") and staged_rows[0][1] == "a3"   # no id in the file: derived
    assert [str(r[3]) for r in staged_rows][1:4] == ["2026-03-01 10:00:00.123000", "2026-03-01 10:00:00",
                                                     "2026-04-03 10:00:00"]


def test_batches_share_whole_file_decisions(staged_small):
    [p] = parse_file("ambiguous_first.csv", AMBIGUOUS_FIRST)
    assert p.frame["close_date"].tolist()[:2] == [D(2026, 2, 1), D(2026, 3, 2)]   # day/month, from row 7
    assert p.problems == []
    [p] = parse_file("many_bad.csv", MANY_BAD)
    assert [x.row for x in p.errors][:3] == [2, 3, 4] and len(p.errors) == 101
    assert p.errors[-1].message == "30 more rows have the same problem (not an amount)"


def test_web_events_typed_in_sql(staged_small):
    [p] = parse_file("pages.csv", SEGMENT)
    f = p.frame
    assert f["_row"].tolist() == [2, 3, 4, 5, 6, 7, 8, 9, 10]         # row 11 repeats row 2
    assert f["occurred_at"].astype(str).tolist()[:3] == [
        "2026-03-01 10:00:00.123", "2026-03-01 10:00:00.000", "2026-03-01 10:00:00.000"]
    assert f["event_id"].tolist()[2].startswith("ev-")
    assert (f["url"][0], f["utm_source"][0], f["utm_medium"][0]) == ("example.com/p", "src", "cpc")
    assert [x.rule for x in p.problems] == ["date_format", "duplicate_events"]
    assert p.problems[0].row == 8


def test_one_timestamp_layout_is_read_fast_and_the_others_as_before(staged_small):
    [p] = parse_file("one_format.csv", ONE_FORMAT)
    f = p.frame
    assert f["_row"].tolist() == [2, 3, 5, 6, 7, 9, 10, 11, 12]      # rows 4 and 8 hold only empty cells
    assert [None if pd.isna(t) else str(t) for t in f["occurred_at"]] == [
        "2026-03-01 10:00:00.123000", "2026-03-01 10:00:00.500000", "2026-03-01 10:00:00", None, None,
        "2026-03-02 10:00:00.250000", "2026-03-02 10:00:00.250000", "2026-03-02 10:00:00",
        "2026-03-02 10:00:00.250000"]
    # a no-break space before and a tab after the visitor, an ideographic space as the user: stripped as str.strip()
    assert f["visitor_id"].iloc[-1] == "a9" and pd.isna(f["user_id"].iloc[-1])
    assert [(x.row, x.value) for x in p.errors] == [(6, "2026-13-01T10:00:00.000Z"), (7, "2026-03-01T25:00:00.000Z")]


# ---- what is and is not staged ---------------------------------------------------------------------

def test_line_breaks_inside_values_or_blank_lines_use_the_in_memory_reader(staged_small):
    quoted = b'Opportunity ID,Opportunity Name,Stage\nO1,"two\nlines",Won\nO2,plain,Lost\n'
    [p] = parse_file("q.csv", quoted)
    assert p.staged is None and p.frame["_row"].tolist() == [2, 3]    # records, as a spreadsheet counts them
    blank = b"Opportunity ID,Opportunity Name,Stage\nO1,a,Won\n\nO2,b,Lost\n"
    [p] = parse_file("b.csv", blank)
    assert p.staged is None and p.frame["_row"].tolist() == [2, 4]


def test_a_large_zip_member_is_unpacked_to_disk_and_staged(monkeypatch):
    monkeypatch.setattr(staging, "STREAM_MIN_BYTES", 1_000)
    body = b"Opportunity ID,Stage,Close Date\n" + b"".join(b"O%d,Won,2026-01-01\n" % i for i in range(200))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.csv", body)
        zf.writestr("small.csv", b"Opportunity ID,Stage,Close Date\nX1,Won,2026-01-01\n")
    big, small = parse_file("export.zip", buf.getvalue())
    assert (big.file_name, big.staged is not None, big.row_count) == ("export.zip:big.csv", True, 200)
    assert (small.file_name, small.staged is None, small.row_count) == ("export.zip:small.csv", True, 1)


def _segment_pages(rows: int) -> bytes:
    lines = ["id,anonymous_id,user_id,timestamp,context_page_url,context_page_referrer"]
    for i in range(rows):
        lines.append(f"m{i},anon-{i % 5000},,2026-01-01T00:{i % 60:02d}:{i % 59:02d}.{i % 1000:03d}Z,"
                     f"https://www.example.com/page-{i % 40}?utm_source=s{i % 3},https://google.com/")
    return ("\n".join(lines) + "\n").encode()


def _opportunities(rows: int) -> bytes:
    lines = ["Id,Name,AccountId,StageName,Amount,CloseDate,CreatedDate,IsWon,IsClosed"]
    for i in range(rows):
        lines.append(f"006{i:012d},Deal {i},001{i % 900:012d},Proposal,{(i % 9000) + 0.5},"
                     f"2026-{1 + i % 12:02d}-{1 + i % 28:02d},2025-{1 + i % 12:02d}-{1 + i % 28:02d},false,false")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("kind, make, batch", [("web", _segment_pages, None), ("crm", _opportunities, 20_000)])
def test_a_large_file_never_sits_in_pandas_whole(kind, make, batch, monkeypatch, tmp_path):
    """200k rows: above STREAM_MIN_BYTES as it stands, so staged without forcing. Python-side memory
    during the parse (tracemalloc: pandas/numpy buffers and Python objects) stays well below one
    pandas copy of the canonical rows, and the load reads the staged rows, not a frame."""
    data = make(200_000)
    assert len(data) >= staging.STREAM_MIN_BYTES
    if batch:
        monkeypatch.setattr(staging, "BATCH_ROWS", batch)
    tracemalloc.start()
    try:
        [p] = parse_file(f"{kind}.csv", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert p.staged is not None and p.row_count == 200_000 and p.errors == []
    con = db.connect(tmp_path / "big.duckdb")
    report = load.load_parsed(con, [load._check(p, p.file_name, "sha")], user="test")
    assert report.ok and report.files[0].inserted == 200_000
    assert p._frame is None                                # nothing asked for the whole frame
    one_copy = p.frame.memory_usage(deep=True).sum()       # built here, after measuring
    assert peak < one_copy / 3, (peak, one_copy)
