"""Web page views of a large staged file, typed in SQL (the rules of `web.build_page_views`).

GA4 and Segment exports are the largest files we take (millions of events), so their rows are
never turned into pandas: the event filter, timestamps, URLs, UTM parameters and derived event
ids are SQL expressions over the staged text cells. Values the SQL fast paths cannot read (a
timestamp that is not ISO 8601, GA4 microseconds or YYYYMMDD) are few and distinct: those go
through `values.parse_datetimes`, so every date format the in-memory parser reads is read here
too, with the same day/month decision and the same problems.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from connectors.base import ROW_COLUMN, Problem
from connectors.detect import Detection
from connectors.staging import SPACE, sql_text
from connectors.values import MAX_PROBLEMS_PER_COLUMN, kind_columns, parse_datetimes
from connectors.web import FORM_EVENTS, PAGE_EVENTS

_ISO = (r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
        r"\s*(?:Z|z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?$")
_DATE_HINT = "Use a date like 2025-03-31 or 3/31/2025 (times like 2025-03-31T14:05:00Z are fine)"


def _strip(expression: str) -> str:
    """Python's strip() in SQL; the guard (first or last character may be a space) spares trim() with a
    long character set on the clean values that are nearly all of them. For the first character a
    byte comparison is enough (a space is below '!', or not ASCII), cheaper than taking the character."""
    space = sql_text(SPACE)
    return (f"case when {expression} <> '' and ({expression} < '!' or {expression} >= chr(128)"
            f" or contains({space}, right({expression}, 1))) then trim({expression}, {space})"
            f" else {expression} end")


def supports(found: Detection) -> bool:
    return found.kind == "web.page_views"


def _in(values) -> str:
    return "(" + ", ".join(sql_text(v) for v in sorted(values)) + ")"


def build(table, found: Detection, problems: list[Problem]) -> set[tuple[str, ...]]:
    """Fill the staging table `canonical` from `cells` in one pass; problems found are appended.
    Returns the keys now unique in `canonical`: event_id (every event has one; repeats are removed).

    Rare cases cost extra passes only when they occur: timestamps the SQL fast paths cannot read,
    GA4 rows falling back to event_date, and duplicate events."""
    con = table.staging.con
    con.execute("set session TimeZone = 'UTC'")
    cell_of = dict(zip(table.columns, table.cells))
    cell = {field: cell_of[col] for col, field in found.fields.items()}
    column = {field: col for col, field in found.fields.items()}

    def raw(field: str) -> str:
        return cell.get(field, "null")

    def text(field: str) -> str:
        return f"nullif({_strip(cell[field])}, '')" if field in cell else "cast(null as varchar)"

    # which events are kept, with their canonical name
    low = f"lower({_strip(raw('event_name'))})"
    kind = (f"case when {low} is null or {low} = '' or {low} in {_in(PAGE_EVENTS)} then 'page_view'"
            f" when {low} in {_in(FORM_EVENTS)} then 'form_submit' end")
    if "event_name" in cell:
        dropped = con.execute(f"select {text('event_name')} as n, count(*) from cells where ({kind}) is null"
                              f" group by n order by count(*) desc, min({ROW_COLUMN})").fetchall()
        total = sum(n for _, n in dropped)
        if total:
            top = ", ".join(f"{k}: {v:,}" for k, v in dropped[:5])
            problems.append(Problem(table.file_name, None, column["event_name"], None, "events_filtered",
                                    f"{total:,} events that are not page views or form submits were left out ({top})",
                                    "", "warning"))

    # when each event happened (naive UTC): the fast paths here, the rest after the insert
    if "timestamp_micros" in cell:
        primary = "timestamp_micros"
        micros = text("timestamp_micros")
        occurred = (f"coalesce(try(make_timestamp(try_cast({micros} as bigint))),"
                    f" try(make_timestamp(cast(try_cast({micros} as double) as bigint))))")
    elif "occurred_at" in cell:
        primary = "occurred_at"
        occurred = _fast_timestamp(text("occurred_at"))
        occurred = _one_format(con, cell["occurred_at"], occurred) or occurred
    else:
        primary, occurred = None, "cast(null as timestamp)"

    # URL, visitor, UTM parameters (from the page URL's query, else the tool's columns), event id
    def page_of(url: str, host: str | None) -> str:
        page = f"nullif({_strip(url)}, '')"
        if host is None:
            return page
        return f"case when starts_with({page}, '/') then nullif({_strip(host)}, '') || {page} else {page} end"

    # the page URL depends on the url (and hostname) cells only: keyed by them, worked out once per value
    keys = [cell[f] for f in ("url", "hostname") if f in cell] if "url" in cell else []
    page = page_of("k0", "k1" if len(keys) > 1 else None)
    raw_time = raw("timestamp_micros") if "timestamp_micros" in cell else raw("occurred_at")
    parts = ", ".join(f"coalesce({_strip(p)}, '')"
                      for p in (raw("visitor_id"), raw_time, raw("event_name"), raw("url")))
    derived = f"'ev-' || substr(md5(concat_ws(chr(31), {parts})), 1, 20)"
    given = text("event_id")

    def param(name: str) -> str:
        found_value = f"regexp_extract(u, '(?i)[?&#]{name}=([^&#]*)', 1)"
        decoded = _strip(f"url_decode(replace({found_value}, '+', '%20'))")
        return f"case when contains(u, '=') then nullif({decoded}, '') end as {name}"

    # distinct URLs are few: each is normalised once
    norm = "lower(trim(u))"
    for pattern, repl in ((r"^[a-z][a-z0-9+.\-]*://", ""), (r"^//", ""), (r"[?#].*$", ""), (r"^[^/@]*@", ""),
                          (r"^www\d*\.", ""), (r"^([^/:]+):\d+", r"\1"), (r"/+$", "")):
        norm = f"regexp_replace({norm}, {sql_text(pattern)}, {sql_text(repl)})"
    key_names = ", ".join(f"{k} as k{i}" for i, k in enumerate(keys))
    if keys:
        con.execute(f"""
            create or replace temp table _urls as
            select *, nullif({norm}, '') as url, {param('utm_source')}, {param('utm_medium')}, {param('utm_campaign')}
            from (select *, {page} as u from (select distinct {key_names} from cells where ({kind}) is not null))""")
    else:
        con.execute("create or replace temp table _urls as select cast(null as varchar) as url, cast(null as varchar)"
                    " as utm_source, cast(null as varchar) as utm_medium, cast(null as varchar) as utm_campaign"
                    " where false")
    on = " and ".join(f"u.k{i} = cells.{k}" for i, k in enumerate(keys)) or "false"

    columns = list(kind_columns("web.page_views"))
    chosen = {
        "event_id": f"case when {given} is null then {derived} else {given} end",
        "visitor_id": f"coalesce({text('visitor_id')}, {text('user_id')})",
        "user_id": text("user_id"),
        "occurred_at": occurred,
        "event_name": kind,
        "url": "u.url",
        "referrer": text("referrer"),
        "utm_source": f"coalesce(u.utm_source, {text('utm_source')})",
        "utm_medium": f"coalesce(u.utm_medium, {text('utm_medium')})",
        "utm_campaign": f"coalesce(u.utm_campaign, {text('utm_campaign')})",
        "source_system": sql_text(found.source_system),
    }
    select = ", ".join(f"{chosen[c]} as {c}" for c in columns)
    # every row carries its line number, so in an instance of its own DuckDB's threads may append in any
    # order (the cells were read in file order, where rowid gives the line); a staging database inside the
    # load's instance keeps file order, which the target table then compresses faster
    if table.staging.private:
        con.execute("set preserve_insertion_order = false")
    con.execute(f"insert into canonical ({', '.join(columns)}, {ROW_COLUMN})"
                f" select {select}, cells.{ROW_COLUMN} from cells left join _urls u on {on}"
                f" where ({kind}) is not null")
    con.execute("drop table _urls")

    if con.execute("select count(*) from canonical where occurred_at is null").fetchall()[0][0]:
        _late_timestamps(con, table, problems, cell, column, primary)

    duplicates = con.execute("select count(*) - count(distinct event_id) from canonical").fetchall()[0][0]
    if duplicates:
        problems.append(Problem(table.file_name, None, None, None, "duplicate_events",
                                f"{duplicates:,} events appear twice in the file (same visitor, time, event and page);"
                                " each is loaded once", "", "warning"))
        con.execute(f"delete from canonical where {ROW_COLUMN} in (select {ROW_COLUMN} from (select {ROW_COLUMN},"
                    f" row_number() over (partition by event_id order by {ROW_COLUMN}) as n from canonical)"
                    " where n > 1)")
    return {("event_id",)}


def _fast_timestamp(value: str) -> str:
    """ISO 8601 (with an offset, Z, UTC or none) and YYYYMMDD, in SQL; NULL for anything else."""
    iso = (f"case when regexp_full_match({value}, {sql_text(_ISO)}) then cast(try_cast("
           f"regexp_replace({value}, '\\s*(UTC|GMT)$', 'Z') as timestamptz) as timestamp) end")
    compact = (f"case when regexp_full_match({value}, '(?:19|20)\\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])')"
               f" then try_strptime({value}, '%Y%m%d') end")
    return f"coalesce({iso}, {compact})"


# layouts of a whole timestamp column that strptime reads far faster than the general ISO reading
_COLUMN_FORMATS = ("%Y-%m-%dT%H:%M:%S.%gZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S",
                   "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%g", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%g",
                   "%Y-%m-%dT%H:%M:%S.%f")


def _one_format(con, cell: str, general: str) -> str | None:
    """Exports write every timestamp the same way: when the column's first value has one of
    _COLUMN_FORMATS (and strptime gives the same time as the general reading `general`), values
    of that exact length are read with that format, and only the others by `general`."""
    first = con.execute(f"select {cell} from cells where {cell} <> '' order by {ROW_COLUMN} limit 1").fetchall()
    if not first:
        return None
    value = first[0][0]
    for fmt in _COLUMN_FORMATS:
        same = con.execute(f"select try_strptime($1, $2) is not null and try_strptime($1, $2) = ({general})"
                           f" from (select $1 as {cell})", [value, fmt]).fetchall()[0][0]
        if same:
            return (f"coalesce(case when length({cell}) = {len(value)} then try_strptime({cell}, {sql_text(fmt)}) end,"
                    f" {general})")
    return None


def _late_timestamps(con, table, problems: list[Problem], cell: dict, column: dict, primary: str | None) -> None:
    """Rows whose time the fast paths left empty: other formats through values.parse_datetimes (the
    same reading as the in-memory parser), then GA4's event_date; unreadable values reported."""
    missing = f"{ROW_COLUMN} in (select {ROW_COLUMN} from canonical where occurred_at is null)"
    if primary is not None:
        value = f"nullif({_strip(cell[primary])}, '')"
        if primary == "occurred_at":
            _slow_fill(con, table, problems, cell, column, primary, value, missing)
            message, hint = "not a date or time we can read", _DATE_HINT
        else:
            message, hint = "not a GA4 event_timestamp (microseconds since 1970)", "Export event_timestamp unchanged"
        _report_bad(con, table, problems, column[primary], cell[primary], value, missing, message, hint)
    if "event_date" not in cell or not con.execute(
            "select count(*) from canonical where occurred_at is null").fetchall()[0][0]:
        return
    # as the in-memory parser: event_date is read (and its bad values reported) on every kept row
    value = f"nullif({_strip(cell['event_date'])}, '')"
    con.execute(f"create or replace temp table _dates as select {ROW_COLUMN}, {value} as v, {_fast_timestamp(value)}"
                f" as ts from cells where {ROW_COLUMN} in (select {ROW_COLUMN} from canonical)")
    left = con.sql("select distinct v from _dates where ts is null and v is not null").to_arrow_table().column(0)
    if len(left):
        _slow_values(con, table, problems, cell, column, "event_date", left)
        con.execute("update _dates set ts = s.ts from _slow s where _dates.v = s.v and _dates.ts is null")
        con.execute("drop table _slow")
    rows = con.execute(f"select d.{ROW_COLUMN}, c.{cell['event_date']} from _dates d join cells c using ({ROW_COLUMN})"
                       f" where d.v is not null and d.ts is null order by 1").fetchall()
    _problems_for(table, problems, column["event_date"], rows, "not a date or time we can read", _DATE_HINT)
    con.execute(f"update canonical set occurred_at = d.ts from _dates d"
                f" where canonical.{ROW_COLUMN} = d.{ROW_COLUMN} and canonical.occurred_at is null")
    con.execute("drop table _dates")


