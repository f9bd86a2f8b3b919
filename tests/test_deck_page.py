"""The Board deck page under AppTest: slide picker, build, downloads, and the no-LibreOffice path."""
from __future__ import annotations

import datetime as dt
import pathlib

import pytest
from streamlit.testing.v1 import AppTest

from data_models import deck
from data_models.params import Params
from tests.test_deck_fixture import build_deck_db

PAGE = pathlib.Path(__file__).parents[1] / "pages" / "board" / "deck.py"
Q3 = Params(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), as_of=dt.date(2026, 9, 30), model="linear")


@pytest.fixture
def page(tmp_path, monkeypatch):
    path = tmp_path / "deck.duckdb"
    build_deck_db(path)
    monkeypatch.setenv("MVD_DB", str(path))
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.session_state["params"] = Q3
    at.run()
    assert not at.exception, at.exception
    return at


def _downloads(at):
    return [d.proto.label for d in at.get("download_button")]


def test_picker_lists_every_slide_in_order(page):
    picker = page.multiselect(key="deck_slides")
    assert picker.value == deck.SLIDE_IDS
    assert "Export FY2026 Q3 as a board deck" in " ".join(m.value for m in page.markdown)


def test_build_without_libreoffice_still_offers_the_pptx(page, monkeypatch):
    def missing(*_a, **_k):
        raise deck.ConverterMissing("LibreOffice is not installed (no `soffice` on PATH).")

    monkeypatch.setattr(deck, "to_pdf", missing)
    page.multiselect(key="deck_slides").set_value(["title", "content"])
    page.text_input(key="deck_company").set_value("Acme")
    page.button(key="deck_build").click().run()
    assert not page.exception, page.exception
    assert _downloads(page) == ["Download PPTX"]
    assert any("LibreOffice is not installed" in w.value for w in page.warning)
    result = page.session_state["deck_result"]
    from io import BytesIO

    from pptx import Presentation

    prs = Presentation(BytesIO(result["pptx"]))
    assert [s.shapes.title.text for s in prs.slides] == ["Acme", "Content-assisted deals win 2.0× as often (100% vs 50%)"]


def test_build_with_preview(page, monkeypatch):
    monkeypatch.setattr(deck, "to_pdf", lambda pptx: b"%PDF-fake")
    monkeypatch.setattr(deck, "slide_images", lambda pptx, pdf_bytes=None: [PNG_1PX, PNG_1PX])
    page.multiselect(key="deck_slides").set_value(["title", "notes"])
    page.button(key="deck_build").click().run()
    assert not page.exception, page.exception
    assert _downloads(page) == ["Download PPTX", "Download PDF"]
    assert len(page.get("image")) == 2 and not page.warning


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
