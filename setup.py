"""Ships the measures' panel files inside the package (``reviewer/panels/`` in the wheel).

The panels live at the top of the checkout (``panels/``), where the secretary and the
maintainers read and review them; ``build_py`` copies them into the built package so that an
installed wheel, with no checkout beside it, has them too. Everything else is in
pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PANELS = Path(__file__).resolve().parent / "panels"


class BuildWithPanels(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads panels/ of the checkout
            return
        target = Path(self.build_lib) / "reviewer" / "panels"
        target.mkdir(parents=True, exist_ok=True)
        for panel in sorted(PANELS.glob("*.toml")):
            shutil.copy2(panel, target / panel.name)


setup(cmdclass={"build_py": BuildWithPanels})
