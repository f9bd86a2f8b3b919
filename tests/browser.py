"""A real `streamlit run` on a free port, driven by Debian's chromium through playwright."""
from __future__ import annotations

import contextlib
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = pathlib.Path(__file__).parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(db_path, timeout: float = 60.0, port: int | None = None, env: dict | None = None):
    """Start the app on 127.0.0.1 and yield its base URL; stop it afterwards.

    `port`: a given port (e.g. to restart a server where a browser's cache already knows its assets);
    `env`: extra environment variables for the server."""
    port = port or free_port()
    env = dict(os.environ, MVD_DB=str(db_path), **(env or {}))
    cmd = [sys.executable, str(ROOT / "cli.py"), "serve", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"streamlit did not start on {url}:\n{out}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()


def wait_until_idle(page, timeout_ms: int = 30000) -> None:
    """Wait for the app to render and finish its script run."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout_ms)
    # something rendered in the main area: a heading, an alert, an exception
    page.wait_for_selector(
        '[data-testid="stMain"] :is([data-testid="stHeading"], [data-testid="stAlert"], [data-testid="stException"])',
        timeout=timeout_ms,
    )
    page.wait_for_timeout(300)
    # the status widget is on screen while the script runs; wait until it has been gone for a while
    page.wait_for_function(
        """() => {
            const busy = document.querySelector('[data-testid="stStatusWidget"]')
                || document.querySelector('[data-testid="stSkeleton"]');
            const now = Date.now();
            if (busy) { window.__mvdIdleSince = null; return false; }
            window.__mvdIdleSince = window.__mvdIdleSince || now;
            return now - window.__mvdIdleSince > 800;
        }""",
        timeout=timeout_ms, polling=100,
    )


def page_errors(page) -> list[str]:
    """Exceptions and error boxes the app shows."""
    texts = [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]
    return texts
