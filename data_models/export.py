"""Safe exports: CSV/XLSX cells that a spreadsheet would run as a formula are escaped."""
from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Prefix a text cell that starts like a formula with a quote, so spreadsheets show it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(escape_cell)
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def safe_csv(frame: pd.DataFrame) -> bytes:
    # CRLF line ends (RFC 4180) make the writer quote any cell holding a bare CR: unquoted, a spreadsheet starts a
    # new row at the CR, and the text after it ("=...") would land unescaped at the start of a cell
    return escape_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _xlsx_value(value):
    """A cell value openpyxl can store: missing values empty, numpy scalars as Python, times without zone."""
    if value is None or (not isinstance(value, (str, bytes)) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        value = value.replace(tzinfo=None)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    return value


def safe_xlsx(frame: pd.DataFrame, sheet_name: str = "Data") -> bytes:
    """An XLSX workbook of the frame in which every text cell is stored as text, never as a formula.

    openpyxl writes a text starting with "=" as a formula; here such cells are typed as strings and marked with
    Excel's quote prefix, so "=HYPERLINK(...)" is shown as typed, never run, and stays text when edited.
    """
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name[:31]
    sheet.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_xlsx_value(v) for v in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_PREFIXES):
                    cell.quotePrefix = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
