"""The data dictionary: every canonical table and column with its meaning, read from schema.sql itself.

schema.sql is the single place where the canonical model is written down; its comments are the
documentation, so the dictionary can never drift from the tables.
"""
from __future__ import annotations

import dataclasses
import pathlib
import re

import pandas as pd

SCHEMA = pathlib.Path(__file__).with_name("schema.sql")
# columns the loader fills itself: not part of an upload template
SYSTEM_COLUMNS = {"load_id", "source_system"}

_TABLE = re.compile(r"create table if not exists (\w+) \(")
_COLUMN = re.compile(r"^\s+(\w+)\s+([a-z]+(?:\(\d+(?:,\s*\d+)?\))?)([^-]*?),?\s*(?:--\s*(.*))?$")


@dataclasses.dataclass
class Table:
    name: str
    grain: str
    columns: list[tuple[str, str, bool, str]]  # name, type, required, description


def tables() -> list[Table]:
    """Every canonical table in schema order (load_log included)."""
    out: list[Table] = []
    comments: list[str] = []
    current: Table | None = None
    for line in SCHEMA.read_text().splitlines():
        if current is None:
            if line.startswith("--"):
                comments.append(line.lstrip("- ").strip())
            elif m := _TABLE.match(line):
                # the grain is the first line of the comment block above the table
                current = Table(m.group(1), comments[0] if comments else "", [])
            else:
                comments = []
            continue
        if line.startswith(")"):
            out.append(current)
            current, comments = None, []
            continue
        m = _COLUMN.match(line)
        if m and m.group(1) != "primary":
            name, sql_type, rest, note = m.groups()
            current.columns.append((name, sql_type, "not null" in rest or "primary key" in rest, (note or "").strip()))
    return out


def dictionary_frame() -> pd.DataFrame:
    """One row per canonical column: table, grain, column, type, required, description."""
    rows = [
        {"table": t.name, "grain": t.grain, "column": c, "type": ty, "required": req, "description": note}
        for t in tables() for c, ty, req, note in t.columns
    ]
    return pd.DataFrame(rows)


def template_csv(table: str) -> bytes:
    """A blank upload template: the header row of a canonical table, without system columns."""
    for t in tables():
        if t.name == table:
            header = [c for c, _, _, _ in t.columns if c not in SYSTEM_COLUMNS]
            return (",".join(header) + "\n").encode("utf-8")
    raise KeyError(f"no canonical table named {table!r}")
