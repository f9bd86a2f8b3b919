"""Great Expectations suites, one per export kind, and their results as plain problems.

The suites are declared below as data (`SUITES`), so the data-quality page and the data
dictionary can list them without importing Great Expectations, which takes seconds to
import and must stay off the app's page path. The GX objects are built lazily, once per
process, in an ephemeral context (nothing is written to disk).

Severity is per expectation: "error" rejects the upload, "warning" loads it and shows the
warning. It travels in each expectation's meta as {"severity": ...}.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from typing import Any

import pandas as pd

from connectors.base import KIND_TABLE, ROW_COLUMN, TABLE_KEYS, Parsed, Problem
from data_models.channels import CHANNELS

DATE_MIN = dt.date(1990, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)

SURVEY_ROLES = ("CEO", "CMO", "Sales", "Board", "Marketing")
ASSET_TYPES = ("blog", "guide", "case_study", "comparison", "pricing", "webinar", "video")
INTERVIEW_OUTCOMES = ("won", "lost", "no_decision")
INSIGHT_AREAS = (
    "priority_initiative", "success_factors", "perceived_barriers", "decision_criteria", "buyer_journey",
)
TOUCH_TYPES = ("form_fill", "content_view", "webinar", "ad_click", "email_click", "event", "meeting")
RECORD_TYPES = ("lead", "contact")

# A failing expectation lists every failing row; beyond this many per expectation the
# report says "and N more rows" instead of one message each.
MAX_PROBLEMS_PER_CHECK = 100


@dataclasses.dataclass(frozen=True)
class Check:
    """One expectation of a suite, described without Great Expectations objects."""

    expectation: str            # GX class name, e.g. "ExpectColumnValuesToNotBeNull"
    kwargs: dict[str, Any]      # GX keyword arguments (columns, bounds, value sets)
    description: str            # what the check means, for people
    message: str                # what is wrong with a failing row ({column} = file column)
    hint: str                   # what to do about it
    severity: str = "error"

    @property
    def columns(self) -> tuple[str, ...]:
        k = self.kwargs
        if "column" in k:
            return (k["column"],)
        if "column_list" in k:
            return tuple(k["column_list"])
        return (k["column_A"], k["column_B"])

    @property
    def rule(self) -> str:
        """GX's snake-case expectation type, e.g. expect_column_values_to_not_be_null."""
        name = self.expectation
        return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")

    @property
    def date_columns(self) -> tuple[str, ...]:
        return self.kwargs.get("_dates", ())

    def gx_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.kwargs.items() if not k.startswith("_")}


# ---- building blocks -------------------------------------------------------------------

def exists(column: str) -> Check:
    return Check(
        "ExpectColumnToExist", {"column": column},
        f"the export has a column for {column}",
        "the file has no column for {column}",
        "Export the report with this column, or map one of the file's columns to it",
    )


def not_null(column: str) -> Check:
    return Check(
        "ExpectColumnValuesToNotBeNull", {"column": column},
        f"{column} is filled in on every row",
        "{column} is empty",
        "Fill it in, or remove the row from the export",
    )


def unique(column: str) -> Check:
    return Check(
        "ExpectColumnValuesToBeUnique", {"column": column},
        f"{column} identifies one row: no value appears twice",
        "{column} appears more than once in the file",
        "Keep one row per value: remove the duplicate rows",
    )


def unique_together(columns: tuple[str, ...]) -> Check:
    joined = " + ".join(columns)
    return Check(
        "ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)},
        f"{joined} together identify one row",
        f"the combination {joined} appears more than once in the file",
        "Keep one row per combination: remove or merge the duplicate rows",
    )


def non_negative(column: str) -> Check:
    return Check(
        "ExpectColumnValuesToBeBetween", {"column": column, "min_value": 0},
        f"{column} is zero or more",
        "{column} is negative",
        "Correct the value in the source system; it cannot be below zero",
    )


def sane_date(column: str) -> Check:
    return Check(
        "ExpectColumnValuesToBeBetween",
        {
            "column": column,
            # naive datetimes at ns precision: GX compares those vectorised (fast)
            "min_value": dt.datetime.combine(DATE_MIN, dt.time.min),
            "max_value": dt.datetime.combine(DATE_MAX, dt.time.max).replace(microsecond=0),
            "_dates": (column,),
        },
        f"{column} lies between {DATE_MIN} and {DATE_MAX}",
        f"{{column}} is outside {DATE_MIN.year}..{DATE_MAX.year}",
        "Check the date and its format (day and month swapped, or a placeholder date)",
    )


