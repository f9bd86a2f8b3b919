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

Anything unusual (a quoted value spanning lines, blank lines inside the data, a row wider than
the header, bytes that do not decode) sends the file back to the in-memory reader, which reports
exact line numbers; so the fast path never has to guess a row number.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import tempfile
import threading
import weakref

import duckdb
import pandas as pd
import pyarrow as pa

from connectors.base import KIND_TABLE, ROW_COLUMN

# smaller files are read in memory (fast enough, and every path exact); MVD_STREAM_MIN_BYTES=0 stages every file
STREAM_MIN_BYTES = int(os.environ.get("MVD_STREAM_MIN_BYTES", 16_000_000))
BATCH_ROWS = 100_000              # rows per pandas batch for builders and Great Expectations
# builders that compare rows with each other (ads rows of the same day and campaign are added up,
# interview ids are numbered within the file) see their whole file in one batch
WHOLE_FILE_KINDS = {"ads.spend", "buyer.interviews"}
MEMORY_LIMIT = "256MB"            # DuckDB's own limit for a staging database; beyond it DuckDB spills to disk

SCHEMA_SQL = pathlib.Path(__file__).resolve().parent.parent / "data_models" / "schema.sql"


def _remove(con: duckdb.DuckDBPyConnection, folder: str) -> None:
    try:
        con.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Staging:
    """A private DuckDB database in a temporary folder; removed when the object goes away."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="mvd-staging-")
        # in memory (no writes to a database file), spilling to the folder beyond MEMORY_LIMIT
        self.con = duckdb.connect(":memory:")
        self.con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        self.con.execute("set temp_directory = ?", [self.folder])
        self.con.execute("set preserve_insertion_order = true")
        self.lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _remove, self.con, self.folder)

    def path(self, name: str) -> str:
        return os.path.join(self.folder, name)

    def close(self) -> None:
        self._finalizer()


def read_cells(staging: Staging, body: memoryview, lines: int, delimiter: str, width: int,
               first_row: int) -> int | None:
    """Text cells of `body` (the data rows' bytes, header and footer cut off) as the view `cells`
    (columns _row, c0 .. c{width-1}, '' for empty); `lines` is how many lines the body has. Returns
    the row count, or None when DuckDB's reading could disagree with the file's line numbers (then
    the caller reads the file in memory)."""
    path = staging.path("body.csv")
    with open(path, "wb") as f:
        f.write(body)
    columns = {f"c{i}": "VARCHAR" for i in range(width)}
    con = staging.con
    try:
        con.execute(
            "create or replace table _read as select * from read_csv(?, header = false, auto_detect = false,"
            " columns = ?, delim = ?, quote = '\"', escape = '\"', null_padding = true, strict_mode = true)",
            [path, columns, delimiter])
    except duckdb.Error:
        return None
    finally:
        os.unlink(path)
    count = con.execute("select count(*) from _read").fetchall()[0][0]
    if count != lines:   # a blank line (DuckDB skips it) or a line break inside quotes
        con.execute("drop table _read")
        return None
    names = ", ".join(f"coalesce(c{i}, '') as c{i}" for i in range(width))
    blank = " and ".join(f"trim(coalesce(c{i}, '')) = ''" for i in range(width)) or "false"
    # a fresh table's rowid follows the file's order; blank rows are left out as in files._tidy
    con.execute(f"create or replace view cells as select rowid + {int(first_row)} as {ROW_COLUMN}, {names}"
                f" from _read where not ({blank})")
    return con.execute("select count(*) from cells").fetchall()[0][0]


def canonical_table(staging: Staging, kind: str) -> None:
    """The table `canonical`: the kind's canonical columns with their schema types, plus _row."""
    con = staging.con
    con.execute(SCHEMA_SQL.read_text())
    table = KIND_TABLE[kind]
    types = con.execute("select column_name, data_type from information_schema.columns"
                        " where table_name = ? and table_schema = 'main' order by ordinal_position",
                        [table]).fetchall()
    body = ", ".join(f"{c} {t}" for c, t in types if c != "load_id")
    con.execute(f"create or replace table canonical ({body}, {ROW_COLUMN} bigint)")


def append_canonical(staging: Staging, frame: pd.DataFrame) -> None:
    con = staging.con
    cols = [r[0] for r in con.execute("select column_name from information_schema.columns"
                                      " where table_name = 'canonical' order by ordinal_position").fetchall()]
    con.register("_batch", frame)
    try:
        con.execute(f"insert into canonical select {', '.join(cols)} from _batch")
    finally:
        con.unregister("_batch")


class StagedRows:
    """The canonical rows of one parsed file, in table `canonical` of a staging database."""

    def __init__(self, staging: Staging, columns: list[str]):
        self.staging = staging
        self.columns = columns       # canonical columns + ROW_COLUMN, in frame order
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
            cursor = self.staging.con.cursor()
        try:
            order = f" order by {ROW_COLUMN}" if ordered else ""
            reader = cursor.sql(self._select(columns) + order).to_arrow_reader(size)
            for batch in reader:
                yield _to_pandas(pa.Table.from_batches([batch]))
        finally:
            cursor.close()

    def record_batches(self, columns: list[str], size: int = BATCH_ROWS) -> pa.RecordBatchReader:
        """An Arrow stream of the rows, for another DuckDB connection to scan once (the load)."""
        with self.staging.lock:
            cursor = self.staging.con.cursor()
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
