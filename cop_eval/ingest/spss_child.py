"""Read an SPSS file in a child process: ``python -m cop_eval.ingest.spss_child SAV OUTDIR``.

pyreadstat is C code: a .sav with one byte changed can crash the process (a segmentation fault
ends it with no message, and would take the web server with it). So the file is read here, in a
process of its own. The header is read first and the file refused when it claims more cases or
cells than the limits allow (a 2 KB file may claim 50 million cases), before any data is read.
The answers are written as an Arrow file in OUTDIR with ``meta.json`` beside them; an error
is written to ``meta.json`` as ``{"error": ...}`` or ``{"limit": ..., "found": ...}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from cop_eval.limits import limit

__all__ = ["main"]


def _write(out: Path, payload: dict[str, Any]) -> None:
    (out / "meta.json").write_text(json.dumps(payload, default=str), encoding="utf-8")


def _over_limits(rows: int, columns: int) -> dict[str, Any] | None:
    if columns > limit("max_columns"):
        return {"limit": "max_columns", "found": f"{columns:,} variables"}
    if rows > limit("max_rows"):
        return {"limit": "max_rows", "found": f"a header claiming {rows:,} cases"}
    if rows * columns > limit("max_cells"):
        return {"limit": "max_cells", "found": f"{rows:,} cases x {columns:,} variables"}
    return None


def main(argv: list[str]) -> int:
    """Read ``argv[0]`` into ``argv[1]`` (always exit 0 unless the reader itself crashes)."""
    import pyreadstat

    path, out = argv[0], Path(argv[1])
    try:
        _, header = pyreadstat.read_sav(path, metadataonly=True)
    except Exception as exc:  # pyreadstat raises ReadstatError and PyreadstatError
        _write(out, {"error": str(exc)})
        return 0
    rows = int(header.number_rows or 0)
    over = _over_limits(max(rows, 0), int(header.number_columns or 0))
    if over is not None:
        _write(out, over)
        return 0
    try:
        frame, meta = pyreadstat.read_sav(path, user_missing=False)
    except Exception as exc:
        _write(out, {"error": str(exc)})
        return 0
    over = _over_limits(len(frame), frame.shape[1])
    if over is not None:
        _write(out, over)
        return 0
    names = [str(c) for c in frame.columns]
    frame.columns = [f"c{i}" for i in range(len(names))]
    frame.reset_index(drop=True).to_feather(out / "data.arrow")
    _write(
        out,
        {
            "names": names,
            "labels": list(meta.column_labels or [None] * len(names)),
            "value_labels": {
                name: [[float(k), str(v)] for k, v in labels.items()]
                for name, labels in (meta.variable_value_labels or {}).items()
            },
        },
    )
    return 0


def _run(argv: list[str]) -> int:
    try:
        return main(argv)
    except Exception as exc:  # anything else the reader raised: the parent words it
        _write(Path(argv[1]), {"error": f"{type(exc).__name__}: {exc}"})
        return 0


if __name__ == "__main__":
    sys.exit(_run(sys.argv[1:]))
