"""The board deck on a hand-made database (tests/test_deck_fixture.py): titles, native charts with exact
series values, speaker notes, slide selection and order, company templates, PDF and the CLI."""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import zipfile

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu, Inches, Pt

from cli import main
from data_models import db, deck, headlines, metrics, roi
from data_models.params import Params
from tests.test_deck_fixture import build_deck_db

Q3 = Params(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), as_of=dt.date(2026, 9, 30), model="linear")
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                                   reason="LibreOffice (soffice) and pdftoppm are not installed; `make libreoffice`")


@pytest.fixture(scope="module")
def deck_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("deck") / "deck.duckdb"
    build_deck_db(path)
    return path


@pytest.fixture(scope="module")
def con(deck_db):
    c = db.connect(deck_db, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def full_deck(con):
    return Presentation(io.BytesIO(deck.build_deck(con, Q3, company="Acme Analytics")))


def slide_of(prs, index):
    return prs.slides[index]


def charts(slide):
    return [s.chart for s in slide.shapes if s.has_chart]


def series(chart):
    return {s.name: list(s.values) for s in chart.plots[0].series}


def notes(slide):
    return slide.notes_slide.notes_text_frame.text


def text_of(slide):
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


# ------------------------------------------------------------------ the whole deck

def test_deck_is_16_9_with_all_slides_in_registry_order(full_deck):
    assert (full_deck.slide_width, full_deck.slide_height) == (Inches(13.333), Inches(7.5))
    assert len(full_deck.slides) == len(deck.SLIDES) == 9
    titles = [s.shapes.title.text for s in full_deck.slides]
    assert titles[0] == "Acme Analytics"
    assert titles[1] == "FY2026 Q3: what marketing delivered"
    assert titles[-1] == "Data notes: definitions, reconciliation with the CRM, freshness"


def test_fonts_are_readable(full_deck):
    for slide in list(full_deck.slides)[1:]:
        sizes = {r.font.size for p in slide.shapes.title.text_frame.paragraphs for r in p.runs}
        assert sizes == {Pt(28)}
        for shape in slide.shapes:
            if shape.has_text_frame and shape != slide.shapes.title:
                for p in shape.text_frame.paragraphs:
                    for r in p.runs:
                        assert r.font.size >= Pt(14), (slide.shapes.title.text, r.text)
            if shape.has_chart:
                assert shape.chart.font.size == Pt(14)


def test_title_slide(full_deck):
    s = slide_of(full_deck, 0)
    assert "Marketing's contribution · FY2026 Q3 (Jul 1, 2026 – Sep 30, 2026)" in text_of(s)
    assert "Data as of: 2026-09-30" in notes(s)


def test_summary_carries_the_three_overview_headlines(full_deck, con):
    s = slide_of(full_deck, 1)
    expected = [h.text for h in headlines.headlines(con, Q3)]
    body = text_of(s)
    for sentence in expected:
        assert sentence in body
        assert sentence in notes(s)
    # sourced 16,000 of 66,000 = 24%; influenced 30,000 of 66,000 = 45%; assisted win rate 1 of 1 = 100%
    assert ["24%", "45%", "100%"] == [t for t in body.split("\n") if re.fullmatch(r"\d+%", t)]
    assert "Marketing sourced 24% of new pipeline this quarter, $16K" in body


def test_pipeline_trend_by_quarter(full_deck):
    s = slide_of(full_deck, 2)
    # Q3: pipeline O1+O2+O3+O6 = 66,000; sourced (lead source) O1 Webinar + O6 Web = 16,000 (24%);
    # influenced = O1 (webinar/content) + O2 (paid search) = 30,000 (45%); O3's only touch is sales outbound
    assert s.shapes.title.text == "Marketing sourced 24% of new pipeline in FY2026 Q3 ($16K) and influenced 45%"
    (chart,) = charts(s)
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert list(chart.plots[0].categories) == ["FY2025 Q4", "FY2026 Q1", "FY2026 Q2", "FY2026 Q3"]
    # Q1: O5 5,000 (no lead source: unknown); Q2: O4 40,000 (Paid Search: marketing; its only touch is sales outbound)
    assert series(chart) == {
        "Total pipeline": [0.0, 5000.0, 40000.0, 66000.0],
        "Marketing-sourced": [0.0, 0.0, 40000.0, 16000.0],
        "Marketing-influenced": [0.0, 0.0, 0.0, 30000.0],
    }
    assert "FY2026 Q3: total 66,000.00; marketing-sourced 16,000.00; marketing-influenced 30,000.00" in notes(s)
    assert "FY2026 Q2: total 40,000.00; marketing-sourced 40,000.00; marketing-influenced 0.00" in notes(s)


def test_pipeline_figures_equal_the_metric_functions(con):
    from data_models import deck_slides

    ctx = deck_slides.Context(con, Q3, "x")
    quarters, rows = deck_slides.pipeline_by_quarter(ctx)
    for (qs, qe), row in zip(quarters + [(Q3.start, Q3.end)], rows):
        qp = Params(start=qs, end=qe, as_of=Q3.as_of, model="linear")
        infl = metrics.influenced_pipeline(con, qp).iloc[0]
        _, sourced, total = metrics.sourced_share(con, qp, "marketing")
        assert (row["total"], row["sourced"], row["influenced"]) == (total, sourced, infl.influenced_amount)


def test_revenue_attributed_to_marketing(full_deck):
    s = slide_of(full_deck, 3)
    # won in Q3: O1 10,000 (T1 webinar + T2 content, linear 5,000 each) and O4 40,000 (T5 sales outbound)
    assert s.shapes.title.text == "Marketing channels earned $10K of the $50K revenue won in FY2026 Q3 (20%)"
    (chart,) = charts(s)
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    # horizontal bars are stored bottom-up so they read top-down: Sales outbound, Content & SEO, Webinars
    assert list(chart.plots[0].categories) == ["Webinars", "Content & SEO", "Sales outbound"]
    assert series(chart) == {"Attributed revenue": [5000.0, 5000.0, 40000.0]}
    assert "Marketing channels total: 10,000.00 of CRM revenue 50,000.00 (2 won deals)" in notes(s)


def test_attribution_model_comparison(full_deck):
    s = slide_of(full_deck, 4)
    (chart,) = charts(s)
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert list(chart.plots[0].categories) == ["Sales outbound", "Paid search", "Content & SEO", "Webinars"]
    # Q3 deals with touches: O1 10,000 (T1 webinar 06-20 before creation, T2 content 07-05 after),
    # O2 20,000 (T3 paid search), O3 30,000 (T4 sales outbound). Last touch for pipeline = last touch
    # on or before creation, so T1 for O1. Time decay: T1 is 11 days before creation, T2 after it (age 0).
    w = 2 ** (-11 / 7)
    webinar_decay = round(10000 * w / (1 + w), 2)
    # Markov / Shapley learn from closed deals O1 (won: webinar > content) and O2 (lost: paid search):
    # removing webinar or content loses the only conversion (effect 1 each), paid search 0 -> halves of 60,000.
    assert series(chart) == {
        "First touch": [30000.0, 20000.0, 0.0, 10000.0],
        "Last touch": [30000.0, 20000.0, 0.0, 10000.0],
        "Linear": [30000.0, 20000.0, 5000.0, 5000.0],
        "Time decay": [30000.0, 20000.0, round(10000 - webinar_decay, 2), webinar_decay],
        "Markov chain": [0.0, 0.0, 30000.0, 30000.0],
        "Shapley value": [0.0, 0.0, 30000.0, 30000.0],
    }
    # top channel under linear is Sales outbound; it is also top under first, last and time decay
    assert s.shapes.title.text == "Sales outbound earns the most pipeline credit under 4 of 6 models"
    assert "Linear: Sales outbound 30,000.00; Paid search 20,000.00; Content & SEO 5,000.00; Webinars 5,000.00" in notes(s)
    assert "Every model hands out the same total: 60,000.00 (3 deals with touches)" in notes(s)


def test_content_assisted_deals(full_deck):
    s = slide_of(full_deck, 5)
    # closed in Q3: O1 won, read AS1 on 07-05 before its 07-10 meeting (assisted); O2 lost and O4 won read nothing
    assert s.shapes.title.text == "Content-assisted deals win 2.0× as often (100% vs 50%)"
    win, cycle, size = charts(s)
    for chart in (win, cycle, size):
        assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
        assert list(chart.plots[0].categories) == ["Assisted (n=1)", "Unassisted (n=2)"]
    assert series(win) == {"Win rate": [1.0, 0.5]}
    # cycle of won deals: O1 07-01 -> 08-31 = 61 days; O4 04-01 -> 09-30 = 182 days
    assert series(cycle) == {"Sales cycle (days)": [61.0, 182.0]}
    assert series(size) == {"Average won deal": [10000.0, 40000.0]}
    assert "Assisted: 1 closed, 1 won, win rate 1.0000" in notes(s)
    assert "Unassisted: 2 closed, 1 won, win rate 0.5000" in notes(s)
    assert "correlation, not causation" in notes(s)


def test_roi_by_channel(full_deck, con):
    s = slide_of(full_deck, 6)
    roi_chart, spend_chart = charts(s)
    assert roi_chart.chart_type == spend_chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    # webinar: (5,000 × 0.75 − 2,000) ÷ 2,000 = 0.875; paid search: (0 − 3,000) ÷ 3,000 = −1 (bottom-up order)
    assert list(roi_chart.plots[0].categories) == ["Paid search", "Webinars"]
    assert series(roi_chart) == {"ROI": [-1.0, 0.875]}
    assert series(spend_chart) == {"Spend": [3000.0, 2000.0], "Attributed revenue": [0.0, 5000.0]}
    # the overall figure is the ROI page's roi_summary over marketing channels only: content 5,000 + webinar 5,000
    # of attributed revenue (sales outbound's 40,000 is not marketing's) on 5,000 of spend:
    # (10,000 × 0.75 − 5,000) ÷ 5,000 = 0.5
    assert roi.roi_summary(con, Q3)["roi"].iloc[0] == 0.5
    assert s.shapes.title.text == "Marketing returned 50% on $5,000 of spend; Webinars did best (88%)"
    assert "Webinars: spend 2,000.00, attributed revenue 5,000.00, ROI 0.8750" in notes(s)


def test_roi_slide_for_a_period_without_spend(con):
    # the fixture's only spend is in Q3; Q2 has O4's pipeline (40,000 created 04-01) and no spend at all
    q2 = Params(start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30), as_of=dt.date(2026, 9, 30), model="linear")
    prs = Presentation(io.BytesIO(deck.build_deck(con, q2, slides=["roi"])))
    slide = slide_of(prs, 0)
    assert slide.shapes.title.text == "No marketing spend recorded in FY2026 Q2"
    assert charts(slide) == []
    assert "Load ad spend or campaign costs to see ROI by channel." in text_of(slide)
    assert "spend 0.00, attributed revenue 0.00, ROI n/a (no spend)" in notes(slide)


