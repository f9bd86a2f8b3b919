"""The app in a real browser: every page opens without an exception, filters and deep links work."""
from __future__ import annotations

import pytest

from pages import PAGE_TABLE, url_path

from tests.browser import browser_page, page_errors, streamlit_server, wait_until_idle


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.conftest import build_tiny_db

    path = tmp_path_factory.mktemp("browser") / "tiny.duckdb"
    build_tiny_db(path)
    with streamlit_server(path) as url:
        yield url


def page_urls(base: str) -> list[str]:
    # the first page is the default one, served at the root
    return [base + "/"] + [f"{base}/{url_path(script)}" for _, script, _, _ in PAGE_TABLE[1:]]


def test_every_page_opens_without_exception(server, tmp_path):
    with browser_page() as page:
        page.goto(server)
        wait_until_idle(page)
        for href in page_urls(server):
            page.goto(href)
            wait_until_idle(page)
            assert page_errors(page) == [], href
            page.screenshot(path=str(tmp_path / (href.rstrip("/").rsplit("/", 1)[-1] or "home")) + ".png", full_page=True)
        page.goto(server)
        wait_until_idle(page)
        assert "Marketing sourced 17% of new pipeline this quarter, $1,000" in page.inner_text('[data-testid="stMain"]')


def test_filter_in_url_is_applied_and_shareable(server):
    with browser_page() as page:
        page.goto(server + "/?period=Last+quarter")
        wait_until_idle(page)
        main = page.inner_text('[data-testid="stMain"]')
        assert "Marketing's contribution · FY2026 Q2" in main
        assert "period=Last+quarter" in page.url or "period=Last%20quarter" in page.url


def test_deep_link_on_a_fresh_server_runs_through_the_app(tmp_path):
    # the first request a fresh process serves is a deep link: it must still get the sidebar filters
    from tests.conftest import build_tiny_db

    build_tiny_db(tmp_path / "fresh.duckdb")
    with streamlit_server(tmp_path / "fresh.duckdb") as url, browser_page() as page:
        page.goto(f"{url}/pipeline?period=Last+quarter")
        wait_until_idle(page)
        assert page_errors(page) == []
        assert "Page not found" not in page.inner_text("body")
        assert "Sourced & influenced pipeline" in page.inner_text('[data-testid="stMain"]')
        assert page.query_selector('[data-testid="stSidebar"] [data-testid="stSelectbox"]') is not None


def test_phone_width_shows_headline(server):
    with browser_page(width=390, height=844) as page:
        page.goto(server)
        wait_until_idle(page)
        assert "of new pipeline" in page.inner_text('[data-testid="stMain"]')
        assert page_errors(page) == []
