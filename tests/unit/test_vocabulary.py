"""The domain's words (bench/vocabulary.py) are the lowest layer: importing them loads no Hydra or OmegaConf
and no other module of bench, so any layer may name a builder or a cache source."""

from __future__ import annotations

import subprocess
import sys

from bench.vocabulary import BuilderName, CacheSource, ChangeKind, Pairing


def test_importing_the_vocabulary_loads_no_hydra_omegaconf_or_other_bench_module() -> None:
    code = (
        "import sys, bench.vocabulary; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('hydra', 'omegaconf', 'bench')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "['bench', 'bench.vocabulary']"


def test_yaml_names_the_members_and_rows_carry_the_values() -> None:
    assert (
        CacheSource["registry_max"] == "registry-max" and CacheSource("cross-builder").name == "cross_builder"
    )
    assert [b.value for b in BuilderName] == ["legacy", "buildkit"]
    assert [c.value for c in ChangeKind] == ["none", "source", "deps", "base", "test"]
    assert [p.value for p in Pairing] == ["paired", "independent"]