def one_of(column: str, values: tuple[str, ...], hint: str | None = None) -> Check:
    return Check(
        "ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)},
        f"{column} is one of: {', '.join(values)}",
        "{column} is not one of the allowed values",
        hint or f"Use one of: {', '.join(values)}",
    )


def implies(a: str, b: str, message: str, hint: str) -> Check:
    """Where both are filled in, a true `a` needs a true `b`."""
    return Check(
        "ExpectColumnPairValuesToBeInSet",
        {
            "column_A": a, "column_B": b,
            "value_pairs_set": [(False, False), (False, True), (True, True)],
            "ignore_row_if": "either_value_is_missing",
        },
        f"{a} implies {b}",
        message, hint,
    )


def not_before(later: str, earlier: str, message: str, hint: str, severity: str = "warning",
               dates: bool = True) -> Check:
    """Where both are filled in, `later` >= `earlier`."""
    kwargs: dict[str, Any] = {
        "column_A": later, "column_B": earlier, "or_equal": True,
        "ignore_row_if": "either_value_is_missing",
    }
    if dates:
        kwargs["_dates"] = (later, earlier)
    what = "on or after" if dates else "at least"
    return Check("ExpectColumnPairValuesAToBeGreaterThanB", kwargs,
                 f"{later} is {what} {earlier}", message, hint, severity)


def key_checks(table: str) -> list[Check]:
    keys = TABLE_KEYS[table]
    checks = [exists(k) for k in keys] + [not_null(k) for k in keys]
    checks.append(unique(keys[0]) if len(keys) == 1 else unique_together(keys))
    return checks


# ---- the suites ----------------------------------------------------------------------------

_CHANNEL_HINT = "Map the source or channel to one of: " + ", ".join(CHANNELS)

SUITES: dict[str, list[Check]] = {
    "crm.accounts": key_checks("accounts") + [non_negative("employees")],
    "crm.contacts": key_checks("contacts") + [
        one_of("record_type", RECORD_TYPES),
        sane_date("created_at"), sane_date("mql_at"), sane_date("sal_at"), sane_date("sql_at"),
    ],
    "crm.opportunities": key_checks("opportunities") + [
        exists("created_date"), not_null("created_date"),
        non_negative("amount"),
        sane_date("created_date"), sane_date("close_date"), sane_date("first_meeting_date"),
        implies("is_won", "is_closed", "the deal is marked won but not closed",
                "A won deal is also closed: check the Won and Closed fields in the CRM"),
        not_before("close_date", "created_date", "the close date is before the created date",
                   "The row is loaded as is; correct the dates in the CRM so cycle times are right"),
    ],
    "crm.opportunity_contact_roles": key_checks("opportunity_contact_roles"),
    "crm.campaigns": key_checks("campaigns") + [
        one_of("channel", CHANNELS, _CHANNEL_HINT),
        non_negative("cost"),
        sane_date("start_date"), sane_date("end_date"),
        not_before("end_date", "start_date", "the campaign ends before it starts",
                   "The row is loaded as is; correct the campaign dates in the CRM"),
    ],
    "crm.campaign_members": key_checks("campaign_members") + [
        sane_date("first_responded_at"), sane_date("created_at"),
    ],
    "crm.touchpoints": key_checks("touchpoints") + [
        exists("occurred_at"), not_null("occurred_at"), sane_date("occurred_at"),
        exists("channel"), not_null("channel"), one_of("channel", CHANNELS, _CHANNEL_HINT),
        one_of("touch_type", TOUCH_TYPES),
    ],
    "content.assets": key_checks("content_assets") + [
        exists("url"), not_null("url"),
        one_of("asset_type", ASSET_TYPES),
        sane_date("published_date"),
    ],
    "web.page_views": key_checks("web_events") + [
        exists("visitor_id"), not_null("visitor_id"),
        exists("occurred_at"), not_null("occurred_at"), sane_date("occurred_at"),
    ],
    "ads.spend": key_checks("ad_spend") + [
        sane_date("spend_date"),
        non_negative("impressions"), non_negative("clicks"), non_negative("cost"), non_negative("conversions"),
        not_before("impressions", "clicks", "more clicks than impressions",
                   "The row is loaded as is; check the export (clicks usually cannot exceed impressions)",
                   dates=False),
    ],
    "survey.responses": key_checks("survey_responses") + [
        exists("respondent_key"), not_null("respondent_key"),
        exists("respondent_role"), not_null("respondent_role"), one_of("respondent_role", SURVEY_ROLES),
        exists("question_id"), not_null("question_id"),
        sane_date("submitted_at"),
    ],
    "buyer.interviews": key_checks("buyer_interviews") + [
        sane_date("interview_date"),
        one_of("outcome", INTERVIEW_OUTCOMES),
        one_of("insight_area", INSIGHT_AREAS),
    ],
}
assert set(SUITES) == set(KIND_TABLE), "one suite per export kind"


