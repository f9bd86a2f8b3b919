"""Cache warm-up: the dashboard pages' figures for the default view, worked out in the background.

When the server starts (`cli.py serve`) and after every change of the data (`ui.data_changed`), a thread
computes every figure each dashboard page shows for the default filters (the workspace settings, as the
sidebar opens without a shared link), through the same cache the pages read (`ui.metric_at`) and with the
same arguments (`data_models.page_figures`), so the first CEO to open a page after a restart or a load
finds it ready instead of waiting for its queries.

- It never blocks a page: pages only start the thread. A page that asks for a figure the warm-up is
  working out waits for that one (Streamlit computes each cache key once) instead of computing it twice.
- It uses its own cursors of the process's one connection, and logs its errors; users never see them.
- It never stores figures of old data under a new load version: the version is read before any figure
  (so a figure is at least as new as its key), and once the data changes (`ui.generation()` moves) a
  figure still being worked out is dropped instead of stored, and the thread stops.

Only a served app warms up (`enable()`, called by `cli.py serve`); tests and scripts opt in.

A page's own run uses the same cache from two ends (`alongside`, also switched on by `cli.py serve`, with
or without the warm-up): while its script asks for its figures first to last, a thread asks for them last
to first, so a page whose figures are not cached yet is worked out on two cores.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
import time

from streamlit.logger import get_logger

log = get_logger("mvd.warmup")   # the server's log, at its level

_enabled = False
_alongside = False
_lock = threading.Lock()
_running: list[threading.Thread] = []


def enable(on: bool = True) -> None:
    global _enabled
    _enabled = on


def enable_alongside(on: bool = True) -> None:
    global _alongside
    _alongside = on


def open_database(path: str) -> threading.Thread:
    """Open the process's connection to the database once the server runs (a daemon thread), so the first
    viewer after a start does not wait for it; the warm-up, when on, would open it too."""
    from pages.shared import ui

    def run() -> None:
        try:
            if _server_ready(timeout=60.0):
                ui._shared_connection(path)
        except Exception:  # noqa: BLE001 - the first page opens it again and shows what is wrong
            log.exception("opening %s at start failed", path)

    thread = threading.Thread(target=run, name="mvd-open-db", daemon=True)
    thread.start()
    return thread


def alongside(figures) -> threading.Thread | None:
    """Work out a page's figures (a `page_figures.Figures`) from its last one back, in a thread of its own,
    while the page's script works them out from its first: on a cold cache the page then uses a second
    core. Both go through the same cache (`ui.metric_at`), which computes each key once: a figure one of
    them is working out, the other waits for, never computes again. Errors are left to the page, which
    asks for the same figure and shows its message. None when switched off (only a served app is on)."""
    if not _alongside:
        return None
    from pages.shared import ui

    path = ui.db_path()
    version = ui.load_version(path)   # what the page's own figures are keyed by (read within the last second)

    def get(function, p, what, **kwargs):
        return ui.metric_at(path, version, function, p, **kwargs)

    thread = threading.Thread(target=_backwards, args=(figures.twin(get),), name="mvd-alongside", daemon=True)
    thread.start()
    return thread


def _backwards(figures) -> None:
    for name in reversed(figures.names()):
        try:
            getattr(figures, name)
        except Exception:  # noqa: BLE001 - the page reports its own failures
            log.debug("figure %s worked out alongside its page failed", name, exc_info=True)


def enabled() -> bool:
    return _enabled


def start(path: str, *, wait_for_server: bool = False) -> threading.Thread | None:
    """Warm the default view of the database at `path` in a daemon thread; None when warm-up is off.

    `wait_for_server`: first wait (up to a minute) for the Streamlit runtime to exist, so the figures go
    into the server's own caches (used at start-up, before the server has been created)."""
    if not _enabled:
        return None
    from pages.shared import ui

    generation = ui.generation()
    thread = threading.Thread(target=_run_logged, args=(path, generation, wait_for_server),
                              name=f"mvd-warmup-{generation}", daemon=True)
    with _lock:
        _running[:] = [t for t in _running if t.is_alive()] + [thread]
    thread.start()
    return thread


def wait(timeout: float | None = None) -> bool:
    """Wait for every warm-up started so far (tests, benches); True when none is left running."""
    deadline = None if timeout is None else time.monotonic() + timeout
    with _lock:
        threads = list(_running)
    for thread in threads:
        thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    return not any(t.is_alive() for t in threads)


def _run_logged(path: str, generation: int, wait_for_server: bool) -> None:
    try:   # behind the viewers' own page runs for the CPU (Linux: a thread has its own nice value)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass
    try:
        if wait_for_server and not _server_ready(timeout=60.0):
            log.warning("cache warm-up skipped: the Streamlit server did not start within a minute")
            return
        t0, c0 = time.perf_counter(), time.thread_time()
        done = run(path, generation)
        if done is not None:
            log.info("cache warm-up of %s: %d figures in %.1f s (%.1f s CPU in this thread)", path, done,
                     time.perf_counter() - t0, time.thread_time() - c0)
    except Exception:  # noqa: BLE001 - a background helper: log, never raise into the server
        log.exception("cache warm-up of %s failed", path)


def _server_ready(timeout: float) -> bool:
    from streamlit.runtime import Runtime

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Runtime.exists():
            return True
        time.sleep(0.05)
    return False


def run(path: str, generation: int | None = None) -> int | None:
    """Work out the default view's figures of every dashboard page into the cache, in navigation order.

    Returns how many figures were asked for, or None when the data changed after `generation` (the
    warm-up of the newer data takes over) or no data is loaded. A page whose figures fail is logged and
    skipped; the next page is still warmed."""
    from data_models import page_figures, periods
    from pages.shared import ui

    generation = ui.generation() if generation is None else generation

    def current() -> bool:
        return ui.generation() == generation

    con = ui._shared_connection(path).cursor()
    try:
        version = ui.read_version(con)   # before any figure: no figure is older than the version it is stored under
    finally:
        con.close()
    if not current():
        return None
    workspace = ui._workspace(path=path, version=version, today=dt.date.today())   # the sidebar's, cached too
    if workspace.as_of is None:
        return None
    params = periods.view_params(workspace.as_of, workspace.settings)
    asked = 0

    def get(function, p, what, **kwargs):
        nonlocal asked
        if not current():
            raise ui.Superseded("the data changed")
        asked += 1
        return ui.metric_at(path, version, function, p, current=current, **kwargs)

    for script, figures in page_figures.DASHBOARD.items():
        try:
            figures(get, params).warm()
        except ui.Superseded:
            log.info("cache warm-up of %s stopped: the data changed", path)
            return None
        except Exception:  # noqa: BLE001 - one page's failure must not keep the others cold
            log.exception("cache warm-up of %s: the figures of %s failed", path, script)
    return asked
