"""What the harness checks in an image after its timed build: goss specs and, for the equivalence of the
two builders' images, the files and config of the first image each builder made of each configuration.

Runs outside the timed span (the runner calls it once the build row's times are taken); its own time is
recorded in the row (`goss_s`, `image_files_s`). A check that cannot run leaves a reason in the row,
never a failed build: the image was built, the timing stands.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.audit import goss
from bench.audit.image_files import read_image
from bench.builders.records import BuildRecord, Outcome
from bench.plan import Measurement

if TYPE_CHECKING:
    from python_on_whales import DockerClient

    from bench.scenario.definition import Scenario

IMAGES_DIR = "images"  # in the run directory: one JSON of files and config per image kept for comparison


def configuration_key(m: Measurement) -> str:
    """The cell without its builder: two builds with the same key should give equivalent images."""
    cell = m.cell
    key = f"{cell.scenario}|{cell.cache.value}|{cell.change.value}|{cell.platform}"
    return key if cell.variant is None else f"{key}|{cell.variant}"  # each variant is its own Dockerfile


class AfterBuild:
    """Called by the runner with each measurement and its build record; returns extra row fields."""

    def __init__(self, docker: DockerClient, scenario: Scenario, run_dir: Path, builders: set[str]) -> None:
        self._docker = docker
        self._scenario = scenario
        self._run_dir = run_dir
        self._compare = {"legacy", "buildkit"} <= builders  # only then is there a pair to compare
        self._kept: set[tuple[str, str]] = set()

    def __call__(self, m: Measurement, record: BuildRecord) -> dict[str, Any]:
        if record.outcome is not Outcome.OK or not record.image_id:
            return {}
        fields: dict[str, Any] = {}
        if self._scenario.goss_spec is not None:
            fields.update(self._goss(record.image_id))
        key = (configuration_key(m), m.cell.builder.value)
        if self._compare and key not in self._kept:
            fields.update(self._keep_files(m, record.image_id))
        return fields

    def _goss(self, image: str) -> dict[str, Any]:
        from python_on_whales.exceptions import DockerException

        assert self._scenario.goss_spec is not None
        try:
            return goss.check_image(self._docker, image, self._scenario.goss_spec).row_fields()
        except (goss.GossError, DockerException) as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            return goss.GossResult(error=first[:300]).row_fields()

    def _keep_files(self, m: Measurement, image: str) -> dict[str, Any]:
        from python_on_whales.exceptions import DockerException

        started = time.monotonic()
        try:
            found = read_image(self._docker, image)
        except (DockerException, KeyError, OSError) as error:  # e.g. a manifest list pushed, not loaded
            return {"image_files_error": (str(error).strip().splitlines() or ["unreadable"])[0][:300]}
        self._kept.add((configuration_key(m), m.cell.builder.value))
        folder = self._run_dir / IMAGES_DIR
        folder.mkdir(exist_ok=True)
        path = folder / f"{m.seq}.json"
        document = {
            "key": configuration_key(m),
            "builder": m.cell.builder.value,
            "seq": m.seq,
            "image_id": image,
            **found.to_json(),
        }
        path.write_text(json.dumps(document, sort_keys=True) + "\n")
        return {"image_files": f"{IMAGES_DIR}/{path.name}", "image_files_s": time.monotonic() - started}
