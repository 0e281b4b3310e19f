"""Write small synthetic survey waves (CSV with id, group and item columns) for build/CLI tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cop_eval.instruments import load_instrument

GROUPS = {"HR": 15, "OD and learning": 12, "Admin": 3, "Trainers": 6}


def write_waves(
    folder: Path,
    instrument_ids: tuple[str, ...],
    n_waves: int = 2,
    groups: dict[str, int] | None = None,
    seed: int = 7,
) -> list[Path]:
    """One CSV per wave; the same people (ids) answer every wave; answers improve a little."""
    rng = np.random.default_rng(seed)
    groups = groups or GROUPS
    people = [(f"person{i}@example.org", g) for g, n in groups.items() for i in range(n)]
    people = [(f"{g[:2].lower()}{k}.{pid}", g) for k, (pid, g) in enumerate(people)]
    instruments = [load_instrument(i) for i in instrument_ids]
    level = rng.normal(0, 0.6, len(people))
    paths = []
    for wave in range(n_waves):
        data: dict[str, object] = {
            "id": [p for p, _ in people],
            "group": [g for _, g in people],
        }
        for instrument in instruments:
            for item in instrument.items:
                mean = 3.4 + level + 0.35 * wave - (0.6 if item.scale.startswith("time") else 0)
                x = np.clip(np.rint(mean + rng.normal(0, 0.8, len(people))), 1, 5)
                if item.reverse:
                    x = 6 - x
                data[item.id] = x.astype(int)
        path = folder / f"wave{wave + 1}.csv"
        pd.DataFrame(data).to_csv(path, index=False)
        paths.append(path)
    return paths
