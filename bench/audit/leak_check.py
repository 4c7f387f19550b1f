"""The secret audit after each build of a secrets scenario: the image, and the images the build left.

Runs outside the timed span. The built image, then every image created since the build began (the legacy
builder's intermediate images, those of earlier stages included) are saved with `docker save` and
searched (bench/audit/leaks.py), and so are the lines the engine's daemon logged meanwhile. Row fields:
`leaked`, `leak_locations` (layer + path, config field or daemon log line, with the secret's fingerprint
and encoding), `audit_s`, `audit_bytes`; `audit_error` when it could not run, and then `leaked` stays
null: an audit that did not look is not a clean result. On an engine the harness owns, its data root is
searched too (`engine_leak_locations`: BuildKit's build cache and history, which `docker save` cannot
reach; see EngineStorage).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.audit.image_leaks import audit_images, images_created_since
from bench.audit.leaks import Finding, Matcher, scan_directory
from bench.builders.records import BuildRecord, Outcome
from bench.plan import Measurement

if TYPE_CHECKING:
    from python_on_whales import DockerClient

#: Seconds before the build's start still counted as "since the build began" (clock rounding).
SLACK_S = 5.0


class DaemonLog:
    """The engine daemon's log, read from where the previous audit stopped: what a build made the daemon
    log (BuildKit logs each RUN step's name with its build args expanded) is attributed to that build."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = path.stat().st_size if path.is_file() else 0
        self._line = self._count_lines() if path.is_file() else 0

    def _count_lines(self) -> int:
        with self.path.open("rb") as log:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: log.read(1 << 20), b""))

    def new_findings(self, matcher: Matcher) -> list[Finding]:
        """Findings in the lines written since the last call, named by file and line number."""
        if not self.path.is_file():
            return []
        with self.path.open("rb") as log:
            log.seek(self._offset)
            data = log.read()
        complete = data[: data.rfind(b"\n") + 1]  # a line being written is read next time
        self._offset += len(complete)
        found: list[Finding] = []
        for number, line in enumerate(complete.splitlines(), start=self._line + 1):
            found += matcher.findings(matcher.in_bytes(line), f"daemon log {self.path} line {number}")
        self._line += complete.count(b"\n")
        return found


class LeakCheck:
    """Called by the runner with each measurement and its record; returns the audit's row fields."""

    def __init__(
        self,
        docker: DockerClient,
        matcher: Matcher,
        daemon_log: Path | None = None,
        engine_storage: Path | None = None,
    ) -> None:
        self._docker = docker
        self._matcher = matcher
        self._daemon_log = DaemonLog(daemon_log) if daemon_log is not None else None
        usable = engine_storage is not None and engine_storage.is_dir()
        self._storage = EngineStorage(engine_storage) if usable and engine_storage else None

    def __call__(self, m: Measurement, record: BuildRecord) -> dict[str, Any]:
        from python_on_whales.exceptions import DockerException

        if record.outcome is not Outcome.OK or not record.image_id:
            return {"leaked": None, "leak_locations": None}
        started = time.monotonic()
        built_since = time.time() - (record.wall_s or 0.0) - SLACK_S
        try:
            left = images_created_since(self._docker, built_since, exclude={record.image_id})
            audit = audit_images(self._docker, [record.image_id], self._matcher, left_behind=left)
        except (DockerException, ValueError, OSError) as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            return {"leaked": None, "leak_locations": None, "audit_error": first[:300]}
        logged = self._daemon_log.new_findings(self._matcher) if self._daemon_log else []
        locations = [*audit.locations(), *(_location(f) for f in logged)]
        fields: dict[str, Any] = {
            "leaked": bool(locations),
            "leak_locations": list(dict.fromkeys(locations)),
            "audit_bytes": audit.archive_bytes,
        }
        if self._storage is not None:
            fields["engine_leak_locations"] = self._storage.new_locations(self._matcher)
        fields["audit_s"] = time.monotonic() - started
        return fields


def _location(finding: Finding) -> str:
    return f"{finding.where} [{finding.fingerprint} {finding.encoding}]"


class EngineStorage:
    """The owned engine's data root as files on disk: image snapshots, BuildKit's build cache and its
    databases, content blobs; what `docker save` cannot reach. The harness's reset does not empty all of
    it (BuildKit's build history keeps blobs and records), so a file is attributed to a build only when
    it came to hold the secret since the previous audit; one that held it already and was rewritten says
    so. Reported apart from `leaked`, which is about images and logs.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._held: dict[Path, tuple[int, int]] = {}  # path -> (mtime_ns, size) when last seen holding it

    def new_locations(self, matcher: Matcher) -> list[str]:
        found: dict[str, None] = {}
        held: dict[Path, tuple[int, int]] = {}
        for finding in scan_directory(matcher, self.root).findings:
            path = Path(finding.where.removesuffix(" (name)"))
            try:
                stat = path.stat()
            except OSError:
                continue
            held[path] = (stat.st_mtime_ns, stat.st_size)
            before = self._held.get(path)
            if before == held[path]:
                continue  # held it at the previous audit and unchanged: an earlier build's
            note = " (held it before this build; rewritten during it)" if before else ""
            where = f"engine storage {path.relative_to(self.root)}{note}"
            found[_location(replace(finding, where=where))] = None
        self._held = held
        return list(found)
