"""The evaluation cycle around the simulated survey: a roster per wave and an attendance register.

- ``roster_<wave>.csv`` (one per wave): the members invited to the wave, as an HR system exports
  them (``Email,Strand``). HR administrators attend but are not members, so they are on no
  roster, although they answer the survey.
- ``attendance_register.csv``: one row per person and meeting (``Name,Email,Meeting date,
  Attended``), dates written day first as in the UK (``08/10/2024``), ``Yes`` / ``No`` /
  ``Apologies``. A person is on the register for the meetings while they are a member (from the
  first meeting after the wave before they joined; up to the wave after which they left); the
  HR administrators for every meeting.

Attendance follows the thesis's pattern (most members come to 15-16 of the 17 meetings, one
group far less: here the trainers). It uses its own random stream (``[seed, 20]``), so the
survey files are the same bytes with or without it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sample_data.plan import (
    APOLOGIES_SHARE,
    ATTENDANCE_MISSES,
    CONTEXT,
    DEMO_ACTIONS,
    HR_ADMIN,
    LOW_ATTENDANCE_GROUP,
    LOW_ATTENDANCE_RATE,
    MEETINGS,
    STRANDS,
    WAVES,
)
from sample_data.simulation import Person, Simulation

__all__ = [
    "REGISTER_FILE",
    "Attendance",
    "cycle_manifest",
    "roster_file",
    "simulate_attendance",
    "write_cycle",
]

REGISTER_FILE = "attendance_register.csv"


def roster_file(label: str) -> str:
    """``roster_mar2025.csv`` for the wave ``Mar 2025``."""
    return "roster_" + label.lower().replace(" ", "") + ".csv"


@dataclass(frozen=True)
class Attendance:
    """One person at one meeting: ``"Yes"``, ``"No"`` or ``"Apologies"``."""

    person: Person
    date: dt.date
    mark: str


def expected_meetings(person: Person) -> tuple[dt.date, ...]:
    """The meetings a person is on the register for (while a member; HR admin: all)."""
    dates = [w.date for w in WAVES]
    start = dates[person.joins - 2] if person.joins > 1 else None
    end = dates[person.leaves_after - 1] if person.leaves_after is not None else None
    return tuple(d for d in MEETINGS if (start is None or d > start) and (end is None or d <= end))


def simulate_attendance(sim: Simulation) -> tuple[Attendance, ...]:
    """Who came to which meeting, person by person (deterministic for the seed)."""
    rng = np.random.default_rng([sim.seed, 20])
    weights = np.array(list(ATTENDANCE_MISSES.values()))
    out: list[Attendance] = []
    for person in sim.people:
        meetings = expected_meetings(person)
        if not meetings:
            continue
        if person.strand == LOW_ATTENDANCE_GROUP:
            rate = float(rng.uniform(*LOW_ATTENDANCE_RATE))
        else:
            misses = int(rng.choice(list(ATTENDANCE_MISSES), p=weights / weights.sum()))
            rate = 1 - misses / len(MEETINGS)
        absent = round((1 - rate) * len(meetings))
        missed = set(rng.choice(len(meetings), size=absent, replace=False).tolist())
        for k, date in enumerate(meetings):
            if k in missed:
                mark = "Apologies" if rng.random() < APOLOGIES_SHARE else "No"
            else:
                mark = "Yes"
            out.append(Attendance(person, date, mark))
    out.sort(key=lambda a: (a.date, a.person.last, a.person.first))
    return tuple(out)


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def write_cycle(sim: Simulation, folder: Path) -> list[Path]:
    """Write the rosters and the register; returns their paths."""
    paths = []
    for wave in sim.waves:
        rows = [["Email", "Strand"]] + [
            [p.email, p.strand]
            for p in sorted(wave.members, key=lambda p: (p.strand, p.last, p.first))
            if p.strand != HR_ADMIN
        ]
        paths.append(_write(folder / roster_file(wave.spec.label), rows))
    register = [["Name", "Email", "Meeting date", "Attended"]] + [
        [f"{a.person.first} {a.person.last}", a.person.email, a.date.strftime("%d/%m/%Y"), a.mark]
        for a in simulate_attendance(sim)
    ]
    paths.append(_write(folder / REGISTER_FILE, register))
    return paths


def _spread(values: list[int]) -> dict[str, int]:
    """People, fewest and most meetings attended, of those who could attend all 17."""
    return {"people": len(values), "fewest": min(values), "most": max(values)}


def cycle_manifest(sim: Simulation) -> dict[str, Any]:
    """The manifest entries of the cycle: per-wave roster and members, context, register, actions."""
    attendance = simulate_attendance(sim)
    per_person = Counter(a.person.index for a in attendance if a.mark == "Yes")
    full = [p for p in sim.people if len(expected_meetings(p)) == len(MEETINGS)]
    return {
        "rosters": {
            w.spec.label: {
                "file": roster_file(w.spec.label),
                "members": {
                    s: n
                    for s in STRANDS
                    if (n := sum(1 for p in w.members if p.strand == s and s != HR_ADMIN))
                },
            }
            for w in sim.waves
        },
        "context": dict(CONTEXT),
        "attendance": {
            "file": REGISTER_FILE,
            "id_column": "Email",
            "date_column": "Meeting date",
            "attended_column": "Attended",
            "meetings": len(MEETINGS),
            "records": len(attendance),
            "attended_of_17_by_strand": {
                s: _spread([per_person[p.index] for p in full if p.strand == s])
                for s in STRANDS
                if any(p.strand == s for p in full)
            },
        },
        "actions": [dict(a) for a in DEMO_ACTIONS],
    }
