"""Browser checks use pytest-playwright's ``browser`` fixture, launched on the
system Chromium (Debian's, installed by ``make test``) with the project's flags.

The checks skip, naming what is missing, when Playwright, Chromium or
axe-core is absent on a developer's machine; under CI (``CI=true``) a
missing tool is an error instead, so a green run cannot hide a missing
install step.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.browser.page_checks import CHROMIUM_ARGS, find_chromium, list_missing_browser_tools


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at the system Chromium."""
    missing = list_missing_browser_tools()
    if missing:
        reason = "browser checks need: " + "; ".join(missing)
        if _in_ci():
            pytest.fail(f"{reason} (CI must install them)", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": str(find_chromium()), "headless": True,
            "args": list(CHROMIUM_ARGS)}