def suite_definitions() -> dict[str, list[dict[str, Any]]]:
    """Every suite as plain descriptions (no GX import), for the data-quality page and the data dictionary."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, checks in SUITES.items():
        out[kind] = [
            {
                "expectation": c.rule,
                "columns": list(c.columns),
                "severity": c.severity,
                "description": c.description,
                "kwargs": {k: (v.isoformat() if isinstance(v, dt.datetime) else v)
                           for k, v in c.gx_kwargs().items()},
            }
            for c in checks
        ]
    return out


# ---- running them --------------------------------------------------------------------------

@dataclasses.dataclass
class CheckResult:
    """One expectation's outcome, as stored in validation_results."""

    expectation: str
    column: str
    success: bool
    unexpected_count: int
    severity: str


@dataclasses.dataclass
class SuiteRun:
    kind: str
    problems: list[Problem]
    results: list[CheckResult]
    bad_rows: dict[int, list[str]]   # file row -> error messages (rows that would be rejected)


# A large (staged) file is validated in batches: its uniqueness expectations need the whole file,
# so DuckDB answers them on the staged table and the batches run the suite's other expectations,
# as the suite "<kind> (row checks)"
ROW_SUITE_SUFFIX = " (row checks)"
_UNIQUE = ("ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique")

_GX_LOCK = threading.Lock()
_VALIDATE_LOCK = threading.Lock()
_GX: dict[str, Any] = {}


def _gx() -> dict[str, Any]:
    """The ephemeral GX context, the dataframe batch definition and one suite per kind; built once."""
    with _GX_LOCK:
        if not _GX:
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig
            from great_expectations.execution_engine import pandas_execution_engine

            # GX fingerprints every batch by hashing all of its cells (a third of a large file's
            # validation time); the fingerprint is an optional batch marker we never read
            pandas_execution_engine.HASH_THRESHOLD = 0

            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
            asset = context.data_sources.add_pandas("exports").add_dataframe_asset(name="export")
            suites, row_suites = {}, {}
            for kind, checks in SUITES.items():
                suite, rows_only = gx.ExpectationSuite(name=kind), gx.ExpectationSuite(name=kind + ROW_SUITE_SUFFIX)
                for i, c in enumerate(checks):
                    cls = getattr(gx.expectations, c.expectation)
                    suite.add_expectation(cls(**c.gx_kwargs(), meta={"severity": c.severity, "check": i}))
                    if c.expectation not in _UNIQUE:
                        rows_only.add_expectation(cls(**c.gx_kwargs(), meta={"severity": c.severity, "check": i}))
                suites[kind] = context.suites.add(suite)
                row_suites[kind] = context.suites.add(rows_only)
            _GX.update(context=context, batch=asset.add_batch_definition_whole_dataframe("whole"), suites=suites,
                       row_suites=row_suites)
        return _GX


