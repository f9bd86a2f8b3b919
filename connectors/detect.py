"""The one place that decides which layout a file is, and how its columns map to fields.

Each source family module (crm, web, ads, content, survey) declares
  * KINDS: one `KindSpec` per export kind it feeds: the fields a builder reads, with the
    column-name synonyms any tool might use for them ("close_value", "deal value", "amount"),
  * LAYOUTS: one `Layout` per export format of a named tool, recognised by its header
    signature (the columns that tool always writes).
Detection tries the named layouts first (most recognised columns wins), then the generic
synonym table of every kind, and otherwise fails with a message that lists the layouts we
know and the columns the file has.

Column names are compared normalised: camelCase split, lower-case, punctuation to "_"
("StageName", "Stage Name" and "stage_name" are the same).
"""
from __future__ import annotations

import dataclasses
import functools
import re
from typing import Callable

from connectors.base import KIND_TABLE, ConnectorError, Problem


def norm(name: str) -> str:
    """Normalised column name: "CloseDate" / "Close Date" / "close_date" -> "close_date"."""
    text = str(name).replace("\ufeff", "").strip()
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    text = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z]{2,})", "_", text)
    text = text.lower().replace("%", " pct ").replace("#", " number ")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


@dataclasses.dataclass(frozen=True)
class KindSpec:
    """An export kind's fields and the column names that may carry them."""

    kind: str
    build: Callable                          # (FieldReader, options) -> canonical DataFrame
    fields: dict[str, tuple[str, ...]]       # field -> column-name synonyms (any spelling; normalised on use)
    required: tuple[str, ...] = ()           # fields that must be found
    any_of: tuple[str, ...] = ()             # at least one of these must be found too
    weak: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)  # only when the kind is forced
    targets: dict[str, str] = dataclasses.field(default_factory=dict)  # helper field -> canonical column
    prefixes: tuple[str, ...] = ()           # entity prefixes that may be dropped ("deal_amount" -> "amount")
    wide: bool = False                       # unmapped columns are data (survey questions as columns)

    def target(self, field: str) -> str:
        return self.targets.get(field, field)


@dataclasses.dataclass(frozen=True)
class Layout:
    """One tool's export format, recognised by the columns it always writes."""

    name: str                                # e.g. "salesforce.opportunity"
    kind: str
    source_system: str
    columns: dict[str, str]                  # column as the tool writes it -> field
    required: tuple[str, ...]                # columns (as written) that must all be present
    any_of: tuple[str, ...] = ()             # and at least one of these
    options: dict = dataclasses.field(default_factory=dict)   # passed to the builder, e.g. record_type

    @functools.cached_property
    def normalised(self) -> dict[str, str]:
        return {norm(c): f for c, f in self.columns.items()}


@dataclasses.dataclass
class Detection:
    layout: str
    kind: str
    source_system: str
    fields: dict[str, str]                   # file column -> field
    unmapped: list[str]                      # file columns not used
    options: dict
    confidence: float = 1.0
    ignored: list[str] = dataclasses.field(default_factory=list)   # known columns not loaded


@functools.cache
def registry() -> tuple[dict[str, KindSpec], tuple[Layout, ...]]:
    from connectors import ads, content, crm, survey, web
    kinds: dict[str, KindSpec] = {}
    layouts: list[Layout] = []
    for module in (crm, web, ads, content, survey):
        kinds.update(module.KINDS)
        layouts.extend(module.LAYOUTS)
    missing = set(KIND_TABLE) - set(kinds)
    assert not missing, f"no parser for kinds {missing}"
    return kinds, tuple(layouts)


def kind_spec(kind: str) -> KindSpec:
    kinds, _ = registry()
    if kind not in kinds:
        raise ConnectorError([Problem("", None, None, kind, "unknown_kind", f"'{kind}' is not an export kind",
                                      "Use one of: " + ", ".join(sorted(kinds)))])
    return kinds[kind]


def kind_fields(kind: str) -> list[str]:
    """The fields a mapping may point at for this kind (canonical columns and helper fields)."""
    return list(kind_spec(kind).fields)


