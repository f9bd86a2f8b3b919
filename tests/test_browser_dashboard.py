"""The Pipeline, Attribution, Content and ROI pages in a real browser (Debian chromium through playwright):
each opens without an exception at laptop and phone width, a sidebar filter and a drill-down work."""
from __future__ import annotations

import pytest

from pages import url_path

from tests.browser import browser_page, page_errors, streamlit_server, wait_until_idle
from tests.dashboard_fixture import build_dashboard_db

PAGES = ["pages/dashboard/pipeline.py", "pages/dashboard/attribution.py", "pages/dashboard/content.py",
         "pages/dashboard/roi.py"]
LONG = 120_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser_dashboard") / "dashboard.duckdb"
    build_dashboard_db(path)
    with streamlit_server(path) as url:
        yield url


def open_page(page, base: str, script: str, query: str = "") -> str:
    page.goto(f"{base}/{url_path(script)}{query}")
    wait_until_idle(page, LONG)
    # the last element of every page; the script has finished drawing once it is there
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stExpander"] >> text="How is this computed"',
                           timeout=LONG)
    return page.inner_text('[data-testid="stMain"]')


def wait_for_text(page, text: str) -> None:
    """Until the main area shows `text`; textContent includes chart titles drawn in SVG."""
    page.wait_for_function(
        "t => document.querySelector('[data-testid=\"stMain\"]').textContent.includes(t)", arg=text, timeout=LONG)


def choose(page, container: str, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label` (a react-aria combobox), as a user would."""
    box = page.locator(container).get_by_role("combobox", name=label, exact=True)
    for _ in range(3):  # a rerun can redraw the box between the click and the list opening
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - try again
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {option!r} in {label!r}")


@pytest.mark.parametrize("width,height", [(1400, 1000), (390, 844)])
def test_dashboard_pages_open_without_exception(server, width, height):
    with browser_page(width, height) as page:
        page.goto(server)
        wait_until_idle(page, LONG)
        for script in PAGES:
            text = open_page(page, server, script)
            assert page_errors(page) == [], script
            assert "Traceback" not in text, script
            assert page.query_selector('[data-testid="stMain"] .mvd-headline') is not None, script


def test_sidebar_filter_changes_the_pipeline_headline(server):
    with browser_page() as page:
        page.goto(server)
        wait_until_idle(page, LONG)
        text = open_page(page, server, PAGES[0])
        assert "Marketing sourced 10% of new pipeline this quarter ($10K of $100K) by lead source" in text
        choose(page, '[data-testid="stSidebar"]', "Sourced definition", "First touch in lookback")
        wait_for_text(page, "Marketing sourced 50% of new pipeline this quarter ($50K of $100K) by first touch")
        wait_until_idle(page, LONG)
        assert page_errors(page) == []
        # the URL keeps the choice, so the view can be shared
        assert "sourced=first_touch" in page.url


def test_drill_down_from_a_bar_and_from_the_selectbox(server):
    with browser_page() as page:
        page.goto(server)
        wait_until_idle(page, LONG)
        open_page(page, server, PAGES[0])
        main = '[data-testid="stMain"]'
        assert "1 marketing-sourced deal" in page.inner_text(main)
        # click the grey (unknown-sourced) part of the FY2026 Q3 bar: O4, $40K
        bars = page.locator(f'{main} .js-plotly-plot').first.locator("g.trace.bars")
        box = bars.nth(3).locator("path").last.bounding_box()
        # plotly's drag layer sits on top of the bars and turns a click at the bar's spot into a selection
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(500)
        wait_until_idle(page, LONG)
        wait_for_text(page, "1 unknown-sourced deal")
        # chart titles wrap into SVG lines, so look for a piece that stays on one line
        wait_for_text(page, "O4: 3 touches;")
        assert page_errors(page) == []
        # the selectbox path (what a phone uses): back to partner-sourced deals
        choose(page, main, "Source", "Partner-sourced")
        wait_for_text(page, "1 partner-sourced deal")
        # O3's only touch is 207 days before creation: the timeline says so instead of drawing nothing
        wait_for_text(page, "O3 has no touch between 90 days before creation and close")
        assert page_errors(page) == []
