"""The free-text answers of the simulated group, with personal details planted on purpose.

Each respondent may answer the open questions of the built-in instruments (``comments:``). What
they write follows the group's story in :mod:`sample_data.plan`: early on members ask for time to
reflect and a say in the agenda; as stage 3 improves (``stage3_*_improves``) fewer ask for time and
more describe what they have changed; trainers write about relevance and attendance
(``trainers_lower_relevance``, ``trainers_lower_commitment``). A few answers contain what a
real comment box collects and no report may show: a colleague's name (also in lower case), an
e-mail address, a phone number, a staff number and a title with a surname (:func:`planted`).

Trainers all answer the improvement question, so they are 9, 8 and 8 commenters: below the
comment threshold of 10, their words must appear nowhere in the report.

Comments come from their own random stream (seed, 7, wave, person), so adding them changed
no answer to any item.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sample_data.plan import HR, HR_ADMIN, ODL, TRAINERS, TRAINING_QA
from sample_data.simulation import Person, SimulatedWave, Simulation, Submission

__all__ = ["COMMENT_RATES", "comment_answers", "names_list", "planted"]

#: Share of respondents who answer each open question, per strand.
COMMENT_RATES: Mapping[str, Mapping[str, float]] = {
    "lm_improve": {HR: 0.85, ODL: 0.95, TRAINERS: 1.0, TRAINING_QA: 0.8, HR_ADMIN: 0.67},
    "tol_applied": {HR: 0.55, ODL: 0.6, TRAINERS: 0.3, TRAINING_QA: 0.4, HR_ADMIN: 0.0},
    "sdo_say": {HR: 0.3, ODL: 0.3, TRAINERS: 0.3, TRAINING_QA: 0.2, HR_ADMIN: 0.0},
}

# What members write, by theme of the built-in codebook; {wave} weights say how often.
_IMPROVE: Mapping[str, tuple[str, ...]] = {
    "time_to_reflect": (
        "There is never enough time to reflect after the sessions; we rush straight back to the day job.",
        "Protected time to think about what we learnt would help more than another topic.",
        "Some headspace at the end of each meeting to reflect on what it means for our work.",
        "Time to reflect together, not just to listen.",
    ),
    "member_led_agenda": (
        "Let members choose the topics instead of the same few people setting the agenda.",
        "Less push from the leads and more pull from members about what we discuss.",
        "Ask us what we want to cover; the agenda feels decided for us.",
    ),
    "knowledge_sharing": (
        "Less information giving and more real knowledge sharing between members.",
        "More case discussions where we learn from each other rather than presentations.",
        "Share what actually worked in our own teams, not just policy updates.",
    ),
    "relevance": (
        "Sessions are rarely relevant to trainers; most topics are about HR casework.",
        "Topics that fit training delivery as well as HR policy.",
        "I struggle to see how the agenda relates to my role in training.",
    ),
    "attendance": (
        "Meetings clash with course delivery, so I miss most of them.",
        "Recordings or notes for those of us who cannot attend every month.",
    ),
    "equal_access": (
        "Hold the sessions in working hours so part-time colleagues can come too.",
        "Vary the day so people who never work Mondays can attend.",
    ),
    "networks": (
        "More chances to meet people from other teams; I now know who to speak to and want more of that.",
        "Link us with other professional networks outside the organisation.",
    ),
    "resources": (
        "Funding to pilot the ideas we discuss, and to evaluate whether they worked.",
        "A small budget for external speakers.",
    ),
    "infrastructure": (
        "A shared space on the intranet for papers, evidence and the slides.",
        "Better access to research and the library for the topics we cover.",
    ),
    "keep_going": (
        "Keep it going, the sessions are really valuable and well run.",
        "Nothing major, it is a great group and I always learn something.",
    ),
}
_APPLIED = (
    "I changed how I run induction after the session on onboarding.",
    "I now use the coaching conversation model from the group in supervision.",
    "We rewrote our absence guidance using what another member shared.",
    "I followed up with my manager and we agreed to try the new appraisal approach.",
    "Nothing yet, there has been no follow-up after the sessions.",
    "I have not been able to apply much; there is no time to follow up.",
)
_SAY = (
    "A vote on the topics for the next six months.",
    "Rotate who chairs and sets the agenda.",
    "A short survey before each meeting about what to cover.",
)


def _weights(strand: str, wave: int) -> dict[str, float]:
    stage3 = (1.0, 0.7, 0.4)[wave - 1]  # asking for time to reflect fades as stage 3 improves
    trainer = strand == TRAINERS
    return {
        "time_to_reflect": 3.0 * stage3,
        "member_led_agenda": 2.0,
        "knowledge_sharing": 1.5,
        "relevance": 4.0 if trainer else 0.2,
        "attendance": 3.0 if trainer else 0.3,
        "equal_access": 1.0,
        "networks": 1.0,
        "resources": 0.8,
        "infrastructure": 0.8,
        "keep_going": 1.0 + (wave - 1) * 0.8,
    }


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _improve(rng: np.random.Generator, strand: str, wave: int) -> str:
    weights = _weights(strand, wave)
    themes = list(weights)
    p = np.array([weights[t] for t in themes])
    theme = themes[int(rng.choice(len(themes), p=p / p.sum()))]
    return _pick(rng, _IMPROVE[theme])


def _applied(rng: np.random.Generator, wave: int) -> str:
    # later waves describe more change (stage3_transfer_improves)
    if rng.random() < (0.45, 0.3, 0.15)[wave - 1]:
        return _pick(rng, _APPLIED[4:])
    return _pick(rng, _APPLIED[:4])


#: Surnames that are also names of statistics in the report ("Wilson" score interval): a
#: colleague named in a comment is never one of these, so a test can search every output for
#: the planted names without false alarms.
_REPORT_WORDS = frozenset({"Wilson", "Cohen", "Newcombe", "Holm", "Hedges", "Welch", "Feldt"})


def _colleague(sim: Simulation, person: Person) -> Person:
    others = [p for p in sim.people if p.index != person.index and p.last not in _REPORT_WORDS]
    return others[(person.index * 7 + 3) % len(others)]


def _planted(sim: Simulation, wave: SimulatedWave, sub: Submission, rank: int) -> str | None:
    """The personal details planted in the first HR and OD&L answers of each wave."""
    assert sub.person is not None
    other = _colleague(sim, sub.person)
    n = wave.spec.number
    plants = {
        (1, 0): f"More sessions like the one {other.first} {other.last} ran on coaching.",
        (1, 1): f"Send the slides to everyone, or email {other.email} as I was told to.",
        (2, 0): f"Thanks to {other.first.lower()} for the notes; more of that please.",
        (2, 1): "Ring me on 07700 900461 if you want help organising the next one.",
        (3, 0): f"Dr {other.last} should come back, her talk was the best session so far.",
        (3, 1): "My staff number is 4419027 if you need it for the attendance register.",
    }
    return plants.get((n, rank))


def _wave_comments(sim: Simulation, wave: SimulatedWave) -> list[tuple[dict[str, str], list[str]]]:
    """Each submission's open answers (question id → text), and the details planted in them."""
    questions = [c.id for inst in sim.instruments for c in inst.comments]
    out: list[tuple[dict[str, str], list[str]]] = []
    rank = 0
    for sub in wave.submissions:
        answers: dict[str, str] = {}
        secrets: list[str] = []
        person = sub.person
        if person is not None and sub.kind not in ("partial", "straight_liner"):
            rng = np.random.default_rng([sim.seed, 7, wave.spec.number, person.index])
            for question in questions:
                if rng.random() >= COMMENT_RATES.get(question, {}).get(sub.strand, 0.0):
                    continue
                if question == "lm_improve":
                    text = _improve(rng, sub.strand, wave.spec.number)
                    if sub.strand in (HR, ODL) and sub.counts:
                        plant = _planted(sim, wave, sub, rank)
                        rank += 1
                        if plant is not None:
                            text = plant
                            other = _colleague(sim, person)
                            values = (
                                other.first,
                                other.last,
                                other.email,
                                "07700 900461",
                                "4419027",
                            )
                            secrets += [v for v in values if v.casefold() in text.casefold()]
                elif question == "tol_applied":
                    text = _applied(rng, wave.spec.number)
                else:
                    text = _pick(rng, _SAY)
                answers[question] = text
        out.append((answers, secrets))
    return out


def comment_answers(sim: Simulation, wave: SimulatedWave) -> list[dict[str, str]]:
    """Each submission's open answers (question id → text; blank answers are left out)."""
    return [answers for answers, _ in _wave_comments(sim, wave)]


def planted(sim: Simulation) -> list[str]:
    """Every personal detail planted in the comments (for the tests that no output shows one)."""
    return sorted(
        {v for wave in sim.waves for _, found in _wave_comments(sim, wave) for v in found}
    )


def names_list(sim: Simulation) -> list[str]:
    """The members' names, as a coordinator would list them for redaction."""
    return [f"{p.first} {p.last}" for p in sim.people]
