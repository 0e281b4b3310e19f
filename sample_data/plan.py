"""The plan of the simulated group: who is in it, how they answer, and the effects built in.

Everything here is data: membership per strand and wave, the latent model's parameters, the true
level of every scale, the effects built in on purpose (:data:`BUILT_IN_EFFECTS`), and the
imperfections laid over the answers. :mod:`sample_data.simulation` turns the plan into answers;
sample_data/README.md documents it. Only scales are named here (never items), and
:func:`check_plan` checks every name against the built-in instruments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from cop_eval.instruments import Instrument

__all__ = [
    "ATTENDANCE_MISSES",
    "BUILT_IN_EFFECTS",
    "CONTEXT",
    "DEMO_ACTIONS",
    "FIRST_INSTRUMENTS",
    "LEVELS",
    "MEETINGS",
    "SEED",
    "STRANDS",
    "WAVES",
    "Effect",
    "WaveSpec",
    "check_plan",
    "true_mean",
]


#: The seed of the committed files.
SEED = 20250315

HR = "HR"
ODL = "Organisational Development & Learning"
TRAINERS = "Trainers"
TRAINING_QA = "Training quality assurance"
HR_ADMIN = "HR administration"
#: Subgroups (the ``strand`` answer), in the order the question offers them.
STRANDS: tuple[str, ...] = (HR, ODL, TRAINERS, TRAINING_QA, HR_ADMIN)

#: The strand question as the online surveys ask it.
STRAND_QUESTION = "Which part of the people function do you work in?"

Format = Literal["qualtrics", "ms_forms", "csv"]


@dataclass(frozen=True)
class WaveSpec:
    """One survey wave: when it opened, and the export it is committed as."""

    number: int
    label: str
    date: dt.date
    format: Format
    file: str
    id_column: str
    group_column: str
    platform: str


WAVES: tuple[WaveSpec, ...] = (
    WaveSpec(
        1, "Mar 2025", dt.date(2025, 3, 15), "qualtrics", "wave1_qualtrics.csv",
        "RecipientEmail", "Q1", "Qualtrics (CSV export, choice text)",
    ),
    WaveSpec(
        2, "Sep 2025", dt.date(2025, 9, 15), "ms_forms", "wave2_msforms.xlsx",
        "Email", STRAND_QUESTION, "Microsoft Forms (Excel download)",
    ),
    WaveSpec(
        3, "Mar 2026", dt.date(2026, 3, 15), "csv", "wave3_paper.csv",
        "email", "strand", "paper forms keyed into Excel (CSV, semicolon-delimited, UTF-8 with BOM)",
    ),
)  # fmt: skip

# -- membership plan -------------------------------------------------------------------------
#: People invited at wave 1, per strand: 48 members, plus 3 HR administrators who attend but
#: are not members. HR administration (3) is too small to report on; training quality assurance
#: (5, always smaller than the trainers) is the smallest reportable group, so complementary
#: suppression hides it, not the trainers, whose difference is one of the built-in effects.
ROSTER_AT_START: Mapping[str, int] = {HR: 20, ODL: 12, TRAINERS: 11, TRAINING_QA: 5, HR_ADMIN: 3}
#: Members who leave after wave k (attrition).
LEAVERS: Mapping[int, Mapping[str, int]] = {
    1: {HR: 2, ODL: 1, TRAINERS: 1},
    2: {HR: 1, TRAINERS: 1},
}
#: Members who join before wave k.
JOINERS: Mapping[int, Mapping[str, int]] = {2: {HR: 2, ODL: 1}, 3: {HR: 1, ODL: 1, TRAINERS: 1}}
#: Members who do not answer wave k (trainers attend, and answer, less).
NON_RESPONDENTS: Mapping[int, Mapping[str, int]] = {
    1: {HR: 1, ODL: 1, TRAINERS: 2},
    2: {HR: 1, TRAINERS: 2},
    3: {HR: 2, TRAINERS: 2},
}

# -- latent model ----------------------------------------------------------------------------
TRAIT_SD = 0.45  # general attitude to the group, shared by all scales
SCALE_SD = 0.35  # stable personal deviation per scale
OCCASION_SD = 0.20  # fresh deviation per scale at each wave
ITEM_OFFSET_SD = 0.3  # fixed per item: some statements are easier to agree with
ITEM_NOISE_SD = 0.5  # per answer
REVERSE_EXTRA_SD = 0.3  # reverse-keyed statements are answered less consistently
DEFAULT_LEVEL = 3.3  # true mean of a scale not listed in LEVELS

#: The instruments of the first sample data, in questionnaire order. Their latent variables,
#: noise and missing answers are drawn from the original random streams, so that adding an
#: instrument later changes none of their answers; every other instrument draws from streams of
#: its own (seeded by the seed and the instrument id).
FIRST_INSTRUMENTS: tuple[str, ...] = (
    "strategic_direction_ownership",
    "professional_identity",
    "reflection",
    "transfer_of_learning",
    "le_may_success_factors",
    "mcdermott_identity_strength",
)

#: True mean (1-5) of each scale at wave 1 for members outside the trainers subgroup, before
#: the effects below. Stage 3 (reflection, transfer of learning) starts lowest.
LEVELS: Mapping[str, Mapping[str, float]] = {
    "strategic_direction_ownership": {
        "sponsorship": 4.0,
        "collective_agenda": 2.6,
        "strategic_alignment": 3.7,
        "membership_clarity": 3.5,
    },
    "professional_identity": {
        "professional_identity": 3.8,
        "knowledge_sharing": 3.3,
        "networks_external": 3.7,
        "peer_challenge": 3.2,
    },
    "reflection": {"time_to_reflect": 2.7, "reflecting_with_others": 2.8, "closing_the_loop": 2.3},
    "transfer_of_learning": {
        "applying_learning": 2.9,
        "wider_perspective": 3.0,
        "follow_up": 2.6,
        "organisational_embedding": 2.4,
    },
    "mcdermott_identity_strength": {
        "interest_group": 3.7,
        "network": 3.8,
        "community_of_practice": 3.0,
    },
    "le_may_success_factors": {
        "membership": 3.5,
        "commitment": 3.6,
        "relevance": 3.8,
        "enthusiasm": 3.5,
        "infrastructure": 3.2,
        "skills": 3.0,
        "resources": 2.7,
    },
    "value_creation": {
        "immediate_value": 3.9,
        "potential_value": 3.6,
        "applied_value": 2.9,
        "realised_value": 2.6,
        "reframing_value": 2.4,
    },
}

EffectKind = Literal["wave_change", "group_difference", "level", "no_change"]


@dataclass(frozen=True)
class Effect:
    """An effect built into the data on purpose, for the analysis to find.

    - ``wave_change``: the true mean moves by ``by_wave[k]`` at wave k+1 relative to wave 1.
    - ``group_difference``: members of ``group`` score ``size`` higher (negative: lower) than
      the other members, at every wave.
    - ``level``: the true mean is held at ``size`` at every wave (it replaces :data:`LEVELS`).
    - ``no_change``: a control; the true mean is the same at every wave (``size`` 0).

    ``scales`` empty means every scale of the instrument.
    """

    id: str
    kind: EffectKind
    instrument: str
    scales: tuple[str, ...]
    size: float
    description: str
    by_wave: tuple[float, ...] = ()
    group: str | None = None

    def scale_ids(self, instrument: Instrument) -> tuple[str, ...]:
        """The scales this effect applies to (checked against the instrument)."""
        if instrument.id != self.instrument:
            raise ValueError(f"effect {self.id} is about {self.instrument}, not {instrument.id}")
        unknown = [s for s in self.scales if s not in instrument.scale_ids]
        if unknown:
            raise ValueError(f"effect {self.id}: {instrument.id} has no scale {unknown}")
        return self.scales or instrument.scale_ids


STAGE3_BY_WAVE = (0.0, 0.3, 0.6)

#: Every effect built in on purpose. Each is documented, with its size, in sample_data/README.md.
BUILT_IN_EFFECTS: tuple[Effect, ...] = (
    Effect(
        "stage3_reflection_improves", "wave_change", "reflection", (), 0.3,
        "Stage 3 (reflection) starts as the weakest stage and improves by +0.3 per wave.",
        by_wave=STAGE3_BY_WAVE,
    ),
    Effect(
        "stage3_transfer_improves", "wave_change", "transfer_of_learning", (), 0.3,
        "Stage 3 (transfer of learning) starts weak and improves by +0.3 per wave.",
        by_wave=STAGE3_BY_WAVE,
    ),
    Effect(
        "trainers_lower_relevance", "group_difference", "le_may_success_factors",
        ("relevance",), -0.8,
        "Trainers find the group less relevant to them (le May relevance).",
        group=TRAINERS,
    ),
    Effect(
        "trainers_lower_alignment", "group_difference", "strategic_direction_ownership",
        ("strategic_alignment",), -0.8,
        "Trainers see the group's agenda as less aligned with their work (stage 1).",
        group=TRAINERS,
    ),
    Effect(
        "trainers_lower_commitment", "group_difference", "le_may_success_factors",
        ("commitment",), -0.5,
        "Trainers attend less (le May commitment).",
        group=TRAINERS,
    ),
    Effect(
        "mcdermott_community_grows", "wave_change", "mcdermott_identity_strength",
        ("community_of_practice",), 0.35,
        "Community-of-practice identity grows by +0.35 per wave, moving members from network "
        "towards community of practice on McDermott's continuum.",
        by_wave=(0.0, 0.35, 0.7),
    ),
    Effect(
        "mcdermott_interest_group_fades", "wave_change", "mcdermott_identity_strength",
        ("interest_group",), -0.2,
        "Coming only for information (interest group) fades by -0.2 per wave.",
        by_wave=(0.0, -0.2, -0.4),
    ),
    Effect(
        "collective_agenda_low", "level", "strategic_direction_ownership",
        ("collective_agenda",), 2.6,
        "Passive membership: the collective agenda is the lowest stage-1 scale (true mean 2.6, "
        "against 3.5 to 4.0 for the other stage-1 scales).",
    ),
    Effect(
        "stage2_stable_control", "no_change", "professional_identity", (), 0.0,
        "Control: the four stage-2 scales do not change across waves.",
    ),
    Effect(
        "value_stops_at_application", "level", "value_creation", ("applied_value",), 2.9,
        "Value stops flowing at applied value: members find taking part worthwhile (immediate "
        "value 3.9) and gain knowledge and contacts (potential value 3.6), but few change their "
        "practice (applied value 2.9), and fewer still see results (realised 2.6, reframing "
        "2.4).",
    ),
    Effect(
        "value_applied_grows", "wave_change", "value_creation", ("applied_value",), 0.2,
        "Applied value grows by +0.2 per wave, with transfer of learning, but stays below "
        "agreement (3.3 at wave 3): value still stops at application.",
        by_wave=(0.0, 0.2, 0.4),
    ),
)  # fmt: skip


# -- answer imperfections --------------------------------------------------------------------
BLANK_RATE = 0.008
#: Base rates of the first ("Don't know") and second ("Not applicable") missing label.
DONT_KNOW_RATE = 0.012
NOT_APPLICABLE_RATE = 0.004
#: Scales members often cannot judge: "Don't know" rate.
DONT_KNOW_PRONE: Mapping[tuple[str, str], float] = {
    ("le_may_success_factors", "infrastructure"): 0.07,
    ("le_may_success_factors", "resources"): 0.10,
    ("le_may_success_factors", "skills"): 0.05,
    ("strategic_direction_ownership", "sponsorship"): 0.04,
}
#: Scales that do not apply to everyone (no manager, no team): "Not applicable" rate.
NOT_APPLICABLE_PRONE: Mapping[tuple[str, str], float] = {
    ("transfer_of_learning", "follow_up"): 0.07,
}
#: New joiners answer "Don't know" this many times as often at their first wave.
JOINER_DONT_KNOW_FACTOR = 2.0
#: (wave, strand, code): a member who gives the same answer to every statement.
STRAIGHT_LINERS: tuple[tuple[int, str, int], ...] = ((1, HR, 4), (3, ODL, 3))
#: (wave, strand, instruments answered): a member who stops part-way through.
PARTIALS: tuple[tuple[int, str, int], ...] = ((1, ODL, 3), (3, HR, 4))
#: (wave, strand): a member who submits twice; the later submission is the one that counts.
DUPLICATE: tuple[int, str] = (2, HR)
#: Waves whose export contains one platform preview (test) response.
PREVIEW_WAVES: tuple[int, ...] = (1,)

FIRST_NAMES = (
    "Aisha", "Alex", "Amir", "Anna", "Ben", "Bethan", "Callum", "Chloe", "Chris", "Claire",
    "Daniel", "Deborah", "Eilidh", "Emma", "Fatima", "Gareth", "Grace", "Hannah", "Harpreet",
    "Ian", "Imran", "Jack", "Jade", "James", "Joanne", "Karen", "Kwame", "Laura", "Leah", "Liam",
    "Lucy", "Mark", "Megan", "Mohammed", "Naomi", "Niamh", "Oliver", "Olu", "Paul", "Priya",
    "Rachel", "Rhys", "Rosa", "Ruth", "Sam", "Sarah", "Siân", "Simon", "Sophie", "Tom", "Tomasz",
    "Usha", "Wei", "Yusuf", "Zoë", "Zainab", "Dafydd", "Ewa", "Funmi", "Hamza",
)  # fmt: skip
SURNAMES = (
    "Adeyemi", "Ahmed", "Allen", "Baker", "Bell", "Brown", "Campbell", "Chen", "Clarke", "Cole",
    "Davies", "Edwards", "Evans", "Fletcher", "Green", "Hall", "Harris", "Hughes", "Jackson",
    "James", "Jones", "Kaur", "Khan", "King", "Kowalski", "Lewis", "Lloyd", "Martin", "Mensah",
    "Morgan", "Murphy", "Nowak", "O'Brien", "O'Neill", "Owen", "Patel", "Phillips", "Price",
    "Roberts", "Robinson", "Scott", "Shah", "Singh", "Smith", "Taylor", "Thomas", "Thompson",
    "Turner", "Walker", "Ward", "Watson", "White", "Williams", "Wilson", "Wright", "Young",
    "Bennett", "Doyle", "Iqbal", "Okafor",
)  # fmt: skip
EMAIL_DOMAIN = "example.org"


# -- the evaluation cycle around the survey ----------------------------------------------------
#: The project context the demo stores (the report's "Purpose and context").
CONTEXT: Mapping[str, str] = {
    "name": "HR Professional Group (simulated)",
    "purpose": (
        "To find out whether the group builds professional identity and capability, and whether "
        "members reflect on and apply what they learn, so that the group can review and revise "
        "how it works; for the group's sponsor and members."
    ),
    "cadence": (
        "Monthly, two hours, in working hours (second Tuesday of the month; no meeting in August)."
    ),
    "membership_rules": (
        "Everyone in HR, Organisational Development & Learning, the trainers and training "
        "quality assurance is a member (membership became mandatory at the reorganisation). "
        "HR administrators attend but are not members."
    ),
    "sponsor": "Director of People",
    "evaluator": "The group's lead, with a colleague from OD&L (a survey run by the group itself)",
}

#: Meetings: the second Tuesday of each month, October 2024 to March 2026, none in August: 17.
MEETINGS: tuple[dt.date, ...] = tuple(
    day
    for year, month in [(2024, m) for m in (10, 11, 12)] + [(2025, m) for m in range(1, 13)]
    + [(2026, m) for m in (1, 2, 3)]
    if month != 8 or year != 2025
    for day in [dt.date(year, month, 8 + (1 - dt.date(year, month, 8).weekday()) % 7)]
)  # fmt: skip

#: Attendance (the thesis's pattern, T:12230+: most attend 15-16 of 17, one group far less).
#: Most members miss 0-3 of the 17 meetings (weights below, scaled to the meetings they could
#: attend); the trainers attend 20% to 40% of theirs; some absences are sent apologies.
ATTENDANCE_MISSES: Mapping[int, float] = {0: 0.1, 1: 0.4, 2: 0.4, 3: 0.1}
LOW_ATTENDANCE_GROUP = TRAINERS
LOW_ATTENDANCE_RATE = (0.2, 0.4)
APOLOGIES_SHARE = 0.4

#: Two actions the group agreed after wave 1: one targets reflection time (which the sample's
#: stage-3 effect then improves), one the collective agenda (held flat: it does not move).
DEMO_ACTIONS: tuple[Mapping[str, object], ...] = (
    {
        "title": "Ten minutes of reflection at the end of every meeting",
        "description": (
            "Close each meeting with ten minutes in pairs: what will you use, and with whom? "
            "Notes are shared with the next meeting's agenda."
        ),
        "owner": "Group lead",
        "targets": ["reflection.time_to_reflect"],
        "agreed_after": "Mar 2025",
        "due": "2025-06-30",
        "success_measure": "Time to reflect improves by the next survey",
        # agreed on the first wave's report's first recommendation (as `cop-eval actions add
        # --from-recommendation 1` records it), so the later report shows the plan beside it
        "recommendation": (
            "Recommendation 1 (Mar 2025): Build structured reflection and follow-up into "
            "meetings. Stage 3 (Reflection and transfer of learning) scores 2.69 in Mar 2025, "
            "the weakest stage."
        ),
        "notes": [
            {"date": "2025-04-08", "text": "Agreed at the April meeting; trial in May."},
            {"date": "2025-05-13", "text": "First reflection slot held.", "status": "under_way"},
            {"date": "2025-06-10", "text": "Part of every meeting now.", "status": "done"},
        ],
    },
    {
        "title": "Members propose and vote on next year's topics",
        "description": (
            "An open call for topics and a vote, so the programme is not set by a few voices."
        ),
        "owner": "Group facilitator",
        "targets": ["strategic_direction_ownership.collective_agenda"],
        "agreed_after": "Mar 2025",
        "due": "2026-01-31",
        "success_measure": "Collective agenda at 3.5 or more",
        "recommendation": "Recommendation 3 (Mar 2025): Move from a few voices to collective "
        "ownership. Members disagree on average on collective agenda and ownership.",
        "notes": [
            {"date": "2025-09-09", "text": "Call for topics sent.", "status": "under_way"},
            {"date": "2026-01-13", "text": "Few proposals so far; vote postponed."},
        ],
    },
)


def true_mean(instrument: Instrument, scale: str, strand: str, wave: int) -> float:
    """The true mean of a scale for a strand at a wave: level plus every effect that applies."""
    level = LEVELS.get(instrument.id, {}).get(scale, DEFAULT_LEVEL)
    shift = 0.0
    for effect in BUILT_IN_EFFECTS:
        if effect.instrument != instrument.id or scale not in effect.scale_ids(instrument):
            continue
        if effect.kind == "level":
            level = effect.size
        elif effect.kind == "wave_change":
            shift += effect.by_wave[wave - 1]
        elif effect.kind == "group_difference" and strand == effect.group:
            shift += effect.size
    return level + shift


def check_plan(instruments: Sequence[Instrument]) -> None:
    by_id = {inst.id: inst for inst in instruments}
    for inst_id, levels in LEVELS.items():
        if inst_id in by_id:
            unknown = set(levels) - set(by_id[inst_id].scale_ids)
            if unknown:
                raise ValueError(f"LEVELS names scales {sorted(unknown)} not in {inst_id}")
    for effect in BUILT_IN_EFFECTS:
        if effect.instrument not in by_id:
            raise ValueError(f"effect {effect.id}: no built-in instrument {effect.instrument}")
        effect.scale_ids(by_id[effect.instrument])
        if effect.kind == "wave_change" and len(effect.by_wave) != len(WAVES):
            raise ValueError(f"effect {effect.id}: by_wave needs one entry per wave")
    for inst_id, scale in (*DONT_KNOW_PRONE, *NOT_APPLICABLE_PRONE):
        if inst_id in by_id and scale not in by_id[inst_id].scale_ids:
            raise ValueError(f"missing-answer rates name scale {scale} not in {inst_id}")
