"""The command line's conventions: every command and engine subcommand answers --help with exit 0, the
usage text is built from the command table, --version names the installed version, errors are one line."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest
from python_on_whales.exceptions import DockerException

from bench import cli
from bench.commands import engine
from bench.errors import EngineError

COMMANDS = [[name] for name in cli.COMMANDS if name != "run"]
SUBCOMMANDS = [["engine", name] for name in engine.SUBCOMMANDS]


def _code(args: list[str]) -> int:
    """main's exit code, whether returned or raised (argparse exits on --help)."""
    try:
        return cli.main(args)
    except SystemExit as exit_:
        return exit_.code


@pytest.mark.parametrize("words", COMMANDS + SUBCOMMANDS, ids=" ".join)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_command_answers_help_with_exit_0(words: list[str], flag: str, capsys) -> None:
    code = _code([*words, flag])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith(f"usage: bench {' '.join(words)}")


def test_engine_alone_and_engine_help_list_every_subcommand(capsys) -> None:
    assert cli.main(["engine", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(f"bench engine {name}" in out for name in engine.SUBCOMMANDS)
    assert cli.main(["engine"]) == 2 and "bench engine --help" in capsys.readouterr().err


def test_run_help_is_hydra_s_and_exits_0() -> None:
    """Through a process: Hydra's help reads sys.argv and prints the config groups (scenario, engine...)."""
    code = "import sys; from bench.cli import main; sys.exit(main(['run', '--help']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "scenario:" in done.stdout and "multistage" in done.stdout


def test_the_usage_text_is_the_table(capsys) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(f"bench {name} {module.USAGE}".rstrip() in out for name, module in cli.COMMANDS.items())
    assert all(module.HELP in out for module in cli.COMMANDS.values())


def test_version_is_the_installed_one(capsys) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"bench {version('bench')}"


def test_an_unknown_command_is_one_line_exit_2(capsys) -> None:
    assert cli.main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown command 'frobnicate'" in err and "bench --help" in err


def _raising(error: BaseException):
    def main(args: list[str]) -> int:
        raise error

    return main


def test_a_bench_error_is_one_line_with_its_fix(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(
        cli.COMMANDS["sweep"], "main", _raising(EngineError("the engine is down", "bench engine up"))
    )
    assert cli.main(["sweep", "x"]) == 2
    assert capsys.readouterr().err == "bench: the engine is down; fix: bench engine up\n"


def test_a_docker_error_shows_the_end_of_its_stderr(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    stderr = b"#1 resolving\nERROR: failed to solve: pull access denied for nope\n\n"
    error = DockerException(["docker", "buildx", "build", "--load", "."], 1, stderr=stderr)
    monkeypatch.setattr(cli.COMMANDS["sweep"], "main", _raising(error))
    assert cli.main(["sweep", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pull access denied for nope" in err and "docker buildx build" in err
    assert "The docker command executed was" not in err


@pytest.mark.parametrize("bug", [ValueError("a bug"), FileNotFoundError("a bug"), PermissionError("a bug")])
def test_a_bug_shows_its_traceback(bug: Exception, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.COMMANDS["sweep"], "main", _raising(bug))
    with pytest.raises(type(bug), match="a bug"):
        cli.main(["sweep", "x"])


def test_ctrl_c_is_exit_130(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(cli.COMMANDS["sweep"], "main", _raising(KeyboardInterrupt()))
    assert cli.main(["sweep", "x"]) == 130 and "interrupted" in capsys.readouterr().err


def test_a_negative_threshold_is_refused_by_name(capsys) -> None:
    assert _code(["compare", "a", "b", "--threshold", "-1"]) == 2
    assert "--threshold: '-1' is not a fraction of 0 or more" in capsys.readouterr().err
