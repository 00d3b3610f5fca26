"""The reports a partnership's analyst publishes, each a parameterised notebook run the same way.

An entry names the notebook, the page's title and where its report goes: the
annual assessment in ``reports/<area>/<period>/``, the others beside it in
``reports/<area>/<period>-<product>/`` (so publishing one never replaces another).
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
        """
        return period if self.name == "assessment" else f"{period}-{self.name}"


PRODUCTS: dict[str, Product] = {
    "assessment": Product("assessment", NOTEBOOKS_DIR / "assessment.ipynb", "Partnership Strategic Assessment",
                          "assessment"),
    "monitoring": Product("monitoring", NOTEBOOKS_DIR / "monitoring.ipynb", "Performance report", "report"),
    "targets": Product("targets", NOTEBOOKS_DIR / "targets.ipynb", "Target setting", "target setting"),
}


def get_product(name: str) -> Product:
    """The product called ``name``, or a ParameterError listing them."""
    if name not in PRODUCTS:
        raise ParameterError(f"no report called {name!r}; expected one of {', '.join(PRODUCTS)}", name="product")
    return PRODUCTS[name]
