"""Turning export text into typed values, column by column, without a Python loop per row.

Every converter takes a column of raw strings (as read from the file) and returns the typed
column plus a mask of the values it could not read. Work is done on the column's distinct
values (`by_unique`) and spread back with the factorize codes, because exports repeat the
same dates, stages and URLs many times over.

`FieldReader` wraps one parsed file: builders ask it for a field as text, amount, date, ...
and it records a `Problem` (file line number, column name as in the file, value, hint) for
every value it could not read.
"""
from __future__ import annotations

import functools
import pathlib
import re
import urllib.parse
from typing import Callable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from connectors.base import KIND_TABLE, Problem

MAX_PROBLEMS_PER_COLUMN = 100   # beyond this, one summary problem says how many more rows

SCHEMA_SQL = pathlib.Path(__file__).resolve().parent.parent / "data_models" / "schema.sql"


@functools.cache
def canonical_columns(table: str) -> tuple[str, ...]:
    """Columns of a canonical table as declared in schema.sql, without load_id."""
    text = SCHEMA_SQL.read_text()
    match = re.search(rf"create table if not exists {re.escape(table)} \((.*?)\n\);", text, re.S)
    if not match:
        raise KeyError(table)
    columns = []
    for line in match.group(1).splitlines():
        line = line.split("--")[0].strip()
        word = line.split(" ", 1)[0] if line else ""
        if word and word != "primary" and re.fullmatch(r"[a-z_]+", word) and word != "load_id":
            columns.append(word)
    return tuple(columns)


def kind_columns(kind: str) -> tuple[str, ...]:
    return canonical_columns(KIND_TABLE[kind])


# ---- helpers on distinct values ---------------------------------------------------------------

def by_unique(series: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply `fn` to the distinct non-missing values of `series` and spread the result back."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    result = fn(pd.Series(uniques, dtype=series.dtype if len(uniques) else "str"))
    result = result.reset_index(drop=True)
    out = result.reindex(codes)
    out.index = series.index
    return out


def _arrow(series: pd.Series) -> pa.ChunkedArray | pa.Array:
    return pa.array(series.astype("str").array)


def from_arrow(array, index=None) -> pd.Series:
    return pd.Series(pd.array(array, dtype="str"), index=index)


def clean(series: pd.Series) -> pd.Series:
    """Stripped text; empty strings become missing. (pyarrow kernels: one pass, no Python per row)"""
    trimmed = pc.utf8_trim_whitespace(_arrow(series))
    blank = pc.equal(trimmed, "")
    return from_arrow(pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed), series.index)


def missing(series: pd.Series) -> pd.Series:
    return clean(series).isna()


def empty(n: int, index=None, dtype="str") -> pd.Series:
    return pd.Series(pd.NA if dtype in ("boolean", "Int64") else None, index=index if index is not None else range(n),
                     dtype=dtype)


# ---- numbers -----------------------------------------------------------------------------------

_NULL_WORDS = {"-", "--", "n/a", "na", "null", "none", "nan", "#n/a", "—", "–"}
_AMOUNT_RE = re.compile(
    r"[(]?\s*[-+\u2212]?\s*(?:[A-Za-z]{3}\s*)?[$€£¥₹]?\s*[-+\u2212]?\s*"
    r"\d[\d.,\s\u00a0\u202f']*\s*(?:[$€£¥₹]|[A-Za-z]{3})?\s*[-\u2212]?\s*[)]?"
)


def _decimal_separator(core: pd.Series, decimal_comma: bool | None) -> str:
    """Which of ',' and '.' is the decimal separator in this column (decided from all its values)."""
    has_comma = core.str.contains(",", regex=False)
    has_dot = core.str.contains(".", regex=False)
    both = has_comma & has_dot
    if both.any():
        comma_last = core[both].str.rfind(",") > core[both].str.rfind(".")
        return "," if comma_last.sum() * 2 >= both.sum() else "."
    if has_comma.any():
        commas = core[has_comma]
        if (commas.str.count(",") > 1).any():
            return "."                                   # 1,234,567 -> thousands
        if commas.str.contains(r",(?:\d{1,2}|\d{4,})$").any():
            return ","                                   # 12,5 or 1234,56 -> decimal comma
        return "," if decimal_comma else "."              # only 1,234 forms: ambiguous
    if has_dot.any():
        dots = core[has_dot]
        if (dots.str.count(r"\.") > 1).any():
            return ","                                   # 1.234.567 -> thousands dot
        if decimal_comma and dots.str.fullmatch(r"\d{1,3}\.\d{3}").all():
            return ","                                   # 1.234 in a semicolon file
    return "."


