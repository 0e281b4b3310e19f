"""The simulated professional group and its answers, from the plan in :mod:`sample_data.plan`.

The group follows the HR Professional Group of Griggs and Allen (2018) (DIGEST §5): about 48
members in two strands (HR; Organisational Development & Learning), a lower-attending trainers
subgroup with weaker alignment, and a handful of HR administrators (too few to report on their
own). It is surveyed three times, six months apart; a few members leave and a few join between
waves.

Answers come from a latent-trait model. Each member has a general attitude to the group (a trait
shared by every scale), a stable personal deviation per scale, and a fresh deviation per scale at
each wave. The true score of a member on a scale at a wave is

    level(scale) + effects(scale, strand, wave) + trait + deviation(scale) + occasion(scale, wave)

and each item answer is that true score plus a fixed item offset plus item noise, rounded to the
nearest code of the item's response scale and clipped to its range. Reverse-keyed statements are
answered on the mirrored scale (``min + max - value``) and a little less consistently, as real
respondents do. Then realistic imperfections are laid over the answers: "Don't know" / "Not
applicable", blanks, partial responses, straight-liners and one duplicate submission.

Everything about the items (ids, text, keying, response scales, labels) comes from the built-in
instrument files, loaded with :func:`cop_eval.instruments.load_builtin_instruments`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.instruments import Instrument, load_builtin_instruments
from sample_data.plan import (
    BLANK_RATE,
    BUILT_IN_EFFECTS,
    DONT_KNOW_PRONE,
    DONT_KNOW_RATE,
    DUPLICATE,
    EMAIL_DOMAIN,
    FIRST_INSTRUMENTS,
    FIRST_NAMES,
    HR,
    ITEM_NOISE_SD,
    ITEM_OFFSET_SD,
    JOINER_DONT_KNOW_FACTOR,
    JOINERS,
    LEAVERS,
    NON_RESPONDENTS,
    NOT_APPLICABLE_PRONE,
    NOT_APPLICABLE_RATE,
    OCCASION_SD,
    PARTIALS,
    PREVIEW_WAVES,
    REVERSE_EXTRA_SD,
    ROSTER_AT_START,
    SCALE_SD,
    SEED,
    STRAIGHT_LINERS,
    SURNAMES,
    TRAIT_SD,
    WAVES,
    WaveSpec,
    check_plan,
    true_mean,
)

__all__ = [
    "BUILT_IN_EFFECTS",
    "SEED",
    "Answer",
    "Person",
    "SimulatedWave",
    "Simulation",
    "Submission",
    "simulate",
    "survey_instruments",
]

SubmissionKind = Literal["complete", "partial", "straight_liner", "superseded", "preview"]
FloatArray = npt.NDArray[np.float64]
Answer = int | str | None  # a code, a missing label ("Don't know"), or a blank


@dataclass(frozen=True)
class Person:
    """A member of the group (fictitious)."""

    index: int
    first: str
    last: str
    email: str
    strand: str
    joins: int  # first wave as a member
    leaves_after: int | None  # last wave as a member, None if still a member at the end

    def member_at(self, wave: int) -> bool:
        return self.joins <= wave and (self.leaves_after is None or wave <= self.leaves_after)


@dataclass(frozen=True)
class Submission:
    """One row of an export."""

    person: Person | None  # None for a platform preview
    strand: str
    answers: Mapping[str, Answer]  # item id -> answer, in questionnaire order
    started: dt.datetime
    finished: dt.datetime
    kind: SubmissionKind
    progress: int  # percent of the questionnaire seen

    @property
    def counts(self) -> bool:
        """Whether this row is a real, final response (not a preview, not superseded)."""
        return self.kind not in ("superseded", "preview")


@dataclass(frozen=True)
class SimulatedWave:
    spec: WaveSpec
    members: tuple[Person, ...]
    submissions: tuple[Submission, ...]  # in the order the export lists them

    @property
    def respondents(self) -> tuple[Submission, ...]:
        return tuple(s for s in self.submissions if s.counts)


@dataclass(frozen=True)
class Simulation:
    seed: int
    instruments: tuple[Instrument, ...]  # in questionnaire order
    people: tuple[Person, ...]
    waves: tuple[SimulatedWave, ...]
    item_ids: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "item_ids", tuple(i for inst in self.instruments for i in inst.item_ids)
        )

    def wave(self, number: int) -> SimulatedWave:
        return self.waves[number - 1]

    def answers(self, number: int) -> pd.DataFrame:
        """The counted responses of a wave as codes (NaN for blanks and missing labels).

        Index ``email``; columns ``strand``, then one column per item id (as answered, before
        reverse keying).
        """
        rows = []
        for sub in self.wave(number).respondents:
            assert sub.person is not None
            codes = {k: float(v) if isinstance(v, int) else np.nan for k, v in sub.answers.items()}
            rows.append({"email": sub.person.email, "strand": sub.strand, **codes})
        frame = pd.DataFrame(rows, columns=["email", "strand", *self.item_ids])
        return frame.set_index("email")


def survey_instruments() -> tuple[Instrument, ...]:
    """The built-in instruments in questionnaire order: by model stage, then the others by id."""

    def order(inst: Instrument) -> tuple[int, str]:
        stages = [s.stage for s in inst.scales if s.stage is not None]
        return (min(stages) if stages else 9, inst.id)

    return tuple(sorted(load_builtin_instruments(), key=order))


def _email(first: str, last: str) -> str:
    def fold(text: str) -> str:
        ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(c for c in ascii_.lower() if c.isalnum())

    return f"{fold(first)}.{fold(last)}@{EMAIL_DOMAIN}"


def _people(rng: np.random.Generator) -> tuple[Person, ...]:
    slots: list[tuple[str, int]] = [(s, 1) for s, n in ROSTER_AT_START.items() for _ in range(n)]
    slots += [
        (s, w) for w, plan in sorted(JOINERS.items()) for s, n in plan.items() for _ in range(n)
    ]
    if len(slots) > min(len(FIRST_NAMES), len(SURNAMES)):
        raise ValueError("not enough fictitious names for the planned membership")
    firsts = [FIRST_NAMES[i] for i in rng.permutation(len(FIRST_NAMES))]
    lasts = [SURNAMES[i] for i in rng.permutation(len(SURNAMES))]
    people = [
        Person(i, firsts[i], lasts[i], _email(firsts[i], lasts[i]), strand, joins, None)
        for i, (strand, joins) in enumerate(slots)
    ]
    for wave, plan in sorted(LEAVERS.items()):
        for strand, n in plan.items():
            pool = [p for p in people if p.strand == strand and p.member_at(wave)]
            pool = [p for p in pool if p.member_at(wave + 1)]
            for k in sorted(rng.choice(len(pool), size=n, replace=False)):
                leaver = pool[int(k)]
                people[leaver.index] = Person(**{**leaver.__dict__, "leaves_after": wave})
    return tuple(people)


def _working_time(rng: np.random.Generator, opened: dt.date) -> dt.datetime:
    """A weekday moment in the fortnight after the survey opened, in working hours."""
    while True:
        day = opened + dt.timedelta(days=int(rng.integers(2, 17)))
        if day.weekday() < 5:
            break
    seconds = int(rng.integers(8 * 3600 + 1800, 17 * 3600 + 1800))
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)


def _stream_key(instrument_id: str) -> int:
    """A stable number for an instrument id (seeds the random streams of its own)."""
    return zlib.crc32(instrument_id.encode("utf-8"))


class _Draws:
    """The random variables of a block of scales and items, drawn from one set of streams."""

    def __init__(self, entropy: Sequence[int], n_people: int, n_scales: int, n_items: int) -> None:
        streams = [np.random.default_rng(s) for s in np.random.SeedSequence(list(entropy)).spawn(3)]
        latent, noise, self.missing_rng = streams
        n_waves = len(WAVES)
        self.trait = latent.normal(0.0, TRAIT_SD, n_people)
        self.deviation = latent.normal(0.0, SCALE_SD, (n_people, n_scales))
        self.occasion = latent.normal(0.0, OCCASION_SD, (n_waves, n_people, n_scales))
        self.offset = latent.normal(0.0, ITEM_OFFSET_SD, n_items)
        self.noise = noise.normal(0.0, ITEM_NOISE_SD, (n_waves, n_people, n_items))
        self.reverse_noise = noise.normal(0.0, REVERSE_EXTRA_SD, (n_waves, n_people, n_items))


class _AnswerModel:
    """Draws the latent variables once, then answers any (person, wave).

    The instruments of :data:`~sample_data.plan.FIRST_INSTRUMENTS` share the original streams
    (seeded by ``[seed, 1]``); every other instrument has streams of its own (``[seed, 1, key]``),
    so adding an instrument leaves the others' answers as they were. The general attitude
    (trait) is the original one for every instrument.
    """

    def __init__(self, instruments: Sequence[Instrument], n_people: int, seed: int) -> None:
        self.instruments = tuple(instruments)
        self.seed = seed
        self.scales = [(inst, s) for inst in instruments for s in inst.scale_ids]
        self.items = [(inst, item) for inst in instruments for item in inst.items]
        first = [inst for inst in instruments if inst.id in FIRST_INSTRUMENTS]
        base = _Draws(
            [seed, 1], n_people, sum(len(i.scales) for i in first), sum(len(i.items) for i in first)
        )
        self.trait = base.trait
        self.blocks: dict[str, _Draws] = {inst.id: base for inst in first}
        for inst in instruments:
            if inst.id not in FIRST_INSTRUMENTS:
                self.blocks[inst.id] = _Draws(
                    [seed, 1, _stream_key(inst.id)], n_people, len(inst.scales), len(inst.items)
                )
        self.deviation = self._assemble(lambda d: d.deviation, "scales")
        self.occasion = self._assemble(lambda d: d.occasion, "scales")
        self.offset = self._assemble(lambda d: d.offset, "items")
        self.noise = self._assemble(lambda d: d.noise, "items")
        self.reverse_noise = self._assemble(lambda d: d.reverse_noise, "items")
        self.scale_index = {(inst.id, s): k for k, (inst, s) in enumerate(self.scales)}

    def _assemble(self, part: Callable[[_Draws], FloatArray], kind: str) -> FloatArray:
        """One array over all scales (or items) in questionnaire order, from the blocks' arrays."""
        pieces: list[FloatArray] = []
        used: dict[int, int] = {}
        for inst in self.instruments:
            draws = self.blocks[inst.id]
            width = len(inst.scales) if kind == "scales" else len(inst.items)
            start = used.get(id(draws), 0)
            pieces.append(part(draws)[..., start : start + width])
            used[id(draws)] = start + width
        return np.concatenate(pieces, axis=-1)

    def missing_rng_of(self, instrument_id: str) -> np.random.Generator:
        return self.blocks[instrument_id].missing_rng

    def duplicate_draws(self, wave: int) -> tuple[FloatArray, FloatArray]:
        """A fresh occasion (people × scales) and noise (items) for a second submission."""
        occasions: list[FloatArray] = []
        noises: list[FloatArray] = []
        first = [inst for inst in self.instruments if inst.id in FIRST_INSTRUMENTS]
        n_people = self.trait.size
        if first:
            occasions.append(
                np.random.default_rng([self.seed, 2, wave]).normal(
                    0.0, OCCASION_SD, (n_people, sum(len(i.scales) for i in first))
                )
            )
            noises.append(
                np.random.default_rng([self.seed, 3, wave]).normal(
                    0.0, ITEM_NOISE_SD, sum(len(i.items) for i in first)
                )
            )
        own: dict[str, tuple[FloatArray, FloatArray]] = {}
        for inst in self.instruments:
            if inst.id not in FIRST_INSTRUMENTS:
                key = _stream_key(inst.id)
                own[inst.id] = (
                    np.random.default_rng([self.seed, 2, wave, key]).normal(
                        0.0, OCCASION_SD, (n_people, len(inst.scales))
                    ),
                    np.random.default_rng([self.seed, 3, wave, key]).normal(
                        0.0, ITEM_NOISE_SD, len(inst.items)
                    ),
                )
        occ_parts: list[FloatArray] = []
        noise_parts: list[FloatArray] = []
        s0 = i0 = 0
        for inst in self.instruments:
            if inst.id in FIRST_INSTRUMENTS:
                occ_parts.append(occasions[0][:, s0 : s0 + len(inst.scales)])
                noise_parts.append(noises[0][i0 : i0 + len(inst.items)])
                s0, i0 = s0 + len(inst.scales), i0 + len(inst.items)
            else:
                occ_parts.append(own[inst.id][0])
                noise_parts.append(own[inst.id][1])
        return np.concatenate(occ_parts, axis=-1), np.concatenate(noise_parts)

    def true_scores(self, person: Person, wave: int, occasion: FloatArray) -> FloatArray:
        means = np.array(
            [true_mean(inst, s, person.strand, wave) for inst, s in self.scales], dtype=np.float64
        )
        scores: FloatArray = (
            means + self.trait[person.index] + self.deviation[person.index] + occasion[person.index]
        )
        return scores

    def codes(
        self, person: Person, wave: int, occasion: FloatArray, noise: FloatArray
    ) -> dict[str, int]:
        truth = self.true_scores(person, wave, occasion)
        out: dict[str, int] = {}
        for k, (inst, item) in enumerate(self.items):
            rs = inst.response_scale_of(item.id)
            agree = truth[self.scale_index[(inst.id, item.scale)]] + self.offset[k] + noise[k]
            if item.reverse:  # agreeing with a reversed statement means less of the scale
                agree = rs.min + rs.max - agree
            out[item.id] = int(np.clip(np.rint(agree), rs.min, rs.max))
        return out

    def answer(self, person: Person, wave: int) -> dict[str, int]:
        noise = self.noise[wave - 1, person.index] + np.where(
            [item.reverse for _, item in self.items], self.reverse_noise[wave - 1, person.index], 0
        )
        return self.codes(person, wave, self.occasion[wave - 1], noise)

    def with_missing(self, codes: Mapping[str, int], first_wave: bool) -> dict[str, Answer]:
        out: dict[str, Answer] = {}
        for inst, item in self.items:
            rng = self.missing_rng_of(inst.id)
            labels = inst.response_scale_of(item.id).missing_labels
            dont_know = DONT_KNOW_PRONE.get((inst.id, item.scale), DONT_KNOW_RATE)
            if first_wave:
                dont_know *= JOINER_DONT_KNOW_FACTOR
            not_applicable = NOT_APPLICABLE_PRONE.get((inst.id, item.scale), NOT_APPLICABLE_RATE)
            u = rng.random()
            answer: Answer = codes[item.id]
            if u < BLANK_RATE:
                answer = None
            elif labels and u < BLANK_RATE + dont_know:
                answer = labels[0]
            elif labels and u < BLANK_RATE + dont_know + not_applicable:
                answer = labels[-1]
            out[item.id] = answer
        return out


