"""Image tests with goss, the dgoss way: the goss binary is put into a container of the image and run there.

Debian's goss is dynamically linked, and images such as static busybox have no libc, so goss is run
through the host's own dynamic loader with the host's libc beside it, all inside `/goss` of the
container (`/goss/ld.so --library-path /goss /goss/goss ...`): nothing else of the image is touched.
The files are copied in with `docker cp` (not bind-mounted), so this works on a remote engine too. The
container runs with `--network none`. Only images of the host's architecture can be checked this way.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.engine import ownership
from bench.errors import BenchError

if TYPE_CHECKING:
    from python_on_whales import DockerClient

GOSS_DIR = "/goss"
_HOST_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm"}


class GossError(BenchError):
    """goss could not be run at all (not installed, image missing): one line says what to do."""


@dataclass
class GossResult:
    """What one goss run found: counts, the summary line of each failed check, and how long it took."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    duration_s: float | None = None
    error: str | None = None  # goss did not run, or printed no results: why

    @property
    def ok(self) -> bool:
        return self.error is None and self.failed == 0

    def row_fields(self) -> dict[str, Any]:
        """The build row's goss fields."""
        return {
            "goss_passed": self.passed,
            "goss_failed": self.failed,
            "goss_failures": self.failures,
            "goss_s": self.duration_s,
            "goss_error": self.error,
        }


def parse_results(text: str) -> GossResult:
    """goss `validate --format json` output -> counts and the failed checks' one-line summaries."""
    start = text.find("{")
    try:
        document = json.loads(text[start:]) if start >= 0 else None
    except json.JSONDecodeError:
        document = None
    if not isinstance(document, dict) or "results" not in document:
        last = [line for line in text.splitlines() if line.strip()][-1:] or ["no output"]
        return GossResult(error=f"goss printed no results: {last[0][:200]}")
    result = GossResult()
    for check in document.get("results") or []:
        if check.get("skipped"):
            result.skipped += 1
        elif check.get("successful"):
            result.passed += 1
        else:
            result.failed += 1
            line = check.get("summary-line-compact") or check.get("summary-line") or ""
            result.failures.append(line or f"{check.get('resource-type')}: {check.get('resource-id')}")
    return result


def goss_binary() -> Path:
    found = shutil.which("goss")
    if found is None:
        raise GossError("goss is not installed; run `bench engine up` (installs Debian's goss)")
    return Path(found)


def _shared_libraries(binary: Path) -> tuple[Path, list[Path]]:
    """(the dynamic loader, the libraries) `binary` needs, from ldd; empty when it is static."""
    out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False).stdout
    loader, libraries = None, []
    for line in out.splitlines():
        words = line.split()
        if "=>" in words and len(words) > words.index("=>") + 1:
            target = words[words.index("=>") + 1]
            if target.startswith("/"):
                libraries.append(Path(target))
        elif words and words[0].startswith("/"):
            loader = Path(words[0])
    return (loader or Path()), libraries


def payload(directory: Path, spec: Path) -> list[str]:
    """Fill `directory` with goss, what it needs to run and the spec; returns goss's argv in the container."""
    binary = goss_binary()
    shutil.copy2(binary, directory / "goss")
    shutil.copy2(spec, directory / "goss.yaml")
    loader, libraries = _shared_libraries(binary)
    command = [f"{GOSS_DIR}/goss"]
    if loader != Path():
        shutil.copy2(loader.resolve(), directory / "ld.so")
        for library in libraries:
            shutil.copy2(library.resolve(), directory / library.name)
        command = [f"{GOSS_DIR}/ld.so", "--library-path", GOSS_DIR, *command]
    return [*command, "--gossfile", f"{GOSS_DIR}/goss.yaml", "validate", "--format", "json", "--no-color"]


def foreign(docker: DockerClient, image: str) -> str | None:
    """Why goss cannot run in `image` (another architecture than the host's), or None."""
    arch = docker.image.inspect(image).architecture
    host = _HOST_ARCH.get(platform.machine(), platform.machine())
    return (
        None if arch == host else f"goss runs only in images of the host's architecture ({host}), not {arch}"
    )


def check_image(docker: DockerClient, image: str, spec: Path) -> GossResult:
    """Run the goss `spec` in a fresh container of `image` (removed afterwards); never raises for a
    failing check, only GossError when goss or the spec is missing."""
    from python_on_whales.exceptions import DockerException

    if not spec.is_file():
        raise GossError(f"goss spec {spec} does not exist; give an existing goss.yaml")
    try:
        reason = foreign(docker, image)
    except DockerException:
        raise GossError(f"image {image} is not on the engine; build or pull it first") from None
    if reason:
        return GossResult(error=reason)
    with tempfile.TemporaryDirectory(prefix="bench-goss-") as scratch:
        argv = payload(Path(scratch), spec)
        started = time.monotonic()
        container = docker.container.create(
            image, argv[1:], entrypoint=argv[0], networks=["none"], labels=ownership.LABELS
        )
        try:
            docker.copy(f"{scratch}/.", (container, GOSS_DIR))
            docker.container.start(container)
            exit_code = docker.container.wait(container)
            output = docker.container.logs(container)
        finally:
            docker.container.remove(container, force=True)
        result = parse_results(output)
        result.duration_s = time.monotonic() - started
    if result.error is None and exit_code != 0 and result.failed == 0:
        result.error = f"goss exited {exit_code} with no failed check"
    return result
