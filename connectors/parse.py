"""Entry point: an export file's bytes -> canonical rows (one `Parsed` per table in it).

    parse_file("Opportunity.csv", data)                       # layout detected from the header
    parse_file("deals.csv", data, kind="crm.opportunities")   # the kind forced (CLI --kind)
    parse_file("x.csv", data, mapping={"Deal": "opportunity_id", "Stage": "stage"})  # mapping editor

Steps: containers (zip, gz) are opened; `files` reads the table (encoding, delimiter,
preamble, footer, line numbers); `detect` decides the layout and maps columns to fields;
the kind's builder (crm / web / ads / content / survey) converts the fields to canonical
columns; rows without a key value are set aside as problems.
"""
from __future__ import annotations

import re

import pandas as pd

from connectors import detect, files, staging
from connectors.base import KIND_TABLE, ROW_COLUMN, TABLE_KEYS, ConnectorError, Parsed, Problem
from connectors.values import (
    _NUMERIC_RE, MAX_PROBLEMS_PER_COLUMN, FieldReader, decide_order, kind_columns, number_separator,
)

known_layouts = detect.known_layouts
kind_fields = detect.kind_fields


def guess_mapping(columns: list[str], kind: str) -> tuple[dict[str, str], float, list[str]]:
    """(file column -> canonical column or helper field, confidence 0..1, unmapped columns), for the mapping editor."""
    return detect.guess_mapping(list(columns), kind, forced=True)


def parse_file(file_name: str, data: bytes, kind: str | None = None,
               mapping: dict[str, str] | None = None) -> list[Parsed]:
    """Parse one uploaded file. Raises ConnectorError (with problems) when it cannot be read at all."""
    if kind is not None and kind not in KIND_TABLE:
        raise ConnectorError([Problem(file_name, None, None, kind, "unknown_kind", f"'{kind}' is not an export kind",
                                      "Use one of: " + ", ".join(KIND_TABLE))])
    container = files.container_kind(data)
    if container == "zip":
        members = files.zip_members(file_name, data)
        if not members:
            raise ConnectorError([Problem(file_name, None, None, None, "empty_zip", "the zip file has no files in it",
                                          "Zip the export files themselves")])
        out: list[Parsed] = []
        problems: list[Problem] = []
        for name, blob in members:
            try:
                out.extend(parse_file(f"{file_name}:{name}", blob, kind, mapping))
            except ConnectorError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ConnectorError(problems)
        return out
    if container == "gzip":
        inner, blob = files.gunzip(file_name, data)
        return parse_file(inner, blob, kind, mapping)
    if container == "parquet":
        return [parse_staged(files.stage_parquet_table(file_name, data), kind, mapping)]
    staged = files.stage_text_table(file_name, data)
    if staged is not None:
        return [parse_staged(staged, kind, mapping)]
    table = files.read_table(file_name, data if isinstance(data, bytes) else bytes(data))
    return [parse_table(table, kind, mapping)]


def _detect(table: files.Table | files.StagedTable, kind: str | None, mapping: dict[str, str] | None):
    hint = "salesforce" if any("salesforce.com" in line.lower() for line in table.footer) else None
    found = detect.detect(table.columns, table.file_name, kind, mapping, hint)
    spec = detect.kind_spec(found.kind)
    problems = list(table.problems)
    if found.unmapped and not (spec.wide and "question_id" not in found.fields.values()):
        problems.append(Problem(
            table.file_name, None, None, None, "unknown_columns",
            f"{len(found.unmapped)} columns are not used: {', '.join(found.unmapped)}",
            "Nothing to do if they are not needed; otherwise map them in the mapping editor", severity="warning"))
    canonical = set(kind_columns(found.kind))
    used = {col: spec.target(field) for col, field in found.fields.items() if spec.target(field) in canonical}
    return found, spec, problems, used


