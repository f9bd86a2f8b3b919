"""Loading export files: validate, then write all of them in one transaction, logged and undoable.

The files of one upload are one unit: if any has an error, none is loaded and the database
is exactly as before, apart from a load_log row per file saying why it was rejected. An
accepted unit is written in one DuckDB transaction (a crash or SIGKILL half-way leaves the
previous state), each file upserted by the key of its table, so loading the same file twice
changes nothing and a newer export of the same object updates its rows.

Every accepted file gets a load_id, stamped on the rows it inserts or updates. The prior
version of every row it updated goes to a shadow table `load_undo_<table>`; the rows it
inserted are the ones carrying its load_id without a prior version. So `undo_load` can put
the table back exactly as it was. The raw bytes are archived, content-addressed, beside the
database file.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import pathlib
import re
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterable

import pandas as pd

from connectors import suites
from connectors.base import KIND_TABLE, ROW_COLUMN, TABLE_KEYS, ConnectorError, Parsed, Problem

# one writer per process; DuckDB itself refuses a second writing process on the same file
_WRITER = threading.RLock()

UNDO_PREFIX = "load_undo_"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class UndoError(ValueError):
    """A load that cannot be undone (unknown, not accepted, or changed by a later load)."""


@dataclasses.dataclass
class FileReport:
    """What happened to one parsed export (a zip file yields one per member)."""

    name: str
    kind: str | None = None
    layout: str | None = None
    rows_in_file: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[Problem] = dataclasses.field(default_factory=list)
    warnings: list[Problem] = dataclasses.field(default_factory=list)
    result: str = "pending"          # accepted | rejected | preview
    load_id: int | None = None
    sha256: str = ""
    archive_path: str | None = None
    source: str = ""                 # the uploaded file it came from
    bad_rows: dict[int, list[str]] = dataclasses.field(default_factory=dict, repr=False)
    parsed: Parsed | None = dataclasses.field(default=None, repr=False)
    checks: list[suites.CheckResult] = dataclasses.field(default_factory=list, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        return {"rows": self.rows_in_file, "inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected}


@dataclasses.dataclass
class LoadReport:
    files: list[FileReport]
    ok: bool
    dry_run: bool = False
    message: str = ""                # unit-level outcome, e.g. an exception while writing

    @property
    def load_ids(self) -> list[int]:
        return [f.load_id for f in self.files if f.load_id is not None and f.result == "accepted"]

    @property
    def errors(self) -> list[Problem]:
        return [p for f in self.files for p in f.errors]

    @property
    def warnings(self) -> list[Problem]:
        return [p for f in self.files for p in f.warnings]

    def summary(self) -> str:
        """One line per file, then the outcome of the unit."""
        lines = []
        for f in self.files:
            what = f.kind or "unknown kind"
            if f.layout:
                what += f" ({f.layout})"
            line = f"{f.name}: {what}, {_n(f.rows_in_file, 'row')}"
            if f.errors:
                line += f"; {_n(len(f.errors), 'error')}"
                if f.rejected:
                    line += f" on {_n(f.rejected, 'row')}"
            elif f.result in ("accepted", "preview"):
                line += f": {f.inserted:,} new, {f.updated:,} updated, {f.unchanged:,} unchanged"
            if f.warnings:
                line += f"; {_n(len(f.warnings), 'warning')}"
            if f.result == "accepted":
                line += f". Loaded as load {f.load_id}."
            elif f.result == "preview":
                line += ". Not loaded yet (preview)."
            else:
                line += ". Not loaded."
            lines.append(line)
        if self.ok:
            lines.append("Preview only: nothing was written." if self.dry_run
                         else f"Loaded {_n(len(self.files), 'file')}.")
        else:
            lines.append(self.message or "Rejected: nothing was loaded.")
        return "\n".join(lines)

    def messages(self) -> list[str]:
        """Every error as 'file, row N, column C: what is wrong (value). What to do.'"""
        return [str(p) for p in self.errors]

    def warning_messages(self) -> list[str]:
        return [str(p) for p in self.warnings]

    def rejected_rows(self) -> pd.DataFrame:
        """The rows with errors, as in the parsed files, with the problems beside them (for a CSV download)."""
        parts = []
        for f in self.files:
            if not f.bad_rows or f.parsed is None:
                continue
            if f.parsed.staged is not None:    # a large staged file: fetch only the rejected rows
                picked = f.parsed.staged.rows(sorted(f.bad_rows))
            elif ROW_COLUMN not in f.parsed.frame.columns:
                continue
            else:
                frame = f.parsed.frame
                picked = frame[frame[ROW_COLUMN].isin(list(f.bad_rows))].copy()
            picked.insert(0, "problems", [" | ".join(f.bad_rows[int(r)]) for r in picked[ROW_COLUMN]])
            picked.insert(0, "row", picked.pop(ROW_COLUMN).astype("int64"))
            picked.insert(0, "file", f.name)
            parts.append(picked)
        if not parts:
            return pd.DataFrame(columns=["file", "row", "problems"])
        return pd.concat(parts, ignore_index=True).sort_values(["file", "row"], kind="stable").reset_index(drop=True)


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


# ---- parsing and validation ------------------------------------------------------------------

def _default_parser() -> Callable[..., list[Parsed]]:
    from connectors.parse import parse_file
    return parse_file


def _problem(file: str, rule: str, message: str, hint: str = "") -> Problem:
    return Problem(file=file, row=None, column=None, value=None, rule=rule, message=message, hint=hint)


def _check(parsed: Parsed, source: str, sha: str) -> FileReport:
    """Parser problems plus the kind's GX suite, as one report."""
    report = _report(parsed, source, sha)
    _validate(report)
    return report


