"""One module per `bench` command, each of the same shape (asv's `commands/` is the pattern):

    NAME    the word after `bench`
    USAGE   its arguments in one line (the usage text of `bench --help` is built from them)
    HELP    what it does, in one line
    main(args: list[str]) -> int   the exit code; bad input raises a BenchError (bench/errors.py)

Modules import only argparse at start-up; what a command needs is imported inside its main, so that
`bench --help` and tab completion stay fast. May import: every package (this is the top layer but cli).
"""

from __future__ import annotations

from types import ModuleType


def table(modules: list[ModuleType]) -> dict[str, ModuleType]:
    """Command name -> module, in the order given (the order of the usage text)."""
    return {module.NAME: module for module in modules}


def usage(prefix: str, commands: dict[str, ModuleType]) -> str:
    """The usage lines of a table of commands: `prefix NAME USAGE`, then its help indented below."""
    lines = []
    for name, module in commands.items():
        lines.append(f"  {prefix} {name} {module.USAGE}".rstrip())
        lines.append(f"      {module.HELP}")
    return "\n".join(lines)


def dispatch(group: str, help_text: str, subcommands: dict[str, ModuleType], args: list[str]) -> int:
    """`bench GROUP SUBCOMMAND ...` (engine, cluster): --help, an unknown subcommand in one line (exit 2),
    else the subcommand's own main."""
    import sys

    if args[:1] in (["-h"], ["--help"]):
        lines = usage(f"bench {group}", subcommands)
        print(f"usage: bench {group} SUBCOMMAND [-h] ...\n\n{help_text}\n\n{lines}")
        return 0
    if not args or args[0] not in subcommands:
        given = f"unknown subcommand {args[0]!r}; " if args else ""
        print(
            f"bench: {group}: {given}give one of {', '.join(subcommands)} (bench {group} --help)",
            file=sys.stderr,
        )
        return 2
    return subcommands[args[0]].main(args[1:])
