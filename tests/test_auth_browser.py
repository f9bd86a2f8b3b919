"""Sign-in against a real OpenID Connect provider, in a real browser.

oidc-provider-mock (a real OIDC provider: discovery, authorize, token, signed ID tokens) runs on 127.0.0.1;
the app runs from a temporary copy of the repository whose .streamlit/secrets.toml points at it, exactly as an
operator would configure a hosted install. A stub analyst page is added to the copy, so the role checks have a
page to refuse even before the real analyst pages exist.
"""
from __future__ import annotations

import contextlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from pages import PAGE_TABLE, url_path
from pages.shared import auth
from tests.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, wait_until_idle

CLIENT_ID = "marketing-dashboard"
CLIENT_SECRET = "client-secret-5f1e0c9a7b3d42e8"       # grepped for in the app's output: must never appear
COOKIE_SECRET = "cookie-secret-0a9b8c7d6e5f4a3b2c1d"
ANALYST_TEXT = "Analyst-only stub content"

USERS = [
    {"sub": "ceo@acme.test", "email": "ceo@acme.test", "name": "Casey CEO"},
    {"sub": "ana@acme.test", "email": "ana@acme.test", "name": "Ana Analyst"},
    {"sub": "boss@partner.test", "email": "boss@partner.test", "groups": ["MVD-Admins"]},
    {"sub": "stranger@elsewhere.test", "email": "stranger@elsewhere.test"},
]
ROLES_TOML = """
default = "none"
[[rules]]
email = "ana@acme.test"
role = "analyst"
[[rules]]
group = "mvd-admins"
role = "admin"
[[rules]]
domain = "acme.test"
role = "viewer"
"""

STUB_PAGE = f'''"""Test stub of an analyst page: the second lock first, then content."""
import streamlit as st

from pages.shared import auth

auth.require_role("analyst")
st.title("Upload stub")
st.write("{ANALYST_TEXT}")
'''


def _wait_http(url: str, proc: subprocess.Popen, log: pathlib.Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not come up:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)


@contextlib.contextmanager
def _process(cmd: list[str], cwd, env: dict, log: pathlib.Path, ready_url: str):
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_http(ready_url, proc, log)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


@contextlib.contextmanager
def oidc_provider(tmp: pathlib.Path):
    """oidc-provider-mock on 127.0.0.1 with the test users predefined; yields its issuer URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in USERS:
        cmd += ["--user-claims", json.dumps(user)]
    issuer = f"http://127.0.0.1:{port}"
    with _process(cmd, tmp, dict(os.environ), tmp / "oidc.log", issuer + "/.well-known/openid-configuration"):
        yield issuer


def app_copy(tmp: pathlib.Path) -> pathlib.Path:
    """The repository as an operator would deploy it, plus the stub analyst page."""
    dest = tmp / "app"
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(
        ".venv", ".git", "data", "__pycache__", ".pytest_cache", "benches", "*.duckdb", "*.wal", "secrets.toml"))
    (dest / "pages" / "analyst").mkdir(exist_ok=True)
    (dest / "pages" / "analyst" / "upload_stub.py").write_text(STUB_PAGE)
    with open(dest / "pages" / "__init__.py", "a") as f:
        f.write('\nPAGE_TABLE.append(("Data", "pages/analyst/upload_stub.py", "Upload stub", "⬆️"))\n')
    return dest


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    """(app URL, path of the app's log) for the app signing in through a local OIDC provider."""
    from tests.conftest import build_tiny_db

    tmp = tmp_path_factory.mktemp("auth")
    build_tiny_db(tmp / "tiny.duckdb")
    (tmp / "roles.toml").write_text(ROLES_TOML)
    app = app_copy(tmp)
    with oidc_provider(tmp) as issuer:
        port = free_port()
        (app / ".streamlit" / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{COOKIE_SECRET}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        )
        env = dict(os.environ, MVD_DB=str(tmp / "tiny.duckdb"), MVD_ROLES=str(tmp / "roles.toml"),
                   HOME=str(tmp))    # no ~/.streamlit of the machine's user leaks in
        env.pop("MVD_DEMO_ROLE", None)
        cmd = [sys.executable, "cli.py", "serve", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--logger.level", "debug"]
        log = tmp / "streamlit.log"
        with _process(cmd, app, env, log, f"http://127.0.0.1:{port}/_stcore/health"):
            yield f"http://127.0.0.1:{port}", log


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})   # fresh cookies each test
    try:
        yield context.new_page()
    finally:
        context.close()


