"""Customer journeys: ordered channel paths with conversions, conversion value and non-conversions.

The interchange format is ChannelAttribution's aggregated journeys file
(shared/domain.md, "Aggregated journey files"): columns `path`, `total_conversions`,
`total_conversion_value`, `total_null`, channels joined by " > ". One row may stand for
many journeys: it says how many journeys took that path and converted
(`total_conversions`), what they were worth (`total_conversion_value`) and how many
took it without converting (`total_null`). The same path on several rows adds up.

In memory a set of journeys is kept in compressed-row form (`Journeys`): one integer
array of channel codes for all steps end to end, and offsets where each journey starts,
so the models can aggregate millions of journeys with vectorised numpy instead of
Python loops.
"""
from __future__ import annotations

import csv
import dataclasses
import pathlib
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

PATH_SEPARATOR = " > "
_SEPARATOR_RE = re.compile(r"\s*>\s*")
COLUMNS = ("path", "total_conversions", "total_conversion_value", "total_null")
NUMERIC_COLUMNS = COLUMNS[1:]


class JourneyFileError(ValueError):
    """A journeys file that cannot be read; the message names file, line and column."""


@dataclasses.dataclass(frozen=True)
class Journeys:
    """Distinct journeys in compressed-row form.

    Journey j visits `channels[steps[offsets[j]:offsets[j + 1]]]` in that order; it stands for
    `conversions[j]` converting journeys worth `value[j]` in total and `nulls[j]` that did not
    convert. Every journey has at least one step.
    """

    channels: tuple[str, ...]
    offsets: np.ndarray      # int64, len = n_journeys + 1, offsets[0] == 0
    steps: np.ndarray        # int32 channel codes, len = offsets[-1]
    conversions: np.ndarray  # float64 per journey
    value: np.ndarray        # float64 per journey
    nulls: np.ndarray        # float64 per journey

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def journey_of_step(self) -> np.ndarray:
        """For every step, the index of the journey it belongs to."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.lengths)

    @property
    def total_conversions(self) -> float:
        return float(self.conversions.sum())

    @property
    def total_value(self) -> float:
        return float(self.value.sum())

    def paths(self) -> list[str]:
        """Each journey's path written the interchange way ("a > b > c")."""
        names = np.asarray(self.channels, dtype=object)
        return [PATH_SEPARATOR.join(names[self.steps[a:b]]) for a, b in zip(self.offsets[:-1], self.offsets[1:])]

    def to_frame(self) -> pd.DataFrame:
        """The journeys as an aggregated journeys table (the file format's columns)."""
        return pd.DataFrame({
            "path": self.paths(),
            "total_conversions": self.conversions,
            "total_conversion_value": self.value,
            "total_null": self.nulls,
        })


def from_sequences(
    sequences: Iterable[Sequence[str]],
    conversions: Iterable[float],
    value: Iterable[float] | None = None,
    nulls: Iterable[float] | None = None,
) -> Journeys:
    """Journeys from lists of channel names (one list per journey, in order)."""
    seqs = [list(s) for s in sequences]
    if any(len(s) == 0 for s in seqs):
        raise ValueError("every journey needs at least one channel")
    conv = np.asarray(list(conversions), dtype=np.float64)
    n = len(seqs)
    val = np.zeros(n) if value is None else np.asarray(list(value), dtype=np.float64)
    nul = np.zeros(n) if nulls is None else np.asarray(list(nulls), dtype=np.float64)
    if not (len(conv) == len(val) == len(nul) == n):
        raise ValueError("sequences, conversions, value and nulls must have the same length")
    flat = [c for s in seqs for c in s]
    codes, uniques = pd.factorize(pd.Series(flat, dtype=object), sort=True)
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in seqs])
    return _aggregate(tuple(str(u) for u in uniques), offsets, codes.astype(np.int32), conv, val, nul)


def from_paths(paths: Iterable[str], conversions, value=None, nulls=None) -> Journeys:
    """Journeys from path strings such as "email > webinar" (">" with any spacing)."""
    frame = pd.DataFrame({"path": pd.Series(list(paths), dtype=object)})
    n = len(frame)
    frame["total_conversions"] = np.asarray(conversions, dtype=np.float64) if n else []
    frame["total_conversion_value"] = 0.0 if value is None else np.asarray(value, dtype=np.float64)
    frame["total_null"] = 0.0 if nulls is None else np.asarray(nulls, dtype=np.float64)
    return from_frame(frame)


