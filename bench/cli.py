"""The `bench` command: a table of commands (one module each in bench/commands/) and the top-level error
handling: a BenchError, a docker call's failure or a refused config is one line on stderr and exit 2;
Ctrl-C is exit 130; anything else is a bug and shows its traceback."""

from __future__ import annotations

import sys

from bench.commands import (
    audit,
    cluster,
    compare,
    completion,
    debug,
    doctor,
    engine,
    equivalence,
    goss,
    history,
    publish,
    report,
    run,
    summary,
    sweep,
    table,
    usage,
)

COMMANDS = table(
    [
        run,
        history,
        doctor,
        engine,
        cluster,
        sweep,
        summary,
        report,
        compare,
        publish,
        goss,
        equivalence,
        audit,
        debug,
    ]
)


def usage_text() -> str:
    return (
        "usage: bench COMMAND [-h] [ARGS...]    bench --version\n\n"
        "Honest numbers for Docker image builds (README.md). Each command answers --help.\n\n"
        f"{usage('bench', COMMANDS)}\n\n"
        'Tab completion of `bench run` overrides: eval "$(bench run --shell-completion install=bash)"'
    )


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return f"bench {installed('bench')}"
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "bench (not installed)"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage_text())
        return 0 if args else 2
    if args[0] in ("-V", "--version"):
        print(version())
        return 0
    if completion.asked(args):  # Hydra's bash completion queries `bench -sc query=bash`
        return completion.main(args, COMMANDS)
    command = COMMANDS.get(args[0])
    if command is None:
        known = ", ".join(COMMANDS)
        print(f"bench: unknown command {args[0]!r}; known: {known} (bench --help)", file=sys.stderr)
        return 2
    from bench.cluster.environment import activate
    from bench.composition import register
    from bench.errors import known_errors, one_line, print_error

    register()
    activate()  # bench's DOCKER_CONFIG and engine binaries for every docker call (bench/host/client.py)
    try:
        return command.main(args[1:])
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    except known_errors() as error:
        return print_error(error)
    except Exception as error:
        from hydra.errors import HydraException
        from omegaconf.errors import OmegaConfBaseException

        if isinstance(error, HydraException | OmegaConfBaseException):
            print(f"bench: {one_line(error)}", file=sys.stderr)  # Hydra's own text lists what exists
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
