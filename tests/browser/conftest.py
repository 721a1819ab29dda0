"""Browser tests: Debian's Chromium (``make browser``) driven by Playwright's async API.

Nothing is downloaded at run time: Playwright's wheel bundles its driver and is pointed at
``/usr/bin/chromium``; ``playwright install`` is never run. Without that binary every test
here skips, saying how to install it."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("REPUTATION_TEST_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "var" / "test-artifacts" / "browser"
# Headless, and quiet on a closed network: no sandbox (CI runs as root), no GPU, no
# background fetches, updates, sync or first-run pages.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--font-render-hinting=none",
]
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """``var/test-artifacts/browser/<test name>/``, emptied first (screenshots go here)."""
    folder = ARTIFACTS / str(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
async def browser_page(tmp_path: Path) -> AsyncIterator[object]:
    """A page in a fresh headless Chromium profile (1280×800); skips without Chromium."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"{CHROMIUM} is missing: `make browser` installs Debian's chromium as root"
            " (or set REPUTATION_TEST_CHROMIUM)"
        )
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            locale="en-GB",
            timezone_id="UTC",
        )
        context.set_default_timeout(15_000)
        try:
            yield context.pages[0] if context.pages else await context.new_page()
        finally:
            await context.close()
