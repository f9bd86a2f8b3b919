"""Role rules an admin adds in the app (pages/admin/users.py), on top of the operator's config/roles.toml.

Stored in the `role_rules` table, each change audited. How the two sets of rules combine is decided in
pages/shared/auth.py (`decide`): the file's admin and no-access rules always win, then these rules, then the
file's other rules, then the file's default.
"""
from __future__ import annotations

import re
import threading

import duckdb
import pandas as pd

from data_models import audit

KINDS = ("email", "domain", "group")
ROLE_CHOICES = ("viewer", "analyst", "admin", "none")   # auth.ROLES plus auth.NO_ROLE (tested)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DOMAIN = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")

# app rules are read on every role check; they change only through this module, in this process (the database
# has one writer process), so a cache keyed by database path and invalidated on each change is exact
_CACHE: dict[str, tuple[tuple[int, str, str, str], ...]] = {}
_CACHE_LOCK = threading.Lock()


class RuleError(ValueError):
    """The rule cannot be added or removed; the message says why in plain words."""


def clean_value(kind: str, value: str) -> str:
    """The value as rules compare it (lower-cased, trimmed; a domain without @), or RuleError."""
    if kind not in KINDS:
        raise RuleError(f"A rule matches an email, a domain or a group, not {kind!r}.")
    text = str(value or "").strip().lower()
    if kind == "email":
        if not _EMAIL.fullmatch(text):
            raise RuleError(f"{text or 'An empty value'!r} is not an email address (name@company.com).")
    elif kind == "domain":
        text = text.removeprefix("@")
        if not _DOMAIN.fullmatch(text):
            raise RuleError(f"{text or 'An empty value'!r} is not a domain; write the part after @, like company.com.")
    elif not text or len(text) > 200:
        raise RuleError("A group name must be 1 to 200 characters long, as the identity provider sends it.")
    return text


def rules(con) -> pd.DataFrame:
    """Every app rule, in the order they are checked."""
    try:
        return con.execute("select rule_id, kind, value, role, note, created_by, created_at from role_rules"
                           " order by rule_id").df()
    except duckdb.CatalogException:
        return pd.DataFrame(columns=["rule_id", "kind", "value", "role", "note", "created_by", "created_at"])


def cached_rules(con, db_path: str) -> tuple[tuple[int, str, str, str], ...]:
    """(rule_id, kind, value, role) of every app rule, read once per change."""
    with _CACHE_LOCK:
        if db_path not in _CACHE:
            frame = rules(con)
            _CACHE[db_path] = tuple((int(r.rule_id), r.kind, r.value, r.role) for r in frame.itertuples())
        return _CACHE[db_path]


def _changed() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def add_rule(con, kind: str, value: str, role: str, user: str, note: str | None = None) -> int:
    """Add a rule at the end of the app rules; returns its rule_id."""
    value = clean_value(kind, value)
    if role not in ROLE_CHOICES:
        raise RuleError(f"Role {role!r} is not one of {', '.join(ROLE_CHOICES)}.")
    note = " ".join(str(note or "").split())[:300] or None
    with audit.transaction(con):
        same = con.execute("select rule_id, role from role_rules where kind = ? and value = ?", [kind, value]).fetchall()
        if same:
            raise RuleError(f"Rule {same[0][0]} already gives {kind} {value} the role {same[0][1]}; "
                            "remove it first to change the role.")
        rule_id = con.execute("select coalesce(max(rule_id), 0) + 1 from role_rules").fetchone()[0]
        con.execute("insert into role_rules values (?, ?, ?, ?, ?, ?, ?)",
                    [rule_id, kind, value, role, note, user or "unknown", audit.utc_now()])
        audit.record(con, user, "role_rules", "add", f"rule {rule_id}: {kind} {value} -> {role}"
                     + (f" ({note})" if note else ""))
    _changed()
    return int(rule_id)


def remove_rule(con, rule_id: int, user: str) -> str:
    """Remove an app rule; returns what was removed, as the audit line says it."""
    with audit.transaction(con):
        row = con.execute("select kind, value, role from role_rules where rule_id = ?", [int(rule_id)]).fetchall()
        if not row:
            raise RuleError(f"There is no app rule {rule_id}; it may have been removed already.")
        kind, value, role = row[0]
        con.execute("delete from role_rules where rule_id = ?", [int(rule_id)])
        detail = f"rule {rule_id}: {kind} {value} -> {role}"
        audit.record(con, user, "role_rules", "remove", detail)
    _changed()
    return detail
