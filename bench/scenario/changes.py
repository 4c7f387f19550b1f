"""What changes between the primed build and the measured one, applied to a copy of the scenario.

The shipped scenario files are never edited: each measurement builds from its own copy. `source` and
`deps` edit one file of the copy; `base` edits no file but swaps the base images the build args name
(every build arg ending in `IMAGE`) for their variant tags, which `bench engine up` pushes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bench.errors import BenchError
from bench.safe.contained import escaping_links, links_named, open_in
from bench.scenario.definition import ScenarioError, shared_sources
from bench.vocabulary import ChangeKind

# The file a `source` change touches when a scenario names none: a new file at the root of the build
# context invalidates every step that copies the whole context (`COPY . .`), as an edit would.
GENERIC_CHANGE_FILE = ".bench-change"
#: A base image's variant is the same image plus one file under this tag suffix (bench/engine/base_images).
VARIANT_SUFFIX = "-variant"
_COMMENT_SUFFIXES = {".c", ".h", ".cc", ".cpp", ".go", ".rs", ".java", ".js", ".ts"}


class ChangeError(BenchError):
    """A change the scenario cannot take as configured: a file it names is missing, or a base image
    cannot be swapped; `fix` says which setting to change."""


def copy_scenario(scenario_dir: Path, parent: Path | None = None) -> Path:
    """A private copy of the scenario's build context for one measurement: its directory, and the shared
    sources its bench.yaml names (bench/scenario/definition.py), each under its name.

    Links are copied as links, so the copy itself is checked: a link out of it (made in the scenario
    after it was loaded) is refused by name before any build, and the copy removed."""
    sources = shared_sources(scenario_dir)
    workdir = Path(tempfile.mkdtemp(prefix="bench-ctx-", dir=parent))
    target = workdir / "context"
    try:
        shutil.copytree(scenario_dir, target, symlinks=True)
        for name, source in sources.items():
            shutil.copytree(source, target / name, symlinks=True)
        links = escaping_links(target)
        if links:
            raise ScenarioError(
                f"the copy of {scenario_dir} holds {len(links)} symbolic link(s) pointing outside it "
                f"({links_named(links)}); bench builds through no link out of a scenario",
                "replace each link with the file it points to, or remove it from the scenario",
            )
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return target


def _append(
    context_dir: Path, relative: str, text: str, problem: str, fix: str, create: bool = False
) -> None:
    """Append `text` to a file of the copy, opened without following any link (bench/safe/contained.py): a
    link in the copy never turns root's write onto a file outside it. `problem` is what is wrong when
    the file is not there (or not a regular file)."""
    flags = os.O_WRONLY | os.O_APPEND | (os.O_CREAT if create else 0)
    try:
        fd = open_in(context_dir, relative, flags)
    except OSError:
        raise ChangeError(problem, fix) from None
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(text)


def apply_change(
    context_dir: Path,
    kind: ChangeKind,
    source_file: str | None,
    token: str,
    deps_manifest: str | None = None,
    failing_test: tuple[str, str] | None = None,
) -> str | None:
    """Apply a file change; returns the path it edited (relative to the context), or None.

    `none` and `base` edit no file. `deps` appends a comment line to the dependency manifest: its
    checksum changes, so the `COPY` of the manifest and the install step after it are invalidated, as
    any edit of the manifest would. `token` makes each edit unique, so two measurements never share a
    cache key by accident.
    """
    if kind in (ChangeKind.none, ChangeKind.base):
        return None
    if kind is ChangeKind.test:
        return break_test(context_dir, failing_test)
    if kind is ChangeKind.deps:
        if not deps_manifest:
            raise ChangeError(
                "change=deps needs the scenario's dependency manifest (deps_manifest)",
                "set deps_manifest in its bench.yaml or pass scenario.deps_manifest=PATH",
            )
        relative, setting = deps_manifest, "scenario.deps_manifest"
    else:
        relative, setting = source_file or GENERIC_CHANGE_FILE, "scenario.source_change"
    comment = (
        f"\n/* bench change {token} */\n"
        if Path(relative).suffix in _COMMENT_SUFFIXES
        else f"\n# bench change {token}\n"
    )
    _append(
        context_dir,
        relative,
        comment,
        f"{setting} names {relative}, which is not a file of the scenario",
        f"fix bench.yaml or pass {setting}=PATH",
        create=relative == GENERIC_CHANGE_FILE,
    )
    return relative


def break_test(context_dir: Path, failing_test: tuple[str, str] | None) -> str:
    """`test`: append the scenario's failing line (bench.yaml `failing_test: {file, append}`) to its test."""
    if not failing_test:
        raise ChangeError(
            "change=test needs a test to break",
            "add failing_test (file, append) to the scenario's bench.yaml",
        )
    relative, line = failing_test
    _append(
        context_dir,
        relative,
        f"\n{line}\n",
        f"failing_test names {relative}, which is not a file of the scenario",
        "fix failing_test.file in the scenario's bench.yaml",
    )
    return relative


def unsupported_change(
    kind: ChangeKind,
    deps_manifest: str | None,
    build_args: dict[str, str],
    failing_test: tuple[str, str] | None = None,
) -> str | None:
    """Why this scenario cannot take the change (the cell is then unsupported), or None."""
    if kind is ChangeKind.test and not failing_test:
        return "change=test needs a test to break: failing_test (file, append) in the scenario's bench.yaml"
    if kind is ChangeKind.deps and not deps_manifest:
        return "change=deps needs the scenario's dependency manifest (deps_manifest in its bench.yaml)"
    if kind is ChangeKind.base and not any(name.upper().endswith("IMAGE") for name in build_args):
        return "change=base needs the base images as build args ending in IMAGE (e.g. BASE_IMAGE)"
    return None


def variant_ref(ref: str) -> str:
    """`host:5000/bench/busybox:latest` -> `host:5000/bench/busybox:latest-variant` (a ref without a tag
    is `:latest`). Digest-pinned refs have no variant tag and are refused."""
    if "@" in ref:
        raise ChangeError(
            f"change=base cannot swap the digest-pinned base image {ref}", "give the base image by tag"
        )
    name, _, tag = ref.rpartition(":")
    if not name or "/" in tag:  # no tag: the colon (if any) was the registry's port
        name, tag = ref, "latest"
    return f"{name}:{tag}{VARIANT_SUFFIX}"


def changed_build_args(kind: ChangeKind, build_args: dict[str, str]) -> dict[str, str]:
    """The build args of the measured build: under `base`, every `*IMAGE` arg names its variant."""
    if kind is not ChangeKind.base:
        return dict(build_args)
    images = {name: value for name, value in build_args.items() if name.upper().endswith("IMAGE")}
    if not images:
        raise ChangeError(
            "change=base swaps the base images named by build args ending in IMAGE; the scenario passes none",
            "pass its base images as build args ending in IMAGE (e.g. BASE_IMAGE)",
        )
    return {**build_args, **{name: variant_ref(value) for name, value in images.items()}}
