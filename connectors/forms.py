"""In-app forms produce files in our own export layouts, so they pass the same validation,
load log and undo as any upload.

A survey respondent is identified by an opaque key: a salted hash of the signed-in identity (one
response per person; answering again replaces the earlier answers), or a random key otherwise. An
invitation link gets a random key too, so the answers cannot be traced to the link or its label; the
link itself allows one response (data_models/invites.py). The salt lives in the database settings, so
a key cannot be traced back to a person from the answers alone.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import secrets
import uuid

SALT_KEY = "survey_salt"
EMAIL_PREFIX = "email:"  # how a parser marks a respondent given by address, until the loader keys it


def survey_salt(con) -> str:
    """The installation's survey salt, created on first use."""
    row = con.execute("select value from settings where key = ?", [SALT_KEY]).fetchone()
    if row:
        return row[0]
    salt = secrets.token_hex(16)
    con.execute("insert into settings values (?, ?) on conflict (key) do nothing", [SALT_KEY, salt])
    return con.execute("select value from settings where key = ?", [SALT_KEY]).fetchone()[0]


def respondent_key(identity: str | None, salt: str) -> str:
    """'r-' + 16 hex characters: HMAC-SHA256 of the normalised identity under the secret salt, or random when
    there is no identity. The same person always gets the same key; the key cannot be turned back into an address,
    and without the salt it cannot be checked against a list of guessed addresses."""
    if not identity or not identity.strip():
        return "r-" + uuid.uuid4().hex[:16]
    return "r-" + hmac.new(salt.encode(), identity.strip().lower().encode(), hashlib.sha256).hexdigest()[:16]


def anonymise_respondents(con, keys: "pd.Series") -> "pd.Series":
    """Replace every respondent given by address with its salted key, so no address reaches the database."""
    if not keys.astype(str).str.startswith(EMAIL_PREFIX).any():
        return keys
    salt = survey_salt(con)
    return keys.map(lambda k: respondent_key(k[len(EMAIL_PREFIX):], salt)
                    if isinstance(k, str) and k.startswith(EMAIL_PREFIX) else k)


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def survey_csv(respondent: str, role: str, answers: dict[str, float], submitted_at: dt.datetime) -> bytes:
    """One respondent's answers in the long survey layout (respondent_id, role, question_id, answer, submitted_at)."""
    rows = [[respondent, role, qid, f"{value:g}", submitted_at.strftime("%Y-%m-%dT%H:%M:%S")]
            for qid, value in answers.items() if value is not None]
    return _csv(["respondent_id", "role", "question_id", "answer", "submitted_at"], rows)


def interview_csv(interview_id: str, day: dt.date, persona: str, outcome: str, insight_area: str, quote: str,
                  opportunity_id: str | None = None) -> bytes:
    """One buyer interview note in the interview layout."""
    return _csv(["interview_id", "date", "opportunity_id", "persona", "outcome", "insight_area", "quote"],
                [[interview_id, day.isoformat(), opportunity_id or "", persona, outcome, insight_area, quote]])