def test_perception_gap(full_deck):
    s = slide_of(full_deck, 7)
    (chart,) = charts(s)
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert list(chart.plots[0].categories) == ["CEO (n=1)", "CMO (n=1)", "Sales (n=2)"]
    measured = 16000 / 66000
    values = series(chart)
    assert values["Believed (mean answer)"] == [0.10, 0.40, 0.10]   # Sales: 5 and 0.15 -> 15, mean 10
    assert values["Measured in the data"] == pytest.approx([measured] * 3, abs=1e-12)
    # CMO 40 − 24.24 = +15.76 points is the widest gap
    assert s.shapes.title.text == "CMO puts marketing's share of pipeline at 40%; the data says 24%"
    assert "CMO: mean 40.00% from 1 respondents, gap +15.76 points" in notes(s)


def test_data_notes_reconcile_with_crm(full_deck):
    s = slide_of(full_deck, 8)
    body = text_of(s)
    # O6 (6,000) has no contacts and no touches: the whole pipeline difference
    assert ("Pipeline reconciles to the CRM: $66K created (4 deals) = $60K attributed (3) + $6,000 not attributed "
            "(1): $6,000 with no touches (1), $0 touched only outside the window (0).") in body
    assert ("Revenue reconciles to the CRM: $50K won (2 deals) = $50K attributed (2) + $0 from won deals with "
            "no touch in the window (0).") in body
    assert "Data freshness: CRM data as of Sep 30, 2026." in body
    assert "Influence lookback: a touch counts from 90 days before" in body
    assert "Attribution model: Linear" in body
    assert "Reason: no touches at all: 1 deals, 6,000.00" in notes(s)