def _report(parsed: Parsed, source: str, sha: str) -> FileReport:
    """The report of a parsed export before validation: the parser's problems only."""
    report = FileReport(name=parsed.file_name, kind=parsed.kind, layout=parsed.layout,
                        rows_in_file=parsed.row_count, source=source, sha256=sha, parsed=parsed)
    if parsed.kind not in KIND_TABLE:
        report.errors.append(_problem(parsed.file_name, "unknown_kind", f"'{parsed.kind}' is not a known export kind",
                                      "Choose one of: " + ", ".join(KIND_TABLE)))
        return report
    for p in parsed.problems:
        (report.errors if p.severity == "error" else report.warnings).append(p)
    return report


def _validate(report: FileReport) -> None:
    """Run the kind's GX suite on the report's rows; its problems join the parser's."""
    parsed = report.parsed
    if parsed.kind not in KIND_TABLE:
        return
    run = suites.run_suite(parsed)
    report.checks = run.results
    # a value the parser already reported (e.g. an unreadable date) is not reported again by GX
    seen = {(p.row, p.column) for p in parsed.problems if p.severity == "error" and p.row is not None}
    report.errors, report.warnings = [], []
    for p in parsed.problems + [p for p in run.problems if (p.row, p.column) not in seen or p.severity != "error"]:
        (report.errors if p.severity == "error" else report.warnings).append(p)
    report.bad_rows = dict(run.bad_rows)
    for p in parsed.problems:
        if p.severity == "error" and p.row is not None:
            report.bad_rows.setdefault(p.row, []).append(f"{p.column or ''}: {p.message}".lstrip(": "))
    if any(p.row is None for p in report.errors):
        report.rejected = report.rows_in_file   # a file-level error (e.g. a missing column) affects every row
    else:
        report.rejected = len(report.bad_rows)


def _parse_one(name: str, data: bytes, kind: str | None, mapping: dict | None,
               parser: Callable[..., list[Parsed]] | None) -> list[Parsed] | list[Problem]:
    """The file's parsed exports, or the problems that stopped it being read."""
    try:
        parsed_list = (parser or _default_parser())(name, data, kind=kind, mapping=mapping)
    except ConnectorError as exc:
        return list(exc.problems)
    except Exception as exc:  # a parser bug must not take the upload page down
        return [_problem(name, "unreadable", f"the file could not be read ({exc.__class__.__name__}: {exc})",
                         "Check that it is a CSV, Excel or zip export, or choose its kind by hand")]
    return parsed_list or [_problem(name, "empty", "no data was found in the file",
                                    "Check that you picked the right export")]