def from_frame(frame: pd.DataFrame, source: str = "journeys") -> Journeys:
    """Journeys from an aggregated journeys table; identical paths on several rows add up."""
    # identical paths are one journey type: their counts add up before any splitting, so each
    # distinct path string is normalised and parsed only once (first as written, then normalised)
    raw = (
        pd.DataFrame({
            "path": frame["path"].fillna("").astype(str).to_numpy(dtype=object),
            "c": frame["total_conversions"].to_numpy(dtype=np.float64),
            "v": frame["total_conversion_value"].to_numpy(dtype=np.float64),
            "n": frame["total_null"].to_numpy(dtype=np.float64),
            "row": np.arange(len(frame)),
        })
        .groupby("path", sort=False).agg(c=("c", "sum"), v=("v", "sum"), n=("n", "sum"), row=("row", "min"))
    )
    normalised = _normalise_paths(pd.Series(raw.index, dtype=object))
    empty = (normalised == "").to_numpy()
    if empty.any():
        row = int(raw["row"].to_numpy()[empty].min())
        raise JourneyFileError(f"{source}: line {row + 2}, column path: the path is empty")
    raw.index = normalised.to_numpy()
    raw.index.name = "path"
    grouped = raw.groupby("path", sort=True)[["c", "v", "n"]].sum()
    tokens = pd.Series(grouped.index, dtype=object).str.split(">")
    lengths = tokens.str.len().to_numpy(dtype=np.int64)
    flat = tokens.explode().to_numpy(dtype=object)
    codes, uniques = pd.factorize(flat, sort=True)
    offsets = np.zeros(len(grouped) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    return Journeys(
        channels=tuple(str(u) for u in uniques),
        offsets=offsets,
        steps=codes.astype(np.int32),
        conversions=grouped["c"].to_numpy(),
        value=grouped["v"].to_numpy(),
        nulls=grouped["n"].to_numpy(),
    )


def _normalise_paths(paths: pd.Series) -> pd.Series:
    """'a>b', 'a >  b ' and 'a > > b' all become 'a>b' (empty steps dropped, as ChannelAttribution does)."""
    text = paths.fillna("").astype(str).str.strip()
    text = text.str.replace(_SEPARATOR_RE, ">", regex=True)
    text = text.str.replace(r">{2,}", ">", regex=True).str.strip(">")
    return text


def _aggregate(channels, offsets, steps, conv, val, nul) -> Journeys:
    """Merge identical journeys (same channel sequence) so each distinct path appears once."""
    names = np.asarray(channels, dtype=object)
    paths = [">".join(names[steps[a:b]]) for a, b in zip(offsets[:-1], offsets[1:])]
    frame = pd.DataFrame({"path": paths, "total_conversions": conv, "total_conversion_value": val, "total_null": nul})
    return from_frame(frame)


def from_arrays(channels: Sequence[str], offsets, steps, conversions, value=None, nulls=None) -> Journeys:
    """Journeys straight from compressed-row arrays (no merging of identical paths needed:
    every model here adds journeys up, so duplicates give the same result)."""
    offsets = np.asarray(offsets, dtype=np.int64)
    steps = np.asarray(steps, dtype=np.int32)
    n = len(offsets) - 1
    if n < 0 or offsets[0] != 0 or offsets[-1] != len(steps) or np.any(np.diff(offsets) < 1):
        raise ValueError("offsets must start at 0, end at len(steps) and give every journey >= 1 step")
    if len(steps) and (steps.min() < 0 or steps.max() >= len(channels)):
        raise ValueError("step codes must index channels")
    conv = np.asarray(conversions, dtype=np.float64)
    val = np.zeros(n) if value is None else np.asarray(value, dtype=np.float64)
    nul = np.zeros(n) if nulls is None else np.asarray(nulls, dtype=np.float64)
    return Journeys(tuple(channels), offsets, steps, conv, val, nul)


# ---------------------------------------------------------------- reading files

def read_journeys(path: str | pathlib.Path) -> Journeys:
    """Read an aggregated journeys file (comma- or semicolon-delimited, detected from the header).

    Column names are matched case-insensitively; `path` and `total_conversions` are required,
    `total_conversion_value` and `total_null` default to 0 when absent, and blank cells count as 0.
    Semicolon files may write decimals with a comma ("0,5"). Bad numbers raise
    `JourneyFileError` naming the file, the line and the column.
    """
    path = pathlib.Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise JourneyFileError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise JourneyFileError(f"{name}: not a UTF-8 text file") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise JourneyFileError(f"{name}: the file is empty; expected a header with columns {', '.join(COLUMNS)}")
    delimiter = detect_delimiter(lines[0])
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [h.strip().lower() for h in rows[0]]
    if "path" not in header:
        raise JourneyFileError(
            f"{name}: line 1: no 'path' column (found: {', '.join(h or '(blank)' for h in header)}); "
            f"expected columns {', '.join(COLUMNS)}"
        )
    if "total_conversions" not in header:
        raise JourneyFileError(f"{name}: line 1: no 'total_conversions' column (found: {', '.join(header)})")
    position = {col: header.index(col) for col in COLUMNS if col in header}
    data: dict[str, list] = {col: [] for col in COLUMNS}
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        data["path"].append((line_no, row[position["path"]]))
        for col in NUMERIC_COLUMNS:
            cell = row[position[col]] if col in position else ""
            data[col].append(_number(cell, delimiter, name, line_no, col))
    frame = pd.DataFrame({
        "path": [p for _, p in data["path"]],
        **{col: np.asarray(data[col], dtype=np.float64) for col in NUMERIC_COLUMNS},
    })
    if frame.empty:
        raise JourneyFileError(f"{name}: no journeys below the header")
    for i, (line_no, p) in enumerate(data["path"]):
        if not _SEPARATOR_RE.sub("", p).strip():
            raise JourneyFileError(f"{name}: line {line_no}, column path: the path is empty")
    return from_frame(frame, source=name)


def detect_delimiter(header: str) -> str:
    """';' when the header splits into more fields on semicolons than on commas, else ','."""
    return ";" if header.count(";") > header.count(",") else ","


def _number(cell: str, delimiter: str, file_name: str, line_no: int, column: str) -> float:
    text = cell.strip()
    if not text:
        return 0.0
    candidates = [text]
    if delimiter == ";" and "," in text:
        candidates.append(text.replace(".", "").replace(",", "."))  # "1.234,5" written the European way
    for candidate in candidates:
        try:
            number = float(candidate)
        except ValueError:
            continue
        if not np.isfinite(number) or number < 0:
            break
        return number
    raise JourneyFileError(
        f"{file_name}: line {line_no}, column {column}: '{cell}' is not a non-negative number"
    )
