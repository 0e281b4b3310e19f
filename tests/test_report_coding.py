"""Two coders' agreement in the report's comments section: its sentence, its table, its inputs."""

from __future__ import annotations

import statistics

from cop_eval.comments.agreement import coding_agreement
from cop_eval.comments.codebook import load_codebook
from cop_eval.cycle.inputs import CycleInputs
from cop_eval.report.build_comments import coding_facts
from cop_eval.report.model import Paragraph, Table
from cop_eval.report.numbering import Numbering
from cop_eval.report.sections_coding import coding_blocks, used_themes

BOOK = load_codebook(None)
FIRST = {f"W/q/{i}": ("relevance",) if i % 3 == 0 else ("networks",) for i in range(30)}
SECOND = {**FIRST, "W/q/1": ("relevance",), "W/q/2": (), "W/q/4": ("networks", "attendance")}


def test_no_agreement_without_two_coders_of_the_same_comments() -> None:
    assert coding_facts(None) is None
    assert coding_facts(CycleInputs(codings={"A": FIRST})) is None
    assert coding_facts(CycleInputs(codings={"A": FIRST, "B": {"X/q/1": ()}})) is None


def test_the_first_two_coders_by_name_are_compared() -> None:
    found = coding_facts(CycleInputs(codings={"b": SECOND, "C": {}, "a": FIRST}), BOOK)
    assert found == coding_agreement(FIRST, SECOND, BOOK, names=("a", "b"))


def test_the_sentence_gives_the_table_s_numbers() -> None:
    agreement = coding_agreement(FIRST, SECOND, BOOK, names=("Ann", "Bo"))
    paragraph, table = coding_blocks(agreement, {"relevance": "Relevance"}, Numbering(3))
    assert isinstance(paragraph, Paragraph) and isinstance(table, Table)
    used = used_themes(agreement)
    assert [t.theme for t in used] == ["networks", "relevance", "attendance"]  # codebook order
    kappas = [row.cells[3].value for row in table.rows]
    assert kappas == [t.kappa for t in used]
    median = statistics.median(k for k in kappas if isinstance(k, float))
    assert f"the same {agreement.n} comments" in paragraph.text
    assert f"median of {median:.2f} over the {len(used)} themes" in paragraph.text
    assert [row.cells[0].value for row in table.rows] == ["networks", "Relevance", "attendance"]
    assert f"n = {agreement.n}" in (table.caption or "")