def parse_table(table: files.Table, kind: str | None = None, mapping: dict[str, str] | None = None) -> Parsed:
    found, spec, problems, used = _detect(table, kind, mapping)
    frame = pd.DataFrame({field: table.frame[col] for col, field in found.fields.items()}, index=table.frame.index)
    reader = FieldReader(frame, table.rows, table.file_name, {f: c for c, f in found.fields.items()},
                         layout=found.layout, source_system=found.source_system,
                         decimal_comma=table.decimal_comma)
    reader.extra = {c: table.frame[c] for c in found.unmapped}
    out = spec.build(reader, found.options)
    problems.extend(reader.problems)
    out = _finish(out, found.kind, table.file_name, pd.Series(table.rows, index=table.frame.index), reader,
                  problems)
    if not len(out) and not any(p.severity == "error" for p in problems):
        problems.append(Problem(table.file_name, None, None, None, "no_rows", "the file has no data rows",
                                "Check the export's filters", severity="warning"))
    return Parsed(file_name=table.file_name, kind=found.kind, layout=found.layout, frame=out, problems=problems,
                  columns_seen=list(table.columns), mapping=used)


def parse_staged(table: files.StagedTable, kind: str | None = None,
                 mapping: dict[str, str] | None = None) -> Parsed:
    """A large file staged by DuckDB: web page views are typed in SQL; other kinds go through their
    builder in batches of staging.BATCH_ROWS rows, with the decisions a builder takes from a whole
    column (decimal separator, day/month order) taken once, from the whole column."""
    from connectors import web_sql

    found, spec, problems, used = _detect(table, kind, mapping)
    store = table.staging
    staging.canonical_table(store, found.kind)
    unique: set[tuple[str, ...]] = set()
    if web_sql.supports(found):
        unique = web_sql.build(table, found, problems)
    else:
        _build_in_batches(table, found, spec, problems)
    store.con.execute("drop view if exists cells")
    store.con.execute("drop table if exists _read")
    rows = staging.StagedRows(store, list(kind_columns(found.kind)) + [ROW_COLUMN], unique)
    if not rows.count() and not any(p.severity == "error" for p in problems):
        problems.append(Problem(table.file_name, None, None, None, "no_rows", "the file has no data rows",
                                "Check the export's filters", severity="warning"))
    return Parsed(file_name=table.file_name, kind=found.kind, layout=found.layout, frame=None, problems=problems,
                  columns_seen=list(table.columns), mapping=used, staged=rows)


def _build_in_batches(table: files.StagedTable, found: detect.Detection, spec: detect.KindSpec,
                      problems: list[Problem]) -> None:
    cell_of = dict(zip(table.columns, table.cells))
    fields = {field: cell_of[col] for col, field in found.fields.items()}
    extra = {c: cell_of[c] for c in found.unmapped} if spec.wide else {}
    wanted = list(dict.fromkeys([*fields.values(), *extra.values()]))
    con = table.staging.con
    merged = ProblemMerger()
    size = table.row_count + 1 if found.kind in staging.WHOLE_FILE_KINDS else staging.BATCH_ROWS
    select = f"select {', '.join([ROW_COLUMN, *wanted])} from cells order by {ROW_COLUMN}"

    def build(cells: pd.DataFrame, pins: dict) -> tuple[pd.DataFrame, FieldReader]:
        frame = pd.DataFrame({field: cells[cell] for field, cell in fields.items()})
        reader = FieldReader(frame, cells[ROW_COLUMN].to_numpy(), table.file_name,
                             {f: c for c, f in found.fields.items()}, layout=found.layout,
                             source_system=found.source_system, decimal_comma=table.decimal_comma)
        reader.extra = {c: cells[cell] for c, cell in extra.items()}
        reader.pins = pins
        return spec.build(reader, found.options), reader

    pins: dict = {}
    decided: set[str] = set()
    if table.row_count > size:
        # more than one batch: a probe on the first rows shows which fields the builder reads as numbers
        # and dates; their separator and day/month order are then decided once, from the whole column
        _, probe = build(con.sql(select + " limit 1000").to_arrow_table().to_pandas(), {})
        pins = whole_column_pins(table, fields, probe.typed)
        decided = set(probe.typed)
    cursor = table.staging.cursor()
    try:
        for batch in cursor.sql(select).to_arrow_reader(size):
            out, reader = build(batch.to_pandas(), pins)
            if pins or decided or table.row_count > size:
                late = {f: how for f, how in reader.typed.items() if f not in decided}
                if late:   # read only where some rows ask for it: decided from here on
                    pins.update(whole_column_pins(table, fields, late))
                    decided.update(late)
            found_here = list(reader.problems)
            out = _finish(out, found.kind, table.file_name, pd.Series(reader.rows, index=reader.index), reader,
                          found_here)
            merged.add(found_here, reader.checked)
            staging.append_canonical(table.staging, out)
    finally:
        cursor.close()
    problems.extend(merged.problems())


