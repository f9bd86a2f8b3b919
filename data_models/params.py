"""The filters every metric takes, shared by pages, the CLI and the deck."""
from __future__ import annotations

import dataclasses
import datetime as dt

ATTRIBUTION_MODELS = (
    "first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "full_path",
    "time_decay", "j_shaped", "inverse_j", "custom", "markov", "shapley",
)
SOURCED_DEFINITIONS = ("lead_source", "first_touch")


@dataclasses.dataclass(frozen=True)
class Params:
    start: dt.date                      # inclusive, by opportunity created date (pipeline) / close date (revenue)
    end: dt.date                        # inclusive
    as_of: dt.date | None = None        # "today" for open deals; defaults to end
    segment: str | None = None          # None = all
    region: str | None = None           # None = all
    lookback_days: int = 90
    sourced_definition: str = "lead_source"
    model: str = "w_shaped"
    half_life_days: float = 7.0
    gross_margin: float = 0.75
    fiscal_year_start_month: int = 1
    currency: str = "USD"
    custom_weights: tuple[float, float, float, float, float] | None = None  # first, lead, opp, won, rest

    @property
    def today(self) -> dt.date:
        return self.as_of or self.end

    @property
    def in_progress(self) -> bool:
        """True when the period has not ended yet by the data's as-of date (e.g. this quarter, to date)."""
        return self.as_of is not None and self.start <= self.as_of < self.end

    def previous(self) -> "Params":
        """The period just before this one: the previous fiscal quarter or year when the period is one,
        else the same number of days ending the day before it starts. A period still in progress is
        compared like for like: the previous period up to the same number of days from its start."""
        end = self.start - dt.timedelta(days=1)
        fy = self.fiscal_year_start_month
        start = end - (self.end - self.start)
        for bounds in (fiscal_quarter_bounds, fiscal_year_bounds):
            if bounds(self.start, fy) == (self.start, self.end):
                start, end = bounds(end, fy)
                break
        if self.in_progress:
            end = min(end, start + (self.as_of - self.start))
        return dataclasses.replace(self, start=start, end=end, as_of=end)


def fiscal_quarter_bounds(day: dt.date, fiscal_year_start_month: int = 1) -> tuple[dt.date, dt.date]:
    """First and last day of the fiscal quarter containing `day`."""
    offset = (day.month - fiscal_year_start_month) % 3
    first_month_index = day.year * 12 + day.month - 1 - offset
    start = dt.date(first_month_index // 12, first_month_index % 12 + 1, 1)
    nxt = first_month_index + 3
    end = dt.date(nxt // 12, nxt % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def fiscal_year_bounds(day: dt.date, fiscal_year_start_month: int = 1) -> tuple[dt.date, dt.date]:
    """First and last day of the fiscal year containing `day`."""
    year = day.year if day.month >= fiscal_year_start_month else day.year - 1
    start = dt.date(year, fiscal_year_start_month, 1)
    end = dt.date(year + 1, fiscal_year_start_month, 1) - dt.timedelta(days=1)
    return start, end
