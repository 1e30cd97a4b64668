"""Build hook (used by setuptools only, never at run time): ships the top-level ``fixtures/``
data directory inside the wheel as ``mockplatform/_fixtures/``.

``fixtures/`` is data, not a Python package, and setuptools' package data only sees files inside
a package; this copies it at build time, so the canonical files stay where the design puts them
and an installed server reads them through ``importlib.resources``. The sdist carries
``fixtures/`` too, so a wheel built from it has them as well.
"""

from pathlib import Path

from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

FIXTURES = Path("fixtures")


class BuildPy(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return  # an editable install reads fixtures/ from the source tree
        if not FIXTURES.is_dir():
            raise RuntimeError("fixtures/ is missing: build from a source checkout or an sdist")
        target = Path(self.build_lib) / "mockplatform" / "_fixtures"
        for path in sorted(FIXTURES.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                destination = target / path.relative_to(FIXTURES)
                self.mkpath(str(destination.parent))
                self.copy_file(str(path), str(destination))


class Sdist(sdist):
    # The file list itself comes from egg_info's manifest maker, which this class does not
    # reach; the fixtures are added to the release tree instead.
    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        for path in sorted(FIXTURES.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                destination = Path(base_dir) / path
                self.mkpath(str(destination.parent))
                self.copy_file(str(path), str(destination))