def main_text(page) -> str:
    return page.inner_text('[data-testid="stMain"]')


def wait_for_main(page, text: str, timeout_ms: int = 30000) -> str:
    """The main area's text once it contains `text` (pages render in steps)."""
    page.wait_for_function(
        "t => (document.querySelector('[data-testid=\"stMain\"]') || {innerText: ''}).innerText.includes(t)",
        arg=text, timeout=timeout_ms)
    return main_text(page)


def sidebar_text(page) -> str:
    sidebar = page.query_selector('[data-testid="stSidebar"]')
    return sidebar.inner_text() if sidebar else ""


def sign_in(page, base: str, who: str) -> None:
    page.goto(base)
    wait_until_idle(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30000)
    page.get_by_role("button", name=who, exact=True).click()
    # the provider sends the browser to /oauth2callback, which sets the cookie and redirects to the app
    page.wait_for_url(lambda url: url.startswith(base) and "oauth2callback" not in url, timeout=30000)
    page.wait_for_function(
        "() => ['Signed in as', 'No access yet'].some(t => document.body.innerText.includes(t))", timeout=30000)
    wait_until_idle(page)


def test_unauthenticated_visit_shows_sign_in_and_no_data(hosted, page):
    base, _ = hosted
    for url in (base + "/", base + "/upload_stub", base + "/?period=Last+quarter"):
        page.goto(url)
        wait_until_idle(page)
        text = wait_for_main(page, "Sign in with your company account")
        assert "new opportunities worth" not in text and ANALYST_TEXT not in text, url
        # no filters: the database was never opened for this session
        assert page.query_selector('[data-testid="stSidebar"] [data-testid="stSelectbox"]') is None, url
        assert "Overview" not in sidebar_text(page), url


def assert_dashboard(page) -> None:
    """The dashboard ran for this session: no sign-in screen, the filters read the database, no exception."""
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stSelectbox"]', timeout=30000)
    wait_until_idle(page)
    assert "Sign in with your company account" not in main_text(page)
    assert page.query_selector('[data-testid="stException"]') is None
    assert "Overview" in sidebar_text(page)


def analyst_pages() -> list[tuple[str, str]]:
    """(url path, nav title) of every analyst-level page: the real ones and the stub."""
    rows = [(url_path(script), title) for _, script, title, _ in PAGE_TABLE if auth.page_min_role(script) == "analyst"]
    return rows + [("upload_stub", "Upload stub")]


def admin_pages() -> list[tuple[str, str]]:
    """(url path, nav title) of every Admin page."""
    return [(url_path(script), title) for _, script, title, _ in PAGE_TABLE if auth.page_min_role(script) == "admin"]


def nav_titles(page) -> list[str]:
    # a long navigation is collapsed behind "View N more": open it first
    more = page.query_selector('[data-testid="stSidebarNavViewButton"]')
    if more and "more" in more.inner_text().lower():
        more.click()
        page.wait_for_timeout(500)
    # each link reads "<icon>\n\n<title>"
    return [a.inner_text().strip().splitlines()[-1].strip()
            for a in page.query_selector_all('[data-testid="stSidebarNav"] a')]


def test_viewer_sees_dashboard_but_not_analyst_pages(hosted, page):
    base, _ = hosted
    sign_in(page, base, "ceo@acme.test")
    assert_dashboard(page)
    assert "Signed in as ceo@acme.test · viewer" in sidebar_text(page)
    titles = nav_titles(page)
    assert "Overview" in titles
    for _, title in analyst_pages() + admin_pages():
        assert title not in titles
    for path, _ in analyst_pages() + admin_pages():
        # not registered for a viewer: Streamlit says so and runs the main page instead
        page.goto(f"{base}/{path}")
        page.get_by_text("Page not found").wait_for(timeout=30000)
        page.wait_for_selector('[data-testid="stMain"] [data-testid="stHeading"]', timeout=30000)
        assert ANALYST_TEXT not in main_text(page), path
        assert page.query_selector('[data-testid="stFileUploader"]') is None, path
        assert "Upload exports" not in main_text(page), path