def whole_column_pins(table: files.StagedTable, fields: dict[str, str], typed: dict[str, str]) -> dict:
    """The decimal separator of every number field and the day/month order of every date field,
    decided from the whole staged column as the in-memory parser decides them from the whole file."""
    con = table.staging.con
    pins: dict = {}
    file_order: list[bool | None] = []

    def file_dayfirst() -> bool | None:
        if not file_order:
            file_order.append(None)
            for cell in dict.fromkeys(fields.values()):
                u = _texts(con, f"select {cell} from cells group by {cell} order by min({ROW_COLUMN}) limit 10000"
                           ).str.strip()
                parts = u.str.extract("^" + _NUMERIC_RE + "$").dropna(subset=[0])
                if len(parts):
                    order = decide_order(parts[0], parts[2], parts[1])
                    if order.decided and (parts[1] != ".").any():
                        file_order[0] = order.dayfirst
                        break
        return file_order[0]

    for field, how in typed.items():
        cell = fields.get(field)
        if cell is None:
            continue
        if how == "number":
            u = _texts(con, f"select distinct {cell} from cells where contains({cell}, ',') or contains({cell}, '.')")
            pins[("separator", field)] = number_separator(u, table.decimal_comma)
            continue
        # numeric dates (3/4/2026, 04.03.26): a loose filter here, the exact pattern below
        u = _texts(con, f"select distinct trim({cell}) from cells"
                        f" where regexp_matches({cell}, '^\\s*\\d{{1,2}}[/.-]\\d{{1,2}}[/.-]\\d{{2,4}}')")
        parts = u.str.extract("^" + _NUMERIC_RE + "$").dropna(subset=[0])
        if not len(parts):
            continue
        order = decide_order(parts[0], parts[2], parts[1])
        if order.decided:
            pins[("dayfirst", field)] = order.dayfirst
        elif file_dayfirst() is not None:
            pins[("dayfirst", field)] = file_dayfirst()
        else:
            pins[("dayfirst", field)] = False
            pins[("date_note", field)] = True
    return pins


def _texts(con, sql: str) -> pd.Series:
    """The first column of a query over the staged cells, as pandas text."""
    return con.sql(sql).to_arrow_table().column(0).to_pandas().astype("str")


_MORE_RE = re.compile(r"^([\d,]+) more rows")
_COUNT_RE = re.compile(r"^([\d,]+) (.*)$", re.S)


