"""Ships the top-level conf/ and scenarios/ inside the package, as bench/conf and bench/scenarios of the
wheel, so that a non-editable install (pipx) has them; the checkout keeps its layout (docs/architecture.md).

bench/composition.py finds them in either place (DATA_ROOT). Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

#: package in the wheel -> folder of the checkout
DATA = {"bench.conf": "conf", "bench.scenarios": "scenarios"}

setup(
    packages=[*find_packages(include=["bench", "bench.*"]), *DATA],
    package_dir=DATA,
    package_data={name: ["**/*", "**/.*"] for name in DATA},
)
