"""One headless Chromium for a whole test module.

The browser checks skip, naming what is missing, when Playwright, Chromium
or axe-core is absent on a developer's machine; under CI (``CI=true``) a
missing tool is an error instead, so a green run cannot hide a missing
install step.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.browser.page_checks import launch_browser, list_missing_browser_tools


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    missing = list_missing_browser_tools()
    if missing:
        reason = "browser checks need: " + "; ".join(missing)
        if _in_ci():
            pytest.fail(f"{reason} (CI must install them)", pytrace=False)
        pytest.skip(reason)
    with launch_browser() as b:
        yield b
