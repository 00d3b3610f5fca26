"""Open a generated report in headless Chromium and check it as a reader's browser sees it.

One call loads the report from its file, records every request the page
makes (a published report must fetch nothing from any host: its styles and
charts are inline, its images ``data:`` URIs), runs axe-core against the
WCAG 2.x A and AA rules, reads the page's language, headings and image
alternative texts, and can save a screenshot of the first screen.

The engine is Playwright for Python (through pytest-playwright's ``browser``
fixture, see ``conftest.py``) driving the system's Chromium (Debian's
``/usr/bin/chromium``; Playwright's own browser download is never used), and
axe-core's ``axe.min.js`` from the npm registry's ``axe-core`` package,
installed into the repository's ``node_modules/``.  Both are found at run
time; :func:`list_missing_browser_tools` says what is absent, so tests can
skip with a reason.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pandas as pd

from workbook.core.errors import RunError
from workbook.core.paths import REPO_ROOT

if TYPE_CHECKING:  # playwright is a test-time dependency, imported only when a browser is used
    from playwright.sync_api import Browser

logger = logging.getLogger(__name__)

#: axe-core tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
#: The first screen of a laptop: the screenshot's size.
VIEWPORT: tuple[int, int] = (1280, 900)
#: Chromium switches for a closed network: without the background-networking
#: ones Chromium itself keeps trying Google's hosts (not the page's requests,
#: but noise and delay).  Playwright adds --headless, --no-sandbox (it runs as
#: root here) and a new empty profile itself.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: URL schemes that never leave the machine.
LOCAL_SCHEMES = frozenset({"file", "data", "blob", "about"})
#: Alternative texts that name the kind of thing rather than say what it shows.
PLACEHOLDER_ALTS = frozenset({"chart", "image", "figure", "graph", "picture", "plot", "img", "photo", "diagram"})
MIN_ALT_WORDS = 5

CHROMIUM_ENV = "WORKBOOK_CHROMIUM"
AXE_ENV = "WORKBOOK_AXE_JS"
NPM_AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

_AXE_VERSION = re.compile(r"axe v(\d+\.\d+\.\d+\S*)")

# Read in the page after load: what a reader (and a screen reader) meets.
_PAGE_FACTS_JS = """() => ({
  lang: document.documentElement.getAttribute("lang"),
  title: document.title,
  h1: document.querySelectorAll("h1").length,
  alts: Array.from(document.images, img => img.getAttribute("alt")),
})"""


@dataclass(frozen=True)
class AxeNode:
    """One element that fails an axe rule: its CSS selector, markup and axe's advice."""

    target: str
    html: str
    failure_summary: str


@dataclass(frozen=True)
class AxeViolation:
    """One failed axe rule and the elements that fail it."""

    id: str
    impact: str | None
    help: str
    help_url: str
    nodes: tuple[AxeNode, ...]


@dataclass(frozen=True)
class BrowserCheck:
    """What a headless browser found in one report.

    Attributes
    ----------
    html_path
        The report that was opened.
    axe_version
        The axe-core version that ran, e.g. ``"4.14.1"``.
    violations
        Failed axe rules among :data:`WCAG_TAGS`.
    incomplete
        Rule ids axe could not decide and a person should review.
    outside_requests
        URLs the page asked for that are not ``file:``/``data:`` (blocked, in
        the order first asked).
    lang, title, h1_count
        The ``<html lang>``, the ``<title>`` and the number of ``h1`` elements.
    image_alts
        Each ``img``'s ``alt`` attribute in document order (``None`` if absent).
    screenshot
        The first-screen PNG, if one was asked for.
    seconds
        Time from opening the page to the end of the checks.
    """

    html_path: Path
    axe_version: str
    violations: tuple[AxeViolation, ...]
    incomplete: tuple[str, ...]
    outside_requests: tuple[str, ...]
    lang: str | None
    title: str
    h1_count: int
    image_alts: tuple[str | None, ...]
    screenshot: Path | None
    seconds: float

    @property
    def passed(self) -> bool:
        """No axe violation and no request outside the machine."""
        return not self.violations and not self.outside_requests

    def to_frame(self) -> pd.DataFrame:
        """One row per failing element: rule, impact, help, target, html.

        Examples
        --------
        >>> node = AxeNode(target="p.note", html="<p class='note'>x</p>", failure_summary="Fix any...")
        >>> v = AxeViolation(id="color-contrast", impact="serious", help="Contrast", help_url="", nodes=(node,))
        >>> check = BrowserCheck(Path("r.html"), "4.14.1", (v,), (), (), "en-GB", "T", 1, (), None, 0.0)
        >>> check.to_frame()[["rule", "impact", "target"]]
                     rule   impact  target
        0  color-contrast  serious  p.note
        """
        rows = [
            {"rule": v.id, "impact": v.impact, "help": v.help, "target": n.target, "html": n.html}
            for v in self.violations
            for n in v.nodes
        ]
        return pd.DataFrame(rows, columns=["rule", "impact", "help", "target", "html"])

    def describe_violations(self) -> str:
        """A line per failed rule: id, impact, help and its first failing element.

        Examples
        --------
        >>> node = AxeNode(target="#main > p", html="<p>x</p>", failure_summary="")
        >>> v = AxeViolation(id="color-contrast", impact="serious", help="Contrast", help_url="", nodes=(node,))
        >>> print(BrowserCheck(Path("r.html"), "4", (v,), (), (), None, "", 1, (), None, 0.0).describe_violations())
        color-contrast (serious, 1 element): Contrast; first: #main > p <p>x</p>
        """
        lines = []
        for v in self.violations:
            first = v.nodes[0] if v.nodes else AxeNode("", "", "")
            n = len(v.nodes)
            lines.append(
                f"{v.id} ({v.impact}, {n} element{'s' if n != 1 else ''}): {v.help}; "
                f"first: {first.target} {first.html[:200]}"
            )
        return "\n".join(lines)