def test_analyst_sees_analyst_pages(hosted, page):
    base, _ = hosted
    sign_in(page, base, "ana@acme.test")
    assert_dashboard(page)
    assert "Signed in as ana@acme.test · analyst" in sidebar_text(page)
    titles = nav_titles(page)
    for _, title in analyst_pages():
        assert title in titles
    for _, title in admin_pages():
        assert title not in titles
    for path, _ in admin_pages():     # not registered for an analyst either
        page.goto(f"{base}/{path}")
        page.get_by_text("Page not found").wait_for(timeout=30000)
        assert "Survey invitations" not in main_text(page) and "Users and roles" not in main_text(page), path
    page.goto(base + "/upload_stub")
    wait_until_idle(page)
    assert ANALYST_TEXT in wait_for_main(page, ANALYST_TEXT)
    if any(path == "upload" for path, _ in analyst_pages()):
        page.goto(base + "/upload")
        wait_until_idle(page)
        page.wait_for_selector('[data-testid="stFileUploader"]', timeout=30000)


def test_admin_by_group_claim(hosted, page):
    base, _ = hosted
    sign_in(page, base, "boss@partner.test")
    assert_dashboard(page)
    assert "Signed in as boss@partner.test · admin" in sidebar_text(page)
    titles = nav_titles(page)
    for _, title in admin_pages():
        assert title in titles


def test_a_rule_an_admin_adds_applies_at_the_next_sign_in(hosted, page, browser):
    base, _ = hosted
    sign_in(page, base, "boss@partner.test")
    page.goto(base + "/users")
    wait_until_idle(page)
    wait_for_main(page, "How a role is decided")
    page.get_by_role("textbox", name="Value").fill("ceo@acme.test")
    role = page.locator('[data-testid="stForm"]').get_by_role("combobox", name="Role", exact=True)
    for _ in range(3):   # a rerun can redraw the box between the click and the list opening
        role.click()
        try:
            page.get_by_role("option", name="analyst", exact=True).click(timeout=10_000)
            break
        except Exception:  # noqa: BLE001 - try again
            page.keyboard.press("Escape")
    page.get_by_role("button", name="Add rule").click()
    wait_for_main(page, "Added rule 1: email ceo@acme.test → analyst.")
    page.get_by_role("textbox", name="Email").fill("ceo@acme.test")
    page.keyboard.press("Enter")
    assert "analyst: app rule 1 matched (email ceo@acme.test)." in wait_for_main(page, "app rule 1 matched")

    ceo = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        sign_in(ceo, base, "ceo@acme.test")
        assert "Signed in as ceo@acme.test · analyst" in sidebar_text(ceo)
        assert "Upload" in nav_titles(ceo)
    finally:
        ceo.context.close()
    # put it back for the tests after this one
    page.get_by_role("button", name="Remove rule").click()
    wait_for_main(page, "Removed rule 1")


def test_signed_in_without_a_role_is_asked_to_see_the_admin(hosted, page):
    base, _ = hosted
    sign_in(page, base, "stranger@elsewhere.test")
    text = wait_for_main(page, "Ask your admin")
    assert "No access yet" in text and "Ask your admin" in text
    assert "new opportunities worth" not in text
    assert page.query_selector('[data-testid="stSidebar"] [data-testid="stSelectbox"]') is None


def test_sign_out_returns_to_sign_in(hosted, page):
    base, _ = hosted
    sign_in(page, base, "ceo@acme.test")
    page.get_by_role("button", name="Sign out").click()
    # Streamlit clears its cookie and hands over to the provider's end-session page (RP-initiated logout)
    page.wait_for_url("**/oauth2/end_session**", timeout=30000)
    page.goto(base)
    wait_until_idle(page)
    assert "Sign in with your company account" in wait_for_main(page, "Sign in with your company account")


def test_secrets_never_logged(hosted, page):
    # runs last in this module: the log then holds every sign-in above, at debug level
    base, log = hosted
    sign_in(page, base, "ana@acme.test")
    text = log.read_text(errors="replace")
    assert len(text.splitlines()) > 20        # debug logging was on and captured
    assert CLIENT_SECRET not in text
    assert COOKIE_SECRET not in text