def known_layouts() -> list[tuple[str, str, list[str]]]:
    """(layout, kind, required columns) for every named layout, then the generic layout of each kind."""
    kinds, layouts = registry()
    out = [(lay.name, lay.kind, list(lay.required) + ([" or ".join(lay.any_of)] if lay.any_of else []))
           for lay in layouts]
    for kind, spec in kinds.items():
        required = list(spec.required) + ([" or ".join(spec.any_of)] if spec.any_of else [])
        out.append((f"generic.{KIND_TABLE[kind]}", kind, required))
    return out


# ---- guessing a mapping from synonyms -----------------------------------------------------------

def _candidates(spec: KindSpec, name: str, forced: bool) -> list[tuple[int, str]]:
    """(priority, field) pairs a normalised column name could be; lower priority is a better match."""
    out = []
    variants = [name]
    for prefix in spec.prefixes:
        if name.startswith(prefix + "_") and len(name) > len(prefix) + 1:
            variants.append(name[len(prefix) + 1:])
    if name.endswith("_c"):                     # Salesforce custom field suffix
        variants.append(name[:-2])
    tables = [spec.fields] + ([spec.weak] if forced else [])
    for level, table in enumerate(tables):
        for field, synonyms in table.items():
            normalised = [norm(s) for s in (field,) + tuple(synonyms)]
            for v_rank, v in enumerate(variants):
                if v in normalised:
                    out.append((level * 1000 + v_rank * 100 + normalised.index(v), field))
                    break
    return out


def guess_mapping(columns: list[str], kind: str, forced: bool = True) -> tuple[dict[str, str], float, list[str]]:
    """(file column -> field, confidence 0..1, unmapped columns) from the kind's synonym table.

    Confidence is 0 unless every required field is found; then it grows with the share of
    the file's columns that were recognised.
    """
    spec = kind_spec(kind)
    options = []
    for i, col in enumerate(columns):
        for priority, field in _candidates(spec, norm(col), forced):
            options.append((priority, i, field))
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for priority, i, field in sorted(options):
        col = columns[i]
        if col in mapping or field in taken:
            continue
        mapping[col] = field
        taken.add(field)
    ordered = {c: mapping[c] for c in columns if c in mapping}
    unmapped = [c for c in columns if c not in mapping]
    return ordered, _confidence(spec, ordered, columns), unmapped


def _confidence(spec: KindSpec, mapping: dict[str, str], columns: list[str]) -> float:
    found = set(mapping.values())
    if not set(spec.required) <= found or (spec.any_of and not found & set(spec.any_of)):
        return 0.0
    if spec.wide:
        return 0.5 + 0.5 * len(mapping) / max(len(columns), 1) * 0.5
    return round(0.5 + 0.5 * len(mapping) / max(len(columns), 1), 3)


# ---- detection -------------------------------------------------------------------------------

def _layout_fits(layout: Layout, names: set[str]) -> bool:
    if not all(norm(c) in names for c in layout.required):
        return False
    return not layout.any_of or any(norm(c) in names for c in layout.any_of)


def detect(columns: list[str], file_name: str = "", kind: str | None = None,
           mapping: dict[str, str] | None = None, source_hint: str | None = None) -> Detection:
    """Which layout and kind the columns are, and the field of each column."""
    kinds, layouts = registry()
    if kind is not None:
        kind_spec(kind)
    if mapping:
        return _from_mapping(columns, file_name, kind, mapping, source_hint)
    names = {norm(c) for c in columns}

    fitting = [lay for lay in layouts if (kind is None or lay.kind == kind) and _layout_fits(lay, names)]
    if fitting:
        best = max(fitting, key=lambda lay: (sum(1 for n in names if n in lay.normalised), -layouts.index(lay)))
        fields: dict[str, str] = {}
        ignored: list[str] = []
        for col in columns:
            n = norm(col)
            if n not in best.normalised:
                continue
            field = best.normalised[n]
            if field and field not in fields.values():
                fields[col] = field
            else:
                ignored.append(col)      # known to the layout, deliberately not loaded
        # columns the layout does not name may still be known under a generic synonym
        rest = [c for c in columns if c not in fields and c not in ignored]
        extra, _, _ = guess_mapping(rest, best.kind, forced=False)
        for col, field in extra.items():
            if field not in fields.values():
                fields[col] = field
        fields = {c: fields[c] for c in columns if c in fields}
        return Detection(best.name, best.kind, best.source_system, fields,
                         [c for c in columns if c not in fields and c not in ignored], dict(best.options),
                         ignored=ignored)

    guesses = []
    for k in ([kind] if kind else list(kinds)):
        found, confidence, unmapped = guess_mapping(columns, k, forced=kind is not None)
        if confidence > 0:
            guesses.append((len(found), confidence, k, found, unmapped))
    if guesses:
        count, confidence, k, found, unmapped = max(guesses, key=lambda g: (g[0], g[1]))
        return Detection(f"generic.{KIND_TABLE[k]}", k, source_hint or "generic", found, unmapped, {},
                         confidence)
    raise ConnectorError([_unknown_layout(columns, file_name, kind)])


