"""The board deck: a PPTX of marketing's contribution with native, editable charts, and its PDF.

    build_deck(con, params, slides=None, company=..., template=None) -> PPTX bytes
    to_pdf(pptx_bytes) -> PDF bytes           (LibreOffice headless)
    slide_images(pptx_bytes) -> [PNG bytes]    (PDF -> pdftoppm, for the in-app preview)
    cli_deck(args) -> exit code                (`python cli.py deck`)

Slides (ids in SLIDES) are chosen and ordered by the caller. Every figure comes from the
metric functions the dashboard pages call (see data_models.deck_slides); charts are chart
objects carrying their data, so a board member can restyle or re-read them in PowerPoint.

Company template: the bytes of a .pptx or .potx. Its slide layouts (a "Title Slide" type layout
with a centre title, and a "Title Only" type layout) and theme are used; the template's own
slides are removed. python-pptx opens presentations only, so for a .potx the content type of
the main part in [Content_Types].xml is rewritten from
`application/vnd.openxmlformats-officedocument.presentationml.template.main+xml` to
`...presentationml.presentation.main+xml` before opening (the parts are otherwise identical).
A template keeps its own slide size; without one the deck is 16:9, 13.333 × 7.5 in.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

from pptx import Presentation
from pptx.util import Inches

from data_models import deck_charts, deck_slides
from data_models.params import Params, fiscal_quarter_bounds, fiscal_year_bounds
from data_models.periods import data_as_of, period_label

SLIDES: list[tuple[str, str]] = [
    ("title", "Title"),
    ("summary", "Executive summary: three headlines"),
    ("pipeline", "Sourced and influenced pipeline by quarter"),
    ("revenue", "Revenue attributed to marketing"),
    ("attribution", "Attribution model comparison"),
    ("content", "Content-assisted deals"),
    ("roi", "ROI by channel"),
    ("perception", "Perception gap"),
    ("notes", "Data notes and reconciliation"),
]
SLIDE_IDS = [s for s, _ in SLIDES]
DEFAULT_COMPANY = "Our company"
CONVERT_TIMEOUT_S = 180
RASTER_TIMEOUT_S = 120
PREVIEW_DPI = 50

_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_PRESENTATION_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
_MACRO_MAIN = "application/vnd.ms-powerpoint"


class DeckError(Exception):
    """A problem the user can act on: bad template, unknown slide, missing LibreOffice."""


class ConverterMissing(DeckError):
    """LibreOffice (soffice) or pdftoppm is not installed: the PPTX is still available."""


# ---------------------------------------------------------------- building

def build_deck(con, params: Params, slides: list[str] | None = None, company: str = DEFAULT_COMPANY,
               template: bytes | None = None) -> bytes:
    """The PPTX bytes of the chosen slides, in the given order (all of SLIDES when None)."""
    chosen = list(SLIDE_IDS if slides is None else slides)
    unknown = [s for s in chosen if s not in deck_slides.BUILDERS]
    if unknown:
        raise DeckError(f"unknown slide id(s) {', '.join(map(repr, unknown))}; choose from {', '.join(SLIDE_IDS)}")
    if not chosen:
        raise DeckError("choose at least one slide")
    prs = open_template(template) if template else _blank_16x9()
    layouts = deck_charts.Layouts(prs, styled=template is None)
    ctx = deck_slides.Context(con, params, (company or DEFAULT_COMPANY).strip() or DEFAULT_COMPANY)
    for slide_id in chosen:
        deck_charts.render(prs, layouts, deck_slides.BUILDERS[slide_id](ctx))
    prs.core_properties.title = f"{ctx.company}: marketing's contribution, {ctx.label}"
    prs.core_properties.author = "Marketing value dashboard"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _blank_16x9():
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    return prs


def open_template(template: bytes):
    """A company .pptx / .potx as a Presentation without its own slides."""
    try:
        prs = Presentation(io.BytesIO(potx_to_pptx(template)))
    except DeckError:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable upload is the user's to fix
        raise DeckError(f"the template is not a PowerPoint .pptx or .potx file ({exc.__class__.__name__})") from None
    slide_ids = prs.slides._sldIdLst
    for sld_id in list(slide_ids):
        rel_id = sld_id.rId
        slide_ids.remove(sld_id)
        prs.part.drop_rel(rel_id)  # the slide part is no longer reachable, so it is not saved
    return prs


def potx_to_pptx(data: bytes) -> bytes:
    """A .potx rewritten as a .pptx (main part content type); a .pptx comes back unchanged."""
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
        types = zin.read("[Content_Types].xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError):
        raise DeckError("the template is not a PowerPoint .pptx or .potx file") from None
    if _TEMPLATE_MAIN not in types:
        if _PRESENTATION_MAIN in types:
            return data
        raise DeckError("the template is not a PowerPoint .pptx or .potx file (macro-enabled or other type)")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                body = types.replace(_TEMPLATE_MAIN, _PRESENTATION_MAIN).encode("utf-8")
            zout.writestr(item, body)
    return out.getvalue()


# ---------------------------------------------------------------- PDF and preview

def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(pptx_bytes: bytes, timeout: float = CONVERT_TIMEOUT_S) -> bytes:
    """The PDF of a PPTX through LibreOffice headless, in a private temp dir and profile
    (so parallel conversions do not share LibreOffice's user installation and lock)."""
    soffice = soffice_path()
    if soffice is None:
        raise ConverterMissing("LibreOffice is not installed (no `soffice` on PATH), so no PDF or preview; "
                               "the PPTX download still works. Install it with `make libreoffice`.")
    with tempfile.TemporaryDirectory(prefix="mvd-deck-") as tmp:
        tmp_path = pathlib.Path(tmp)
        src = tmp_path / "deck.pptx"
        src.write_bytes(pptx_bytes)
        profile = (tmp_path / "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)]
        _run(cmd, timeout, "LibreOffice PDF conversion", env={**os.environ, "HOME": tmp})
        pdf = tmp_path / "deck.pdf"
        if not pdf.exists():
            raise DeckError("LibreOffice finished but wrote no PDF")
        return pdf.read_bytes()


def slide_images(pptx_bytes: bytes, dpi: int = PREVIEW_DPI, timeout: float = RASTER_TIMEOUT_S,
                 pdf_bytes: bytes | None = None) -> list[bytes]:
    """One PNG per slide for the in-app preview (PDF rendered by pdftoppm); pass pdf_bytes to reuse a PDF."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ConverterMissing("pdftoppm (poppler-utils) is not installed, so no preview; the PPTX download still works.")
    pdf = pdf_bytes if pdf_bytes is not None else to_pdf(pptx_bytes)
    with tempfile.TemporaryDirectory(prefix="mvd-preview-") as tmp:
        tmp_path = pathlib.Path(tmp)
        (tmp_path / "deck.pdf").write_bytes(pdf)
        _run([pdftoppm, "-png", "-r", str(int(dpi)), str(tmp_path / "deck.pdf"), str(tmp_path / "slide")],
             timeout, "pdftoppm preview")
        pages = sorted(tmp_path.glob("slide-*.png"), key=lambda p: int(re.findall(r"(\d+)\.png$", p.name)[0]))
        return [p.read_bytes() for p in pages]


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF: pdfinfo when installed, else the count of page objects."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            out = subprocess.run([pdfinfo, f.name], capture_output=True, text=True, timeout=60).stdout
        match = re.search(r"^Pages:\s+(\d+)", out, re.M)
        if match:
            return int(match.group(1))
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def _run(cmd: list[str], timeout: float, what: str, env: dict | None = None) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise DeckError(f"{what} took longer than {timeout:.0f} s and was stopped") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise DeckError(f"{what} failed (exit {proc.returncode}): {detail[0]}")


# ---------------------------------------------------------------- periods and the command line

def last_complete_quarter(as_of: dt.date, fiscal_year_start_month: int = 1) -> tuple[dt.date, dt.date]:
    """The latest fiscal quarter that ends on or before `as_of`."""
    start, end = fiscal_quarter_bounds(as_of, fiscal_year_start_month)
    if end == as_of:
        return start, end
    return fiscal_quarter_bounds(start - dt.timedelta(days=1), fiscal_year_start_month)


def parse_period(text: str, fiscal_year_start_month: int = 1) -> tuple[dt.date, dt.date]:
    """'2026-Q3' (fiscal quarter of the fiscal year named for the year it ends in), '2026' (fiscal
    year) or 'YYYY-MM-DD:YYYY-MM-DD' (inclusive)."""
    text = (text or "").strip()
    fy = fiscal_year_start_month
    m = re.fullmatch(r"(?:FY)?(\d{4})[- ]?Q([1-4])", text, re.I)
    if m:
        year, quarter = int(m.group(1)), int(m.group(2))
        first_month_index = (year - (1 if fy != 1 else 0)) * 12 + (fy - 1) + 3 * (quarter - 1)
        return fiscal_quarter_bounds(dt.date(first_month_index // 12, first_month_index % 12 + 1, 1), fy)
    m = re.fullmatch(r"(?:FY)?(\d{4})", text, re.I)
    if m:
        year = int(m.group(1))
        return fiscal_year_bounds(dt.date(year - (1 if fy != 1 else 0), fy, 1), fy)
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*:\s*(\d{4}-\d{2}-\d{2})", text)
    if m:
        try:
            start, end = dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
        except ValueError as exc:
            raise DeckError(f"--period {text!r}: {exc}") from None
        if start > end:
            raise DeckError(f"--period {text!r}: the start is after the end")
        return start, end
    raise DeckError(f"--period {text!r} is not a period; use 2026-Q3, 2026 or 2026-07-01:2026-09-30")


def company_name(con) -> str | None:
    """The company name an admin saved in settings (key company_name), if any."""
    try:
        row = con.execute("select value from settings where key = 'company_name'").fetchone()
    except Exception:  # noqa: BLE001 - an older database without settings
        return None
    return row[0] if row and row[0] else None


def cli_deck(args) -> int:
    """`cli.py deck --db PATH --out deck.pptx [--pdf] [--period 2026-Q3] [--company NAME]`."""
    try:
        return _cli_deck(args)
    except DeckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if "--period" in str(exc) else 1


def _cli_deck(args) -> int:
    import duckdb

    db_path = pathlib.Path(args.db)
    if not db_path.exists():
        raise DeckError(f"no database at {db_path}; build one with `python cli.py sample --db {db_path}`")
    out = pathlib.Path(args.out)
    if out.suffix.lower() != ".pptx":
        raise DeckError(f"--out {out} should end in .pptx")
    if not out.parent.exists():
        raise DeckError(f"the folder {out.parent} does not exist")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except Exception as exc:  # noqa: BLE001 - locked or not a DuckDB file
        raise DeckError(f"could not open {db_path}: {exc}") from None
    try:
        as_of = data_as_of(con)
    except Exception:  # noqa: BLE001 - not built by this product
        con.close()
        raise DeckError(f"{db_path} has no opportunities table; is it a dashboard database?") from None
    try:
        if as_of is None:
            raise DeckError(f"{db_path} holds no opportunities yet; load CRM exports first")
        from data_models.settings import get_settings

        ws = get_settings(con)   # the admin's workspace defaults (Admin > Settings), as the app uses them
        fy = ws["fiscal_year_start_month"]
        start, end = parse_period(args.period, fy) if args.period else last_complete_quarter(as_of, fy)
        params = Params(start=start, end=end, as_of=as_of, fiscal_year_start_month=fy, currency=ws["currency"],
                        lookback_days=ws["lookback_days"], model=ws["attribution_model"],
                        sourced_definition=ws["sourced_definition"], gross_margin=ws["gross_margin_pct"] / 100)
        company = args.company or company_name(con) or DEFAULT_COMPANY
        pptx = build_deck(con, params, company=company)
    finally:
        con.close()
    out.write_bytes(pptx)
    label = period_label(start, end, params.fiscal_year_start_month)
    print(f"wrote {out} ({len(SLIDE_IDS)} slides, {label}, {start} to {end}, data as of {as_of}, "
          f"{len(pptx) / 1024:,.0f} KB)")
    if args.pdf:
        pdf_path = out.with_suffix(".pdf")
        pdf_path.write_bytes(to_pdf(pptx))
        print(f"wrote {pdf_path}")
    return 0


__all__ = ["SLIDES", "SLIDE_IDS", "DeckError", "ConverterMissing", "build_deck", "to_pdf", "slide_images",
           "open_template", "potx_to_pptx", "parse_period", "last_complete_quarter", "cli_deck"]