def _to_naive_ns(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as datetime64[ns] (GX's fast path); second result marks values that are not dates."""
    if pd.api.types.is_datetime64_any_dtype(series):
        converted = series
    else:  # date objects (or text the parser left): ISO text and date objects convert, anything else is NaT
        converted = pd.to_datetime(series, errors="coerce", format="ISO8601")
    if getattr(converted.dt, "tz", None) is not None:
        converted = converted.dt.tz_convert("UTC").dt.tz_localize(None)
    not_a_date = converted.isna() & series.notna()
    # datetime64[ns] spans 1677..2262; clip so GX still sees far-out dates as out of bounds
    lo, hi = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-01-01")
    converted = converted.where(converted.isna() | ((converted >= lo) & (converted <= hi)),
                                converted.clip(lo, hi))
    return converted.astype("datetime64[ns]"), not_a_date


def _shown(value: Any) -> str | None:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _raised(info: dict | None) -> bool:
    """GX reports an expectation that could not run either flat or keyed by metric."""
    if not info:
        return False
    if info.get("raised_exception"):
        return True
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())



@dataclasses.dataclass
class _Failures:
    """One expectation's failing rows over all batches; values kept for the first rows only."""

    rows: list[int] = dataclasses.field(default_factory=list)
    values: dict[int, list[Any]] = dataclasses.field(default_factory=dict)
    raised: bool = False
    success: bool = True
    count: int = 0


def run_suite(parsed: Parsed) -> SuiteRun:
    """Validate one parsed export against the suite of its kind.

    A staged (large) file is validated batch by batch, only the columns the suite reads; the
    uniqueness expectations, which need the whole file, are answered by DuckDB on the staged table.
    Problems are reported as for one frame: at most MAX_PROBLEMS_PER_CHECK rows per expectation."""
    kind = parsed.kind
    checks = SUITES[kind]
    staged = parsed.staged if parsed._frame is None else None
    present = staged.columns if staged is not None else list(parsed.frame.columns)
    file_column = {canon: col for col, canon in (parsed.mapping or {}).items()}

    def shown_column(canon: str) -> str:
        return file_column.get(canon, canon)

    problems: list[Problem] = []
    bad_rows: dict[int, list[str]] = {}

    def add(check_msg: str, hint: str, row: int | None, column: str, value: Any, rule: str, severity: str):
        text = check_msg.format(column=column)
        problems.append(Problem(file=parsed.file_name, row=row, column=column, value=_shown(value),
                                rule=rule, message=text, hint=hint, severity=severity))
        if severity == "error" and row is not None:
            bad_rows.setdefault(row, []).append(f"{column}: {text}")

    wanted = [c for c in dict.fromkeys(col for ch in checks for col in ch.columns) if c in present]
    dates = {col for ch in checks for col in ch.date_columns}
    required = {ch.columns[0] for ch in checks if ch.expectation == "ExpectColumnToExist"}
    missing = {c for ch in checks for c in ch.columns if c not in present and c in required}
    failures = [_Failures() for _ in checks]
    not_dates: dict[str, _Failures] = {col: _Failures() for col in wanted if col in dates}
    skip = {i for i, ch in enumerate(checks) if ch.expectation in _UNIQUE} if staged is not None else set()

    if staged is not None:   # in any order: failing rows are sorted, and their values fetched, at the end
        from connectors.staging import CHECK_BATCH_ROWS
        frames = staged.batches([*wanted, ROW_COLUMN], size=CHECK_BATCH_ROWS, ordered=False)
    else:
        frames = [parsed.frame]
    seen_batch = False
    for frame in frames:
        if seen_batch and not len(frame):
            continue
        seen_batch = True
        _validate_frame(kind, checks, frame, wanted, dates, failures, not_dates, skip, staged is None)
    if not seen_batch:
        _validate_frame(kind, checks, staged.head(0), wanted, dates, failures, not_dates, skip, False)
    if staged is not None:
        for i in skip:
            _unique_from_sql(staged, checks[i], failures[i])
        _first_values(staged, [(f, checks[i].columns) for i, f in enumerate(failures) if i not in skip]
                      + [(f, (col,)) for col, f in not_dates.items()])

    # values the suite could not read as dates (text left by the parser)
    for col, f in not_dates.items():
        for n, row in enumerate(f.rows):
            if n < MAX_PROBLEMS_PER_CHECK:
                add("{column} is not a date", "Use a date like 2026-03-31", row,
                    shown_column(col), f.values[row][0], "date_format", "error")
            else:
                bad_rows.setdefault(row, []).append(f"{shown_column(col)}: not a date")
        if len(f.rows) > MAX_PROBLEMS_PER_CHECK:
            add(f"... and {len(f.rows) - MAX_PROBLEMS_PER_CHECK} more rows: {{column}} is not a date",
                "Use a date like 2026-03-31", None, shown_column(col), None, "date_format", "error")

    results: list[CheckResult] = []
    for check, f in zip(checks, failures):
        column = ",".join(check.columns)
        if f.raised:
            if missing & set(check.columns):
                # the column is absent: its ExpectColumnToExist (if required) reports it once
                results.append(CheckResult(check.rule, column, True, 0, check.severity))
                continue
            add("could not check that " + check.description, "Report this file to the data team",
                None, shown_column(check.columns[0]), None, check.rule, check.severity)
            results.append(CheckResult(check.rule, column, False, 0, check.severity))
            continue
        results.append(CheckResult(check.rule, column, f.success, f.count, check.severity))
        if f.success:
            continue
        if check.expectation == "ExpectColumnToExist":
            add(check.message, check.hint, None, check.columns[0], None, check.rule, check.severity)
            continue
        rows_failing = f.rows
        shown_col = shown_column(check.columns[0])
        duplicates_of: dict[Any, list[int]] = {}
        if check.expectation in _UNIQUE:
            for row in rows_failing:
                duplicates_of.setdefault(tuple(f.values[row]), []).append(row)
        for n, row in enumerate(rows_failing):
            if n >= MAX_PROBLEMS_PER_CHECK:
                if check.severity == "error":
                    for rest in rows_failing[n:]:
                        bad_rows.setdefault(rest, []).append(f"{shown_col}: {check.message.format(column=shown_col)}")
                add(f"... and {len(rows_failing) - n} more rows: " + check.message, check.hint, None,
                    shown_col, None, check.rule, check.severity)
                break
            values = f.values[row]
            if len(check.columns) == 1:
                value: Any = values[0]
            else:
                value = ", ".join(f"{shown_column(c)}={_shown(v)}" for c, v in zip(check.columns, values))
            message = check.message
            if duplicates_of:
                others = [o for o in duplicates_of[tuple(values)] if o != row]
                if others:
                    message += " (also on row " + ", ".join(map(str, others[:5])) + ")"
            add(message, check.hint, row, shown_col, value, check.rule, check.severity)
    return SuiteRun(kind=kind, problems=problems, results=results, bad_rows=bad_rows)


def _validate_frame(kind: str, checks: list[Check], frame: pd.DataFrame, wanted: list[str], dates: set[str],
                    failures: list[_Failures], not_dates: dict[str, _Failures], skip: set[int],
                    keep_values: bool) -> None:
    """Run the suite on one frame (the whole file, or one batch of a staged file); failures are added up."""
    rows = frame[ROW_COLUMN] if ROW_COLUMN in frame.columns else pd.Series(range(2, len(frame) + 2))
    data = {ROW_COLUMN: rows.to_numpy()}
    for col in wanted:
        series = frame[col].reset_index(drop=True)
        if col in dates:
            series, not_a_date = _to_naive_ns(series)
            for i in not_a_date[not_a_date].index:
                row = int(data[ROW_COLUMN][i])
                not_dates[col].rows.append(row)
                if keep_values and len(not_dates[col].rows) <= MAX_PROBLEMS_PER_CHECK:
                    not_dates[col].values[row] = [frame[col].iloc[i]]
        elif isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_numeric_dtype(series) \
                and not pd.api.types.is_bool_dtype(series):
            series = series.astype("float64")   # nullable Int64/Float64 would take GX's row-by-row path
        data[col] = series
    required = {ch.columns[0] for ch in checks if ch.expectation == "ExpectColumnToExist"}
    for col in dict.fromkeys(c for ch in checks for c in ch.columns):
        if col not in frame.columns and col not in required:
            # an optional column the export does not carry: nothing to check, so all-null
            data[col] = pd.Series(pd.NaT if col in dates else None, index=range(len(frame)),
                                  dtype="datetime64[ns]" if col in dates else object)
    gx_frame = pd.DataFrame(data)
    _spare_pair_rows(checks, gx_frame)
    by_row: list[pd.DataFrame] = []

    def original() -> pd.DataFrame:
        """The frame indexed by file row, for showing failing values; built on the first failure."""
        if not by_row:
            by_row.append(frame.set_index(rows.to_numpy()) if len(frame) else frame)
        return by_row[0]

    g = _gx()
    with _VALIDATE_LOCK:  # one GX context per process, and GX contexts are not thread-safe
        batch = g["batch"].get_batch(batch_parameters={"dataframe": gx_frame})
        outcome = batch.validate(
            g["row_suites" if skip else "suites"][kind],
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_COLUMN]},
        )
    for r in outcome.results:
        i = r.expectation_config.meta["check"]
        if i in skip:
            continue
        check, f = checks[i], failures[i]
        if _raised(r.exception_info):
            f.raised = True
            continue
        res = r.result or {}
        f.count += int(res.get("unexpected_count") or 0)
        if r.success:
            continue
        f.success = False
        for item in res.get("unexpected_index_list") or []:
            row = int(item[ROW_COLUMN])
            f.rows.append(row)
            if keep_values and (len(f.values) < MAX_PROBLEMS_PER_CHECK or check.expectation in _UNIQUE):
                f.values[row] = [original().at[row, c] for c in check.columns]