def is_outside_url(url: str) -> bool:
    """Whether fetching ``url`` would leave the machine (anything but file, data, blob, about).

    Examples
    --------
    >>> is_outside_url("file:///tmp/report.html"), is_outside_url("data:image/png;base64,AAAA")
    (False, False)
    >>> is_outside_url("https://cdn.example.org/x.js"), is_outside_url("//fonts.example.org/a.css")
    (True, True)
    """
    return urlsplit(url).scheme.lower() not in LOCAL_SCHEMES


def describe_alt_text_problem(alt: str | None, *, min_words: int = MIN_ALT_WORDS) -> str | None:
    """Why an image's alternative text would not serve a screen-reader user, or ``None`` if it would.

    An informative chart needs a sentence saying what it shows: not a missing
    or empty ``alt``, not a placeholder word such as "chart", and at least
    ``min_words`` words.

    Examples
    --------
    >>> describe_alt_text_problem("Line chart of monthly burglary, falling since 2019.") is None
    True
    >>> describe_alt_text_problem("Chart")
    "alt text 'Chart' is a placeholder, not a description"
    >>> describe_alt_text_problem("Monthly burglary")
    "alt text 'Monthly burglary' has 2 words; expected a sentence of at least 5"
    >>> describe_alt_text_problem(None)
    'no alt attribute'
    """
    if alt is None:
        return "no alt attribute"
    text = " ".join(alt.split())
    if not text:
        return "empty alt text"
    if text.lower().strip(" .:") in PLACEHOLDER_ALTS:
        return f"alt text {text!r} is a placeholder, not a description"
    words = len(text.split())
    if words < min_words:
        return f"alt text {text!r} has {words} words; expected a sentence of at least {min_words}"
    return None


def find_chromium() -> Path | None:
    """The Chromium to drive: ``$WORKBOOK_CHROMIUM``, else ``chromium`` on the PATH, else ``None``.

    Examples
    --------
    >>> path = find_chromium()
    >>> path is None or path.is_file()
    True
    """
    named = os.environ.get(CHROMIUM_ENV)
    candidates = [named] if named else [shutil.which("chromium"), shutil.which("chromium-browser")]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def find_axe_script() -> Path | None:
    """The ``axe.min.js`` to inject: ``$WORKBOOK_AXE_JS``, else the repository's
    ``node_modules/axe-core/``, else the copy vendored by the PyPI package
    ``axe-playwright-python`` if installed, else ``None``.

    Examples
    --------
    >>> path = find_axe_script()
    >>> path is None or path.name.endswith(".js")
    True
    """
    named = os.environ.get(AXE_ENV)
    if named:
        return Path(named) if Path(named).is_file() else None
    candidates = [NPM_AXE_SCRIPT]
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is not None and spec.origin:
        candidates.append(Path(spec.origin).with_name("axe.min.js"))
    return next((c for c in candidates if c.is_file()), None)


def list_missing_browser_tools() -> list[str]:
    """What is missing for :func:`check_report_in_browser`, one reason each (empty if nothing).

    Examples
    --------
    >>> all(isinstance(reason, str) for reason in list_missing_browser_tools())
    True
    """
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python package 'playwright' is not installed")
    if find_chromium() is None:
        missing.append(f"no Chromium found (apt-get install chromium, or set ${CHROMIUM_ENV})")
    if find_axe_script() is None:
        missing.append(
            f"no axe-core script found at {NPM_AXE_SCRIPT} "
            f"(npm install --no-save --prefix {REPO_ROOT} axe-core, or set ${AXE_ENV})"
        )
    return missing