def _pick(
    rng: np.random.Generator, responding: Sequence[Person], strand: str, taken: set[int], wave: int
) -> Person:
    """A respondent of ``strand`` not already ``taken``, preferring established members."""
    pool = [p for p in responding if p.strand == strand and p.index not in taken]
    pool = [p for p in pool if p.joins < wave] or pool
    return pool[int(rng.integers(len(pool)))]


def simulate(seed: int = SEED) -> Simulation:
    """Simulate the group and all three waves. Deterministic for a given seed."""
    instruments = survey_instruments()
    check_plan(instruments)
    ss = np.random.SeedSequence([seed, 0]).spawn(3)
    names_rng, plan_rng, time_rng = (np.random.default_rng(s) for s in ss)
    people = _people(names_rng)
    model = _AnswerModel(instruments, len(people), seed)
    previews: dict[str, np.random.Generator] = {}

    def preview_rng(instrument_id: str) -> np.random.Generator:
        """The preview row's answers to an instrument not in FIRST_INSTRUMENTS (own stream)."""
        if instrument_id not in previews:
            previews[instrument_id] = np.random.default_rng([seed, 5, _stream_key(instrument_id)])
        return previews[instrument_id]

    item_ids = [item.id for _, item in model.items]
    waves: list[SimulatedWave] = []
    for spec in WAVES:
        w = spec.number
        members = tuple(p for p in people if p.member_at(w))
        silent: set[int] = set()
        for strand, n in NON_RESPONDENTS.get(w, {}).items():
            pool = [p.index for p in members if p.strand == strand]
            silent.update(int(i) for i in plan_rng.choice(pool, size=n, replace=False))
        responding = [p for p in members if p.index not in silent]

        specials: dict[int, tuple[SubmissionKind, int]] = {}
        for wave_no, strand, code in STRAIGHT_LINERS:
            if wave_no == w:
                specials[_pick(plan_rng, responding, strand, set(specials), w).index] = (
                    "straight_liner",
                    code,
                )
        for wave_no, strand, answered in PARTIALS:
            if wave_no == w:
                specials[_pick(plan_rng, responding, strand, set(specials), w).index] = (
                    "partial",
                    answered,
                )
        duplicate = (
            _pick(plan_rng, responding, DUPLICATE[1], set(specials), w).index
            if DUPLICATE[0] == w
            else None
        )

        submissions: list[Submission] = []
        for person in responding:
            answers = model.with_missing(model.answer(person, w), first_wave=1 < person.joins == w)
            kind, arg = specials.get(person.index, ("complete", 0))
            progress = 100
            duration = float(time_rng.lognormal(np.log(780.0), 0.35))
            if kind == "straight_liner":
                answers = dict.fromkeys(item_ids, arg)
                duration = float(time_rng.uniform(140.0, 230.0))
            elif kind == "partial":
                kept = {i for inst in instruments[:arg] for i in inst.item_ids}
                answers = {k: (v if k in kept else None) for k, v in answers.items()}
                progress = round(100 * len(kept) / len(item_ids))
                duration *= progress / 100
            started = _working_time(time_rng, spec.date)
            finished = started + dt.timedelta(seconds=round(duration))
            submissions.append(
                Submission(person, person.strand, answers, started, finished, kind, progress)
            )
            if person.index == duplicate:
                # An earlier submission, two days before: the same person, answered afresh.
                occasion, noise = model.duplicate_draws(w)
                first = model.with_missing(model.codes(person, w, occasion, noise), False)
                first_start = started - dt.timedelta(days=2, minutes=int(time_rng.integers(5, 300)))
                first_end = first_start + dt.timedelta(seconds=round(duration * 1.1))
                submissions.append(
                    Submission(
                        person, person.strand, first, first_start, first_end, "superseded", 100
                    )
                )
        if w in PREVIEW_WAVES:
            opened = dt.datetime.combine(spec.date - dt.timedelta(days=1), dt.time(16, 2, 11))
            codes: dict[str, Answer] = {}
            for inst, item in model.items:
                rs = inst.response_scale_of(item.id)
                rng = time_rng if inst.id in FIRST_INSTRUMENTS else preview_rng(inst.id)
                codes[item.id] = int(rng.integers(rs.min, rs.max + 1))
            submissions.append(
                Submission(
                    None, HR, codes, opened, opened + dt.timedelta(seconds=95), "preview", 100
                )
            )
        submissions.sort(key=lambda s: s.finished)
        waves.append(SimulatedWave(spec, members, tuple(submissions)))
    return Simulation(seed, instruments, people, tuple(waves))