class ProblemMerger:
    """Problems of a file found batch by batch, reported as if found on the whole file: at most
    MAX_PROBLEMS_PER_COLUMN rows per rule and column, then one "N more rows" line; a warning
    repeated by every batch once (counts added up when it starts with one)."""

    def __init__(self, cap: int = MAX_PROBLEMS_PER_COLUMN):
        self.cap = cap
        self.order: list[tuple] = []
        self.rows: dict[tuple, list[Problem]] = {}
        self.totals: dict[tuple, int] = {}
        self.summary: dict[tuple, Problem] = {}
        self.other: dict[tuple, tuple[Problem, int | None]] = {}

    def add(self, problems: list[Problem], checked: list[tuple] = ()) -> None:
        """The problems of one batch. `checked` is every (rule, column, severity) the builder checked,
        in its order, problems or not; a rule first met in a later batch takes its place in that
        order (before the next rule this batch shares with earlier ones)."""
        self._place([("rows", key) for key in dict.fromkeys(checked)])
        batch_order: list[tuple] = []
        for p in problems:
            entry = self._take(p)
            if entry not in batch_order:
                batch_order.append(entry)
        self._place(batch_order)

    def _place(self, batch_order: list[tuple]) -> None:
        for i, entry in enumerate(batch_order):
            if entry in self.order:
                continue
            after = next((e for e in batch_order[i + 1:] if e in self.order), None)
            self.order.insert(self.order.index(after) if after else len(self.order), entry)

    def _take(self, p: Problem) -> tuple:
        key = (p.rule, p.column, p.severity)
        more = _MORE_RE.match(p.message) if p.row is None else None
        if p.row is not None or more:
            if key not in self.rows:
                self.rows[key] = []
                self.totals[key] = 0
            if more:
                self.summary.setdefault(key, p)
                self.totals[key] += int(more.group(1).replace(",", ""))
            else:
                self.totals[key] += 1
                if len(self.rows[key]) < self.cap:
                    self.rows[key].append(p)
            return ("rows", key)
        counted = _COUNT_RE.match(p.message)
        okey = (p.rule, p.column, p.severity, p.hint, counted.group(2) if counted else p.message)
        if okey not in self.other:
            self.other[okey] = (p, 0 if counted else None)
        first, total = self.other[okey]
        if counted:
            self.other[okey] = (first, total + int(counted.group(1).replace(",", "")))
        return ("other", okey)

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        for what, key in self.order:
            if what == "other":
                first, total = self.other[key]
                if total is not None:
                    first = Problem(first.file, first.row, first.column, first.value, first.rule,
                                    f"{total:,} {key[4]}", first.hint, first.severity)
                out.append(first)
                continue
            if key not in self.rows:
                continue                       # checked, never failed
            out.extend(self.rows[key])
            beyond = self.totals[key] - len(self.rows[key])
            if beyond > 0:
                template = self.summary.get(key)
                if template is None:
                    template = self.rows[key][-1]
                    message = f"{beyond:,} more rows have the same problem ({template.message})"
                else:
                    message = _MORE_RE.sub(f"{beyond:,} more rows", template.message, count=1)
                out.append(Problem(template.file, None, template.column, None, template.rule, message,
                                   template.hint, template.severity))
        return out


def _finish(out: pd.DataFrame, kind: str, file_name: str, lines: pd.Series, reader: FieldReader,
            problems: list[Problem]) -> pd.DataFrame:
    """Canonical columns in schema order plus the file line of each row; rows lacking a key set aside."""
    columns = kind_columns(kind)
    for c in columns:
        if c not in out.columns:
            out[c] = pd.Series(None, index=out.index, dtype="str")
    out = out[list(columns)].copy()
    out[ROW_COLUMN] = lines.loc[out.index].to_numpy()
    missing_any = pd.Series(False, index=out.index)
    for key in TABLE_KEYS[KIND_TABLE[kind]]:
        missing = out[key].isna()
        if not missing.any():
            continue
        column = _file_column(key, reader)
        for row in out.loc[missing, ROW_COLUMN].head(100):
            problems.append(Problem(file_name, int(row), column, None, "not_null",
                                    f"{column} is empty, and it identifies the row",
                                    "Fill it in, or remove the row from the export"))
        if missing.sum() > 100:
            problems.append(Problem(file_name, None, column, None, "not_null",
                                    f"{int(missing.sum()) - 100:,} more rows have no {column}",
                                    "Fill it in, or remove the rows from the export"))
        missing_any |= missing
    out = out[~missing_any].reset_index(drop=True)
    return out


def _file_column(canonical: str, reader: FieldReader) -> str:
    for field, col in reader.columns.items():
        if field == canonical:
            return col
    return canonical
