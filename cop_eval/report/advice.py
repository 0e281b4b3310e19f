"""What the recommendation rules advise: the actions for a weak stage or success factor.

Advice, not data: these sentences are the same in every report (the figures that trigger them are
in :mod:`cop_eval.report.rules`).
"""

from __future__ import annotations

__all__ = ["FACTOR_ACTIONS", "STAGE_ACTIONS"]

STAGE_ACTIONS = {
    1: (
        "Share ownership of direction and agenda",
        "Ask members to propose and vote on topics for the next cycle, rotate facilitation "
        "between members, and have the sponsor restate how the group links to strategy and "
        "professional standards.",
    ),
    2: (
        "Turn information-giving into knowledge sharing",
        "Replace some presentations with case discussions and peer challenge, pair members across "
        "teams, and invite an outside perspective (another organisation or network) each quarter.",
    ),
    3: (
        "Build structured reflection and follow-up into meetings",
        "Reserve the last 15 minutes of each meeting for reflection, note who will apply what, "
        "check back at the next meeting (closing the loop), and hold sessions in working hours so "
        "everyone has the same chance to take part.",
    ),
}

FACTOR_ACTIONS = {
    "infrastructure": "Secure access to knowledge and evidence: library, shared drive and IT.",
    "skills": "Provide admin and IT support and build skills such as critical appraisal.",
    "resources": "Find funding and time for pilots and for evaluating what the group changes.",
    "relevance": "Check topics against members' own development and service needs.",
    "commitment": "Agree a realistic attendance and contribution pattern with members.",
    "enthusiasm": "Give members visible roles and celebrate what the group achieved.",
    "membership": "Review who can join, including those who attend but are not members.",
}
