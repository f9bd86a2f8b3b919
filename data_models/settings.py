"""Workspace settings: the defaults an admin sets for everyone, stored in the database's `settings` table.

Every setting has a default in code (the value the app used before settings existed); a database without the
key, or with a value that no longer validates, gives that default. Values are stored as text and come back typed.
`save_settings` validates every change first and writes all of them, with an audit line each, or none.
"""
from __future__ import annotations

import dataclasses
import re
import urllib.parse
from typing import Any, Callable

import duckdb

from data_models import audit
from data_models.params import ATTRIBUTION_MODELS, SOURCED_DEFINITIONS

DEFAULT_COMPANY = "Our company"          # the same as data_models.deck.DEFAULT_COMPANY (tested)
SIDEBAR_MODELS = tuple(m for m in ATTRIBUTION_MODELS if m != "custom")   # custom weights are set per page


class SettingsError(ValueError):
    """One or more values cannot be saved; `problems` maps each setting to what is wrong, in plain words."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


@dataclasses.dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: Any
    parse: Callable[[Any], Any]     # a raw value (from a form or the table) -> the typed value; raises ValueError
    help: str


def _whole_number(value, low: int, high: int, what: str) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"{what} must be a whole number from {low} to {high}; got {text or 'nothing'!r}.")
    number = int(text)
    if not low <= number <= high:
        raise ValueError(f"{what} must be from {low} to {high}; got {number}.")
    return number


def _company(value) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValueError("Company name cannot be empty: it heads the app and the board deck's title slide.")
    if len(text) > 80:
        raise ValueError(f"Company name is {len(text)} characters long; keep it to 80.")
    return text


def _month(value) -> int:
    return _whole_number(value, 1, 12, "Fiscal year start month")


def _currency(value) -> str:
    text = str(value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ValueError(f"Currency must be a three-letter ISO 4217 code such as USD, EUR or GBP; got {text!r}.")
    return text


def _lookback(value) -> int:
    return _whole_number(value, 7, 365, "Influence lookback")


def _model(value) -> str:
    if value not in SIDEBAR_MODELS:
        raise ValueError(f"Attribution model {value!r} is not one of {', '.join(SIDEBAR_MODELS)}.")
    return value


def _sourced(value) -> str:
    if value not in SOURCED_DEFINITIONS:
        raise ValueError(f"Sourced definition {value!r} is not one of {', '.join(SOURCED_DEFINITIONS)}.")
    return value


def _margin(value) -> int:
    return _whole_number(value, 1, 100, "Gross margin")


def _expiry(value) -> int:
    return _whole_number(value, 0, 365, "Invitation expiry")


def _app_url(value) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or " " in text:
        raise ValueError(f"App address must be the address people open, like https://dashboard.example.com "
                         f"(http or https, no ?query or #part); got {text!r}.")
    return text.rstrip("/")


SETTINGS: tuple[Setting, ...] = (
    Setting("company_name", "Company name", DEFAULT_COMPANY, _company,
            "Shown at the top of the sidebar and on the board deck's title slide."),
    Setting("fiscal_year_start_month", "Fiscal year starts in", 1, _month,
            "Quarters and years in every page and the deck follow this calendar."),
    Setting("currency", "Currency", "USD", _currency,
            "The reporting currency's ISO code. A label only: amounts are not converted."),
    Setting("lookback_days", "Influence lookback (days)", 90, _lookback,
            "How long before a deal's creation a touch still counts as influence or first touch (7 to 365)."),
    Setting("attribution_model", "Attribution model", "w_shaped", _model,
            "The model pages open with; anyone can pick another in the sidebar."),
    Setting("sourced_definition", "Sourced definition", "lead_source", _sourced,
            "How a deal is called marketing-sourced: by its lead source, or by its first touch in the lookback."),
    Setting("gross_margin_pct", "Gross margin (%)", 75, _margin,
            "Share of revenue left after the cost of delivering it (1 to 100); ROI counts only this margin. "
            "The ROI page opens with it, and the board deck uses it."),
    Setting("invite_expiry_days", "Survey invitations expire after (days)", 30, _expiry,
            "The expiry proposed for new survey invitation links; 0 = they never expire."),
    Setting("app_url", "App address for links", "", _app_url,
            "The address people open (behind your proxy), used in survey invitation links. "
            "Empty = the address your browser uses."),
)
BY_KEY = {s.key: s for s in SETTINGS}


def defaults() -> dict[str, Any]:
    return {s.key: s.default for s in SETTINGS}


def get_settings(con) -> dict[str, Any]:
    """Every setting, typed: the saved value when it is valid, else the default in code."""
    values = defaults()
    try:
        rows = con.execute("select key, value from settings").fetchall()
    except duckdb.CatalogException:   # a database opened read-only before settings existed
        return values
    for key, raw in rows:
        if key not in BY_KEY:
            continue   # the app's own keys (models, survey_salt...) are not workspace settings
        try:
            values[key] = BY_KEY[key].parse(raw)
        except ValueError:
            pass   # a value saved by an older version that no longer validates: the default is safer
    return values


def validate(changes: dict[str, Any]) -> dict[str, Any]:
    """The typed values of `changes`, or SettingsError naming every value that cannot be saved."""
    typed, problems = {}, {}
    for key, raw in changes.items():
        if key not in BY_KEY:
            problems[key] = f"There is no setting called {key!r}."
            continue
        try:
            typed[key] = BY_KEY[key].parse(raw)
        except ValueError as exc:
            problems[key] = str(exc)
    if problems:
        raise SettingsError(problems)
    return typed


def save_settings(con, changes: dict[str, Any], user: str) -> list[str]:
    """Validate and save; returns the keys whose value changed (nothing is written if any value is invalid)."""
    typed = validate(changes)
    current = get_settings(con)
    changed = [key for key, value in typed.items() if value != current[key]]
    if not changed:
        return []
    with audit.transaction(con):
        when = audit.utc_now()
        for key in changed:
            con.execute("insert or replace into settings values (?, ?)", [key, str(typed[key])])
            audit.record(con, user, "settings", "set", f"{key}: {current[key]!r} -> {typed[key]!r}", when)
    return changed
