"""Large text exports read by DuckDB itself, kept in a private staging database.

A delimited text file above `STREAM_MIN_BYTES` (the common large case: web events, CRM object
exports; also a large member of a zip) is not read into pandas. `files` finds the layout on the
first rows as for any file (encoding, delimiter, preamble, header, footer); UTF-16 / UTF-32 /
Windows-1252 files are first transcoded to UTF-8, a block at a time, into a temporary file. The
data rows between header and footer are written to a temporary file and read by DuckDB's
`read_csv` as text cells (view `cells`, with the spreadsheet line number of every row in `_row`)
in a staging database: in memory up to `MEMORY_LIMIT`, spilling to its temporary folder beyond.
Web page views are then typed in SQL (`web_sql`); every other kind goes through its builder in
batches of `BATCH_ROWS` rows, with whole-column decisions (decimal separator, day/month order)
taken once. The canonical rows go to the table `canonical` of the same database; validation
reads it in batches, the load streams it to the target database. So no step holds the whole file
in pandas, and `Parsed.frame` is only built if a caller asks for it.

Inside a load (`load.load_files` opens `in_instance(con)`), the staging database is an in-memory
database attached to the target connection's own DuckDB instance, private to one cursor: the load
then copies the canonical rows with one native `insert ... select` (no Arrow transfer between two
instances), in file order, which DuckDB also compresses faster. Elsewhere (a parse on its own, a
test) the staging database is a DuckDB instance of its own.

Anything unusual (a quoted value spanning lines, blank lines inside the data, a row wider than
the header, bytes that do not decode) sends the file back to the in-memory reader, which reports
exact line numbers; so the fast path never has to guess a row number.

A Parquet file (GA4's BigQuery export, a warehouse table) always takes this path: DuckDB's
`read_parquet` fills `cells` with its records as text (STRUCT columns flattened to "parent.child",
see `read_parquet_cells`), and `_row` is the record's ordinal, 1-based: "row 3" is the third record.
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import tempfile
import threading
import uuid
import weakref
from typing import Callable

import duckdb
import pandas as pd
import pyarrow as pa

from connectors.base import KIND_TABLE, ROW_COLUMN

# smaller files are read in memory (fast enough, and every path exact); MVD_STREAM_MIN_BYTES=0 stages every file
STREAM_MIN_BYTES = int(os.environ.get("MVD_STREAM_MIN_BYTES", 16_000_000))
BATCH_ROWS = 100_000              # rows per pandas batch for builders
CHECK_BATCH_ROWS = 1_000_000      # rows per batch for Great Expectations (a few columns only; GX costs per batch too)
LOAD_BATCH_ROWS = 500_000         # rows per Arrow batch streamed to the target database (fewer, larger inserts)
# builders that compare rows with each other (ads rows of the same day and campaign are added up,
# interview ids are numbered within the file) see their whole file in one batch
WHOLE_FILE_KINDS = {"ads.spend", "buyer.interviews"}
MEMORY_LIMIT = os.environ.get("MVD_STAGING_MEMORY", "1GB")  # DuckDB's limit for a staging database; beyond it DuckDB spills to disk
# (a million page views take about 400 MB there; at 256 MB they spilled and the load took 1.6x as long)

# what Python's str.strip() takes off (ASCII and common Unicode spaces), as the in-memory reader does
SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
        "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def sql_text(text: str) -> str:
    """A SQL string literal (for text from code, never from a user)."""
    return "'" + text.replace("'", "''") + "'"


SCHEMA_SQL = pathlib.Path(__file__).resolve().parent.parent / "data_models" / "schema.sql"


def _remove(con: duckdb.DuckDBPyConnection, folder: str, catalog: str | None, home: str | None) -> None:
    try:
        if catalog is not None:   # an attached staging database: give its memory back to the instance
            con.execute(f"use {_ident(home)}")
            con.execute(f"detach database if exists {catalog}")
    except duckdb.Error:
        pass                      # the instance is gone already (its connections closed)
    finally:
        try:
            con.close()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


_HOST = threading.local()


@contextlib.contextmanager
def in_instance(con: duckdb.DuckDBPyConnection):
    """Files staged in this block (in this thread) are staged inside `con`'s DuckDB instance."""
    previous = getattr(_HOST, "con", None)
    _HOST.con = con
    try:
        yield
    finally:
        _HOST.con = previous


