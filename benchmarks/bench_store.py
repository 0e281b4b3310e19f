"""Project store speed and size at national-survey scale (not a test).

Builds a ResponseSet of N respondents x 100 items in memory (10 scales x 10 items, 5-point
answers driven by a per-respondent, per-scale level, ~3% missing; pseudonymised ids; one
subgroup column), then measures in a fresh project:

* ``add_wave``: encoding to Parquet (zstd) + one SQLite transaction, and the encoding alone;
* ``load_wave``: reading it back into a ResponseSet;
* the size of ``project.sqlite`` on disk;
* for comparison, a *long* table (one SQLite row per respondent x item) filled for a sample of
  respondents with ``executemany`` and extrapolated to N, which is why answers are stored as
  one Parquet file per wave.

Run: ``.venv/bin/python benchmarks/bench_store.py [--rows N] [--long-sample M]``
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cop_eval.instruments import Instrument, parse_instrument
from cop_eval.privacy import pseudonymise
from cop_eval.responses import ImportReport, ResponseSet
from cop_eval.store import Project
from cop_eval.store.codec import encode_answers

SCALES, PER_SCALE = 10, 10


def instrument() -> Instrument:
    """A synthetic 10-scale x 10-item instrument on a 5-point scale."""
    return parse_instrument(
        {
            "id": "bench_store",
            "version": "1.0.0",
            "title": "Synthetic national staff survey",
            "description": "Benchmark instrument.",
            "status": "seed-derived",
            "sources": [{"citation": "cop-eval benchmark"}],
            "license": {"status": "project-authored"},
            "response_scale": {
                "min": 1,
                "max": 5,
                "labels": {1: "SD", 2: "D", 3: "N", 4: "A", 5: "SA"},
            },
            "items": [
                {"id": f"s{s}_i{i}", "text": f"Statement {s}.{i}", "scale": f"scale_{s}"}
                for s in range(SCALES)
                for i in range(PER_SCALE)
            ],
            "scales": [{"id": f"scale_{s}", "label": f"Scale {s}"} for s in range(SCALES)],
        }
    )


def responses(rows: int, key: bytes) -> ResponseSet:
    """An in-memory wave: correlated 1..5 answers, ~3% NaN, ids, a directorate column."""
    inst = instrument()
    rng = np.random.default_rng(20250101)
    level = rng.normal(3.4, 0.8, size=(rows, SCALES)).astype(np.float32)
    columns: dict[str, np.ndarray] = {}
    for s in range(SCALES):
        for i in range(PER_SCALE):
            answer = np.clip(np.rint(level[:, s] + rng.normal(0, 0.7, rows)), 1, 5)
            answer = answer.astype(np.float32)
            answer[rng.random(rows) < 0.03] = np.nan
            columns[f"s{s}_i{i}"] = answer
    items = pd.DataFrame(columns)
    ids = pseudonymise((f"S{n:07d}" for n in range(rows)), key)
    groups = pd.DataFrame(
        {"directorate": rng.choice(["Acute", "Community", "Mental health", "Corporate"], rows)}
    )
    report = ImportReport(source="national.csv", format="csv", rows_read=rows, rows_accepted=rows)
    return ResponseSet(
        source="national.csv",
        instruments=(inst,),
        items=items,
        report=report,
        respondent_ids=ids,
        groups=groups,
        row_numbers=np.arange(2, rows + 2, dtype=np.int64),
    )


def long_table_seconds(wave: ResponseSet, sample: int, folder: Path) -> tuple[float, int]:
    """Seconds and bytes to store ``sample`` respondents as one row per answer."""
    conn = sqlite3.connect(folder / "long.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(
        "CREATE TABLE answers (wave INTEGER, respondent TEXT, item TEXT, value REAL, "
        "PRIMARY KEY (wave, respondent, item)) WITHOUT ROWID"
    )
    assert wave.respondent_ids is not None
    items = wave.items.iloc[:sample]
    ids = wave.respondent_ids.iloc[:sample].to_numpy()
    start = time.perf_counter()
    conn.execute("BEGIN")
    for column in items.columns:
        values = items[column].to_numpy()
        conn.executemany(
            "INSERT INTO answers VALUES (1, ?, ?, ?)",
            (
                (ident, column, None if v != v else float(v))
                for ident, v in zip(ids, values, strict=True)
            ),
        )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds, (folder / "long.sqlite").stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=700_000)
    parser.add_argument("--long-sample", type=int, default=20_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = Project.create(folder / "proj")
        t0 = time.perf_counter()
        wave = responses(args.rows, project.key)
        print(
            f"built ResponseSet {args.rows:,} x {wave.items.shape[1]}: "
            f"{time.perf_counter() - t0:.1f} s (not part of the store)"
        )

        t0 = time.perf_counter()
        encoded = encode_answers(
            wave.items, wave.respondent_ids, wave.groups, wave.row_numbers, source="bench"
        )
        encode_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        project.add_wave(wave, "national", source_sha256="0" * 64)
        add_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        back = project.load_wave("national")
        load_s = time.perf_counter() - t0
        pd.testing.assert_frame_equal(back.items, wave.items)
        project.close()
        size = sum(f.stat().st_size for f in (folder / "proj").glob("project.sqlite*"))
        raw = wave.items.memory_usage(index=False).sum()
        print(f"encode to Parquet (zstd):   {encode_s:6.2f} s, {len(encoded.blob) / 1e6:.1f} MB")
        print(f"add_wave (encode + commit): {add_s:6.2f} s")
        print(f"load_wave:                  {load_s:6.2f} s")
        print(
            f"project.sqlite on disk:     {size / 1e6:6.1f} MB "
            f"(answers in memory as float32: {raw / 1e6:.0f} MB)"
        )

        if args.long_sample:
            sample = min(args.long_sample, args.rows)
            seconds, nbytes = long_table_seconds(wave, sample, folder)
            scale = args.rows / sample
            print(
                f"long table, {sample:,} respondents: {seconds:.1f} s, {nbytes / 1e6:.1f} MB "
                f"-> extrapolated to {args.rows:,}: ~{seconds * scale:.0f} s, "
                f"~{nbytes * scale / 1e9:.1f} GB"
            )


if __name__ == "__main__":
    main()
