"""Column mappings an analyst saved for a layout we do not know, found again by the file's columns.

A mapping is saved under the signature of the file's columns: a hash of their normalised names
(`detect.norm`, sorted), so the same export with its columns in another order or spelled
"Deal Ref" / "deal_ref" finds it again. The mapping is stored by normalised column name and
translated back to the file's own spelling when it is applied.

    save(con, columns, "crm.opportunities", {"Deal Ref": "opportunity_id", ...}, user="ana@x.com")
    found = find(con, columns)      # SavedMapping or None
    found.for_columns(columns)      # {"Deal Ref": "opportunity_id", ...} in this file's spelling
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

import pandas as pd

from connectors.base import KIND_TABLE
from connectors.detect import norm

IGNORE = "(ignore)"

_CREATE = (
    "create table if not exists saved_mappings ("
    " signature varchar primary key, kind varchar not null, mapping_json varchar not null,"
    " columns_json varchar, saved_by varchar, saved_at timestamp)"
)


@dataclasses.dataclass(frozen=True)
class SavedMapping:
    signature: str
    kind: str
    mapping: dict[str, str]          # normalised column name -> field
    columns: list[str]               # the columns of the file it was saved from, as spelled there
    saved_by: str
    saved_at: dt.datetime

    def for_columns(self, columns: list[str]) -> dict[str, str]:
        """The mapping keyed by this file's own column names."""
        return {c: self.mapping[norm(c)] for c in columns if norm(c) in self.mapping}

    def describe(self) -> str:
        return f"Using the mapping saved by {self.saved_by} on {self.saved_at:%Y-%m-%d}"


def signature(columns: list[str]) -> str:
    """The same for any order or spelling of the same normalised column names."""
    names = sorted(norm(c) for c in columns)
    return hashlib.sha256(json.dumps(names).encode()).hexdigest()[:32]


def ensure_table(con) -> None:
    con.execute(_CREATE)


def _writer():
    from connectors.load import _WRITER   # the process's one-writer lock, shared with loads
    return _WRITER


def save(con, columns: list[str], kind: str, mapping: dict[str, str], user: str,
         when: dt.datetime | None = None) -> SavedMapping:
    """Store (or replace) the mapping for files with these columns; '(ignore)' entries are dropped."""
    if kind not in KIND_TABLE:
        raise ValueError(f"'{kind}' is not an export kind")
    unknown = [c for c in mapping if c not in columns]
    if unknown:
        raise ValueError(f"the mapping names columns the file does not have: {', '.join(unknown)}")
    kept = {norm(c): field for c, field in mapping.items() if field and field != IGNORE}
    when = (when or dt.datetime.now()).replace(microsecond=0)
    sig = signature(columns)
    with _writer():
        ensure_table(con)
        con.execute("begin transaction")
        try:
            con.execute("delete from saved_mappings where signature = ?", [sig])
            con.execute("insert into saved_mappings values (?, ?, ?, ?, ?, ?)",
                        [sig, kind, json.dumps(kept), json.dumps(list(columns)), user, when])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    return SavedMapping(sig, kind, kept, list(columns), user, when)


def _row(row) -> SavedMapping:
    sig, kind, mapping_json, columns_json, saved_by, saved_at = row
    return SavedMapping(sig, kind, json.loads(mapping_json), json.loads(columns_json or "[]"), saved_by or "",
                        saved_at)


def _exists(con) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_name = 'saved_mappings'"
                            " and table_schema = 'main' and table_catalog = current_database()").fetchall()[0][0])


def find(con, columns: list[str]) -> SavedMapping | None:
    """The mapping saved for files with these columns, if any (never creates the table)."""
    if not columns or not _exists(con):
        return None
    rows = con.execute("select signature, kind, mapping_json, columns_json, saved_by, saved_at"
                       " from saved_mappings where signature = ?", [signature(columns)]).fetchall()
    return _row(rows[0]) if rows else None


def all_saved(con) -> list[SavedMapping]:
    if not _exists(con):
        return []
    rows = con.execute("select signature, kind, mapping_json, columns_json, saved_by, saved_at"
                       " from saved_mappings order by saved_at desc, signature").fetchall()
    return [_row(r) for r in rows]


def as_frame(saved: list[SavedMapping]) -> pd.DataFrame:
    """One row per saved mapping, for a table on screen."""
    return pd.DataFrame([{
        "signature": s.signature, "kind": s.kind, "columns": ", ".join(s.columns),
        "mapping": ", ".join(f"{c} → {s.mapping[norm(c)]}" for c in s.columns if norm(c) in s.mapping),
        "saved by": s.saved_by, "saved at": s.saved_at,
    } for s in saved], columns=["signature", "kind", "columns", "mapping", "saved by", "saved at"])


def delete(con, sig: str) -> bool:
    """Forget a saved mapping; False when there was none."""
    if not _exists(con):
        return False
    with _writer():
        n = con.execute("delete from saved_mappings where signature = ?", [sig]).fetchall()[0][0]
    return bool(n)
