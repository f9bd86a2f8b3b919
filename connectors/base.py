"""What every connector returns: canonical rows plus the problems found in them.

A parser turns one export file into one or more `Parsed` results. Each carries the
canonical kind it feeds (which decides the target table), the layout it was read as,
the rows mapped onto the canonical columns of that table, and the problems found.
Row numbers are the line numbers a user sees when opening the file in a spreadsheet
(header row included, 1-based), so error messages point at the right line.
"""
from __future__ import annotations

import dataclasses

import pandas as pd

# canonical kind -> target table; the kind is also the Great Expectations suite name
KIND_TABLE = {
    "crm.accounts": "accounts",
    "crm.contacts": "contacts",
    "crm.opportunities": "opportunities",
    "crm.opportunity_contact_roles": "opportunity_contact_roles",
    "crm.campaigns": "campaigns",
    "crm.campaign_members": "campaign_members",
    "crm.touchpoints": "touchpoints",
    "content.assets": "content_assets",
    "web.page_views": "web_events",
    "ads.spend": "ad_spend",
    "survey.responses": "survey_responses",
    "buyer.interviews": "buyer_interviews",
}

# primary key columns of each canonical table (upserts and uniqueness checks use these)
TABLE_KEYS = {
    "accounts": ("account_id",),
    "contacts": ("contact_id",),
    "opportunities": ("opportunity_id",),
    "opportunity_contact_roles": ("opportunity_id", "contact_id"),
    "campaigns": ("campaign_id",),
    "campaign_members": ("campaign_id", "contact_id"),
    "touchpoints": ("touchpoint_id",),
    "content_assets": ("asset_id",),
    "web_events": ("event_id",),
    "ad_spend": ("spend_date", "platform", "ad_campaign"),
    "survey_responses": ("response_id",),
    "buyer_interviews": ("interview_id",),
}

ROW_COLUMN = "_row"  # file line number of each parsed row, kept beside the canonical columns


@dataclasses.dataclass
class Problem:
    file: str
    row: int | None          # line number in the file as a user sees it; None for file-level problems
    column: str | None       # column name as it appears in the file
    value: str | None        # the offending value, as text (truncated by the reporter)
    rule: str                # short machine id, e.g. "not_null", "date_format", "unique_key"
    message: str             # what is wrong, in plain words
    hint: str = ""           # what to do about it
    severity: str = "error"  # "error" rejects the file; "warning" loads with a visible warning

    def __str__(self) -> str:
        """One line for the CLI, the Upload page and the load log: file, row, column, what, value, what to do."""
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            text += f" ({value})"
        text += "."
        if self.hint:
            text += f" {self.hint.rstrip('.')}."
        return text


@dataclasses.dataclass
class Parsed:
    """One parsed export. Its rows are either a pandas frame or, for a large file read by DuckDB
    (`staged`), a table in a private staging database; `frame` then builds the pandas frame only
    when something asks for it, and `row_count` / `head` / `batches` read the staged table."""

    file_name: str
    kind: str                 # a key of KIND_TABLE
    layout: str               # e.g. "salesforce.opportunity", "hubspot.deals", "ga4.events"
    frame: pd.DataFrame | None = dataclasses.field(repr=False)   # canonical columns (no load_id) + ROW_COLUMN
    problems: list[Problem] = dataclasses.field(default_factory=list)
    columns_seen: list[str] = dataclasses.field(default_factory=list)
    mapping: dict[str, str] = dataclasses.field(default_factory=dict)  # file column -> canonical column
    staged: object | None = dataclasses.field(default=None, repr=False, compare=False)  # staging.StagedRows

    def __post_init__(self):
        if self._frame is not None:
            self.staged = None          # a frame handed in (e.g. rows dropped on the Upload page) wins
        elif self.staged is None:
            raise ValueError("Parsed needs a frame or staged rows")

    @property
    def table(self) -> str:
        return KIND_TABLE[self.kind]

    @property
    def row_count(self) -> int:
        return self.staged.count() if self._frame is None else len(self._frame)

    def head(self, n: int) -> pd.DataFrame:
        return self.staged.head(n) if self._frame is None else self._frame.head(n)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _get_frame(self: Parsed) -> pd.DataFrame:
    if self._frame is None:
        self._frame = self.staged.frame()
    return self._frame


def _set_frame(self: Parsed, value: pd.DataFrame | None) -> None:
    self._frame = value


Parsed.frame = property(_get_frame, _set_frame)   # lazy for staged rows; dataclass __init__ goes through it


class ConnectorError(Exception):
    """A file that cannot be read at all; carries the problems to show the user."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
