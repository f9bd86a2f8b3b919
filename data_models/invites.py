"""Perception-survey invitations: single-use links an admin creates for a respondent role.

A link is `<app>/perception?invite=TOKEN`, TOKEN from secrets.token_urlsafe. It is good for one submitted
survey until it expires or an admin revokes it. Anonymity: the answers are stored under a random respondent key,
never with the token or the invite's label, and the invite keeps only *that* it was used, not when, so the
label of a link cannot be matched to the answers, not even by time.

Tokens are stored as they are (not hashed) so an admin can download the links again, e.g. to remind the
people who have not answered; a token only ever lets someone submit one survey.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
import urllib.parse

import duckdb
import pandas as pd

from data_models import audit
from data_models.export import safe_csv
from data_models.perception import ROLES

MAX_PER_BATCH = 500
PAGE_PATH = "perception"     # the URL path of pages/dashboard/perception.py (pages.url_path)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
STATUSES = ("unused", "used", "expired", "revoked")

UNKNOWN = ("This invitation link is not valid. Check that the whole link was copied, "
           "or ask the person who sent it for a new one.")
USED = "This invitation link has already been used: each link counts one response, so the survey cannot be sent again."
REVOKED = "This invitation link was withdrawn. Ask the person who sent it for a new one if you still want to answer."
EXPIRED = "This invitation link expired on {when:%b %d, %Y at %H:%M} UTC. Ask the person who sent it for a new one."


class InviteError(ValueError):
    """Invitations cannot be created or revoked as asked; the message says why."""


@dataclasses.dataclass(frozen=True)
class Check:
    ok: bool
    role: str | None        # the respondent role the link was made for (when ok)
    message: str            # what to tell the respondent when not ok; empty when ok


def create_invites(con, role: str, count: int, user: str, expires_at: dt.datetime | None = None,
                   label: str | None = None, now: dt.datetime | None = None) -> list[str]:
    """Create `count` single-use links for respondents of `role`; returns their tokens."""
    now = now or audit.utc_now()
    if role not in ROLES:
        raise InviteError(f"Respondent role {role!r} is not one of {', '.join(ROLES)}.")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PER_BATCH:
        raise InviteError(f"Create from 1 to {MAX_PER_BATCH} links at a time; got {count!r}.")
    if expires_at is not None and expires_at <= now:
        raise InviteError(f"The expiry {expires_at:%Y-%m-%d %H:%M} UTC is not in the future.")
    label = " ".join(str(label or "").split()) or None
    if label and len(label) > 100:
        raise InviteError(f"The label is {len(label)} characters long; keep it to 100.")
    tokens = [secrets.token_urlsafe(18) for _ in range(count)]
    with audit.transaction(con):
        con.executemany("insert into survey_invites values (?, ?, ?, ?, ?, ?, false, null, null)",
                        [[t, role, label, user or "unknown", now, expires_at] for t in tokens])
        expiry = f"expiring {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "never expiring"
        audit.record(con, user, "survey_invites", "create",
                     f"{count} link{'s' if count != 1 else ''} for {role}, {expiry}"
                     + (f", label {label!r}" if label else ""), now)
    return tokens


def status(used: bool, revoked_at, expires_at, now: dt.datetime) -> str:
    """unused | used | expired | revoked: revoked and used are final; expiry applies to unused links."""
    if used:
        return "used"
    if revoked_at is not None and not pd.isna(revoked_at):
        return "revoked"
    if expires_at is not None and not pd.isna(expires_at) and now >= expires_at:
        return "expired"
    return "unused"


def list_invites(con, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every invitation, newest first, with its status."""
    now = now or audit.utc_now()
    try:
        frame = con.execute("select token, respondent_role, label, created_by, created_at, expires_at, used,"
                            " revoked_at, revoked_by from survey_invites order by created_at desc, token").df()
    except duckdb.CatalogException:
        frame = pd.DataFrame(columns=["token", "respondent_role", "label", "created_by", "created_at", "expires_at",
                                      "used", "revoked_at", "revoked_by"])
    frame["status"] = [status(bool(r.used), r.revoked_at, r.expires_at, now) for r in frame.itertuples()] \
        if len(frame) else pd.Series(dtype=str)
    return frame