# ------------------------------------------------------------------ selection, order, templates

def test_selection_and_order_are_honoured(con):
    prs = Presentation(io.BytesIO(deck.build_deck(con, Q3, slides=["content", "title"], company="Acme")))
    assert [s.shapes.title.text for s in prs.slides] == ["Content-assisted deals win 2.0× as often (100% vs 50%)", "Acme"]


def test_unknown_slide_is_refused(con):
    with pytest.raises(deck.DeckError, match="unknown slide id"):
        deck.build_deck(con, Q3, slides=["title", "horoscope"])


def _template_bytes() -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(12), Inches(6.75)
    prs.slide_layouts[5]._element.cSld.set("name", "ACME Title Only")
    prs.slide_layouts[0]._element.cSld.set("name", "ACME Cover")
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Template sample slide"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _as_potx(pptx: bytes) -> bytes:
    zin = zipfile.ZipFile(io.BytesIO(pptx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                body = body.replace(b"presentationml.presentation.main+xml", b"presentationml.template.main+xml")
            zout.writestr(item, body)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["pptx", "potx"])
def test_company_template_layouts_used_and_its_slides_removed(con, kind):
    template = _template_bytes() if kind == "pptx" else _as_potx(_template_bytes())
    prs = Presentation(io.BytesIO(deck.build_deck(con, Q3, slides=["title", "revenue"], company="Acme",
                                                  template=template)))
    assert len(prs.slides) == 2
    assert [s.slide_layout.name for s in prs.slides] == ["ACME Cover", "ACME Title Only"]
    assert (prs.slide_width, prs.slide_height) == (Inches(12), Inches(6.75))
    assert all("Template sample slide" not in text_of(s) for s in prs.slides)
    assert prs.slides[1].shapes.title.text.startswith("Marketing channels earned $10K")
    # the dropped template slide is not saved
    names = zipfile.ZipFile(io.BytesIO(deck.build_deck(con, Q3, slides=["title"], template=template))).namelist()
    assert [n for n in names if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)] == ["ppt/slides/slide1.xml"]


