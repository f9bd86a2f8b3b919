"""The upload flow every page that takes files shares: preview, validate, show problems, confirm, load.

A file whose layout we do not know (or only guessed, "generic.*") gets a mapping editor: each
column of the file to a field of the chosen kind or "(ignore)". "Check again with this mapping"
re-runs the dry run with it; "Save this mapping" keeps it in the database
(connectors.saved_mappings), and the next file with the same columns is read with it
automatically, saying whose mapping it is.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os

import pandas as pd
import streamlit as st

from connectors.base import KIND_TABLE, ROW_COLUMN
from connectors import saved_mappings
from data_models.export import safe_csv
from pages.shared import ui

DEFAULT_MAX_UPLOAD_MB = 200.0
# problems that a hand-made mapping can fix
_MAPPING_RULES = {"unknown_layout", "mapping_incomplete", "mapping_target", "mapping_kind", "mapping_column"}


def max_upload_mb() -> float:
    """The app's own upload limit (MVD_MAX_UPLOAD_MB); the server's is .streamlit/config.toml server.maxUploadSize."""
    try:
        value = float(os.environ.get("MVD_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))
    except ValueError:
        return DEFAULT_MAX_UPLOAD_MB
    return value if value > 0 else DEFAULT_MAX_UPLOAD_MB


def _size_text(n_bytes: int) -> str:
    if n_bytes < 1024 * 1024:
        return f"{n_bytes / 1024:,.1f} KB"
    return f"{n_bytes / 1024 / 1024:,.1f} MB"


def too_large_message(name: str, n_bytes: int, limit_mb: float) -> str:
    return (f"{name} is {_size_text(n_bytes)}, above the upload limit of {limit_mb:g} MB, so it was not read. "
            "Split the export (for example by date range) or load it with `cli.py load`; "
            "an administrator can raise the limit with MVD_MAX_UPLOAD_MB.")


def upload_flow(key: str, kind: str | None = None, label: str = "Export files (CSV, TXT, TSV, XLSX, Parquet, or a ZIP of them)") -> None:
    """A file uploader whose files are validated as a dry run, shown with their problems, and loaded on confirm."""
    con = ui.connection()
    round_key = f"{key}_round"
    uploads = st.file_uploader(label, type=["csv", "txt", "tsv", "xlsx", "parquet", "zip"], accept_multiple_files=True,
                               key=f"{key}_files_{st.session_state.get(round_key, 0)}")
    if last := st.session_state.get(f"{key}_last_result"):
        st.success(last)
    if note := st.session_state.pop(f"{key}_saved_note", None):
        st.success(note)
    if not uploads:
        return

    # checked before any byte is read into the app's memory beyond what the server already holds
    limit = max_upload_mb()
    too_big = [u for u in uploads if u.size > limit * 1024 * 1024]
    if too_big:
        for u in too_big:
            st.error(too_large_message(u.name, u.size, limit))
        st.info("Nothing will be loaded until every file is within the limit: "
                "the files of one upload load together or not at all.")
        return

    files = [(u.name, u.getvalue()) for u in uploads]
    chosen = st.session_state.setdefault(f"{key}_mappings", {})   # file name -> {"kind", "mapping"} from the editor
    signature = hashlib.sha256(repr([(n, hashlib.sha256(b).hexdigest()) for n, b in files] + [kind]).encode()
                               + json.dumps(chosen, sort_keys=True).encode()).hexdigest()
    if st.session_state.get(f"{key}_preview_sig") != signature:
        st.session_state[f"{key}_preview"] = _preview(con, files, kind, chosen)
        st.session_state[f"{key}_preview_sig"] = signature
    reports, applied, columns = st.session_state[f"{key}_preview"]

    for report, (name, _) in zip(reports, files):
        for f in report.files:
            _file_panel(f, applied.get(name))
        if not report.ok and not report.errors and report.message:
            st.error(report.message)
        if columns.get(name) and _needs_editor(report, applied.get(name)):
            _mapping_editor(con, key, name, columns[name], kind, report, applied.get(name))

    rejected = [r.rejected_rows() for r in reports]
    if any(len(r) for r in rejected):
        st.download_button("Download the rows with errors (CSV)", safe_csv(pd.concat(rejected, ignore_index=True)),
                           file_name="rejected_rows.csv", mime="text/csv", key=f"{key}_rejected_csv")

    if not all(r.ok for r in reports):
        st.info("Nothing will be loaded until every file is free of errors: "
                "the files of one upload load together or not at all.")
        return
    if st.button(f"Confirm and load {len(files)} file(s)", type="primary", key=f"{key}_confirm"):
        from connectors.load import load_files

        with st.spinner("Loading in one transaction…"):
            result = load_files(con, files, user=ui.user_name(), kind=kind, parser=_parser(applied))
        if result.ok:
            ui.data_changed()
            st.session_state[f"{key}_last_result"] = "Loaded. " + result.summary().replace("\n", " ")
            st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
            st.session_state.pop(f"{key}_preview_sig", None)
            st.session_state[f"{key}_mappings"] = {}
            st.rerun()
        else:
            st.error("Nothing was loaded. " + " ".join(result.messages() or [result.message]))


# ---- preview -----------------------------------------------------------------------------------

def _parser(applied: dict[str, dict]):
    """parse_file, with the kind and mapping chosen for a file where there is one."""
    from connectors.parse import parse_file

    def parse(name, data, kind=None, mapping=None):
        choice = applied.get(name)
        if choice:
            return parse_file(name, data, kind=choice["kind"], mapping=choice["mapping"])
        return parse_file(name, data, kind=kind, mapping=mapping)
    return parse


def _file_columns(report, name: str, data: bytes) -> list[str] | None:
    """The columns of a plain (not zipped) file, as written in it; None when there is no single table."""
    from connectors import files as file_reader

    if file_reader.container_kind(data) in ("zip", "gzip", "xls"):
        return None
    parsed = [f.parsed for f in report.files if f.parsed is not None]
    if parsed:
        return list(parsed[0].columns_seen)
    try:
        return list(file_reader.read_table(name, data).columns)
    except Exception:  # unreadable: the parser's problem is already on screen
        return None


def _preview(con, files, kind, chosen):
    """(one dry-run LoadReport per file, the kind + mapping applied to each file, each file's columns)."""
    from connectors.load import load_files

    progress = st.progress(0.0, text="Reading and validating…")
    reports, applied, columns = [], {}, {}
    for number, (name, data) in enumerate(files, start=1):
        progress.progress((number - 1) / len(files), text=f"Reading and validating {name} ({number} of {len(files)})…")
        if name in chosen:
            applied[name] = dict(chosen[name], origin="edited")
        report = load_files(con, [(name, data)], user=ui.user_name(), kind=kind, dry_run=True,
                            parser=_parser(applied))
        columns[name] = _file_columns(report, name, data)
        if name not in chosen and columns[name]:
            saved = saved_mappings.find(con, columns[name])
            if saved is not None and (kind is None or saved.kind == kind):
                applied[name] = {"kind": saved.kind, "mapping": saved.for_columns(columns[name]),
                                 "origin": "saved", "note": saved.describe() + "."}
                report = load_files(con, [(name, data)], user=ui.user_name(), kind=kind, dry_run=True,
                                    parser=_parser(applied))
        _keep_only_what_is_shown(report)
        reports.append(report)
    progress.progress(1.0, text="Validation finished.")
    return reports, applied, columns


PREVIEW_ROWS = 20


def _keep_only_what_is_shown(report) -> None:
    """The preview stays in the session between reruns: keep its first rows and the rows with errors, not the file."""
    for f in report.files:
        if f.parsed is None:
            continue
        if f.parsed.staged is not None:
            # a large file read by DuckDB: fetch the first rows and the failing ones, never the whole file,
            # and let its staging database go (a frame handed to Parsed replaces the staged rows)
            shown = pd.concat([f.parsed.head(PREVIEW_ROWS), f.parsed.staged.rows(sorted(f.bad_rows))])
            shown = shown.drop_duplicates(subset=[ROW_COLUMN]).sort_values(ROW_COLUMN, kind="stable")
            f.parsed = dataclasses.replace(f.parsed, frame=shown.reset_index(drop=True), staged=None)
            continue
        frame = f.parsed.frame
        if len(frame) <= PREVIEW_ROWS or ROW_COLUMN not in frame.columns:
            continue
        keep = frame[ROW_COLUMN].isin(list(f.bad_rows))
        keep.iloc[:PREVIEW_ROWS] = True
        f.parsed = dataclasses.replace(f.parsed, frame=frame[keep.to_numpy()].copy())


def _needs_editor(report, choice) -> bool:
    if choice:
        return True
    if any(p.rule in _MAPPING_RULES for p in report.errors):
        return True
    return any((f.layout or "").startswith("generic.") for f in report.files)


def _file_panel(f, choice=None) -> None:
    with st.container(border=True):
        status = "✅ ready to load" if not f.errors else "❌ will not load"
        st.subheader(f"{f.name} — {status}")
        st.caption(f"Read as **{f.layout or 'unknown layout'}** → {f.kind or 'unknown kind'} · {f.rows_in_file:,} rows")
        if choice and choice.get("origin") == "saved":
            st.info(choice["note"])
        elif choice:
            st.caption("Read with the column mapping chosen below.")
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("New rows", f"{f.inserted:,}")
        c2.metric("Updated rows", f"{f.updated:,}")
        c3.metric("Unchanged rows", f"{f.unchanged:,}")
        c4.metric("Rows with errors", f"{f.rejected:,}")
        for w in f.warnings:
            st.warning(f"Warning: {w}")
        if f.errors:
            st.error(f"{len(f.errors)} problem(s) stop this file from loading. Fix them in the file and upload it again"
                     + (", or map its columns below." if any(p.rule in _MAPPING_RULES for p in f.errors) else "."))
            st.dataframe(
                pd.DataFrame([{"row": p.row, "column": p.column, "value": p.value, "rule": p.rule,
                               "problem": p.message, "what to do": p.hint} for p in f.errors]).astype(str),
                hide_index=True, width="stretch",
            )
        if f.parsed is not None and f.parsed.row_count:
            with st.expander("Preview: the first rows as they will be loaded"):
                st.dataframe(f.parsed.head(PREVIEW_ROWS), hide_index=True, width="stretch")


# ---- the mapping editor ------------------------------------------------------------------------

def _best_kind(columns: list[str]) -> str | None:
    """The kind whose synonyms recognise most of the columns; None when none recognises any."""
    from connectors.detect import guess_mapping

    counts = {k: len(guess_mapping(columns, k)[0]) for k in KIND_TABLE}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _mapping_fields(form_key: str, columns: list[str], kind: str, prefill: dict[str, str]) -> dict[str, str]:
    """One select per column: a field of the kind or '(ignore)'. Returns column -> choice."""
    from connectors.detect import kind_fields

    options = [saved_mappings.IGNORE] + kind_fields(kind)
    picks = {}
    grid = st.columns(3)
    for j, col in enumerate(columns):
        current = prefill.get(col, saved_mappings.IGNORE)
        picks[col] = grid[j % 3].selectbox(col, options, index=options.index(current) if current in options else 0,
                                           key=f"{form_key}_col_{j}")
    return picks


def _checked_mapping(columns: list[str], kind: str, picks: dict[str, str], name: str) -> tuple[dict, list[str], bool]:
    """(column -> field without the ignored ones, its problems, whether they are only that it is incomplete)."""
    from connectors import detect
    from connectors.base import ConnectorError

    mapping = {c: f for c, f in picks.items() if f != saved_mappings.IGNORE}
    problems = []
    by_field: dict[str, list[str]] = {}
    for c, f in mapping.items():
        by_field.setdefault(f, []).append(c)
    for f, cols in by_field.items():
        if len(cols) > 1:
            problems.append(f"{f} is chosen for {len(cols)} columns ({', '.join(cols)}); pick one.")
    if problems or not mapping:
        return mapping, problems or ["No column is mapped: choose a field for at least the key column."], False
    try:
        detect.detect(columns, name, kind, mapping)
    except ConnectorError as exc:
        problems.extend(f"{p.message}. {p.hint}".rstrip(". ") + "." for p in exc.problems)
    return mapping, problems, True


def _mapping_editor(con, key: str, name: str, columns: list[str], kind: str | None, report, choice) -> None:
    from connectors.detect import guess_mapping

    file_key = f"{key}_map_{hashlib.sha256(name.encode()).hexdigest()[:10]}"
    failing = any(p.rule in _MAPPING_RULES for p in report.errors)
    title = (f"Map the columns of {name}" if failing
             else f"Column mapping of {name} (guessed from the column names; change it if it is wrong)")
    with st.expander(title, expanded=failing or bool(choice and choice.get("origin") == "edited")):
        detected = next((f.kind for f in report.files if f.kind), None)
        if kind is None:
            default = (choice or {}).get("kind") or detected or _best_kind(columns)
            kinds = list(KIND_TABLE)
            chosen_kind = st.selectbox("What does this file contain?", kinds,
                                       index=kinds.index(default) if default in kinds else None,
                                       placeholder="Choose the export kind", key=f"{file_key}_kind")
        else:
            chosen_kind = kind
        if chosen_kind is None:
            st.caption("Choose the export kind, then map each column of the file to one of its fields.")
            return
        if choice and choice["kind"] == chosen_kind:
            prefill = choice["mapping"]
        else:
            prefill = guess_mapping(columns, chosen_kind)[0]
        form_key = f"{file_key}_{chosen_kind}"
        with st.form(form_key, border=False):
            st.caption(f"Each column of the file → a field of {chosen_kind}, or (ignore).")
            picks = _mapping_fields(form_key, columns, chosen_kind, prefill)
            b1, b2 = st.columns(2)
            check = b1.form_submit_button("Check again with this mapping", key=f"{form_key}_check")
            save = b2.form_submit_button("Save this mapping", key=f"{form_key}_save")
        if not (check or save):
            return
        mapping, problems, only_incomplete = _checked_mapping(columns, chosen_kind, picks, name)
        # an incomplete mapping may still be checked: the dry run then says what is missing
        if problems and (save or not only_incomplete):
            for p in problems:
                st.error(p)
            return
        st.session_state[f"{key}_mappings"][name] = {"kind": chosen_kind, "mapping": mapping}
        if save:
            saved = saved_mappings.save(con, columns, chosen_kind, mapping, user=ui.user_name())
            st.session_state[f"{key}_saved_note"] = (
                f"Saved the mapping of {name} as {chosen_kind}: files with the columns {', '.join(columns)} "
                f"will be read with it ({saved.describe().removeprefix('Using the mapping ')}).")
        st.rerun()


def saved_mappings_panel(key: str = "saved_mappings") -> None:
    """The saved column mappings: see, edit or delete them (an expander on the Upload page)."""
    con = ui.connection()
    saved = saved_mappings.all_saved(con)
    if note := st.session_state.pop(f"{key}_note", None):
        st.success(note)
    if not saved:
        st.caption("No mapping saved yet. When a file's layout is not recognised, map its columns in the upload "
                   "and press **Save this mapping**: files with the same columns are then read with it.")
        return
    st.dataframe(saved_mappings.as_frame(saved).drop(columns=["signature"]), hide_index=True, width="stretch")
    labels = {s.signature: f"{s.kind} · {', '.join(s.columns)} · {s.saved_by} {s.saved_at:%Y-%m-%d}" for s in saved}
    sig = st.selectbox("Mapping", list(labels), format_func=labels.get, key=f"{key}_choice")
    current = next(s for s in saved if s.signature == sig)
    form_key = f"{key}_edit_{sig}"
    with st.form(form_key, border=False):
        picks = _mapping_fields(form_key, current.columns, current.kind, current.for_columns(current.columns))
        b1, b2 = st.columns(2)
        update = b1.form_submit_button("Save changes", key=f"{form_key}_update")
        remove = b2.form_submit_button("Delete this mapping", key=f"{form_key}_delete")
    if remove:
        saved_mappings.delete(con, sig)
        st.session_state[f"{key}_note"] = f"Deleted the mapping for {', '.join(current.columns)}."
        st.rerun()
    if update:
        mapping, problems, _ = _checked_mapping(current.columns, current.kind, picks, "saved mapping")
        if problems:
            for p in problems:
                st.error(p)
            return
        saved_mappings.save(con, current.columns, current.kind, mapping, user=ui.user_name())
        st.session_state[f"{key}_note"] = f"Saved the changed mapping for {', '.join(current.columns)}."
        st.rerun()