def revoke(con, tokens: list[str], user: str, now: dt.datetime | None = None) -> int:
    """Revoke the links not yet used (used ones stay used); returns how many were revoked."""
    now = now or audit.utc_now()
    tokens = list(dict.fromkeys(tokens))
    if not tokens:
        raise InviteError("Pick at least one link to revoke.")
    with audit.transaction(con):
        revoked = []
        for token in tokens:
            rows = con.execute("update survey_invites set revoked_at = ?, revoked_by = ? where token = ?"
                               " and not used and revoked_at is null returning token",
                               [now, user or "unknown", token]).fetchall()
            revoked += [r[0] for r in rows]
        if revoked:
            # only the start of each token: the trail must not hold working links
            audit.record(con, user, "survey_invites", "revoke",
                         f"{len(revoked)} link{'s' if len(revoked) != 1 else ''}: "
                         + ", ".join(t[:6] + "…" for t in revoked), now)
    return len(revoked)


def check(con, token: str | None, now: dt.datetime | None = None) -> Check:
    """Whether a survey may be submitted with this token now, and for which role (reads only)."""
    now = now or audit.utc_now()
    if not token or not _TOKEN.fullmatch(token):
        return Check(False, None, UNKNOWN)
    try:
        rows = con.execute("select respondent_role, used, revoked_at, expires_at from survey_invites"
                           " where token = ?", [token]).fetchall()
    except duckdb.CatalogException:
        rows = []
    if not rows:
        return Check(False, None, UNKNOWN)
    role, used, revoked_at, expires_at = rows[0]
    state = status(used, revoked_at, expires_at, now)
    if state == "used":
        return Check(False, role, USED)
    if state == "revoked":
        return Check(False, role, REVOKED)
    if state == "expired":
        return Check(False, role, EXPIRED.format(when=expires_at))
    return Check(True, role, "")


def claim(con, token: str | None, now: dt.datetime | None = None) -> Check:
    """Mark the link used, if it may still be used: one atomic update, so two submits cannot both pass.

    Call it just before storing the answers, and `release` it if they cannot be stored.
    """
    now = now or audit.utc_now()
    if not token or not _TOKEN.fullmatch(token):
        return Check(False, None, UNKNOWN)
    try:
        rows = con.execute("update survey_invites set used = true where token = ? and not used"
                           " and revoked_at is null and (expires_at is null or expires_at > ?)"
                           " returning respondent_role", [token, now]).fetchall()
    except duckdb.TransactionException:   # another session claimed it at the same moment
        return Check(False, None, USED)
    if rows:
        return Check(True, rows[0][0], "")
    return check(con, token, now)


def release(con, token: str) -> None:
    """Give a claimed link back after the answers could not be stored, so the respondent can try again."""
    con.execute("update survey_invites set used = false where token = ?", [token])


def base_url(current_url: str | None, configured: str | None) -> str:
    """The app's address for links: the admin's setting, else the address the admin's browser uses now."""
    if configured:
        return configured.rstrip("/")
    parts = urllib.parse.urlsplit(current_url or "")
    if not parts.scheme or not parts.netloc:
        return "http://localhost:8501"
    return f"{parts.scheme}://{parts.netloc}"


def link(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/{PAGE_PATH}?invite={token}"


def links_csv(frame: pd.DataFrame, base: str) -> bytes:
    """The invitations as CSV for a mail merge: link, role, label, status, expiry (cells formula-escaped)."""
    out = pd.DataFrame({
        "link": [link(base, t) for t in frame["token"]],
        "respondent_role": frame["respondent_role"], "label": frame["label"], "status": frame["status"],
        "expires_at_utc": frame["expires_at"], "created_at_utc": frame["created_at"],
    })
    return safe_csv(out)