def test_potx_content_type_rewritten():
    potx = _as_potx(_template_bytes())
    types = zipfile.ZipFile(io.BytesIO(deck.potx_to_pptx(potx))).read("[Content_Types].xml")
    assert b"presentationml.presentation.main+xml" in types and b"template.main+xml" not in types


def test_bad_template_is_a_clear_error(con):
    with pytest.raises(deck.DeckError, match="not a PowerPoint .pptx or .potx"):
        deck.build_deck(con, Q3, slides=["title"], template=b"not a zip")


# ------------------------------------------------------------------ PDF and preview

@needs_soffice
def test_pdf_has_one_page_per_slide_and_preview_images(con):
    pptx = deck.build_deck(con, Q3, slides=["title", "pipeline", "content"], company="Acme")
    pdf = deck.to_pdf(pptx)
    assert pdf.startswith(b"%PDF")
    assert deck.pdf_page_count(pdf) == 3
    images = deck.slide_images(pptx, pdf_bytes=pdf)
    assert len(images) == 3
    assert all(img.startswith(b"\x89PNG") for img in images)


def test_missing_libreoffice_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(deck.shutil, "which", lambda name: None)
    with pytest.raises(deck.ConverterMissing, match="LibreOffice is not installed"):
        deck.to_pdf(b"pptx")
    with pytest.raises(deck.ConverterMissing, match="pdftoppm"):
        deck.slide_images(b"pptx")


# ------------------------------------------------------------------ periods and the CLI

