"""Composing `bench run`'s config as Hydra does: where conf/ is, the resolvers it uses, and the compose API.

The schema it is checked against is bench/config.py's; commands, tests and benchmarks compose here, and
`bench run`'s own `@hydra.main` reads the same conf/ after `register()`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from bench.config import BenchConfig, register_configs
from bench.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Where conf/ and scenarios/ are: the checkout's top level, or the package itself when installed from a
#: wheel (setup.py maps the top-level folders into bench/ there).
DATA_ROOT = Path(__file__).resolve().parent if (Path(__file__).parent / "conf").is_dir() else PROJECT_ROOT
CONF_DIR = DATA_ROOT / "conf"
SCENARIOS_DIR = DATA_ROOT / "scenarios"


def user_conf_dir() -> Path:
    """Configs a user adds (`bench engine add` writes engine/NAME.yaml here), searched after the packaged
    ones: never inside the package, which may be a read-only site-packages."""
    import os

    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "bench"


def _searched_user_conf() -> str:
    """The user's config directory, or the packaged one again while it does not exist (Hydra warns about a
    search path that is not there on every command)."""
    found = user_conf_dir()
    return str(found if found.is_dir() else CONF_DIR)


def bench_command() -> str:
    """This bench, as a shell command that works in a batch job whatever its PATH: the interpreter that runs
    bench now (the checkout's venv) with the CLI module."""
    import shlex
    import sys

    return f"{shlex.quote(sys.executable)} -m bench.cli"


def register() -> None:
    """What composing needs, once per process: the schemas and the resolvers conf/ uses."""
    if not OmegaConf.has_resolver("bench_root"):  # where conf/ and scenarios/ are (recorded configs use it)
        OmegaConf.register_new_resolver("bench_root", lambda: str(DATA_ROOT))
    if not OmegaConf.has_resolver("bench_command"):  # how a SLURM job runs bench (launcher `setup` lines)
        OmegaConf.register_new_resolver("bench_command", bench_command)
    if not OmegaConf.has_resolver("bench_user_conf"):  # on hydra.searchpath (conf/config.yaml)
        OmegaConf.register_new_resolver("bench_user_conf", _searched_user_conf)
    register_configs()


def composed(overrides: list[str] | tuple[str, ...] = (), return_hydra_config: bool = False) -> DictConfig:
    """The config as `bench run` would compose it, untyped (its YAML is what run.json records).

    The one place that composes outside `bench run`'s own `@hydra.main`: commands, tests and benchmarks.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    register()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return hydra_compose(
            config_name="config", overrides=list(overrides), return_hydra_config=return_hydra_config
        )


def unknown_key(cfg: DictConfig, at: str = "") -> str | None:
    """Why a composed config holds a key no schema has (one line), or None: Hydra lets `+engine.bogus=1`
    add one, and OmegaConf.to_object would drop it without a word. Free-form maps (build_args) may."""
    schema = OmegaConf.get_type(cfg)
    if schema is None or not dataclasses.is_dataclass(schema):
        return None
    known = [f.name for f in dataclasses.fields(schema)]
    for key, value in cfg.items_ex(resolve=False):
        where = f"{at}{key}"
        if key not in known:
            owner = at.rstrip(".") or "the config"
            return f"{where} is not a key of {owner} ({schema.__name__}: {', '.join(known)})"
        found = unknown_key(value, f"{where}.") if isinstance(value, DictConfig) else None
        if found:
            return found
    return None


def typed(cfg: DictConfig) -> BenchConfig:
    """Structured config -> dataclass instance; a key no schema has is refused here, and __post_init__
    checks what the schema cannot."""
    extra = unknown_key(cfg)
    if extra:
        raise ConfigError(extra, fix="check its spelling (bench run --cfg job shows every key)")
    return OmegaConf.to_object(cfg)  # type: ignore[return-value]


def compose(overrides: list[str] | tuple[str, ...] = ()) -> BenchConfig:
    """The typed config of `bench run OVERRIDES...`."""
    return typed(composed(overrides))
