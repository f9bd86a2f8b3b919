"""Parquet exports (GA4's BigQuery EXPORT DATA, a Segment warehouse table): read by DuckDB into the same
staged text cells as a large CSV, so layout detection, typing, validation and the load are the CSV's.
Row numbers in messages are record ordinals ("row 3" = the file's third record)."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from connectors import load
from connectors.base import ConnectorError
from connectors.parse import parse_file
from data_models import db

T = dt.datetime
VALUE = pa.struct([("string_value", pa.string()), ("int_value", pa.int64()), ("float_value", pa.float64()),
                   ("double_value", pa.float64())])
PARAMS = pa.list_(pa.struct([("key", pa.string()), ("value", VALUE)]))
TRAFFIC = pa.struct([("name", pa.string()), ("medium", pa.string()), ("source", pa.string())])


def _param(key: str, text: str | None = None, number: int | None = None) -> dict:
    return {"key": key, "value": {"string_value": text, "int_value": number, "float_value": None,
                                  "double_value": None}}


def _values(column) -> list:
    """A frame column as a list, None for a missing value."""
    return column.astype(object).where(column.notna(), None).tolist()


def _parquet(columns: dict, schema: pa.Schema | None = None) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table(columns, schema=schema), buf)
    return buf.getvalue()


LANDING = "https://www.acme.com/pricing/?utm_source=google&utm_medium=cpc&utm_campaign=Spring%20Promo"
GA4_SCHEMA = pa.schema([("event_date", pa.string()), ("event_timestamp", pa.int64()), ("event_name", pa.string()),
                        ("event_params", PARAMS), ("user_id", pa.string()), ("user_pseudo_id", pa.string()),
                        ("traffic_source", TRAFFIC), ("items", pa.list_(pa.struct([("item_id", pa.string())])))])
# record 1 a landing page view, 2 a scroll (left out), 3 a form submit after the visitor was identified,
# 4 a page view whose event_timestamp is missing (its event_date is used)
GA4 = {
    "event_date": ["20250101", "20250101", "20250101", "20250102"],
    "event_timestamp": [1735689600000000, 1735689601000000, 1735693200500000, None],
    "event_name": ["page_view", "scroll", "form_submit", "page_view"],
    "event_params": [
        [_param("page_location", LANDING), _param("page_referrer", "https://www.google.com/"),
         _param("ga_session_id", number=42)],
        [_param("page_location", LANDING), _param("percent_scrolled", number=90)],
        [_param("ga_session_id", number=42), _param("page_location", "https://www.acme.com/demo")],
        [_param("page_location", "https://www.acme.com/blog/why-acme?ref=nav")],
    ],
    "user_id": [None, None, "0035g00000AbCdEAAZ", "0035g00000AbCdEAAZ"],
    "user_pseudo_id": ["1234.5678", "1234.5678", "1234.5678", "1234.5678"],
    "traffic_source": [{"name": "Spring Promo", "medium": "cpc", "source": "google"}] * 3
    + [{"name": "(direct)", "medium": "(none)", "source": "(direct)"}],
    "items": [[], [], [{"item_id": "sku-1"}], None],
}


def test_ga4_bigquery_parquet_gives_exact_canonical_rows():
    [parsed] = parse_file("events_20250101.parquet", _parquet(GA4, GA4_SCHEMA))
    assert (parsed.kind, parsed.layout) == ("web.page_views", "ga4.events")
    # structs flattened to parent.child, GA4's page URL and referrer taken out of event_params
    assert parsed.columns_seen == [
        "event_date", "event_timestamp", "event_name", "event_params", "event_params.page_location",
        "event_params.page_referrer", "user_id", "user_pseudo_id", "traffic_source.name", "traffic_source.medium",
        "traffic_source.source", "items"]
    assert parsed.errors == []
    assert [(w.rule, w.message) for w in parsed.warnings] == [
        ("events_filtered", "1 events that are not page views or form submits were left out (scroll: 1)")]
    f = parsed.frame
    assert f["_row"].tolist() == [1, 3, 4]                # record ordinals, the scroll (record 2) left out
    assert f["event_name"].tolist() == ["page_view", "form_submit", "page_view"]
    assert f["visitor_id"].tolist() == ["1234.5678"] * 3
    assert _values(f["user_id"]) == [None, "0035g00000AbCdEAAZ", "0035g00000AbCdEAAZ"]
    assert f["occurred_at"].tolist() == [T(2025, 1, 1), T(2025, 1, 1, 1, 0, 0, 500000), T(2025, 1, 2)]
    assert f["url"].tolist() == ["acme.com/pricing", "acme.com/demo", "acme.com/blog/why-acme"]
    assert _values(f["referrer"]) == ["https://www.google.com/", None, None]
    # UTM from the landing page's query, else traffic_source (the session's source)
    assert f["utm_source"].tolist() == ["google", "google", "(direct)"]
    assert f["utm_medium"].tolist() == ["cpc", "cpc", "(none)"]
    assert f["utm_campaign"].tolist() == ["Spring Promo", "Spring Promo", "(direct)"]
    assert f["source_system"].tolist() == ["ga4"] * 3
    assert f["event_id"].str.match(r"^ev-[0-9a-f]{20}$").all() and f["event_id"].is_unique


def test_ga4_parquet_and_the_same_events_as_csv_give_the_same_rows():
    header = ("event_date,event_timestamp,event_name,user_pseudo_id,user_id,page_location,page_referrer,"
              "traffic_source.source,traffic_source.medium,traffic_source.name\n")
    lines = [
        f"20250101,1735689600000000,page_view,1234.5678,,{LANDING},https://www.google.com/,google,cpc,Spring Promo",
        f"20250101,1735689601000000,scroll,1234.5678,,{LANDING},,google,cpc,Spring Promo",
        "20250101,1735693200500000,form_submit,1234.5678,0035g00000AbCdEAAZ,https://www.acme.com/demo,,google,cpc,"
        "Spring Promo",
        "20250102,,page_view,1234.5678,0035g00000AbCdEAAZ,https://www.acme.com/blog/why-acme?ref=nav,,(direct),"
        "(none),(direct)",
    ]
    [from_csv] = parse_file("events.csv", (header + "\n".join(lines) + "\n").encode())
    [from_parquet] = parse_file("events.parquet", _parquet(GA4, GA4_SCHEMA))
    columns = [c for c in from_csv.frame.columns if c != "_row"]
    assert from_parquet.frame[columns].astype(object).values.tolist() == \
        from_csv.frame[columns].astype(object).values.tolist()    # event ids too: the same text is hashed


def test_a_top_level_page_location_column_is_read_as_is():
    columns = {"event_timestamp": [1735689600000000], "event_name": ["page_view"], "user_pseudo_id": ["9.9"],
               "page_location": ["https://www.acme.com/a"],
               "event_params": [[_param("page_location", "https://www.acme.com/other")]]}
    schema = pa.schema([("event_timestamp", pa.int64()), ("event_name", pa.string()),
                        ("user_pseudo_id", pa.string()), ("page_location", pa.string()), ("event_params", PARAMS)])
    [parsed] = parse_file("ga4.parquet", _parquet(columns, schema))
    assert "event_params.page_location" not in parsed.columns_seen
    assert parsed.frame["url"].tolist() == ["acme.com/a"]


def _bad_timestamp() -> bytes:
    # event_timestamp exported as text; record 3's is not microseconds
    return _parquet({"event_timestamp": ["1735689600000000", "1735689601000000", "yesterday", "1735689603000000"],
                     "event_name": ["page_view"] * 4, "user_pseudo_id": ["1.1", "1.1", "2.2", "2.2"],
                     "page_location": ["https://www.acme.com/a"] * 4})


def test_a_bad_timestamp_on_record_3_rejects_the_file_and_leaves_the_database_unchanged(tmp_path):
    con = db.connect(tmp_path / "t.duckdb")
    good = load.load_files(con, [("events.parquet", _parquet(GA4, GA4_SCHEMA))], user="test")
    assert good.ok and good.files[0].inserted == 3
    before = db.table_counts(con)
    report = load.load_files(con, [("ga4_bad.parquet", _bad_timestamp())], user="test")
    assert not report.ok
    assert report.messages() == [
        "ga4_bad.parquet, row 3, column event_timestamp: not a GA4 event_timestamp (microseconds since 1970)"
        " (yesterday). Export event_timestamp unchanged."]
    assert db.table_counts(con) == before
    assert con.execute("select result from load_log order by load_id").fetchall() == [("accepted",), ("rejected",)]


def test_a_parquet_no_layout_fits_lists_the_columns_seen():
    columns = {"sku": ["A-1", None], "stock": [{"warehouse": "north", "count": 3}, None], "tags": [["x", "y"], []],
               "attributes": pa.array([[("color", "red")], None], pa.map_(pa.string(), pa.string()))}
    with pytest.raises(ConnectorError) as err:
        parse_file("inventory.parquet", _parquet(columns))
    [problem] = err.value.problems
    assert problem.rule == "unknown_layout" and problem.file == "inventory.parquet"
    assert "Columns in the file: sku, stock.warehouse, stock.count, tags, attributes. Layouts we know:" \
        in problem.message


def test_a_parquet_inside_a_zip_is_read_and_named_by_member():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("export/events_20250101.parquet", _parquet(GA4, GA4_SCHEMA))
    [parsed] = parse_file("bigquery_export.zip", buf.getvalue())
    assert parsed.file_name == "bigquery_export.zip:export/events_20250101.parquet"
    assert (parsed.kind, parsed.layout, parsed.row_count) == ("web.page_views", "ga4.events", 3)


def test_segment_parquet_with_typed_timestamps():
    schema = pa.schema([("id", pa.string()), ("anonymous_id", pa.string()), ("user_id", pa.string()),
                        ("timestamp", pa.timestamp("ms", tz="UTC")), ("context_page_url", pa.string())])
    columns = {"id": ["m-1", "m-2"], "anonymous_id": ["a-1", "a-2"], "user_id": [None, "u-9"],
               "timestamp": [T(2025, 3, 4, 10, 22, 11, 123000), T(2025, 3, 5)],
               "context_page_url": ["https://www.acme.com/a?utm_source=x", "https://acme.com/b/"]}
    [parsed] = parse_file("pages.parquet", _parquet(columns, schema))
    assert (parsed.kind, parsed.layout) == ("web.page_views", "segment.pages")
    f = parsed.frame
    assert [_values(f[c]) for c in ("event_id", "visitor_id", "user_id", "url", "utm_source")] == [
        ["m-1", "m-2"], ["a-1", "a-2"], [None, "u-9"], ["acme.com/a", "acme.com/b"], ["x", None]]
    assert f["occurred_at"].tolist() == [T(2025, 3, 4, 10, 22, 11, 123000), T(2025, 3, 5)]


def test_a_crm_parquet_with_typed_columns():
    schema = pa.schema([("Id", pa.string()), ("Name", pa.string()), ("StageName", pa.string()),
                        ("Amount", pa.decimal128(12, 2)), ("CloseDate", pa.date32()), ("IsWon", pa.bool_())])
    columns = {"Id": ["006A", "006B"], "Name": ["Alpha", "Beta"], "StageName": ["Closed Won", "Proposal"],
               "Amount": [pa.scalar(1234.5).cast(pa.decimal128(12, 2)).as_py(), None],
               "CloseDate": [dt.date(2025, 2, 20), None], "IsWon": [True, False]}
    [parsed] = parse_file("Opportunity.parquet", _parquet(columns, schema))
    assert parsed.kind == "crm.opportunities" and parsed.errors == []
    f = parsed.frame
    assert f["opportunity_id"].tolist() == ["006A", "006B"] and f["_row"].tolist() == [1, 2]
    assert f["amount"].tolist()[0] == 1234.5 and f["amount"].isna().tolist()[1]
    assert f["close_date"].tolist()[0] == dt.date(2025, 2, 20)


def test_a_damaged_parquet_is_a_readable_error():
    data = _parquet(GA4, GA4_SCHEMA)
    broken = data[:200] + data[-200:]
    with pytest.raises(ConnectorError) as err:
        parse_file("events.parquet", broken)
    [problem] = err.value.problems
    assert problem.rule == "unreadable_parquet" and problem.file == "events.parquet"
    assert problem.message.startswith("could not read the Parquet file")