def _parse_all(files: Iterable[tuple[str, bytes]], kind: str | None, mapping: dict | None,
               parser: Callable[..., list[Parsed]] | None) -> list[FileReport]:
    reports: list[FileReport] = []
    for name, data in files:
        # hashing a large file takes about as long as a pass of the parser: done meanwhile (hashlib
        # lets go of the GIL)
        with ThreadPoolExecutor(1) as pool:
            hashing = pool.submit(lambda d: hashlib.sha256(d).hexdigest(), data)
            outcome = _parse_one(name, data, kind, mapping, parser)
            sha = hashing.result()
        if all(isinstance(x, Problem) for x in outcome):
            reports.append(FileReport(name=name, source=name, sha256=sha, errors=list(outcome)))
        else:
            reports.extend(_report(p, name, sha) for p in outcome)
    return reports


# ---- writing ---------------------------------------------------------------------------------

def _columns(con, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_name = ? and table_schema = 'main'"
        " and table_catalog = current_database()"
        " order by ordinal_position", [table]).fetchall()
    return [r[0] for r in rows]


def _column_types(con, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns where table_name = ? and table_schema = 'main'"
        " and table_catalog = current_database()"
        " order by ordinal_position", [table]).fetchall()


def _create_like(con, new: str, table: str, columns: list[str] | None = None, extra: str = "",
                 temp: bool = False) -> None:
    """`create table new` with the types of `table`'s columns, spelled out.

    Spelled out rather than `create table ... as select ... limit 0`: with DuckDB 2.0.0 a table
    made that way inside a transaction and then filled from a pandas frame of more than one
    row group (122,880 rows) reads back as empty in joins and inserts (count(*) still right).
    """
    types = dict(_column_types(con, table))
    cols = columns if columns is not None else list(types)
    body = ", ".join(f"{c} {types[c]}" for c in cols) + (f", {extra}" if extra else "")
    con.execute(f"create {'or replace temp ' if temp else ''}table {'' if temp else 'if not exists '}{new} ({body})")


def _undo_table(con, table: str) -> str:
    """The shadow table keeping prior versions for undo; created, or widened, to match `table`."""
    if table not in TABLE_KEYS:  # identifiers only ever come from the canonical whitelist
        raise ValueError(f"not a canonical table: {table}")
    undo = UNDO_PREFIX + table
    _create_like(con, undo, table, extra="undo_load_id bigint, undo_action varchar")
    have = set(_columns(con, undo))
    for col, col_type in _column_types(con, table):
        if col not in have:
            con.execute(f"alter table {undo} add column {col} {col_type}")
    return undo