class Staging:
    """A private DuckDB database in a temporary folder; removed when the object goes away.

    Inside `in_instance(con)` it is an in-memory database attached to `con`'s instance under a
    unique name, the default database of a cursor of its own (`catalog`); else its own instance."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="mvd-staging-")
        self.host = getattr(_HOST, "con", None)
        self.catalog: str | None = None
        self.home: str | None = None     # the host connection's database
        if self.host is not None:
            self.con = self.host.cursor()
            self.home = _current(self.con)
            self.catalog = f"mvd_staging_{uuid.uuid4().hex[:16]}"
            self.con.execute(f"attach ':memory:' as {self.catalog}")
            self.con.execute(f"use {self.catalog}")
        else:
            # in memory (no writes to a database file), spilling to the folder beyond MEMORY_LIMIT
            self.con = duckdb.connect(":memory:")
            self.con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
            self.con.execute("set temp_directory = ?", [self.folder])
            self.con.execute("set preserve_insertion_order = true")
        self.lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _remove, self.con, self.folder, self.catalog, self.home)

    @property
    def private(self) -> bool:
        """True when this staging database has a DuckDB instance of its own (its settings are ours to change)."""
        return self.catalog is None

    def shares(self, con) -> bool:
        """True when `con` is the connection this staging database was attached to."""
        return self.host is not None and self.host is con

    def table(self, name: str) -> str:
        """`name` qualified for a query made on the host connection."""
        return f"{self.catalog}.main.{name}" if self.catalog else name

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Another connection to the staging database (e.g. for a reader in another thread)."""
        cursor = self.con.cursor()
        if self.catalog is not None:
            cursor.execute(f"use {self.catalog}")
        return cursor

    def path(self, name: str) -> str:
        return os.path.join(self.folder, name)

    def close(self) -> None:
        self._finalizer()


def read_cells(staging: Staging, body: memoryview, lines: Callable[[], int], delimiter: str, width: int,
               first_row: int) -> int | None:
    """Text cells of `body` (the data rows' bytes, header and footer cut off) as the view `cells`
    (columns _row, c0 .. c{width-1}, '' for empty); `lines()` is how many lines the body has (asked
    once DuckDB has read it, so the caller may count meanwhile). Returns
    the row count, or None when DuckDB's reading could disagree with the file's line numbers (then
    the caller reads the file in memory)."""
    path = staging.path("body.csv")
    with open(path, "wb") as f:
        f.write(body)
    columns = {f"c{i}": "VARCHAR" for i in range(width)}
    con = staging.con
    names = ", ".join(f"coalesce(c{i}, '') as c{i}" for i in range(width))
    try:
        con.execute(
            f"create or replace table _read as select {names} from read_csv(?, header = false, auto_detect = false,"
            " columns = ?, delim = ?, quote = '\"', escape = '\"', null_padding = true, strict_mode = true)",
            [path, columns, delimiter])
    except duckdb.Error:
        return None
    finally:
        os.unlink(path)
    blank = " and ".join(_blank(f"c{i}") for i in range(width)) or "false"
    count = con.execute("select count(*) from _read").fetchall()[0][0]
    if count != lines():   # a blank line (DuckDB skips it) or a line break inside quotes
        con.execute("drop table _read")
        return None
    # a fresh table's rowid follows the file's order; rows of empty cells are left out as in files._tidy
    return _cells_view(con, f"rowid + {int(first_row)} as {ROW_COLUMN}, " + ", ".join(f"c{i}" for i in range(width)),
                       blank)


def _blank(cell: str) -> str:
    """SQL: the text cell is empty or only spaces (as str.strip() sees them). The first test is cheap and
    fails on nearly every cell (a blank one starts with a control or space character, or is not ASCII),
    so the costly trim runs on few rows when the conditions are and-ed in a filter."""
    return f"({cell} < '!' or {cell} >= chr(128)) and trim({cell}, {sql_text(SPACE)}) = ''"


def _cells_view(con: duckdb.DuckDBPyConnection, columns: str, blank: str) -> int:
    """The view `cells` (`columns` of _read) without the rows whose cells are all empty (`blank`); returns
    how many rows it has. The filter is there only when such rows exist: every later pass over the cells
    would pay for it, and exports rarely have them."""
    blanks = con.execute(f"select count(*) from _read where {blank}").fetchall()[0][0]
    con.execute(f"create or replace view cells as select {columns} from _read"
                + (f" where not ({blank})" if blanks else ""))
    return con.execute("select count(*) from _read").fetchall()[0][0] - blanks