def _from_mapping(columns: list[str], file_name: str, kind: str | None, mapping: dict[str, str],
                  source_hint: str | None) -> Detection:
    kinds, _ = registry()
    missing = [c for c in mapping if c not in columns]
    if missing:
        raise ConnectorError([Problem(file_name, None, c, None, "mapping_column",
                                      f"the mapping names column '{c}', which the file does not have",
                                      "Columns in the file: " + ", ".join(columns)) for c in missing])
    targets = set(mapping.values())
    if kind is None:
        fitting = [k for k, spec in kinds.items() if targets <= set(spec.fields) | set(spec.targets.values())]
        if not fitting:
            raise ConnectorError([Problem(file_name, None, None, ", ".join(sorted(targets)), "mapping_kind",
                                          "no export kind has all the columns this mapping points at",
                                          "Choose the kind of export (--kind) and map to its columns")])
        kind = max(fitting, key=lambda k: (set(kinds[k].required) <= targets, len(targets & set(kinds[k].fields))))
    spec = kinds[kind]
    reverse_targets = {canon: f for f, canon in spec.targets.items()}
    fields = {}
    for col, target in mapping.items():
        field = target if target in spec.fields else reverse_targets.get(target)
        if field is None:
            raise ConnectorError([Problem(file_name, None, col, target, "mapping_target",
                                          f"'{target}' is not a column of {kind}",
                                          "Map to one of: " + ", ".join(spec.fields))])
        fields[col] = field
    found = set(fields.values())
    lacking = [f for f in spec.required if f not in found]
    if spec.any_of and not found & set(spec.any_of):
        lacking.append(" or ".join(spec.any_of))
    if lacking:
        raise ConnectorError([Problem(file_name, None, None, None, "mapping_incomplete",
                                      f"the mapping has no column for {', '.join(lacking)}",
                                      f"Map a column of the file to each of: {', '.join(lacking)}")])
    fields = {c: fields[c] for c in columns if c in fields}
    return Detection(f"mapped.{KIND_TABLE[kind]}", kind, source_hint or "generic", fields,
                     [c for c in columns if c not in fields], {})


def _unknown_layout(columns: list[str], file_name: str, kind: str | None) -> Problem:
    seen = ", ".join(columns) if columns else "(none)"
    if kind:
        spec = kind_spec(kind)
        found, _, _ = guess_mapping(columns, kind)
        lacking = [f for f in spec.required if f not in found.values()]
        if spec.any_of and not set(found.values()) & set(spec.any_of):
            lacking.append(" or ".join(spec.any_of))
        examples = "; ".join(f"{f}: e.g. " + " / ".join((f,) + tuple(spec.fields.get(f, ()))[:3])
                             for f in lacking if f in spec.fields)
        return Problem(
            file_name, None, None, None, "unknown_layout",
            f"the file does not have the columns a {kind} export needs: no column for {', '.join(lacking)}"
            f" ({examples}). Columns in the file: {seen}",
            "Rename those columns in the file, or map them by hand in the app's mapping editor")
    listing = "; ".join(f"{name} [{k}]: {', '.join(req)}" for name, k, req in known_layouts()
                        if not name.startswith("generic."))
    return Problem(
        file_name, None, None, None, "unknown_layout",
        f"could not tell which export this is. Columns in the file: {seen}. Layouts we know: {listing}",
        "Rename the columns to match one of these layouts, or say what the file is: "
        "`cli.py load --kind KIND` (kinds: " + ", ".join(KIND_TABLE) + ") or the app's mapping editor")