def _incoming_frame(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = frame[cols].copy()
    for col in cols:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            # stored as UTC wall time; DuckDB would otherwise shift it by the session time zone
            out[col] = out[col].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


@contextlib.contextmanager
def _incoming(con, parsed: Parsed, cols: list[str]):
    """The name to select the incoming rows from: a large file staged inside `con`'s instance is its
    staging table, copied natively; one staged elsewhere streams from its staging database batch by
    batch (an Arrow stream, scanned once); a small one is its pandas frame."""
    staged = parsed.staged
    if staged is not None and staged.staging.shares(con):
        yield staged.staging.table("canonical")
        return
    con.register("_load_incoming", staged.record_batches(cols) if staged is not None
                 else _incoming_frame(parsed.frame, cols))
    try:
        yield "_load_incoming"
    finally:
        con.unregister("_load_incoming")


def _upsert(con, parsed: Parsed, load_id: int) -> tuple[int, int, int]:
    """Stage and classify the rows, then insert new keys and update changed rows.

    Returns (inserted, updated, unchanged). Updated rows' prior versions go to the undo table;
    inserted rows need no record there: they are the rows carrying this load_id that have none.
    """
    table = parsed.table
    if table == "survey_responses" and "respondent_key" in (
            parsed.staged.columns if parsed.staged is not None else parsed.frame.columns):
        from connectors.forms import anonymise_respondents
        frame = parsed.frame.copy()
        frame["respondent_key"] = anonymise_respondents(con, frame["respondent_key"])
        frame["response_id"] = frame["respondent_key"].astype(str) + ":" + frame["question_id"].astype(str)
        parsed = dataclasses.replace(parsed, frame=frame)
    keys = list(TABLE_KEYS[table])
    table_cols = _columns(con, table)
    types = dict(_column_types(con, table))
    staged = parsed.staged
    present = staged.columns if staged is not None else list(parsed.frame.columns)
    cols = [c for c in table_cols if c in present and c != "load_id"]
    missing_keys = [k for k in keys if k not in cols]
    if missing_keys:
        raise ValueError(f"the key column(s) {', '.join(missing_keys)} of {table} are missing")
    values = [c for c in cols if c not in keys]
    col_list = ", ".join(cols)
    on = " and ".join(f"s.{k} = t.{k}" for k in keys)
    differs = " or ".join(f"s.{c} is distinct from t.{c}" for c in values) or "false"

    casts = ", ".join(f"cast({c} as {types[c]}) as {c}" for c in cols)
    if not con.execute(f"select count(*) from (select 1 from {table} limit 1)").fetchall()[0][0]:
        # an empty table (a first load, e.g. a backfill): every row is new, so no classifying pass
        with _incoming(con, parsed, cols) as incoming:
            con.execute(f"insert into {table} ({col_list}, load_id) select {casts}, ? from {incoming}", [load_id])
        return parsed.row_count, 0, 0

    # one pass over the incoming frame: cast to the canonical types (so the comparison is type for
    # type) and classify each row against the table
    _create_like(con, "_load_classified", table, cols, extra="_action varchar", temp=True)
    with _incoming(con, parsed, cols) as incoming:
        con.execute(
            f"insert into _load_classified ({col_list}, _action)"
            f" select {', '.join('s.' + c for c in cols)},"
            f" case when t.{keys[0]} is null then 'insert' when {differs} then 'update' else 'same' end"
            f" from (select {casts} from {incoming}) s left join {table} t on {on}")
    counts = dict(con.execute("select _action, count(*) from _load_classified group by _action").fetchall())
    inserted, updated, unchanged = counts.get("insert", 0), counts.get("update", 0), counts.get("same", 0)

    if updated:
        undo = _undo_table(con, table)
        all_cols = ", ".join(table_cols)
        con.execute(
            f"insert into {undo} ({all_cols}, undo_load_id, undo_action)"
            f" select {', '.join('t.' + c for c in table_cols)}, ?, 'updated'"
            f" from {table} t join _load_classified s on {on} where s._action = 'update'", [load_id])
        sets = ", ".join(f"{c} = s.{c}" for c in values)
        where = " and ".join(f"{table}.{k} = s.{k}" for k in keys)
        con.execute(f"update {table} set {sets}, load_id = ? from _load_classified s"
                    f" where {where} and s._action = 'update'", [load_id])
    if inserted:
        con.execute(f"insert into {table} ({col_list}, load_id)"
                    f" select {col_list}, ? from _load_classified where _action = 'insert'", [load_id])
    con.execute("drop table if exists _load_classified")
    return inserted, updated, unchanged


def database_dir(con) -> pathlib.Path | None:
    """The folder of the database file; None for an in-memory database."""
    row = con.execute(
        "select path from duckdb_databases() where database_name = current_database()").fetchall()[0]
    return pathlib.Path(row[0]).resolve().parent if row and row[0] else None


def archive_path(archive_dir: pathlib.Path, name: str, sha: str) -> pathlib.Path:
    """Where the raw bytes of a file are kept: <sha256[:12]>_<safe name>."""
    safe = _SAFE_NAME.sub("_", pathlib.PurePath(name.replace("\\", "/")).name).strip("._") or "upload"
    return archive_dir / f"{sha[:12]}_{safe[-120:]}"


def archive_file(archive_dir: pathlib.Path, name: str, data: bytes, sha: str) -> pathlib.Path:
    """Keep the raw bytes at archive_path(); an existing archive is never overwritten."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    target = archive_path(archive_dir, name, sha)
    if target.exists():
        return target
    tmp = archive_dir / f".{target.name}.{os.getpid()}.tmp"
    tmp.write_bytes(data)
    try:
        os.link(tmp, target)   # fails rather than replaces when another writer got there first
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _next_load_id(con) -> int:
    return int(con.execute("select coalesce(max(load_id), 0) + 1 from load_log").fetchall()[0][0])


def _log(con, load_id: int, when: dt.datetime, user: str, f: FileReport, result: str, message: str) -> None:
    con.execute(
        "insert into load_log (load_id, loaded_at, loaded_by, file_name, sha256, kind, layout, rows_in_file,"
        " rows_inserted, rows_updated, rows_unchanged, rows_rejected, result, message, archive_path)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, when, user, f.name, f.sha256, f.kind or "unknown", f.layout, f.rows_in_file,
         f.inserted, f.updated, f.unchanged, f.rejected, result, message[:4000], f.archive_path])


def _file_message(f: FileReport, others_failed: list[str]) -> str:
    if f.errors:
        head = f"{_n(len(f.errors), 'error')}: "
        return head + " | ".join(str(p) for p in f.errors[:5]) + (" | ..." if len(f.errors) > 5 else "")
    if others_failed:
        return "not loaded: another file of the same upload was rejected (" + ", ".join(others_failed) + ")"
    if f.warnings:
        return f"{_n(len(f.warnings), 'warning')}: " + " | ".join(str(p) for p in f.warnings[:5])
    return ""


def _log_rejection(con, reports: list[FileReport], user: str, when: dt.datetime, reason: str = "") -> None:
    failed = sorted({f.name for f in reports if f.errors})
    con.execute("begin transaction")
    try:
        for f in reports:
            f.load_id = _next_load_id(con)
            f.result = "rejected"
            message = _file_message(f, failed) or reason
            _log(con, f.load_id, when, user, f, "rejected", message)
            if f.kind in KIND_TABLE and f.checks:
                suites.record_results(con, f.kind, f.load_id, f.checks, when)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _archive_all(folder: pathlib.Path, files: list[FileReport], sources: dict[str, bytes],
                 failing: list[FileReport]) -> None:
    for f in files:
        failing.append(f)
        archive_file(folder, f.source, sources[f.source], f.sha256)
        failing.pop()


def _rejected(con, reports: list[FileReport], user: str, when: dt.datetime, dry_run: bool) -> LoadReport:
    """The unit is not loaded because some file has errors: say so (and log it, unless a dry run)."""
    if not dry_run:
        _log_rejection(con, reports, user, when)
    else:
        for f in reports:
            f.result = "rejected"
    failed = [f.name for f in reports if f.errors]
    return LoadReport(reports, ok=False, dry_run=dry_run,
                      message=f"Rejected: {', '.join(dict.fromkeys(failed))} "
                              f"{'has' if len(set(failed)) == 1 else 'have'} errors; nothing was loaded.")


def _unwritten(reports: list[FileReport]) -> None:
    for f in reports:
        f.inserted = f.updated = f.unchanged = 0
        f.archive_path = None
        f.load_id = None


def load_parsed(con, reports: list[FileReport], user: str, sources: dict[str, bytes] | None = None,
                dry_run: bool = False, archive_dir: str | pathlib.Path | None = None,
                checking: Future | None = None) -> LoadReport:
    """Write checked files as one unit (used by load_files; tests may hand-build the reports).

    `checking`, when given, is the validation of `reports` still running (load_files starts it
    before calling): the rows are written meanwhile, inside the transaction, which is rolled back
    if validation finds an error."""
    sources = sources or {}
    when = dt.datetime.now().replace(microsecond=0)
    with _WRITER:
        if any(f.errors for f in reports):
            if checking is not None:
                checking.result()      # every problem of every file, not only the parser's
            return _rejected(con, reports, user, when, dry_run)
        folder = pathlib.Path(archive_dir) if archive_dir else (
            database_dir(con) / "archive" if database_dir(con) else None)
        to_archive = [] if dry_run or folder is None else [f for f in reports if f.source in sources]
        pool = ThreadPoolExecutor(1)
        failing: list[FileReport] = []    # the file being archived, if archiving fails
        con.execute("begin transaction")
        current: FileReport | None = None
        try:
            next_id = _next_load_id(con)
            for f in reports:
                current = f
                f.load_id, next_id = next_id, next_id + 1
                f.inserted, f.updated, f.unchanged = _upsert(con, f.parsed, f.load_id)
            current = None
            if checking is not None:
                checking.result()
                if any(f.errors for f in reports):
                    con.execute("rollback")
                    _unwritten(reports)
                    return _rejected(con, reports, user, when, dry_run)
            # the raw files are written to the archive while the figures are rebuilt
            archiving = pool.submit(_archive_all, folder, to_archive, sources, failing)
            for f in reports:
                if dry_run:
                    f.result = "preview"
                    continue
                if f in to_archive:
                    f.archive_path = str(archive_path(folder, f.source, f.sha256))
                f.result = "accepted"
                _log(con, f.load_id, when, user, f, "accepted", _file_message(f, []))
                suites.record_results(con, f.kind, f.load_id, f.checks, when)
            if not dry_run:
                # figures are rebuilt in the same transaction: readers see the old or the new state, never a mix
                from data_models import db
                db.refresh_models(con, changed={f.parsed.table for f in reports})
            archiving.result()
            con.execute("rollback" if dry_run else "commit")
        except Exception as exc:
            con.execute("rollback")
            _unwritten(reports)
            if checking is not None:
                checking.result()
                if any(f.errors for f in reports):   # e.g. a key repeated in the file: its errors say why
                    return _rejected(con, reports, user, when, dry_run)
            reason = f"{exc.__class__.__name__}: {exc}".splitlines()[0]
            culprit = current or (failing[-1] if failing else reports[-1] if reports else None)
            if culprit is not None:
                culprit.errors.append(_problem(
                    culprit.name, "load_error", f"the rows could not be stored ({reason})",
                    "Check the column types in the file; nothing was loaded"))
            if not dry_run:
                _log_rejection(con, reports, user, when, reason)
            else:
                for f in reports:
                    f.result = "rejected"
            return LoadReport(reports, ok=False, dry_run=dry_run,
                              message=f"Rejected: the files could not be stored ({reason}); nothing was loaded.")
        finally:
            pool.shutdown()
        if dry_run:
            for f in reports:
                f.load_id = None
        return LoadReport(reports, ok=True, dry_run=dry_run)


def load_files(con, files: list[tuple[str, bytes]], user: str = "cli", kind: str | None = None,
               mapping: dict | None = None, dry_run: bool = False,
               archive_dir: str | pathlib.Path | None = None,
               parser: Callable[..., list[Parsed]] | None = None) -> LoadReport:
    """Parse, validate and (unless dry_run) load the files as one unit; see the module docstring.

    Validation runs while the rows are written inside the transaction (DuckDB's writing and the
    suite's pandas work overlap on two cores); the transaction is rolled back if it finds an error."""
    files = list(files)
    from connectors import staging

    with staging.in_instance(con):   # large files are staged inside con's instance: copied natively at the write
        reports = _parse_all(files, kind, mapping, parser)
    with ThreadPoolExecutor(1) as pool:
        checking = pool.submit(lambda: [_validate(f) for f in reports if f.parsed is not None])
        return load_parsed(con, reports, user, sources={name: data for name, data in files},
                           dry_run=dry_run, archive_dir=archive_dir, checking=checking)


def load_paths(db_path: str, paths: list[str], user: str = "cli", kind: str | None = None) -> LoadReport:
    """Load files from disk into the database file (created if missing)."""
    from data_models import db

    files = [(pathlib.Path(p).name, pathlib.Path(p).read_bytes()) for p in paths]
    con = db.connect(db_path)
    try:
        return load_files(con, files, user=user, kind=kind)
    finally:
        con.close()


# ---- history and undo ------------------------------------------------------------------------

def load_history(con) -> pd.DataFrame:
    """Every load attempt, newest first."""
    return con.execute("select * from load_log order by load_id desc").df()


def undo_load(con, load_id: int, user: str | None = None) -> str:
    """Put the table back as it was before an accepted load; raises UndoError when that is not possible."""
    with _WRITER:
        # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses other work meanwhile
        rows = con.execute("select kind, result, file_name from load_log where load_id = ?", [load_id]).fetchall()
        row = rows[0] if rows else None
        if row is None:
            raise UndoError(f"There is no load {load_id}.")
        kind, result, file_name = row
        if result != "accepted":
            raise UndoError(f"Load {load_id} ({file_name}) is {result}; only an accepted load can be undone.")
        table = KIND_TABLE[kind]
        keys = list(TABLE_KEYS[table])
        undo = _undo_table(con, table)
        # a later load that changed a row this load wrote kept that row's version, load_id included
        later = [r[0] for r in con.execute(
            f"select distinct undo_load_id from {undo} where load_id = ? and undo_load_id <> ? order by 1",
            [load_id, load_id]).fetchall()]
        if later:
            raise UndoError(f"Load {load_id} ({file_name}) cannot be undone: rows it wrote were changed since by "
                            f"load {', '.join(map(str, later))}. Undo the later load(s) first.")
        table_cols = _columns(con, table)
        values = [c for c in table_cols if c not in keys]
        on = " and ".join(f"u.{k} = {table}.{k}" for k in keys)
        con.execute("begin transaction")
        try:
            # rows with this load_id and no prior version were inserted by it
            n_deleted = con.execute(
                f"delete from {table} where load_id = ? and not exists"
                f" (select 1 from {undo} u where u.undo_load_id = ? and {on})", [load_id, load_id]).fetchall()[0][0]
            n_restored = con.execute(
                f"update {table} set {', '.join(f'{c} = u.{c}' for c in values)} from {undo} u"
                f" where {on} and u.undo_load_id = ?", [load_id]).fetchall()[0][0]
            con.execute(f"delete from {undo} where undo_load_id = ?", [load_id])
            from data_models import db
            db.refresh_models(con, changed={table})
            note = f"undone {dt.datetime.now():%Y-%m-%d %H:%M}" + (f" by {user}" if user else "")
            con.execute("update load_log set result = 'undone',"
                        " message = case when coalesce(message, '') = '' then ? else message || ' | ' || ? end"
                        " where load_id = ?", [note, note, load_id])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        return (f"Undid load {load_id} ({file_name}): removed {_n(n_deleted, 'new row')}, "
                f"restored {_n(n_restored, 'updated row')} in {table}.")


# ---- command line ----------------------------------------------------------------------------

def cli_load(args) -> int:
    """`cli.py load FILE... --db PATH`: 0 loaded, 1 rejected or failed, 2 a file cannot be read."""
    user = args.user or os.environ.get("USER") or "cli"
    files = []
    for name in args.files:
        path = pathlib.Path(name)
        try:
            files.append((path.name, path.read_bytes()))
        except FileNotFoundError:
            print(f"error: {name}: no such file", file=sys.stderr)
            return 2
        except IsADirectoryError:
            print(f"error: {name}: is a folder, not a file", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"error: {name}: cannot be read ({exc.strerror or exc})", file=sys.stderr)
            return 2
    if args.kind and args.kind not in KIND_TABLE:
        print(f"error: unknown kind '{args.kind}'; choose one of: {', '.join(KIND_TABLE)}", file=sys.stderr)
        return 2
    try:
        from data_models import db
        con = db.connect(args.db)
    except Exception as exc:
        print(f"error: cannot open the database {args.db}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    try:
        report = load_files(con, files, user=user, kind=args.kind)
    except Exception as exc:  # never a traceback on the command line
        print(f"error: the load failed ({exc.__class__.__name__}: {str(exc).splitlines()[0]}); nothing was loaded",
              file=sys.stderr)
        return 1
    finally:
        con.close()
    print(report.summary())
    if report.ok:  # a rejected file's warnings would say "loaded as is", which it was not
        for line in report.warning_messages():
            print(f"warning: {line}")
    if not report.ok:
        for line in report.messages():
            print(f"error: {line}", file=sys.stderr)
        print(report.message, file=sys.stderr)
        return 1
    return 0
