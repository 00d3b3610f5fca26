"""The reports a partnership's analyst publishes, each a parameterised notebook run the same way.

An entry names the notebook, the page's title and where its report goes: the
annual assessment in ``reports/<area>/<period>/``, the others beside it in
``reports/<area>/<period>-<product>/`` (so publishing one never replaces another).
The notebooks in ``notebooks/explore/`` are products too (``explore-trends`` ...):
one question each, published the same way (``workbook explore <chapter>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbook.core.errors import ParameterError
from workbook.core.paths import NOTEBOOKS_DIR


@dataclass(frozen=True)
class Product:
    """One kind of report."""

    name: str
    notebook: Path
    title: str
    """What the page calls itself after the area's name ("Partnership Strategic Assessment")."""
    short: str
    """How the skip link names it ("assessment")."""

    @property
    def report_name(self) -> str:
        return f"{self.name}.html"

    @property
    def executed_name(self) -> str:
        return f"{self.name}.ipynb"

    def folder(self, period: str) -> str:
        """The report folder's name under the area's.

        Examples
        --------
        >>> PRODUCTS["assessment"].folder("2023-11"), PRODUCTS["monitoring"].folder("2023-11")
        ('2023-11', '2023-11-monitoring')
        >>> PRODUCTS["explore-trends"].folder("2023-11")
        '2023-11-explore-trends'
        """
        return period if self.name == "assessment" else f"{period}-{self.name}"


EXPLORE_CHAPTERS: tuple[str, ...] = ("trends", "comparison", "peers", "hotspots", "forecasts")
"""The notebooks in ``notebooks/explore/``, in the order the README lists them."""

PRODUCTS: dict[str, Product] = {
    "assessment": Product("assessment", NOTEBOOKS_DIR / "assessment.ipynb", "Partnership Strategic Assessment",
                          "assessment"),
    "monitoring": Product("monitoring", NOTEBOOKS_DIR / "monitoring.ipynb", "Performance report", "report"),
    "targets": Product("targets", NOTEBOOKS_DIR / "targets.ipynb", "Target setting", "target setting"),
} | {
    f"explore-{chapter}": Product(f"explore-{chapter}", NOTEBOOKS_DIR / "explore" / f"{chapter}.ipynb",
                                  f"Explore: {chapter}", chapter)
    for chapter in EXPLORE_CHAPTERS
}


def get_product(name: str) -> Product:
    """The product called ``name``, or a ParameterError listing them."""
    if name not in PRODUCTS:
        raise ParameterError(f"no report called {name!r}; expected one of {', '.join(PRODUCTS)}", name="product")
    return PRODUCTS[name]


def explore_product(chapter: str) -> Product:
    """The report of the explore notebook ``chapter``, or a ParameterError listing the chapters.

    Examples
    --------
    >>> explore_product("peers").notebook.relative_to(NOTEBOOKS_DIR).as_posix()
    'explore/peers.ipynb'
    >>> explore_product("trend")
    Traceback (most recent call last):
    ...
    workbook.core.errors.ParameterError: parameter 'chapter': no explore notebook 'trend'; expected one of trends, comparison, peers, hotspots, forecasts
    """
    if chapter not in EXPLORE_CHAPTERS:
        raise ParameterError(f"no explore notebook {chapter!r}; expected one of {', '.join(EXPLORE_CHAPTERS)}",
                             name="chapter")
    return PRODUCTS[f"explore-{chapter}"]
