"""Browser tests' machinery: the app served on 127.0.0.1, Debian's Chromium driven by
Playwright, axe-core for accessibility, and screenshots kept as test artifacts.

Chromium is /usr/bin/chromium (Playwright cannot download browsers here). Without it the
browser tests skip with that reason, unless NORDIALOG_REQUIRE_BROWSER=1 (set by .ci/run).
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium); .ci/run installs it"
    if os.environ.get("NORDIALOG_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def live_server(app):
    """The app on a real HTTP server in a thread, on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def new_page(browser, live_server):
    """A fresh browser context per person (its own cookies), in a given language, with or
    without JavaScript."""
    contexts = []

    def open_page(language: str = "en", javascript: bool = True):
        context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900},
                                      base_url=live_server, java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(45_000)  # a shared, loaded CI machine: reports take seconds
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, email: str, password: str = "nordialog-demo") -> None:
    page.goto("/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core (from the axe-playwright-python package) in the page; the violations.

    Evaluated through the DevTools protocol, so the page's Content-Security-Policy allows it.
    """
    import axe_playwright_python

    source = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    page.evaluate(source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}x, e.g. "
            f"{v['nodes'][0]['target']})"
            for v in result["violations"] if v["impact"] in impacts]