def number_separator(values: pd.Series, decimal_comma: bool | None = None) -> str:
    """The decimal separator parse_numbers would choose for a column with these (distinct) values."""
    s = clean(values)
    s = s.mask(s.str.lower().isin(_NULL_WORDS)).dropna()
    valid = s.str.fullmatch(_AMOUNT_RE.pattern).fillna(False).astype(bool)
    return _decimal_separator(s[valid].str.replace(r"[^0-9.,]", "", regex=True), decimal_comma)


def parse_numbers(raw: pd.Series, decimal_comma: bool | None = None,
                  separator: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Amount-like text ("$1,234.50", "€ 1.234,50", "(1,234.00)", "1 234,5") -> float64; bad mask.

    The decimal separator is decided from the column's values unless `separator` says it (a large
    file read in batches decides it once, from the whole column)."""
    s = clean(raw)
    lowered = s.str.lower()
    s = s.mask(lowered.isin(_NULL_WORDS))
    if s.notna().sum() == 0:
        return pd.Series(np.nan, index=raw.index, dtype="float64"), pd.Series(False, index=raw.index)

    def convert(u: pd.Series) -> pd.DataFrame:
        valid = u.str.fullmatch(_AMOUNT_RE.pattern)
        negative = u.str.contains(r"^\(.*\)$") | u.str.contains(r"^[^\d]*[-\u2212]") | u.str.contains(r"[-\u2212]\s*\)?$")
        core = u.str.replace(r"[^0-9.,]", "", regex=True)
        sep = separator or _decimal_separator(core[valid], decimal_comma)
        if sep == ",":
            core = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            core = core.str.replace(",", "", regex=False)
        values = pd.to_numeric(core.where(valid), errors="coerce").astype("float64")
        values = values.where(~negative.astype(bool), -values)
        return values

    values = by_unique(s, convert).astype("float64")
    bad = s.notna() & values.isna()
    return values, bad


def parse_amounts(raw: pd.Series, decimal_comma: bool | None = None,
                  separator: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Money as float64 rounded to cents (decimal(18, 2) compatible)."""
    values, bad = parse_numbers(raw, decimal_comma, separator)
    return values.round(2), bad