def _spare_pair_rows(checks: list[Check], gx_frame: pd.DataFrame) -> None:
    """GX checks a pair of columns against a set of allowed pairs one row at a time (iterrows: about
    50 us a row). Rows whose pair is allowed cannot fail, and a missing value makes GX skip the row
    (ignore_row_if), so those rows are blanked first: GX then loops over the failing rows only, with
    the same failing rows and count. Only done for columns no other expectation reads."""
    for check in checks:
        k = check.kwargs
        if check.expectation != "ExpectColumnPairValuesToBeInSet" \
                or k.get("ignore_row_if") != "either_value_is_missing":
            continue
        a, b = k["column_A"], k["column_B"]
        if a not in gx_frame.columns or b not in gx_frame.columns or any(
                other is not check and {a, b} & set(other.columns) for other in checks):
            continue
        allowed = pd.Series(False, index=gx_frame.index)
        for x, y in k["value_pairs_set"]:
            allowed |= ((gx_frame[a] == x) & (gx_frame[b] == y)).fillna(False).astype(bool)
        if allowed.any():
            for col in (a, b):
                column = gx_frame[col].astype(object)
                column[allowed.to_numpy()] = None
                gx_frame[col] = column


def _first_values(staged, failures: list[tuple[_Failures, tuple[str, ...]]]) -> None:
    """Failing rows in file order, with the values of the first MAX_PROBLEMS_PER_CHECK (those shown)."""
    wanted: set[int] = set()
    for f, _ in failures:
        f.rows.sort()
        wanted.update(f.rows[:MAX_PROBLEMS_PER_CHECK])
    if not wanted:
        return
    shown = staged.rows(sorted(wanted)).set_index(ROW_COLUMN, drop=False)
    for f, columns in failures:
        for row in f.rows[:MAX_PROBLEMS_PER_CHECK]:
            f.values[row] = [shown.at[row, c] if c in shown.columns else None for c in columns]


