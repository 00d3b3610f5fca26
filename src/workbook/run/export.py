"""Exporting an executed notebook to the self-contained HTML report.

nbconvert does the work: its ``basic`` template renders the outputs (no
inputs, prompts or anchor links), and the project's template
(``resources/templates/report``) extends it with the house page: ``lang``,
title, inline styles, a skip link, a contents list after the title cell, and
no stream outputs (logs and warnings stay in the executed notebook).  One
preprocessor gives every heading a readable id and collects the contents.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from workbook.core.paths import RESOURCES_DIR
from workbook.core.version import __version__

if TYPE_CHECKING:  # the notebook libraries are imported when a run needs them, so a skipped run is quick
    import nbformat

logger = logging.getLogger(__name__)

TEMPLATES_DIR = RESOURCES_DIR / "templates"
REMOVED_TAGS = {"remove-cell", "parameters", "injected-parameters"}
_HEADING = re.compile(r"^(#{1,3})[ \t]+(.+?)[ \t#]*$", re.M)
_INLINE_MARKS = re.compile(r"[*_`]")


def heading_id(text: str, seen: dict[str, int]) -> str:
    """A unique id for a heading, made from its text.

    Examples
    --------
    >>> seen = {}
    >>> heading_id("Crime this year", seen), heading_id("Crime this year", seen)
    ('crime-this-year', 'crime-this-year-2')
    >>> heading_id("Is the latest month unusual?", seen)
    'is-the-latest-month-unusual'
    """
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def heading_preprocessor(nb: nbformat.NotebookNode, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """An nbconvert preprocessor: give each Markdown heading (in cells and in
    Markdown outputs) an id, and collect the contents list into
    ``resources["report"]["contents"]``.

    The cell holding the first ``#`` heading is marked so the template puts
    the contents list after it.  (A plain function, which nbconvert accepts,
    so importing this module does not import nbconvert: a skipped run stays quick.)
    """
    seen: dict[str, int] = {}
    contents: list[dict[str, Any]] = []
    title_marked = False

    def rewrite(source: str) -> tuple[str, bool]:
        has_title = False

        def repl(m: re.Match[str]) -> str:
            nonlocal has_title
            level, text = len(m.group(1)), m.group(2).strip()
            plain = _INLINE_MARKS.sub("", text)
            hid = heading_id(plain, seen)
            contents.append({"level": level, "id": hid, "text": plain})
            has_title = has_title or level == 1
            return f'<h{level} id="{hid}">{html.escape(plain, quote=False)}</h{level}>'

        return _HEADING.sub(repl, source), has_title

    for cell in nb.cells:
        found = False
        if cell.cell_type == "markdown":
            cell.source, found = rewrite(cell.source)
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if "text/markdown" in out.get("data", {}):
                    out["data"]["text/markdown"], f = rewrite(out["data"]["text/markdown"])
                    found = found or f
        if found and not title_marked:
            cell.metadata.setdefault("workbook", {})["contents_after"] = True
            title_marked = True
    resources.setdefault("report", {})["contents"] = contents
    return nb, resources


_EXPORT_LOCK = threading.Lock()  # one exporter per process, used by one run at a time


@lru_cache(maxsize=1)
def _report_exporter():  # noqa: ANN202 - nbconvert.HTMLExporter
    """nbconvert's exporter with the report template: outputs only, no code or prompts."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=REMOVED_TAGS), enabled=True)
    exporter.register_preprocessor(heading_preprocessor, enabled=True)
    return exporter


_WARM_UP_PAGE = {  # one of each kind of output a report has, so every library the export uses is loaded
    "cells": [
        {"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# Title\n\nText with *emphasis* and a [link](#title)."},
        {"cell_type": "code", "id": "outputs", "execution_count": 1, "metadata": {}, "source": "", "outputs": [
            {"output_type": "display_data", "metadata": {},
             "data": {"text/markdown": "## Heading\n\n- a list", "text/plain": ""}},
            {"output_type": "display_data", "metadata": {},
             "data": {"text/html": "<table><caption>c</caption><tr><th>a</th></tr><tr><td>1</td></tr></table>",
                      "text/plain": ""}},
            {"output_type": "display_data", "metadata": {"image/png": {"alt": "a chart"}},
             "data": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
                      "text/plain": ""}}]},
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                 "language_info": {"name": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def warm_up_export() -> threading.Thread:
    """Load the exporter in a background thread: import it, compile its
    templates and render a small page with every kind of output.

    The parent process is idle while the kernel works; doing this then
    takes it off the end of every run (the first page nbconvert renders in a
    process costs ~0.3 s more than the next: lazily loaded Markdown, HTML
    and template libraries).
    """

    def work() -> None:
        try:
            import nbformat

            render_report_html(nbformat.from_dict(_WARM_UP_PAGE), title="warm-up", generated=datetime.now())
        except Exception as exc:  # noqa: BLE001 - the export itself will report any real problem
            logger.debug("export warm-up: %s", exc)

    thread = threading.Thread(target=work, name="workbook-export-warm-up", daemon=True)
    thread.start()
    return thread


def render_report_html(
    executed: nbformat.NotebookNode, *, title: str, generated: datetime,
    product: str = "Partnership Strategic Assessment", product_short: str = "assessment",
) -> str:
    """The executed notebook as one self-contained HTML page for readers.

    Nothing is fetched from another host: styles are inline and charts are
    embedded as data URIs.

    Examples
    --------
    >>> import nbformat
    >>> from datetime import datetime, timezone
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Lambeth"),
    ...                                      nbformat.v4.new_markdown_cell("## Context\\n\\nText.")])
    >>> page = render_report_html(nb, title="Lambeth", generated=datetime(2023, 12, 1, tzinfo=timezone.utc))
    >>> '<h2 id="context">Context</h2>' in page, '<a href="#context">Context</a>' in page
    (True, True)
    >>> page.startswith("<!DOCTYPE html>") and 'lang="en-GB"' in page
    True
    """
    resources = {"report": {
        "title": title,
        "css": (RESOURCES_DIR / "report.css").read_text(encoding="utf-8"),
        "generated": generated.strftime("%d %B %Y %H:%M UTC"),
        "version": __version__,
        "product": product,
        "product_short": product_short,
    }}
    with _EXPORT_LOCK:
        page, _ = _report_exporter().from_notebook_node(executed, resources=resources)
    return page