def _slow_values(con, table, problems, cell, column, field, left) -> None:
    """Table _slow (v, ts): the distinct values `left` read by values.parse_datetimes."""
    from connectors.parse import whole_column_pins

    pins = whole_column_pins(table, {field: cell[field]}, {field: "date"})
    u = pd.Series(left.to_pandas(), dtype="str")
    parsed, _, _ = parse_datetimes(u, pins.get(("dayfirst", field)))
    con.register("_slow_arrow", pa.table({"v": pa.array(u.array, pa.string()),
                                          "ts": pa.array(parsed.astype("datetime64[us]"), pa.timestamp("us"))}))
    try:
        con.execute("create or replace temp table _slow as select * from _slow_arrow")
    finally:
        con.unregister("_slow_arrow")
    if pins.get(("date_note", field)):
        problems.append(Problem(
            table.file_name, None, column[field], None, "date_order",
            f"dates in column '{column[field]}' could be month/day or day/month (no day above 12);"
            " read them as month/day (US)",
            "If they are day/month, export them as YYYY-MM-DD or include a date after the 12th", "warning"))


def _slow_fill(con, table, problems, cell, column, field, value, missing) -> None:
    left = con.sql(f"select distinct {value} from cells where {missing} and {value} is not null"
                   ).to_arrow_table().column(0)
    if not len(left):
        return
    _slow_values(con, table, problems, cell, column, field, left)
    con.execute(f"update canonical set occurred_at = s.ts from cells c join _slow s on s.v = nullif("
                f"{_strip('c.' + cell[field])}, '') where canonical.{ROW_COLUMN} = c.{ROW_COLUMN}"
                f" and canonical.occurred_at is null and c.{missing}")
    con.execute("drop table _slow")


def _report_bad(con, table, problems: list[Problem], column: str, cell: str, value: str, missing: str,
                message: str, hint: str) -> None:
    """Rows still without a time whose cell has a value: that value could not be read."""
    rows = con.execute(f"select {ROW_COLUMN}, {cell} from cells where {missing} and {value} is not null"
                       f" order by {ROW_COLUMN}").fetchall()
    _problems_for(table, problems, column, rows, message, hint)


def _problems_for(table, problems: list[Problem], column: str, rows: list, message: str, hint: str) -> None:
    """One problem per unreadable value (up to MAX_PROBLEMS_PER_COLUMN), then one summary line."""
    for row, value in rows[:MAX_PROBLEMS_PER_COLUMN]:
        problems.append(Problem(table.file_name, int(row), column, value, "date_format", message, hint))
    if len(rows) > MAX_PROBLEMS_PER_COLUMN:
        problems.append(Problem(table.file_name, None, column, None, "date_format",
                                f"{len(rows) - MAX_PROBLEMS_PER_COLUMN:,} more rows have the same problem ({message})",
                                hint))