@pytest.mark.parametrize("text, fy, expected", [
    ("2026-Q3", 1, (dt.date(2026, 7, 1), dt.date(2026, 9, 30))),
    ("FY2026 Q1", 1, (dt.date(2026, 1, 1), dt.date(2026, 3, 31))),
    ("2026", 1, (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    # fiscal year starting in February, named for the year it ends in: FY2026 = Feb 2025 – Jan 2026
    ("2026-Q1", 2, (dt.date(2025, 2, 1), dt.date(2025, 4, 30))),
    ("2026", 2, (dt.date(2025, 2, 1), dt.date(2026, 1, 31))),
    ("2026-07-01:2026-08-15", 1, (dt.date(2026, 7, 1), dt.date(2026, 8, 15))),
])
def test_parse_period(text, fy, expected):
    assert deck.parse_period(text, fy) == expected


@pytest.mark.parametrize("text", ["2026-Q5", "last quarter", "2026-09-30:2026-07-01", "2026-02-30:2026-03-01"])
def test_parse_period_rejects(text):
    with pytest.raises(deck.DeckError, match="--period"):
        deck.parse_period(text)


@pytest.mark.parametrize("as_of, expected", [
    (dt.date(2026, 9, 30), (dt.date(2026, 7, 1), dt.date(2026, 9, 30))),   # the quarter just ended
    (dt.date(2026, 11, 20), (dt.date(2026, 7, 1), dt.date(2026, 9, 30))),
    (dt.date(2026, 1, 5), (dt.date(2025, 10, 1), dt.date(2025, 12, 31))),
])
def test_last_complete_quarter(as_of, expected):
    assert deck.last_complete_quarter(as_of) == expected


def test_cli_writes_the_deck_for_the_last_complete_quarter(deck_db, tmp_path, capsys):
    out = tmp_path / "board.pptx"
    assert main(["deck", "--db", str(deck_db), "--out", str(out), "--company", "Acme"]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out} (9 slides, FY2026 Q3, 2026-07-01 to 2026-09-30, data as of 2026-09-30" in printed
    prs = Presentation(str(out))
    assert len(prs.slides) == 9
    assert prs.slides[0].shapes.title.text == "Acme"
    # the CLI uses the default W-shaped model; the pipeline figures do not depend on the model
    assert prs.slides[2].shapes.title.text.startswith("Marketing sourced 24% of new pipeline in FY2026 Q3")


@needs_soffice
def test_cli_pdf(deck_db, tmp_path, capsys):
    out = tmp_path / "board.pptx"
    assert main(["deck", "--db", str(deck_db), "--out", str(out), "--period", "2026-Q2", "--pdf"]) == 0
    assert f"wrote {out.with_suffix('.pdf')}" in capsys.readouterr().out
    assert deck.pdf_page_count(out.with_suffix(".pdf").read_bytes()) == 9
    assert Presentation(str(out)).slides[0].shapes.title.text == deck.DEFAULT_COMPANY


@pytest.mark.parametrize("args, code, message", [
    (["--period", "next year"], 2, "--period 'next year' is not a period"),
    (["--db", "MISSING"], 1, "no database at"),
    (["--out", "deck.pdf"], 1, "should end in .pptx"),
])
def test_cli_errors_are_messages_not_tracebacks(deck_db, tmp_path, capsys, args, code, message):
    argv = {"--db": str(deck_db), "--out": str(tmp_path / "x.pptx")}
    for flag, value in zip(args[::2], args[1::2]):
        argv[flag] = str(tmp_path / value) if value in ("MISSING", "deck.pdf") else value
    flat = ["deck"] + [x for kv in argv.items() for x in kv]
    assert main(flat) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.pptx").exists()


def test_cli_empty_database(tmp_path, capsys):
    path = tmp_path / "empty.duckdb"
    db.connect(path).close()
    assert main(["deck", "--db", str(path), "--out", str(tmp_path / "x.pptx")]) == 1
    assert "holds no opportunities yet" in capsys.readouterr().err


# ------------------------------------------------------------------ formatting shared with the app

@pytest.mark.parametrize("value, text", [
    (4_120_000, "$4.1M"), (950_000, "$950K"), (12_300, "$12K"), (9_500, "$9,500"), (-20_000, "-$20K"),
    (None, "–"), (math.nan, "–"),
])
def test_money(value, text):
    from data_models.formatting import money

    assert money(value) == text


def test_chart_number_format_matches_money():
    from data_models.formatting import money_number_format, pct

    assert money_number_format() == '[>=1000000]"$"#,##0.0,,"M";[>=10000]"$"#,##0,"K";"$"#,##0'
    assert pct(0.2424) == "24%" and pct(0.875, 1) == "87.5%"


def test_geometry_fits_the_slide(full_deck):
    for slide in full_deck.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= full_deck.slide_width + Emu(1)
            assert shape.top + shape.height <= full_deck.slide_height + Emu(1)
