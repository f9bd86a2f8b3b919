"""The upload journey in a real browser: the file goes through the page's own file input, then the Overview."""
from __future__ import annotations

import pytest

from tests.browser import browser_page, page_errors, streamlit_server, wait_until_idle
from tests.conftest import build_tiny_db
from tests.test_pages_data import BAD_OPPS, GOOD_OPPS

# generous: the machine running the suite may be busy; nothing here asserts on time
SLOW_MS = 180_000
FILE_INPUT = '[data-testid="stFileUploader"] input[type="file"]'


@pytest.fixture
def server(tmp_path):
    path = tmp_path / "tiny.duckdb"
    build_tiny_db(path)
    with streamlit_server(path) as url:
        yield url


def metrics(page) -> dict[str, str]:
    """{label: value} of every metric in the main area."""
    out = {}
    for m in page.query_selector_all('[data-testid="stMain"] [data-testid="stMetric"]'):
        label = m.query_selector('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = m.query_selector('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def overview_pipeline(page, base: str) -> str:
    page.goto(base + "/")
    wait_until_idle(page, SLOW_MS)
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stMetric"]:has-text("New pipeline")', timeout=SLOW_MS)
    assert page_errors(page) == []
    return metrics(page)["New pipeline"]


def upload(page, base: str, name: str, text: str) -> None:
    page.goto(base + "/upload")
    wait_until_idle(page, SLOW_MS)
    page.set_input_files(FILE_INPUT, files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    page.wait_for_selector(f'[data-testid="stMain"] :text("{name} —")', timeout=SLOW_MS)
    wait_until_idle(page, SLOW_MS)
    assert page_errors(page) == []


def test_good_file_previewed_confirmed_and_seen_on_overview(server):
    with browser_page() as page:
        page.set_default_timeout(SLOW_MS)
        # tiny fixture, Q3 2026: O1 1000.10 + O2 2000.20 + O3 3000.30 = 6000.60
        assert overview_pipeline(page, server) == "$6,001"
        upload(page, server, "Opportunity.csv", GOOD_OPPS)
        main = page.inner_text('[data-testid="stMain"]')
        assert "Opportunity.csv — ✅ ready to load" in main
        assert metrics(page) == {"New rows": "2", "Updated rows": "1", "Unchanged rows": "0", "Rows with errors": "0"}
        page.get_by_role("button", name="Confirm and load 1 file(s)").click()
        page.wait_for_selector('[data-testid="stMain"] [data-testid="stAlert"]:has-text("Loaded.")', timeout=SLOW_MS)
        wait_until_idle(page, SLOW_MS)
        assert "Loaded. Opportunity.csv: crm.opportunities (salesforce.opportunity), 3 rows: 2 new, 1 updated, " \
               "0 unchanged. Loaded as load 1. Loaded 1 file." in page.inner_text('[data-testid="stMain"]')
        # O1 1000.10 + O2 2000.20 + O3 now 3500.00 + O5 1200.00 + O6 800.50 = 8500.80
        assert overview_pipeline(page, server) == "$8,501"


def test_bad_file_shows_row_and_column_and_changes_nothing(server):
    with browser_page() as page:
        page.set_default_timeout(SLOW_MS)
        assert overview_pipeline(page, server) == "$6,001"
        upload(page, server, "Opportunity.csv", BAD_OPPS)
        main = page.inner_text('[data-testid="stMain"]')
        assert "Opportunity.csv — ❌ will not load" in main
        assert "1 problem(s) stop this file from loading." in main
        assert metrics(page)["Rows with errors"] == "1"
        # the problem table is a canvas grid: read it through its CSV download instead of the pixels
        problems = page.query_selector('[data-testid="stMain"] [data-testid="stDataFrame"]')
        assert problems is not None
        assert page.get_by_role("button", name="Confirm and load 1 file(s)").count() == 0
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the rows with errors (CSV)").click()
        rows = open(download.value.path(), encoding="utf-8").read()
        assert rows.splitlines()[0].startswith("file,row,problems,")
        assert rows.splitlines()[1].startswith("Opportunity.csv,3,CloseDate: ")
        assert overview_pipeline(page, server) == "$6,001"