def canonical_table(staging: Staging, kind: str) -> None:
    """The table `canonical`: the kind's canonical columns with their schema types, plus _row. Inside a
    load's instance the types are the target table's; a staging instance of its own makes the schema."""
    con = staging.con
    if staging.private:
        con.execute(SCHEMA_SQL.read_text())
    types = con.execute("select column_name, data_type from duckdb_columns() where database_name = ?"
                        " and schema_name = 'main' and table_name = ? order by column_index",
                        [staging.home or _current(con), KIND_TABLE[kind]]).fetchall()
    body = ", ".join(f"{c} {t}" for c, t in types if c != "load_id")
    con.execute(f"create or replace table canonical ({body}, {ROW_COLUMN} bigint)")


def _current(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchall()[0][0]


def append_canonical(staging: Staging, frame: pd.DataFrame) -> None:
    con = staging.con
    cols = [r[0] for r in con.execute("select column_name from duckdb_columns() where database_name = ?"
                                      " and schema_name = 'main' and table_name = 'canonical' order by column_index",
                                      [_current(con)]).fetchall()]
    con.register("_batch", frame)
    try:
        con.execute(f"insert into canonical select {', '.join(cols)} from _batch")
    finally:
        con.unregister("_batch")


class StagedRows:
    """The canonical rows of one parsed file, in table `canonical` of a staging database."""

    def __init__(self, staging: Staging, columns: list[str], unique: set[tuple[str, ...]] | None = None):
        self.staging = staging
        self.columns = columns       # canonical columns + ROW_COLUMN, in frame order
        # keys the parser made unique (it removed the file's repeats): no need to look for duplicates again
        self.unique = set(unique or ())
        self._count: int | None = None

    def _select(self, columns: list[str] | None = None) -> str:
        return "select " + ", ".join(columns or self.columns) + " from canonical"

    def count(self) -> int:
        if self._count is None:
            with self.staging.lock:
                self._count = self.staging.con.execute("select count(*) from canonical").fetchall()[0][0]
        return self._count

    def frame(self) -> pd.DataFrame:
        """Every row as one pandas frame (only for callers that really need it, e.g. a preview)."""
        with self.staging.lock:
            return _to_pandas(self.staging.con.sql(self._select() + f" order by {ROW_COLUMN}").to_arrow_table())

    def head(self, n: int) -> pd.DataFrame:
        with self.staging.lock:
            return _to_pandas(self.staging.con.sql(
                self._select() + f" order by {ROW_COLUMN} limit ?", params=[n]).to_arrow_table())

    def rows(self, wanted: list[int]) -> pd.DataFrame:
        """The rows with these file line numbers."""
        with self.staging.lock:
            con = self.staging.con
            con.register("_wanted", pa.table({"r": pa.array(wanted, pa.int64())}))
            try:
                return _to_pandas(con.sql(self._select() + f" where {ROW_COLUMN} in (select r from _wanted)"
                                                               f" order by {ROW_COLUMN}").to_arrow_table())
            finally:
                con.unregister("_wanted")

    def batches(self, columns: list[str] | None = None, size: int = BATCH_ROWS, ordered: bool = True):
        """pandas frames of up to `size` rows, in file order unless `ordered` is False."""
        with self.staging.lock:
            cursor = self.staging.cursor()
        try:
            order = f" order by {ROW_COLUMN}" if ordered else ""
            reader = cursor.sql(self._select(columns) + order).to_arrow_reader(size)
            # DuckDB hands out smaller batches than asked (a row group at a time): gather `size` rows
            pending: list[pa.RecordBatch] = []
            for batch in reader:
                pending.append(batch)
                if sum(len(b) for b in pending) >= size:
                    yield _to_pandas(pa.Table.from_batches(pending))
                    pending = []
            if pending:
                yield _to_pandas(pa.Table.from_batches(pending))
        finally:
            cursor.close()

    def record_batches(self, columns: list[str], size: int = LOAD_BATCH_ROWS) -> pa.RecordBatchReader:
        """An Arrow stream of the rows, for another DuckDB connection to scan once (the load)."""
        with self.staging.lock:
            cursor = self.staging.cursor()
        self._cursor = cursor     # the stream reads through it: keep it open as long as this object
        return cursor.sql(self._select(columns)).to_arrow_reader(size)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        """A read-only query over `canonical` (used for whole-file checks such as duplicate keys)."""
        with self.staging.lock:
            return self.staging.con.execute(sql, params or []).fetchall()


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas(date_as_object=True)
    for name, field in zip(table.column_names, table.schema):
        if pa.types.is_timestamp(field.type):
            frame[name] = frame[name].astype("datetime64[us]")
        elif pa.types.is_decimal(field.type):
            frame[name] = frame[name].astype("float64")
        elif pa.types.is_integer(field.type) and name != ROW_COLUMN:
            frame[name] = frame[name].astype("Int64")     # as the builders make them (nullable)
        elif pa.types.is_boolean(field.type):
            frame[name] = frame[name].astype("boolean")
    return frame


# ---- Parquet ------------------------------------------------------------------------------------
# GA4's BigQuery export keeps the page URL and referrer in event_params (a list of key / typed
# value pairs); these keys become columns "event_params.<key>" unless the file has them at the top
EVENT_PARAM_KEYS = ("page_location", "page_referrer")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text_of_param_value(value: str, value_type: pa.StructType) -> str:
    """A GA4 event parameter's value (struct of string_value, int_value, float_value, double_value) as text."""
    names = [f.name for f in value_type]
    ordered = [n for n in ("string_value", "int_value", "float_value", "double_value") if n in names]
    ordered += [n for n in names if n not in ordered]
    return "coalesce(" + ", ".join(f"cast(struct_extract({value}, {sql_text(n)}) as varchar)" for n in ordered) + ")"


def _event_params(field: pa.Field) -> pa.StructType | None:
    """The value struct type when `field` has GA4's event_params shape (list of struct(key, value struct))."""
    if not (pa.types.is_list(field.type) or pa.types.is_large_list(field.type)):
        return None
    item = field.type.value_type
    if not pa.types.is_struct(item) or item.get_field_index("key") < 0 or item.get_field_index("value") < 0:
        return None
    value = item.field("value").type
    return value if pa.types.is_struct(value) else None


def parquet_columns(schema: pa.Schema) -> list[tuple[str, str, bool]]:
    """(column name, SQL expression over read_parquet's row, nested?) for every column of a Parquet
    file: STRUCT columns flattened to "parent.child" (recursively, as GA4's traffic_source.source),
    lists and maps kept whole (`nested`: their text is only worked out if a layout reads them), and
    GA4's event_params keys EVENT_PARAM_KEYS taken out as "event_params.<key>"."""
    out: list[tuple[str, str, bool]] = []
    top = {f.name for f in schema}

    def walk(name: str, expression: str, field_type: pa.DataType) -> None:
        if pa.types.is_struct(field_type):
            for child in field_type:
                walk(f"{name}.{child.name}", f"struct_extract({expression}, {sql_text(child.name)})", child.type)
            return
        nested = pa.types.is_list(field_type) or pa.types.is_large_list(field_type) \
            or pa.types.is_fixed_size_list(field_type) or pa.types.is_map(field_type)
        out.append((name, expression, nested))

    for field in schema:
        walk(field.name, _ident(field.name), field.type)
        value_type = _event_params(field)
        if value_type is not None:
            for key in EVENT_PARAM_KEYS:
                if key in top:
                    continue
                found = f"list_filter({_ident(field.name)}, lambda p: p.key = {sql_text(key)})[1].value"
                out.append((f"{field.name}.{key}", _text_of_param_value(found, value_type), False))
    return out


def read_parquet_cells(staging: Staging, path: str, columns: list[tuple[str, str, bool]]) -> int:
    """The records of a Parquet file as the view `cells` (columns _row, c0 .. c{n-1}), text as the CSV
    reader gives it: values cast to text (event_timestamp 1731234567890123, a date 2025-03-04, a time
    2025-03-04 10:22:11.5, +00 for UTC times), NULL as ''. `_row` is the record's ordinal in the file,
    1-based, so "row 3" in a message is the third record (there is no header line to count). Records
    with every value empty are left out, as blank lines are in a CSV. Returns the row count."""
    con = staging.con
    con.execute("set session TimeZone = 'UTC'")
    # nested values stay typed until something reads them; every other value is text from here on
    flat = [f"{expression} as r{i}" if nested else f"cast({expression} as varchar) as c{i}"
            for i, (_, expression, nested) in enumerate(columns)]
    con.execute(f"create or replace table _read as select file_row_number + 1 as {ROW_COLUMN}"
                + "".join(", " + f for f in flat) + " from read_parquet(?, file_row_number = true)", [path])
    cells = []
    blank = []
    for i, (_, _, nested) in enumerate(columns):
        cells.append(f"coalesce(cast(r{i} as varchar), '') as c{i}" if nested else f"coalesce(c{i}, '') as c{i}")
        blank.append(f"(r{i} is null or cardinality(r{i}) = 0)" if nested else _blank(f"coalesce(c{i}, '')"))
    return _cells_view(con, ", ".join([ROW_COLUMN, *cells]), " and ".join(blank) or "false")
