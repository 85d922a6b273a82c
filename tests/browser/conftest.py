"""A real waitress server over the seeds plus a script-tag article, and a real Chromium.

The tests skip, saying why, when Playwright or Chromium is missing (CI installs Debian's
``chromium``; ``DIPSEARCH_CHROMIUM`` points elsewhere).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import waitress

from tests.browser.support import build_index
from tests.conftest import ROOT
from web.app import create_app

CHROMIUM = Path(os.environ.get("DIPSEARCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "screenshots"
ADMIN_TOKEN = "browser-token"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app served by waitress with several threads on a free port of 127.0.0.1."""
    base = tmp_path_factory.mktemp("browser")
    app = create_app(
        {
            "INDEX": str(build_index(base)),
            "ADMIN_TOKEN": ADMIN_TOKEN,
            "UPLOADS": str(base / "uploads"),
        }
    )
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    server.task_dispatcher.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need Playwright for Python: pip install -e '.[test]'")
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium "
            "(or set DIPSEARCH_CHROMIUM to its path)"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page did that it must not: dialogs, script errors, console errors (CSP)."""

    def __init__(self, page):
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on(
            "console",
            lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def _page(browser, live_server, request, **options):
    context = browser.new_context(base_url=live_server, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = Watch(page)
    page.watch = watch
    yield page
    context.close()
    if not request.node.rep_failed:
        assert not watch.dialogs, watch.dialogs
        assert not watch.errors, watch.errors


@pytest.fixture()
def page(browser, live_server, request):
    """A desktop-sized page (1280 px) with JavaScript, watched for dialogs and errors."""
    yield from _page(browser, live_server, request, viewport={"width": 1280, "height": 900})


@pytest.fixture()
def phone(browser, live_server, request):
    """A phone-sized page (390 px, touch)."""
    yield from _page(
        browser,
        live_server,
        request,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture()
def no_js_page(browser, live_server, request):
    """A desktop page with JavaScript turned off: everything must still work."""
    yield from _page(
        browser,
        live_server,
        request,
        viewport={"width": 1280, "height": 900},
        java_script_enabled=False,
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember whether the test body failed, so the page fixture adds no second error."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_failed = report.failed
    elif not hasattr(item, "rep_failed"):
        item.rep_failed = report.failed
