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

import pandas as pd

from connectors import detect, files
from connectors.base import KIND_TABLE, ROW_COLUMN, TABLE_KEYS, ConnectorError, Parsed, Problem
from connectors.values import FieldReader, kind_columns

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
    table = files.read_table(file_name, data)
    return [parse_table(table, kind, mapping)]


def parse_table(table: files.Table, kind: str | None = None, mapping: dict[str, str] | None = None) -> Parsed:
    hint = "salesforce" if any("salesforce.com" in line.lower() for line in table.footer) else None
    found = detect.detect(table.columns, table.file_name, kind, mapping, hint)
    spec = detect.kind_spec(found.kind)
    frame = pd.DataFrame({field: table.frame[col] for col, field in found.fields.items()}, index=table.frame.index)
    reader = FieldReader(frame, table.rows, table.file_name, {f: c for c, f in found.fields.items()},
                         layout=found.layout, source_system=found.source_system,
                         decimal_comma=table.decimal_comma)
    reader.extra = {c: table.frame[c] for c in found.unmapped}
    problems = list(table.problems)
    if found.unmapped and not (spec.wide and "question_id" not in found.fields.values()):
        problems.append(Problem(
            table.file_name, None, None, None, "unknown_columns",
            f"{len(found.unmapped)} columns are not used: {', '.join(found.unmapped)}",
            "Nothing to do if they are not needed; otherwise map them in the mapping editor", severity="warning"))
    out = spec.build(reader, found.options)
    problems.extend(reader.problems)
    canonical = set(kind_columns(found.kind))
    used = {col: spec.target(field) for col, field in found.fields.items() if spec.target(field) in canonical}
    out = _finish(out, found.kind, table, reader, problems)
    if not len(out) and not any(p.severity == "error" for p in problems):
        problems.append(Problem(table.file_name, None, None, None, "no_rows", "the file has no data rows",
                                "Check the export's filters", severity="warning"))
    return Parsed(file_name=table.file_name, kind=found.kind, layout=found.layout, frame=out, problems=problems,
                  columns_seen=list(table.columns), mapping=used)


def _finish(out: pd.DataFrame, kind: str, table: files.Table, reader: FieldReader,
            problems: list[Problem]) -> pd.DataFrame:
    """Canonical columns in schema order plus the file line of each row; rows lacking a key set aside."""
    columns = kind_columns(kind)
    for c in columns:
        if c not in out.columns:
            out[c] = pd.Series(None, index=out.index, dtype="str")
    out = out[list(columns)].copy()
    lines = pd.Series(table.rows, index=table.frame.index)
    out[ROW_COLUMN] = lines.loc[out.index].to_numpy()
    missing_any = pd.Series(False, index=out.index)
    for key in TABLE_KEYS[KIND_TABLE[kind]]:
        missing = out[key].isna()
        if not missing.any():
            continue
        column = _file_column(key, reader)
        for row in out.loc[missing, ROW_COLUMN].head(100):
            problems.append(Problem(table.file_name, int(row), column, None, "not_null",
                                    f"{column} is empty, and it identifies the row",
                                    "Fill it in, or remove the row from the export"))
        if missing.sum() > 100:
            problems.append(Problem(table.file_name, None, column, None, "not_null",
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
