"""The README and docs/ say what the code does: every `bench ...` line in their code blocks parses, every
repository path they name exists, the architecture page draws the layers of tests/unit/test_layers.py,
the README's result is the reference run's, and nothing in the repository cites a document outside it.

A command line is checked by running it, without an engine: `bench run OVERRIDES` composes its config
(`--cfg job`: a misspelt group, option or key is refused), a sweep (`-m`) composes every value of each
swept key, `--resume` parses as `bench run` reads it, and any other command answers `--help` (exit 0)
with every option the line uses in its help text. A name in capitals after an option (`--seq N`) stands
for a value, and is given one that parses.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest
from test_layers import LAYERS

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: `bench`, `.venv/bin/bench`, `"$(.venv/bin/bench` ...: the word that starts a bench command
BENCH_WORD = re.compile(r"(?:^|[\s\"(])(?:[\w.~/-]*/)?bench(?=\s|\)|$)")
#: a placeholder the reader replaces: RUN_DIR, DATE, A, N, IMAGE...
PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_]*(?:\.\.\.)?$")
#: the top-level folders whose paths the docs name
ROOTS = ("bench", "conf", "tests", "results", "scenarios", "docs", "notebooks")
REPO_PATH = re.compile(rf"(?<![\w./~$-])((?:{'|'.join(ROOTS)})/[^\s`'\"()\[\],;]*)")
SWEEP_FLAGS = ("-m", "--multirun")
#: Hydra's flags that print (the config, help, a completion script) instead of running the task
HYDRA_NOT_A_RUN = ("--cfg", "-c", "--info", "-i", "--help", "-h", "--hydra-help", "--shell-completion", "-sc")
SHELL_ENDS = ("&&", "||", "|", ";")


def code_lines(text: str) -> list[str]:
    """The lines of a Markdown text's code blocks: indented by 4 spaces, or fenced."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced or line.startswith("    "):
            lines.append(line)
    return lines


def bench_args(line: str) -> list[str] | None:
    """The words after `bench` in a shell line (inside `$(...)` when there is one), None without bench."""
    if not BENCH_WORD.search(line):
        return None
    inner = re.search(r"\$\((.*?)\)", line)
    words = shlex.split(inner.group(1) if inner else line, comments=True)
    start = next((i for i, word in enumerate(words) if word == "bench" or word.endswith("/bench")), None)
    if start is None:
        return None
    args = []
    for word in words[start + 1 :]:
        if word in SHELL_ENDS:
            break
        args.append(word)
    return args


def documented_commands() -> list[tuple[str, tuple[str, ...]]]:
    """(where, the words after `bench`) of every bench line in a code block of the README and docs/."""
    found = []
    for doc in DOCS:
        for line in code_lines(doc.read_text()):
            args = bench_args(line)
            if args is not None:
                found.append((f"{doc.relative_to(ROOT)}: {line.strip()}", tuple(args)))
    return found


COMMANDS = documented_commands()


def optional_marks_removed(args: tuple[str, ...]) -> list[str]:
    """`[--rerun]` -> `--rerun`: brackets that mark an optional word in a usage line (not a Hydra list)."""
    return [word.strip("[]") if "=" not in word else word for word in args]


def values_given(args: list[str]) -> list[str]:
    """A placeholder after an option (`--seq N`, `--created-since EPOCH`) becomes a value any type takes."""
    out = []
    for before, word in zip(["", *args], args, strict=False):
        out.append("1" if before.startswith("-") and PLACEHOLDER.match(word) else word)
    return out


def sweep_jobs(overrides: list[str]) -> list[list[str]]:
    """The overrides of enough jobs of `bench run -m OVERRIDES` that every swept value is composed once:
    job i takes the i-th value of each swept key (its last when it has fewer)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    swept = {n: list(o.sweep_string_iterator()) for n, o in enumerate(parsed) if o.is_sweep_override()}
    count = max((len(values) for values in swept.values()), default=1)
    return [
        [
            f"{o.get_key_element()}={swept[n][min(i, len(swept[n]) - 1)]}" if n in swept else overrides[n]
            for n, o in enumerate(parsed)
        ]
        for i in range(count)
    ]


def invocations(args: tuple[str, ...]) -> list[list[str]]:
    """The argv (after `bench`) that show whether a documented line parses; empty for a `--resume` line,
    which `_resume_args` checks."""
    words = optional_marks_removed(args)
    if words[:1] == ["run"]:
        rest = words[1:]
        if any(word == "--resume" or word.startswith("--resume=") for word in rest):
            return []
        if any(word.split("=")[0] in HYDRA_NOT_A_RUN for word in rest):
            return [words]  # Hydra answers these without running the task
        jobs = (
            sweep_jobs([w for w in rest if w not in SWEEP_FLAGS]) if set(rest) & set(SWEEP_FLAGS) else [rest]
        )
        return [["run", *job, "--cfg", "job"] for job in jobs]
    if "--" in words:
        words = words[: words.index("--")]
    return [[*values_given(words), "--help"]]


#: Runs each command in a child forked from one interpreter that imported bench and its heavy libraries
#: once: `bench.cli.main(argv)` as `python -m bench.cli` calls it, in a process of its own, without paying
#: a Python start-up per command (a few at a time, one per CPU).
DRIVER = """
import json, os, sys, tempfile
from bench import cli
for name in ("hydra", "python_on_whales", "pandas", "scipy.stats", "bench.report.commands"):
    try:
        __import__(name)
    except Exception:
        pass

def child(argv, out):
    os.dup2(out.fileno(), 1)
    os.dup2(out.fileno(), 2)
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)

