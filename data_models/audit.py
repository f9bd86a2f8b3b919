"""Who changed the workspace's configuration, and when: one audit trail for the admin pages.

Settings, role rules and survey invitations each record their changes here, in the same transaction as the
change itself, so the trail cannot miss a change that happened or show one that did not.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

# tables of the admin pages: configuration of the workspace, never upload templates or dictionary entries
ADMIN_TABLES = ("role_rules", "survey_invites", "admin_audit")
AREAS = ("settings", "role_rules", "survey_invites")


def utc_now() -> dt.datetime:
    """Now in UTC, without zone and to the second: how the admin tables store times."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def record(con, user: str, area: str, action: str, detail: str, when: dt.datetime | None = None) -> None:
    """Add one line to the trail; call it inside the transaction that makes the change."""
    if area not in AREAS:
        raise ValueError(f"unknown audit area {area!r}")
    con.execute("insert into admin_audit values (?, ?, ?, ?, ?)",
                [when or utc_now(), user or "unknown", area, action, detail])


def trail(con, area: str | None = None, limit: int = 200) -> pd.DataFrame:
    """The latest changes, newest first (of one area, or all)."""
    try:
        return con.execute(
            "select changed_at, changed_by, area, action, detail from admin_audit"
            " where ? is null or area = ? order by changed_at desc limit ?", [area, area, limit]).df()
    except duckdb.CatalogException:  # a database opened read-only before the admin tables existed
        return pd.DataFrame(columns=["changed_at", "changed_by", "area", "action", "detail"])


class transaction:
    """`with transaction(con):` — begin, then commit, or roll back on any error."""

    def __init__(self, con):
        self.con = con

    def __enter__(self):
        self.con.execute("begin transaction")
        return self.con

    def __exit__(self, kind, exc, tb):
        self.con.execute("rollback" if kind else "commit")
        return False