def parse_ints(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Counts such as "1,234", "1.234" or "1 234" -> Int64. A fraction is a bad value."""
    s = clean(raw)
    s = s.mask(s.str.lower().isin(_NULL_WORDS))
    grouped = s.str.fullmatch(r"[-+]?\d{1,3}(?:[,.\s\u00a0\u202f']\d{3})+")
    digits = s.where(~grouped.fillna(False).astype(bool), s.str.replace(r"[,.\s\u00a0\u202f']", "", regex=True))
    numbers = pd.to_numeric(digits.str.replace(r"\.0+$", "", regex=True), errors="coerce")
    integral = numbers.notna() & (numbers == np.floor(numbers.fillna(0)))
    bad = s.notna() & ~integral
    out = numbers.where(integral).astype("Float64").round().astype("Int64")
    return out, bad


# ---- booleans ----------------------------------------------------------------------------------

_TRUE = {"true", "t", "yes", "y", "1", "1.0", "x", "checked", "on", "wahr", "ja", "oui", "si", "sí", "vrai"}
_FALSE = {"false", "f", "no", "n", "0", "0.0", "unchecked", "off", "falsch", "nein", "non", "faux"}


def parse_bools(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    s = clean(raw).str.lower()
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    out[s.isin(_TRUE).fillna(False).astype(bool)] = True
    out[s.isin(_FALSE).fillna(False).astype(bool)] = False
    bad = s.notna() & out.isna()
    return out, bad


# ---- dates and times ---------------------------------------------------------------------------

_TIME = r"(?:,?\s*T?\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp]\.?\s?[Mm]\.?)?)?"
_ISO_RE = (r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
           r"\s*(?:Z|z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?")
_YMD_SLASH_RE = r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})" + _TIME
_NUMERIC_RE = r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME
_MONTH_FORMATS = (
    "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y",
    "%b %d, %Y %I:%M %p", "%b %d, %Y, %I:%M %p", "%B %d, %Y %I:%M %p", "%B %d, %Y, %I:%M %p",
    "%b %d, %Y %H:%M", "%d %b %Y %H:%M", "%d %b %Y %H:%M:%S", "%a, %d %b %Y %H:%M:%S",
    "%a %b %d %Y", "%A, %B %d, %Y",
)
_EXCEL_EPOCH = "1899-12-30"


def _clock(frame: pd.DataFrame, hour: int, minute: int, second: int, ampm: int) -> pd.Series:
    """'HH:MM:SS' from regex groups, with 12-hour clocks turned into 24-hour ones."""
    h = pd.to_numeric(frame[hour], errors="coerce").fillna(0).astype(int)
    ap = frame[ampm].fillna("").str.lower().str.replace(r"[.\s]", "", regex=True)
    h = h.where(~((ap == "pm") & (h < 12)), h + 12)
    h = h.where(~((ap == "am") & (h == 12)), 0)
    m = frame[minute].fillna("00")
    sec = frame[second].fillna("00")
    return h.astype(str).str.zfill(2) + ":" + m.str.zfill(2) + ":" + sec.str.zfill(2)


def _year(text: pd.Series) -> pd.Series:
    y = pd.to_numeric(text, errors="coerce").fillna(0).astype(int)
    y = y.where(y >= 100, y + 2000)   # two-digit years are 20xx
    return y.astype(str).str.zfill(4)


class DateOrder:
    """Which way round a column's numeric dates are, and whether the values told us."""

    def __init__(self, dayfirst: bool, decided: bool):
        self.dayfirst, self.decided = dayfirst, decided


def decide_order(first: pd.Series, second: pd.Series, separators: pd.Series,
                 dayfirst: bool | None = None) -> DateOrder:
    """Any first part > 12 means day/month; any second part > 12 means month/day."""
    if dayfirst is not None:
        return DateOrder(dayfirst, True)
    a = pd.to_numeric(first, errors="coerce")
    b = pd.to_numeric(second, errors="coerce")
    a_big, b_big = int((a > 12).sum()), int((b > 12).sum())
    if a_big or b_big:
        return DateOrder(a_big >= b_big, True)
    dotted = (separators == ".").sum() * 2 > len(separators)
    return DateOrder(bool(dotted), bool(dotted))   # D.M.YYYY is European by convention; "/" defaults to US


def parse_datetimes(raw: pd.Series, dayfirst: bool | None = None) -> tuple[pd.Series, pd.Series, str | None]:
    """Text in any of the formats exports use -> naive UTC datetime64[us]; bad mask; note.

    The note is set when numeric dates could be read either way (all parts <= 12).
    """
    s = clean(raw)
    note: list[str] = []

    def convert(u: pd.Series) -> pd.Series:
        out = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
        todo = pd.Series(True, index=u.index)

        def put(parsed: pd.Series) -> None:
            """Take the readable values of `parsed` (indexed like `u`) for rows not yet read."""
            parsed = pd.to_datetime(parsed, errors="coerce")
            if getattr(parsed.dt, "tz", None) is not None:
                parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
            parsed = parsed[parsed.notna() & todo.reindex(parsed.index).to_numpy()]
            if len(parsed):
                out.loc[parsed.index] = parsed.astype("datetime64[us]")
                todo.loc[parsed.index] = False

        iso = u.str.fullmatch(_ISO_RE)
        if iso.any():
            text = u[iso].str.replace(r"\s*(UTC|GMT)$", "Z", regex=True)
            put(pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce"))
        compact = u.str.fullmatch(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])") & todo
        if compact.any():
            put(pd.to_datetime(u[compact], format="%Y%m%d", errors="coerce"))
        ymd = u[todo].str.extract("^" + _YMD_SLASH_RE + "$").dropna(subset=[0])
        if len(ymd):
            text = ymd[0] + "-" + ymd[1].str.zfill(2) + "-" + ymd[2].str.zfill(2) + " " + _clock(ymd, 3, 4, 5, 6)
            put(pd.to_datetime(text, format="%Y-%m-%d %H:%M:%S", errors="coerce"))
        numeric = u[todo].str.extract("^" + _NUMERIC_RE + "$").dropna(subset=[0])
        if len(numeric):
            order = decide_order(numeric[0], numeric[2], numeric[1], dayfirst)
            if not order.decided:
                note.append("month/day")
            day, month = (numeric[0], numeric[2]) if order.dayfirst else (numeric[2], numeric[0])
            text = (_year(numeric[3]) + "-" + month.str.zfill(2) + "-" + day.str.zfill(2) + " "
                    + _clock(numeric, 4, 5, 6, 7))
            put(pd.to_datetime(text, format="%Y-%m-%d %H:%M:%S", errors="coerce"))
        serial = u.str.fullmatch(r"\d{5}(?:\.\d+)?") & todo
        if serial.any():
            days = pd.to_numeric(u[serial], errors="coerce")
            days = days.where((days >= 20000) & (days <= 80000))
            put(pd.to_datetime(days, unit="D", origin=_EXCEL_EPOCH, errors="coerce"))
        for digits, unit in ((10, "s"), (13, "ms"), (16, "us")):
            epoch = u.str.fullmatch(rf"1\d{{{digits - 1}}}") & todo
            if epoch.any():
                put(pd.to_datetime(pd.to_numeric(u[epoch]), unit=unit, errors="coerce"))
        wordy = u.str.contains(r"[A-Za-z]{3}") & todo
        if wordy.any():
            squeezed = u[wordy].str.replace(r"\s+", " ", regex=True).str.replace(r"(\d)(st|nd|rd|th)\b", r"\1",
                                                                                   regex=True)
            for fmt in _MONTH_FORMATS:
                pending = squeezed[todo.reindex(squeezed.index).to_numpy()]
                if not len(pending):
                    break
                put(pd.to_datetime(pending, format=fmt, errors="coerce"))
            pending = squeezed[todo.reindex(squeezed.index).to_numpy()]
            if len(pending):
                put(pd.to_datetime(pending, format="mixed", errors="coerce"))
        return out

    values = by_unique(s, convert).astype("datetime64[us]")
    bad = s.notna() & values.isna()
    return values, bad, (note[0] if note else None)


def to_dates(values: pd.Series) -> pd.Series:
    """datetime64 -> Python dates (object column, None where missing)."""
    out = values.dt.date.astype(object)
    return out.where(values.notna(), None)


# ---- URLs and identifiers ---------------------------------------------------------------------

def normalise_urls(raw: pd.Series) -> pd.Series:
    """Lower-case host + path: no scheme, www., port, query, fragment or trailing slash."""
    def convert(u: pd.Series) -> pd.Series:
        v = u.str.strip().str.lower()
        v = v.str.replace(r"^[a-z][a-z0-9+.\-]*://", "", regex=True)
        v = v.str.replace(r"^//", "", regex=True)
        v = v.str.replace(r"[?#].*$", "", regex=True)
        v = v.str.replace(r"^[^/@]*@", "", regex=True)
        v = v.str.replace(r"^www\d*\.", "", regex=True)
        v = v.str.replace(r"^([^/:]+):\d+", r"\1", regex=True)
        v = v.str.replace(r"/+$", "", regex=True)
        return v.mask(v == "")
    return by_unique(clean(raw), convert).astype("str")


def url_parameters(raw: pd.Series, names: tuple[str, ...]) -> dict[str, pd.Series]:
    """The (URL-decoded) values of some query parameters, e.g. utm_source, or missing."""
    out = {name: pd.Series(None, index=raw.index, dtype="str") for name in names}
    text = raw.astype("str")
    # only URLs with a query string can carry parameters; most page views have none
    with_query = np.asarray(pc.fill_null(pc.match_substring(_arrow(text), "="), False), dtype=bool)
    if not with_query.any():
        return out
    codes, uniques = pd.factorize(text[with_query].str.strip(), use_na_sentinel=True)
    u = pd.Series(uniques, dtype="str")
    for name in names:
        found = u.str.extract(rf"[?&#]{re.escape(name)}=([^&#]*)", flags=re.I, expand=False)
        found = found.map(lambda v: urllib.parse.unquote_plus(v).strip() if isinstance(v, str) else v).astype("str")
        found = found.mask(found == "").reset_index(drop=True)
        values = found.reindex(codes).astype("str")
        values.index = text.index[with_query]
        out[name] = values.reindex(raw.index)
    return out


def url_parameter(raw: pd.Series, name: str) -> pd.Series:
    return url_parameters(raw, (name,))[name]


def stable_ids(parts: list[pd.Series], prefix: str) -> pd.Series:
    """A deterministic id per row: prefix + md5 of the stripped texts of `parts`, joined by a separator."""
    table = pa.table({f"p{i}": pc.utf8_trim_whitespace(_arrow(p.reset_index(drop=True))) for i, p in enumerate(parts)})
    joined = ", ".join(f"coalesce(p{i}, '')" for i in range(len(parts)))
    con = duckdb.connect()
    try:
        con.register("t", table)   # the query names only our own column names p0, p1, ...
        result = con.sql(f"select substr(md5(concat_ws(chr(31), {joined})), 1, 20) as h from t").to_arrow_table()
    finally:
        con.close()
    return prefix + from_arrow(result.column(0), parts[0].index)


# ---- reading the fields of one file, collecting problems ---------------------------------------

class FieldReader:
    """Fields of one parsed file (raw text, keyed by field name) with converters that record problems."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray, file_name: str, columns: dict[str, str],
                 layout: str = "", source_system: str = "generic", decimal_comma: bool | None = None,
                 dayfirst: bool | None = None):
        self.frame = frame                 # columns are field names
        self.rows = np.asarray(rows)       # file line number per row (same order as frame)
        self.extra: dict[str, pd.Series] = {}   # columns of the file not mapped to a field
        self.file_name = file_name
        self.columns = columns             # field -> column name in the file
        self.layout = layout
        self.source_system = source_system
        self.decimal_comma = decimal_comma
        self.dayfirst = dayfirst
        self.problems: list[Problem] = []
        # a file read in batches: decisions taken once from whole columns (field -> separator / dayfirst),
        # and which fields the builder read as numbers or dates (to take those decisions)
        self.pins: dict[tuple[str, str], object] = {}
        self.typed: dict[str, str] = {}
        self.checked: list[tuple] = []   # (rule, column, severity) of every report() call, in order

    def subset(self, keep: pd.Series) -> None:
        """Keep only some rows (e.g. page views among all events); index labels stay the file's."""
        keep = keep.fillna(False).to_numpy(dtype=bool)
        self.frame = self.frame[keep]
        self.rows = self.rows[keep]
        self.extra = {c: s[keep] for c, s in self.extra.items()}

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def index(self) -> pd.Index:
        return self.frame.index

    def has(self, field: str) -> bool:
        return field in self.frame.columns

    def column(self, field: str) -> str:
        return self.columns.get(field, field)

    def raw(self, field: str) -> pd.Series:
        if self.has(field):
            return self.frame[field]
        return empty(len(self.frame), self.frame.index)

    def text(self, *fields: str) -> pd.Series:
        """Stripped text of the first of `fields` that has a value in each row."""
        out = None
        for f in fields:
            if self.has(f):
                values = clean(self.frame[f])
                out = values if out is None else (out.fillna(values) if out.isna().any() else out)
        return empty(len(self.frame), self.frame.index) if out is None else out

    def report(self, bad: pd.Series, field: str, rule: str, message: str, hint: str,
               severity: str = "error", values: pd.Series | None = None) -> None:
        """One problem per bad row (up to MAX_PROBLEMS_PER_COLUMN), then one summary."""
        self.checked.append((rule, self.column(field), severity))
        bad = bad.fillna(False).to_numpy(dtype=bool)
        count = int(bad.sum())
        if not count:
            return
        values = self.raw(field) if values is None else values
        positions = np.flatnonzero(bad)
        column = self.column(field)
        for pos in positions[:MAX_PROBLEMS_PER_COLUMN]:
            value = values.iloc[pos]
            self.problems.append(Problem(
                file=self.file_name, row=int(self.rows[pos]), column=column,
                value=None if pd.isna(value) else str(value), rule=rule, message=message, hint=hint,
                severity=severity))
        if count > MAX_PROBLEMS_PER_COLUMN:
            self.problems.append(Problem(
                file=self.file_name, row=None, column=column, value=None, rule=rule,
                message=f"{count - MAX_PROBLEMS_PER_COLUMN:,} more rows have the same problem ({message})",
                hint=hint, severity=severity))

    def warn(self, message: str, rule: str, column: str | None = None, hint: str = "") -> None:
        self.problems.append(Problem(file=self.file_name, row=None, column=column, value=None, rule=rule,
                                     message=message, hint=hint, severity="warning"))

    def amount(self, field: str) -> pd.Series:
        if not self.has(field):
            return pd.Series(np.nan, index=self.index, dtype="float64")
        self.typed[field] = "number"
        values, bad = parse_amounts(self.frame[field], self.decimal_comma, self.pins.get(("separator", field)))
        self.report(bad, field, "amount_format", "not an amount",
                    "Use a number such as 1234.50 (currency symbols and thousands separators are fine)")
        return values

    def number(self, field: str) -> pd.Series:
        if not self.has(field):
            return pd.Series(np.nan, index=self.index, dtype="float64")
        self.typed[field] = "number"
        values, bad = parse_numbers(self.frame[field], self.decimal_comma, self.pins.get(("separator", field)))
        self.report(bad, field, "number_format", "not a number", "Use a plain number such as 12.5")
        return values

    def integer(self, field: str) -> pd.Series:
        if not self.has(field):
            return pd.Series(pd.NA, index=self.index, dtype="Int64")
        values, bad = parse_ints(self.frame[field])
        self.report(bad, field, "integer_format", "not a whole number", "Use a whole number such as 1234")
        return values

    def boolean(self, field: str) -> pd.Series:
        if not self.has(field):
            return pd.Series(pd.NA, index=self.index, dtype="boolean")
        values, bad = parse_bools(self.frame[field])
        self.report(bad, field, "boolean_format", "not a yes/no value", "Use true/false, yes/no or 1/0")
        return values

    def timestamp(self, field: str) -> pd.Series:
        """Naive UTC datetime64[us]."""
        if not self.has(field):
            return pd.Series(pd.NaT, index=self.index, dtype="datetime64[us]")
        self.typed[field] = "date"
        pinned = self.pins.get(("dayfirst", field))
        values, bad, note = parse_datetimes(self.frame[field], self.dayfirst if pinned is None else pinned)
        if note and self.file_dayfirst() is not None:
            # undecidable on its own, but another date column of the same file shows the order
            values, bad, note = parse_datetimes(self.frame[field], self.file_dayfirst())
        self.report(bad, field, "date_format", "not a date or time we can read",
                    "Use a date like 2025-03-31 or 3/31/2025 (times like 2025-03-31T14:05:00Z are fine)")
        if note or self.pins.get(("date_note", field)):
            self.warn(f"dates in column '{self.column(field)}' could be month/day or day/month "
                      "(no day above 12); read them as month/day (US)", "date_order", self.column(field),
                      "If they are day/month, export them as YYYY-MM-DD or include a date after the 12th")
        return values

    def file_dayfirst(self) -> bool | None:
        """Day/month order shown by any column of this file (a part above 12), else None."""
        if not hasattr(self, "_file_dayfirst"):
            self._file_dayfirst = None
            for column in self.frame.columns:
                u = pd.Series(pd.unique(self.frame[column].dropna())[:10_000], dtype="str").str.strip()
                parts = u.str.extract("^" + _NUMERIC_RE + "$").dropna(subset=[0])
                if len(parts):
                    order = decide_order(parts[0], parts[2], parts[1])
                    if order.decided and (parts[1] != ".").any():
                        self._file_dayfirst = order.dayfirst
                        break
        return self._file_dayfirst

    def date(self, field: str) -> pd.Series:
        return to_dates(self.timestamp(field))