argvs = json.load(sys.stdin)
results, running = [None] * len(argvs), {}

def reap():
    pid, status = os.wait()
    index, out = running.pop(pid)
    out.seek(0)
    results[index] = [os.waitstatus_to_exitcode(status), out.read().decode(errors="replace")]
    out.close()

for index, argv in enumerate(argvs):
    if len(running) >= (os.cpu_count() or 1):
        reap()
    out = tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        child(argv, out)
    running[pid] = (index, out)
while running:
    reap()
print(json.dumps(results))
"""


@cache
def outcomes() -> dict[tuple[str, ...], tuple[int, str]]:
    """(exit code, output) of every invocation of every documented line, run in an empty directory."""
    argvs = sorted({tuple(argv) for _, args in COMMANDS for argv in invocations(args)})
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run(
            [sys.executable, "-c", DRIVER],
            input=json.dumps(argvs),
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=empty,
            timeout=600,
            check=True,
        )
    results = json.loads(done.stdout.splitlines()[-1])
    return {argv: (code, output) for argv, (code, output) in zip(argvs, results, strict=True)}


def test_the_docs_have_bench_commands() -> None:
    lines = [where for where, _ in COMMANDS]
    assert len(COMMANDS) > 50 and sum(where.startswith("README.md") for where in lines) >= 10


@pytest.mark.parametrize(("where", "args"), COMMANDS, ids=[where for where, _ in COMMANDS])
def test_every_documented_command_parses(where: str, args: tuple[str, ...]) -> None:
    argvs = invocations(args)
    for argv in argvs:
        code, output = outcomes()[tuple(argv)]
        assert code == 0, f"bench {' '.join(argv)} exited {code}:\n{output[-2000:]}"
        if argv[0] != "run":
            flags = {word.split("=")[0] for word in argv[:-1] if word.startswith("-") and word != "-"}
            unknown = sorted(flag for flag in flags if flag not in output and flag not in ("-h", "--help"))
            assert unknown == [], f"bench {' '.join(argv)}: its help does not know {unknown}"
    if not argvs:
        from bench.commands.run import _resume_args

        assert isinstance(_resume_args(optional_marks_removed(args)[1:]), tuple), where


def named_paths() -> list[tuple[str, str]]:
    """(document, path) of every repository path a document names, placeholders and image names apart."""
    found = []
    for doc in DOCS:
        for match in REPO_PATH.finditer(doc.read_text()):
            path = match.group(1).rstrip(".:")
            parts = path.split("/")
            if any(ch in path for ch in "*<>{}:") or any(
                PLACEHOLDER.match(part.split(".")[0]) for part in parts
            ):
                continue
            found.append((str(doc.relative_to(ROOT)), path))
    return found


def test_every_path_the_docs_name_exists() -> None:
    paths = named_paths()
    assert ("README.md", "results/reference/multistage/summary.png") in paths
    assert [f"{doc}: {path}" for doc, path in paths if not (ROOT / path).exists()] == []


def test_every_link_between_documents_resolves() -> None:
    links = [
        (doc, target)
        for doc in DOCS
        for target in re.findall(r"\]\(([^)#\s]+)", doc.read_text())
        if "://" not in target
    ]
    assert len(links) >= 10
    assert [
        f"{doc.relative_to(ROOT)}: {target}" for doc, target in links if not (doc.parent / target).exists()
    ] == []


def test_the_architecture_page_draws_the_layers_of_the_layer_test() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text()
    block = text.split("## Layers", 1)[1].split("```", 2)[1]
    drawn = {
        int(number): tuple(names.split())
        for number, names in re.findall(r"^\s*(\d+)\s+(.+?)\s*$", block, flags=re.MULTILINE)
    }
    assert drawn == dict(enumerate(LAYERS))
    assert [unit for units in LAYERS for unit in units if f"| `{unit}" not in text] == []


def test_the_readme_result_is_the_reference_runs_own() -> None:
    """The speedup tables in the README are copied from the committed reference run's summary, exactly."""
    readme = (ROOT / "README.md").read_text()
    result = readme.split("## One real result", 1)[1].split("\n## ", 1)[0]
    table = [line for line in result.splitlines() if line.startswith("| ")]
    summary = (ROOT / "results" / "reference" / "multistage" / "summary.md").read_text().splitlines()
    assert len(table) == 8 and [line for line in table if line not in summary] == []
    assert "(results/reference/multistage/summary.png)" in result


#: documents that live outside the repository, and the machine's own folders, which no file may cite
OUTSIDE = (
    "/wo" + "rk/",
    "../sha" + "red",
    *(f"{name}.md" for name in ("DESIGN", "CLAIMS", "CLUSTER", "ENGINE")),
)
#: the files that must stand alone; recorded fixtures (runs, logs) keep the paths of the machine that
#: recorded them, which cite no document
SELF_CONTAINED = ("bench", "tests", "docs", "conf", "scenarios", "notebooks", ".ci")


def test_nothing_cites_a_document_outside_the_repository() -> None:
    files = [ROOT / "README.md", ROOT / "Makefile", ROOT / "setup.py", ROOT / "pyproject.toml"]
    for folder in SELF_CONTAINED:
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    cited = []
    for path in files:
        text = path.read_text(errors="replace")
        recorded = (ROOT / "tests" / "fixtures") in path.parents
        cited += [
            f"{path.relative_to(ROOT)}: {name}"
            for name in OUTSIDE
            if name in text and not (recorded and name == OUTSIDE[0])
        ]
    assert len(files) > 200
    assert cited == []
