"""Survey invitations in a real browser: an admin creates a link, someone else answers through it once."""
from __future__ import annotations

import os
import pathlib

import duckdb
import pytest

from data_models import invites
from tests.browser import CHROMIUM, CHROMIUM_ARGS, page_errors, streamlit_server, wait_until_idle
from tests.conftest import build_tiny_db

SLOW_MS = 180_000
SHOTS = os.environ.get("MVD_SHOTS")     # a folder to keep screenshots in, for looking at the pages


@pytest.fixture
def server(tmp_path, monkeypatch):
    """(URL, database path, a function that stops the server so the test can read the file)."""
    monkeypatch.delenv("MVD_DEMO_ROLE", raising=False)     # open demo mode: the admin is admin
    path = tmp_path / "tiny.duckdb"
    build_tiny_db(path)
    running = streamlit_server(path)
    url = running.__enter__()
    stopped = []

    def stop():
        if not stopped:
            stopped.append(True)
            running.__exit__(None, None, None)
    yield url, path, stop
    stop()


def shot(page, name: str) -> None:
    if SHOTS:
        pathlib.Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(pathlib.Path(SHOTS) / f"{name}.png"), full_page=True)


def main_text(page) -> str:
    return page.inner_text('[data-testid="stMain"]')


def test_an_invite_link_answers_the_survey_once(server):
    from playwright.sync_api import sync_playwright

    base, db_path, stop = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            admin = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            admin.set_default_timeout(SLOW_MS)
            admin.goto(base + "/invitations")
            wait_until_idle(admin, SLOW_MS)
            assert "No invitation sent yet" in main_text(admin)
            admin.get_by_role("textbox", name="Label (optional, for your tracking)").fill("CEO, November")
            admin.get_by_role("button", name="Create links").click()
            admin.wait_for_selector('[data-testid="stMain"] [data-testid="stAlert"]:has-text("Created 1 link for CEO")')
            wait_until_idle(admin, SLOW_MS)
            assert page_errors(admin) == []
            link = admin.inner_text('[data-testid="stMain"] [data-testid="stCode"]').strip()
            assert link.startswith(base + "/perception?invite=")
            shot(admin, "invitations_created")

            # someone else, in their own browser, opens the link and answers
            respondent = browser.new_context(viewport={"width": 1200, "height": 1000}).new_page()
            respondent.set_default_timeout(SLOW_MS)
            respondent.goto(link)
            wait_until_idle(respondent, SLOW_MS)
            form = respondent.locator('[data-testid="stForm"]')
            respondent.get_by_role("heading", name="Answer the survey").scroll_into_view_if_needed()
            shot(respondent, "survey_with_invite")
            role = form.locator('[data-testid="stSelectbox"]').first
            assert role.locator("input").input_value() == "CEO" or "CEO" in role.inner_text()
            assert role.locator("input").is_disabled()
            submit = respondent.get_by_role("button", name="Submit answers")
            assert submit.is_enabled()
            submit.click()
            respondent.wait_for_selector('[data-testid="stMain"] [data-testid="stAlert"]:has-text("Thank you")')
            wait_until_idle(respondent, SLOW_MS)
            assert page_errors(respondent) == []

            # the same link again, in a fresh browser: refused, nothing more stored
            again = browser.new_context(viewport={"width": 1200, "height": 1000}).new_page()
            again.set_default_timeout(SLOW_MS)
            again.goto(link)
            wait_until_idle(again, SLOW_MS)
            again.wait_for_selector(f'[data-testid="stMain"] [data-testid="stAlert"]:has-text("already been used")')
            assert invites.USED in main_text(again)
            assert again.get_by_role("button", name="Submit answers").is_disabled()
            again.locator('[data-testid="stMain"] [data-testid="stAlert"]:has-text("already been used")') \
                .scroll_into_view_if_needed()
            shot(again, "survey_link_used")

            admin.reload()
            wait_until_idle(admin, SLOW_MS)
            assert "1 invitation link: 1 answered, 0 waiting, 0 expired or revoked." in main_text(admin)
            shot(admin, "invitations_after_answer")
        finally:
            browser.close()

    stop()    # the server holds the database file; read it once it has stopped
    with duckdb.connect(str(db_path)) as con:
        assert con.execute("select respondent_role, count(distinct respondent_key), count(*)"
                           " from survey_responses group by all").fetchall() == [("CEO", 1, 9)]
        assert con.execute("select used, label from survey_invites").fetchall() == [(True, "CEO, November")]