def _read_axe_script() -> tuple[str, str]:
    path = find_axe_script()
    if path is None:
        raise RunError(f"cannot run axe-core: no axe.min.js at {NPM_AXE_SCRIPT} and ${AXE_ENV} is not set")
    source = path.read_text(encoding="utf-8")
    m = _AXE_VERSION.search(source[:200])
    return source, (m.group(1) if m else "unknown")


def _to_violation(raw: dict[str, Any]) -> AxeViolation:
    nodes = tuple(
        AxeNode(
            # a target is a list of selectors when it crosses iframes or shadow roots
            target=" >>> ".join(t if isinstance(t, str) else " ".join(t) for t in n.get("target", [])),
            html=n.get("html", ""),
            failure_summary=n.get("failureSummary") or "",
        )
        for n in raw.get("nodes", [])
    )
    return AxeViolation(
        id=raw["id"], impact=raw.get("impact"), help=raw.get("help", ""), help_url=raw.get("helpUrl", ""), nodes=nodes
    )


def check_report_in_browser(
    html_path: str | Path,
    *,
    browser: Browser,
    screenshot: str | Path | None = None,
    viewport: tuple[int, int] = VIEWPORT,
    tags: Sequence[str] = WCAG_TAGS,
) -> BrowserCheck:
    """Open a report file in headless Chromium and check it.

    Every request the page makes other than ``file:`` and ``data:`` is
    recorded and blocked (so a check never reaches the network, and a page
    that tries is caught); axe-core then runs the rules tagged ``tags``.

    Parameters
    ----------
    html_path
        The report's HTML file.
    screenshot
        Where to save a PNG of the first screen (the viewport, not the full page).
    browser
        A Playwright browser (pytest-playwright's ``browser`` fixture), used for
        several reports with one launch.
    viewport
        Width and height of the window, in CSS pixels.
    tags
        axe-core rule tags to run; default WCAG 2.0-2.2 A and AA.

    Returns
    -------
    BrowserCheck

    Raises
    ------
    RunError
        If the file does not exist, or Playwright, Chromium or axe-core is missing.

    Examples
    --------
    >>> check = check_report_in_browser("reports/lambeth/2023-11/assessment.html", browser=browser)  # doctest: +SKIP
    >>> check.passed, check.h1_count, check.lang  # doctest: +SKIP
    (True, 1, 'en-GB')
    """
    path = Path(html_path).resolve()
    if not path.is_file():
        raise RunError(f"cannot check {path} in a browser: no such file")
    axe_source, axe_version = _read_axe_script()
    started = time.perf_counter()
    outside: dict[str, None] = {}  # an ordered set

    def route(r: Any) -> None:
        url = r.request.url
        if is_outside_url(url):
            outside.setdefault(url)
            r.abort()
        else:
            r.continue_()

    def route_ws(ws: Any) -> None:
        # never connected to a server: recording it is enough
        outside.setdefault(ws.url)

    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block", reduced_motion="reduce"
    )
    try:
        context.route("**/*", route)
        context.route_web_socket(re.compile(".*"), route_ws)
        page = context.new_page()
        # the page's own view of its requests, should routing ever miss one
        page.on("request", lambda req: outside.setdefault(req.url) if is_outside_url(req.url) else None)
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_load_state("networkidle")
        shot = None
        if screenshot is not None:
            shot = Path(screenshot)
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=False)
        facts = page.evaluate(_PAGE_FACTS_JS)
        page.evaluate(axe_source)
        result = page.evaluate(
            "options => axe.run(document, options)",
            {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]},
        )
    finally:
        context.close()
    check = BrowserCheck(
        html_path=path,
        axe_version=result.get("testEngine", {}).get("version", axe_version),
        violations=tuple(_to_violation(v) for v in result["violations"]),
        incomplete=tuple(i["id"] for i in result.get("incomplete", [])),
        outside_requests=tuple(outside),
        lang=facts["lang"],
        title=facts["title"],
        h1_count=int(facts["h1"]),
        image_alts=tuple(facts["alts"]),
        screenshot=shot,
        seconds=time.perf_counter() - started,
    )
    logger.info(
        "%s: %d axe violation(s), %d outside request(s) in %.1f s",
        path, len(check.violations), len(check.outside_requests), check.seconds,
    )
    return check