def _unique_from_sql(staged, check: Check, f: _Failures) -> None:
    """Rows whose key value appears more than once in the whole staged file (as GX reports them)."""
    cols = list(check.columns)
    if any(c not in staged.columns for c in cols):
        f.raised = True
        return
    if tuple(cols) in staged.unique:   # the parser already removed repeats (and said so in a warning)
        return
    on = " and ".join(f"c.{k} = d.{k}" for k in cols)
    found = staged.query(
        f"select c.{ROW_COLUMN}, {', '.join('c.' + k for k in cols)} from canonical c join"
        f" (select {', '.join(cols)} from canonical where {' and '.join(k + ' is not null' for k in cols)}"
        f" group by all having count(*) > 1) d on {on} order by c.{ROW_COLUMN}")
    f.count = len(found)
    f.success = not found
    for row, *values in found:
        f.rows.append(int(row))
        f.values[int(row)] = values


def validate(parsed: Parsed) -> list[Problem]:
    """Problems Great Expectations finds in one parsed export (parser problems not included)."""
    return run_suite(parsed).problems


def record_results(con, kind: str, load_id: int | None, results: list[CheckResult],
                   validated_at: dt.datetime | None = None) -> None:
    """Keep the latest validation results of a kind in validation_results (replaces older ones)."""
    if not results:    # nothing was validated (e.g. a report built by hand): keep what is there
        return
    validated_at = validated_at or dt.datetime.now()
    con.execute("delete from validation_results where kind = ?", [kind])
    con.executemany(
        "insert into validation_results (kind, load_id, validated_at, expectation, column_name, success,"
        " unexpected_count, severity) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [(kind, load_id, validated_at, r.expectation, r.column, r.success, r.unexpected_count, r.severity)
         for r in results],
    )
