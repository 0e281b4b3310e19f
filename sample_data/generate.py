"""Generate the committed sample data: three survey waves in platform formats, a roster per wave,
an attendance register, and the manifest.

Usage::

    .venv/bin/python sample_data/generate.py [--out DIR] [--seed N]

Without options it rewrites the committed files in ``sample_data/`` (same seed, same bytes).
See sample_data/README.md for the simulated group and the effects built in on purpose.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `sample_data` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sample_data.cycle import write_cycle
from sample_data.formats import write_manifest, write_wave
from sample_data.plan import BUILT_IN_EFFECTS, SEED
from sample_data.simulation import Simulation, simulate

__all__ = ["BUILT_IN_EFFECTS", "HERE", "MANIFEST", "generate", "main"]

HERE = Path(__file__).resolve().parent
MANIFEST = "manifest.yaml"


def generate(out: Path = HERE, seed: int = SEED) -> tuple[Simulation, list[Path]]:
    """Simulate the group and write every wave and the manifest into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    sim = simulate(seed)
    paths = [write_wave(sim, wave, out) for wave in sim.waves]
    paths += write_cycle(sim, out)
    write_manifest(sim, out / MANIFEST)
    return sim, [*paths, out / MANIFEST]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=HERE, help="folder to write (default: %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="random seed (default: %(default)s)")
    args = parser.parse_args(argv)
    sim, paths = generate(args.out, args.seed)
    for wave, path in zip(sim.waves, paths, strict=False):
        print(
            f"{wave.spec.label}: {path} ({wave.spec.format}, {len(wave.submissions)} rows, "
            f"{len(wave.respondents)} respondents of {len(wave.members)} members)"
        )
    print(f"manifest: {paths[-1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
