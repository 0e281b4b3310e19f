"""Theme analysis: coding, shares with Wilson CIs, Newcombe changes, the comment threshold and
quotes that never come from a group under it."""

from __future__ import annotations

import json
import threading

import numpy as np
import pandas as pd
import pytest

from cop_eval.comments.analysis import analyse_comments, shareable_comments
from cop_eval.comments.codebook import load_codebook
from cop_eval.comments.coding import Coder, stems
from cop_eval.errors import OptionError
from cop_eval.instruments import load_instrument
from cop_eval.privacy import PrivacyPolicy
from cop_eval.responses import ImportReport, ResponseSet
from cop_eval.stats.proportions import newcombe_diff_ci, wilson_ci

INST = load_instrument("le_may_success_factors")
REFLECT = "There is never enough time to reflect after the sessions, which is frustrating."
AGENDA = "Let members choose the topics instead of the same few people."
SECRET = "Only the eight of us in the small team know what this sentence says."


def wave(label: str, texts: list[str | None], groups: list[str]) -> ResponseSet:
    n = len(texts)
    items = pd.DataFrame({i: np.full(n, 3, np.float32) for i in INST.item_ids})
    return ResponseSet(
        source=f"{label}.csv",
        instruments=(INST,),
        items=items,
        report=ImportReport(source=f"{label}.csv", format="csv", rows_read=n, rows_accepted=n),
        groups=pd.DataFrame({"team": pd.Series(groups, dtype=object)}),
        wave=label,
        comments=pd.DataFrame({"lm_improve": pd.Series(texts, dtype=object)}),
    )


def test_stems_and_coding() -> None:
    assert stems("Reflecting, reflections!") == ("reflect", "reflect")
    coder = Coder(load_codebook())
    assert [c.theme for c in coder(REFLECT)] == ["time_to_reflect"]
    assert [c.theme for c in coder("Changed how I work, following up with my manager")] == [
        "applying_learning",
        "closing_the_loop",
    ]
    # an exclude phrase vetoes the theme
    assert "applying_learning" not in [c.theme for c in coder("I have not been able to apply it")]


def test_shares_cis_and_change() -> None:
    first = wave("w1", [REFLECT] * 6 + [AGENDA] * 6, ["A"] * 12)
    second = wave("w2", [REFLECT] * 3 + [AGENDA] * 9 + [None] * 2, ["A"] * 14)
    result = analyse_comments([first, second], [INST], group_column="team")
    theme = next(t for t in result.themes if t.theme == "time_to_reflect")
    assert (theme.n, theme.total, theme.share) == (3, 12, 0.25)
    assert theme.ci == pytest.approx(wilson_ci(3, 12))
    assert [c.n for c in theme.by_wave] == [6, 3]
    (change,) = theme.changes
    assert change.diff == pytest.approx(0.25 - 0.5)
    assert change.ci == pytest.approx(newcombe_diff_ci(3, 12, 6, 12))
    assert theme.sentiment is not None and theme.sentiment < 0
    doc = result.to_dict()
    assert {"theme", "n", "share", "ci", "sentiment", "by_wave"} <= set(doc["themes"][0])
    assert doc["themes"][0]["changes"][0]["from"] == "w1"


def test_a_wave_of_eight_commenters_shows_nothing() -> None:
    small = wave("w1", [SECRET] * 8 + [None] * 4, ["A"] * 12)
    result = analyse_comments([small], [INST])
    assert result.waves[0].suppressed and result.waves[0].commenters is None
    assert all(t.suppressed and not t.quotes and t.n is None for t in result.themes)
    assert not result.candidates
    assert "eight of us" not in json.dumps(result.to_dict())
    assert shareable_comments([small], [INST], load_codebook()) == []


def test_a_subgroup_of_eight_is_never_quoted() -> None:
    small = SECRET.replace("eight", "eight reflect")
    texts = [REFLECT] * 12 + [small] * 8 + [AGENDA] * 12 + [small] * 3
    groups = ["HR"] * 12 + ["Small"] * 8 + ["OD"] * 12 + ["Tiny"] * 3
    result = analyse_comments([wave("w1", texts, groups)], [INST], group_column="team")
    assert result.hidden_groups == ("Small", "Tiny")
    text = json.dumps(result.to_dict())
    assert "eight" not in text
    theme = next(t for t in result.themes if t.theme == "time_to_reflect")
    assert theme.n == 23  # the wave's count includes everyone
    small = next(g for g in theme.by_group if g.label == "Small")
    assert small.suppressed and small.n is None
    sheet = shareable_comments(
        [wave("w1", texts, groups)], [INST], load_codebook(), group_column="team"
    )
    assert len(sheet) == 24 and all("eight" not in c.text for c in sheet)


def test_complementary_suppression_of_subgroups() -> None:
    texts = [REFLECT] * 30
    groups = ["Big"] * 16 + ["Mid"] * 11 + ["Tiny"] * 3
    result = analyse_comments([wave("w1", texts, groups)], [INST], group_column="team")
    # Tiny alone could be worked out from the total: the next smallest is hidden too
    assert result.hidden_groups == ("Mid", "Tiny")


def test_threshold_never_below_the_scale_threshold() -> None:
    one = wave("w1", [REFLECT] * 12, ["A"] * 12)
    with pytest.raises(OptionError, match="cannot be below"):
        analyse_comments([one], [INST], privacy=PrivacyPolicy(5, 4))
    # a larger comment threshold hides a wave of 12
    hidden = analyse_comments([one], [INST], privacy=PrivacyPolicy(5, 13))
    assert hidden.waves[0].suppressed and hidden.threshold == 13
    with pytest.raises(OptionError, match="ask no open questions"):
        analyse_comments([one], [load_instrument("reflection")])


def test_quotes_are_redacted() -> None:
    texts = [f"Ask Dr Okafor on 07700 900{100 + k} about {REFLECT}" for k in range(12)]
    result = analyse_comments([wave("w1", texts, ["A"] * 12)], [INST])
    text = json.dumps(result.to_dict())
    assert "Okafor" not in text and "07700" not in text and "[phone]" in text


def test_candidate_themes_from_uncoded_comments() -> None:
    texts = [f"The parking near the venue is terrible {k}" for k in range(12)]
    texts += [f"Better biscuits and coffee at breaks {k}" for k in range(12)]
    result = analyse_comments([wave("w1", texts, ["A"] * 24)], [INST])
    assert len(result.candidates) == 2, "24 uncoded comments suggest two candidates"
    terms = {t for c in result.candidates for t in c.terms}
    assert {"parking", "biscuits"} <= terms
    again = analyse_comments([wave("w1", texts, ["A"] * 24)], [INST])
    assert again.candidates == result.candidates  # fixed seed


def test_stems_from_two_threads_at_once() -> None:
    """The web app stems on its pages' threads and in its background work at the same time; a
    shared snowball stemmer garbled the words (IndexError in the web's comments page)."""
    words = " ".join(f"reflections{i} sessions networking challenged" for i in range(300))
    expected = stems(words)
    results: list[tuple[str, ...]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                results.append(stems(words))
        except BaseException as exc:  # collected: the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(r == expected for r in results)
